/**
 * The Vercel AI SDK's OpenAI provider, whose default model (`openai("…")`, not `.chat()`) speaks the
 * Responses API, against the gateway in-process: the recorded request it sends
 * (../shared/fixtures/agents/ai-sdk-openai-*) replayed to every provider, then the real SDK —
 * generateText and streamText with a tool loop — reading the gateway's answers with its own parser.
 */
import { createOpenAI } from "@ai-sdk/openai";
import { generateText, jsonSchema, stepCountIs, streamText, tool } from "ai";
import { describe, expect, it } from "vitest";
import { fakeSession, readSharedFixtureJson, sharedFixturesAvailable } from "../helpers/fake-upstream";
import { gateway } from "../helpers/gateway";
import { FAKE_REASONING, UPSTREAMS, fakeText } from "../helpers/fake-answers";
import { SDK_BASE, sdkFetch, type SdkCall } from "../helpers/sdk-fetch";
import { readStream, setup, type Rec } from "./helpers";

const MODELS = [UPSTREAMS.openai, UPSTREAMS.anthropic, UPSTREAMS.gemini, UPSTREAMS.deepseek];

describe.skipIf(!sharedFixturesAvailable())("the recorded @ai-sdk/openai request", () => {
  for (const u of MODELS) {
    it(`streams an answer from ${u.model}`, async () => {
      const rec = await readSharedFixtureJson<{ body: Rec }>("agents/ai-sdk-openai-4.0.126.responses.openai-gpt-4o.stream.request.json");
      const s = await setup("ai-sdk-recorded");
      const { final } = await readStream(await s.post({ ...rec.body, model: u.model }));
      expect(final.status).toBe("completed");
      expect((final.output as Rec[]).find((i) => i.type === "message")).toMatchObject({ content: [{ type: "output_text", text: fakeText(u) }] });
    });
  }
});

async function sdk() {
  const up = fakeSession("ai-sdk");
  const gw = gateway({ ...up.env, OPENROUTER_API_KEY: "" });
  const { key } = await gw.createKey();
  const log: SdkCall[] = [];
  const provider = createOpenAI({ baseURL: `${SDK_BASE}/v1`, apiKey: key, fetch: sdkFetch(gw, log) });
  return { up, log, provider };
}

const weather = tool({
  description: "Current weather for a city",
  inputSchema: jsonSchema<{ city: string }>({ type: "object", properties: { city: { type: "string" } }, required: ["city"], additionalProperties: false }),
  execute: async ({ city }) => ({ city, temp_c: city === "Boston" ? 12 : 21 }),
});

describe("@ai-sdk/openai's default (Responses) model", () => {
  for (const u of MODELS) {
    it(`generateText runs a tool loop on ${u.model}`, async () => {
      const { provider, log, up } = await sdk();
      const result = await generateText({
        model: provider(u.model),
        prompt: "What's the weather in San Francisco and Boston? Use parallel calls.",
        tools: { get_weather: weather },
        stopWhen: stepCountIs(3),
      });
      expect(log.every((l) => l.path === "/v1/responses")).toBe(true);
      expect(result.steps.length).toBe(2);
      expect(result.steps[0].toolCalls.map((c) => c.input)).toEqual([{ city: "San Francisco" }, { city: "Boston" }]);
      expect(result.text).toBe(fakeText(u));
      expect(result.totalUsage.inputTokens).toBeGreaterThan(0);
      // The tool results reached the provider in its own format.
      expect(JSON.stringify((await up.lastRequest())!.body)).toMatch(/temp_c\\?"\s*:\s*12/);
    });

    it(`streamText streams text and reasoning from ${u.model}`, async () => {
      const { provider } = await sdk();
      const result = streamText({
        model: provider(u.model),
        prompt: "Think, then say hello",
        // The SDK sends reasoning settings only for ids it knows reason, unless told to.
        providerOptions: { openai: { reasoningEffort: "high", reasoningSummary: "auto", forceReasoning: true } },
      });
      let text = "";
      let reasoning = "";
      for await (const part of result.fullStream) {
        if (part.type === "text-delta") text += part.text;
        if (part.type === "reasoning-delta") reasoning += part.text;
        if (part.type === "error") throw part.error;
      }
      expect(text).toBe(fakeText(u));
      // gpt-4o takes no reasoning (the catalog says so): the setting is dropped, not refused.
      expect(reasoning).toBe(u === UPSTREAMS.openai ? "" : FAKE_REASONING);
      expect((await result.usage).outputTokens).toBeGreaterThan(0);
    });
  }
});
