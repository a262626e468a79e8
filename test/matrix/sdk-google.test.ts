/**
 * The official `@google/genai` SDK as a client of the gateway, unchanged, inside workerd (its
 * httpOptions.fetch is routed into the app in-process): generateContent, generateContentStream,
 * function calling with the functionResponse turn, thinking, countTokens and models.list, with
 * catalog ids of every provider (`anthropic/claude-sonnet-4.6` keeps its slash in the path).
 */
import { GoogleGenAI, type Content, type FunctionDeclaration } from "@google/genai";
import { describe, expect, it } from "vitest";
import { FAKE_CALL_ARGS, FAKE_REASONING, UPSTREAMS, fakeText, type UpstreamName } from "../helpers/fake-answers";
import { rig } from "../helpers/rig";
import { SDK_BASE, sdkFetch, type SdkCall } from "../helpers/sdk-fetch";
import { WEATHER_TOOL } from "../helpers/surface-request";

async function setup(apiVersion?: string) {
  const { up, gw, key } = await rig("sdk-google");
  const log: SdkCall[] = [];
  const ai = new GoogleGenAI({ apiKey: key, httpOptions: { baseUrl: SDK_BASE, fetch: sdkFetch(gw, log), ...(apiVersion ? { apiVersion } : {}) } });
  return { up, gw, key, log, ai };
}

const weather: FunctionDeclaration = { name: WEATHER_TOOL.name, description: WEATHER_TOOL.description, parametersJsonSchema: WEATHER_TOOL.schema };
const question = "What's the weather in San Francisco and Boston? Use parallel calls.";
const UPSTREAM_NAMES: UpstreamName[] = ["gemini", "anthropic", "openai", "deepseek"];

describe("@google/genai → gateway", () => {
  for (const name of UPSTREAM_NAMES) {
    const u = UPSTREAMS[name];

    it(`models.generateContent (${u.model})`, async () => {
      const { ai, log, key } = await setup();
      const res = await ai.models.generateContent({ model: u.model, contents: "Say hello", config: { systemInstruction: "Be brief." } });
      // SDK 3.x default: /v1/models/{model}:generateContent, the key in x-goog-api-key.
      expect(log[0]).toMatchObject({ method: "POST", path: `/v1/models/${u.model}:generateContent` });
      expect(log[0].headers["x-goog-api-key"]).toBe(key);
      expect(res.text).toBe(fakeText(u));
      expect(res.candidates?.[0].finishReason).toBe("STOP");
      expect(res.usageMetadata?.totalTokenCount).toBe((res.usageMetadata?.promptTokenCount ?? 0) + (res.usageMetadata?.candidatesTokenCount ?? 0));
    });

    it(`models.generateContentStream (${u.model})`, async () => {
      const { ai, log } = await setup();
      const stream = await ai.models.generateContentStream({ model: u.model, contents: "Say hello" });
      let text = "";
      let chunks = 0;
      let last;
      for await (const chunk of stream) {
        chunks++;
        text += chunk.text ?? "";
        last = chunk;
      }
      expect(log[0].path).toBe(`/v1/models/${u.model}:streamGenerateContent`);
      expect(log[0].query.alt).toBe("sse");
      expect(chunks).toBeGreaterThan(1);
      expect(text).toBe(fakeText(u));
      expect(last!.candidates?.[0].finishReason).toBe("STOP");
      expect(last!.usageMetadata?.candidatesTokenCount).toBeGreaterThan(0);
    });

    it(`function calling with the functionResponse turn (${u.model})`, async () => {
      const { ai, up } = await setup();
      const config = { tools: [{ functionDeclarations: [weather] }] };
      const first = await ai.models.generateContent({ model: u.model, contents: question, config });
      const calls = first.functionCalls ?? [];
      expect(calls.map((c) => ({ name: c.name, args: c.args }))).toEqual(FAKE_CALL_ARGS.map((args) => ({ name: WEATHER_TOOL.name, args })));

      const history: Content[] = [
        { role: "user", parts: [{ text: question }] },
        first.candidates![0].content!,
        { role: "user", parts: calls.map((c, i) => ({ functionResponse: { id: c.id, name: c.name, response: { temp_c: [21, 12][i] } } })) },
      ];
      const second = await ai.models.generateContent({ model: u.model, contents: history, config });
      expect(second.text).toBe(fakeText(u));
      expect(second.functionCalls).toBeUndefined();
      const sent = JSON.stringify((await up.lastRequest())!.body);
      // As an object (Gemini functionResponse) or as JSON text (OpenAI tool / Anthropic tool_result content).
      expect(sent).toMatch(/temp_c\\?":21/);
      expect(sent).toMatch(/temp_c\\?":12/);
      for (const c of calls) if (c.id) expect(sent).toContain(c.id);
    });

    it(`function calls through generateContentStream (${u.model})`, async () => {
      const { ai } = await setup();
      const stream = await ai.models.generateContentStream({ model: u.model, contents: question, config: { tools: [{ functionDeclarations: [weather] }] } });
      const calls = [];
      for await (const chunk of stream) calls.push(...(chunk.functionCalls ?? []));
      expect(calls.map((c) => c.args)).toEqual(FAKE_CALL_ARGS);
    });
  }

  it("thinking: thought parts come back with includeThoughts", async () => {
    const { ai, up } = await setup();
    const res = await ai.models.generateContent({
      model: UPSTREAMS.anthropic.model,
      contents: "Think, then say hello",
      config: { thinkingConfig: { thinkingBudget: 2048, includeThoughts: true } },
    });
    expect((await up.lastRequest())!.body.thinking).toEqual({ type: "enabled", budget_tokens: 2048 });
    const parts = res.candidates![0].content!.parts!;
    expect(parts.filter((p) => p.thought).map((p) => p.text).join("")).toBe(FAKE_REASONING);
    expect(res.text).toBe(fakeText(UPSTREAMS.anthropic));
  });

  it("models.countTokens", async () => {
    const { ai, log } = await setup();
    for (const model of [UPSTREAMS.gemini.model, UPSTREAMS.anthropic.model, UPSTREAMS.openai.model]) {
      const res = await ai.models.countTokens({ model, contents: "How many tokens is this?" });
      expect(log.at(-1)!.path).toBe(`/v1/models/${model}:countTokens`);
      expect(res.totalTokens).toBeGreaterThan(0);
    }
  });

  it("works with apiVersion v1beta too", async () => {
    const { ai, log } = await setup("v1beta");
    const res = await ai.models.generateContent({ model: UPSTREAMS.openai.model, contents: "Say hello" });
    expect(log[0].path).toBe(`/v1beta/models/${UPSTREAMS.openai.model}:generateContent`);
    expect(res.text).toBe(fakeText(UPSTREAMS.openai));
  });

  async function listNames(apiVersion?: string): Promise<string[]> {
    const { ai, log } = await setup(apiVersion);
    const names: string[] = [];
    const pager = await ai.models.list({ config: { pageSize: 50 } });
    for await (const m of pager) names.push(m.name!);
    expect(log[0]).toMatchObject({ method: "GET", path: `/${apiVersion ?? "v1"}/models` });
    return names;
  }

  it("models.list with apiVersion v1beta: Google's list shape, every page", async () => {
    const names = await listNames("v1beta");
    expect(names).toContain("models/google/gemini-2.5-flash");
    expect(names).toContain("models/anthropic/claude-sonnet-4.6");
    expect(names.length).toBeGreaterThan(50); // more than one page was followed
    expect(new Set(names).size).toBe(names.length);
  });

  // GET /v1/models is also the OpenAI list; the gateway tells a Google caller by its x-goog-api-key.
  it("models.list with the SDK's default apiVersion (v1)", async () => {
    expect(await listNames()).toContain("models/google/gemini-2.5-flash");
  });

  it("surfaces gateway errors as the SDK's ApiError with the HTTP status", async () => {
    const { ai, gw } = await setup();
    await expect(ai.models.generateContent({ model: "nope/nothing", contents: "Hi" })).rejects.toMatchObject({ status: 400 });
    const anonymous = new GoogleGenAI({ apiKey: "lr_live_wrong", httpOptions: { baseUrl: SDK_BASE, fetch: sdkFetch(gw) } });
    await expect(anonymous.models.generateContent({ model: UPSTREAMS.gemini.model, contents: "Hi" })).rejects.toMatchObject({ status: 401 });
  });
});
