/**
 * The Gemini-native surface beyond the matrix: both path prefixes, every auth placement, model ids
 * with slashes (raw and URL-encoded), both stream framings, running usage, whole function calls,
 * the thoughtSignature round trip through the OpenAI and Anthropic surfaces, countTokens, the
 * model list, and Google-shaped errors.
 */
import { describe, expect, it } from "vitest";
import { FAKE_REASONING, FAKE_THOUGHT_SIGNATURE, PACKED_SIGNATURE, UPSTREAMS, fakePromptTokens, fakeText, plainToolId } from "../helpers/fake-answers";
import { FAKE_PROVIDERS, NO_OPENROUTER, type FakeSession } from "../helpers/fake-upstream";
import { jsonPost } from "../helpers/gateway";
import { rig } from "../helpers/rig";
import { expectOk, readReply } from "../helpers/surface-reply";
import { WEATHER_TOOL, type Framing } from "../helpers/surface-request";
import { cutOpenAIStream } from "../helpers/upstream-scripts";

async function setup(env: Record<string, unknown> = {}) {
  const r = await rig("gemini-surface", { env: { ...NO_OPENROUTER, ...env } });
  const post = (path: string, body: unknown) => r.post("gemini", path, body);
  return { ...r, post };
}

const hi = { contents: [{ role: "user", parts: [{ text: "Hi" }] }] };
const weatherTools = [{ functionDeclarations: [{ name: WEATHER_TOOL.name, description: WEATHER_TOOL.description, parametersJsonSchema: WEATHER_TOOL.schema }] }];

/** A Gemini stream read whole (elements valid, the framing's own rules checked by the reader). */
const readStream = (res: Response, framing: Framing) => readReply({ surface: "gemini", framing }, res);

/** An HTTP error in Google's own envelope (checked by the reply reader), of this code and status. */
async function expectGoogleError(res: Response, code: number, status: string): Promise<string> {
  const reply = await readReply({ surface: "gemini", framing: "json" }, res);
  expect(reply.status).toBe(code);
  expect(reply.error?.type).toBe(status);
  return reply.error!.message;
}

describe("Gemini surface: paths, auth and model ids", () => {
  it("serves generateContent under /v1beta/models and /v1/models", async () => {
    const { up, post } = await setup();
    for (const prefix of ["/v1beta/models", "/v1/models"]) {
      const res = await post(`${prefix}/google/gemini-2.5-flash:generateContent`, hi);
      expect(res.status).toBe(200);
      const body = (await res.json()) as any;
      expect(body.candidates[0].content.parts[0].text).toBe(fakeText(UPSTREAMS.gemini));
      expect((await up.lastRequest())!.path).toBe("/gemini/v1beta/models/gemini-2.5-flash:generateContent");
    }
  });

  it("accepts the key as ?key=, x-goog-api-key and Authorization: Bearer", async () => {
    const { gw, key, up } = await setup();
    const path = "/v1beta/models/gemini-2.5-flash:generateContent";
    for (const [suffix, headers] of [
      [`?key=${key}`, {}],
      ["", { "x-goog-api-key": key }],
      ["", { authorization: `Bearer ${key}` }],
    ] as const) {
      const res = await gw.fetch(path + suffix, jsonPost(hi, headers));
      expect(res.status).toBe(200);
    }
    for (const r of await up.requests()) {
      expect(r.headers["x-goog-api-key"]).toBe(FAKE_PROVIDERS.GEMINI.key);
      expect(r.query.key).toBeUndefined();
    }
  });

  it("401 UNAUTHENTICATED without a key or with a wrong one", async () => {
    const { gw, up } = await setup();
    await expectGoogleError(await gw.fetch("/v1beta/models/gemini-2.5-flash:generateContent", jsonPost(hi)), 401, "UNAUTHENTICATED");
    await expectGoogleError(await gw.fetch("/v1beta/models/gemini-2.5-flash:generateContent?key=lr_live_wrong_wrong_wrong", jsonPost(hi)), 401, "UNAUTHENTICATED");
    expect(await up.requests()).toHaveLength(0);
  });

  it("takes provider/model ids with a slash, raw or URL-encoded, with or without models/", async () => {
    const { up, post } = await setup();
    const cases: Array<[string, string]> = [
      ["/v1beta/models/anthropic/claude-sonnet-4.6:generateContent", "/anthropic/v1/messages"],
      ["/v1beta/models/anthropic%2Fclaude-sonnet-4.6:generateContent", "/anthropic/v1/messages"],
      ["/v1/models/openai%2Fgpt-4o:generateContent", "/openai/v1/chat/completions"],
      ["/v1beta/models/deepseek/deepseek-v4-flash:generateContent", "/deepseek/v1/chat/completions"],
    ];
    for (const [path, upstreamPath] of cases) {
      const res = await post(path, hi);
      expect(res.status, path).toBe(200);
      const sent = (await up.lastRequest())!;
      expect(sent.path).toBe(upstreamPath);
      const body = (await res.json()) as any;
      expect(body.candidates[0].content.parts[0].text).toMatch(/^Hello from fake /);
      expect(body.modelVersion.length).toBeGreaterThan(0);
    }
  });
});

describe("streamGenerateContent framings", () => {
  it("alt=sse: CRLF-framed SSE, usageMetadata on every chunk as a running total", async () => {
    const { up, post } = await setup();
    const res = await post("/v1beta/models/anthropic/claude-sonnet-4.6:streamGenerateContent?alt=sse", hi);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/event-stream");
    const { chunks, raw } = expectOk(await readStream(res, "sse"));
    expect(raw).not.toMatch(/[^\r]\n/); // every line break is CRLF
    const sent = (await up.lastRequest())!;
    expect(sent.body.stream).toBe(true);
    const text = chunks.map((c) => c.candidates[0].content.parts.map((p: any) => p.text ?? "").join("")).join("");
    expect(text).toBe(fakeText(UPSTREAMS.anthropic));
    const prompt = fakePromptTokens(sent);
    const totals = chunks.map((c) => c.usageMetadata.totalTokenCount);
    for (const c of chunks) expect(c.usageMetadata.promptTokenCount).toBe(prompt); // known from message_start
    for (let i = 1; i < totals.length; i++) expect(totals[i]).toBeGreaterThanOrEqual(totals[i - 1]);
    // The last chunk also carries the cost (USD) of the final usage, as no header can after a stream.
    const { cost, ...last } = chunks.at(-1).usageMetadata;
    expect(last).toEqual({ promptTokenCount: prompt, candidatesTokenCount: 5, totalTokenCount: prompt + 5 });
    expect(cost).toBeGreaterThan(0);
    expect(chunks.at(-1).candidates[0].finishReason).toBe("STOP");
    for (const c of chunks.slice(0, -1)) expect(c.candidates[0].finishReason).toBeUndefined();
  });

  it("without alt=sse: the streamed JSON array Google sends", async () => {
    const { up, post } = await setup();
    for (const model of ["openai/gpt-4o", "google/gemini-2.5-flash"]) {
      const res = await post(`/v1beta/models/${model}:streamGenerateContent`, hi);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toContain("application/json");
      const { chunks, raw } = expectOk(await readStream(res, "json-array"));
      expect(raw.startsWith("[")).toBe(true);
      expect(raw.trimEnd().endsWith("]")).toBe(true);
      expect(raw).toContain("\n,\r\n");
      expect(chunks.length).toBeGreaterThan(2);
      const text = chunks.map((c) => c.candidates[0].content.parts.map((p: any) => p.text ?? "").join("")).join("");
      expect(text).toBe(fakeText(model.startsWith("openai") ? UPSTREAMS.openai : UPSTREAMS.gemini));
      // The gateway always streams SSE from Gemini upstreams and re-frames for the caller.
      const sent = (await up.lastRequest())!;
      if (model.startsWith("google")) expect(sent.query.alt).toBe("sse");
      const last = chunks.at(-1);
      expect(last.candidates[0].finishReason).toBe("STOP");
      expect(last.usageMetadata.promptTokenCount).toBe(fakePromptTokens(sent));
    }
  });

  it("function calls arrive whole, in both framings, though the upstream streamed the arguments in fragments", async () => {
    const { post } = await setup();
    for (const [model, suffix] of [
      ["openai/gpt-4o", "?alt=sse"],
      ["anthropic/claude-sonnet-4.6", ""],
      ["deepseek/deepseek-v4-flash", "?alt=sse"],
    ] as const) {
      const res = await post(`/v1beta/models/${model}:streamGenerateContent${suffix}`, {
        contents: [{ role: "user", parts: [{ text: "weather in two cities, parallel" }] }],
        tools: weatherTools,
      });
      const { chunks } = expectOk(await readStream(res, suffix ? "sse" : "json-array"));
      const calls = chunks.flatMap((c) => c.candidates[0].content.parts.filter((p: any) => p.functionCall));
      expect(calls.map((p: any) => p.functionCall.args), model).toEqual([{ city: "San Francisco" }, { city: "Boston" }]);
      for (const p of calls) {
        expect(p.functionCall.name).toBe(WEATHER_TOOL.name);
        expect(p.functionCall.id).toMatch(/^[A-Za-z0-9_-]+$/);
      }
      expect(chunks.at(-1).candidates[0].finishReason).toBe("STOP");
    }
  });

  it("keeps the thoughts and the usage of a thinking stream (thoughtsTokenCount)", async () => {
    const { post } = await setup();
    const res = await post("/v1beta/models/deepseek/deepseek-v4-flash:streamGenerateContent?alt=sse", {
      ...hi,
      generationConfig: { thinkingConfig: { thinkingBudget: 2048, includeThoughts: true } },
    });
    const { chunks } = expectOk(await readStream(res, "sse"));
    const parts = chunks.flatMap((c) => c.candidates[0].content.parts);
    expect(parts.filter((p: any) => p.thought).map((p: any) => p.text).join("")).toBe(FAKE_REASONING);
    expect(parts.filter((p: any) => !p.thought).map((p: any) => p.text).join("")).toBe(fakeText(UPSTREAMS.deepseek));
    expect(chunks.at(-1).usageMetadata).toMatchObject({ candidatesTokenCount: 5, thoughtsTokenCount: 8 });
  });
});

describe("thoughtSignature round trip through other surfaces", () => {
  const thinkingGemini = "google/gemini-2.5-flash";
  const question = "What's the weather in two cities? Use parallel calls.";

  async function checkNextGeminiRequest(up: FakeSession, ids: string[]) {
    const sent = (await up.lastRequest())!;
    expect(sent.path).toMatch(/^\/gemini\/v1beta\/models\/gemini-2\.5-flash:/);
    const model = sent.body.contents.find((c: any) => c.role === "model");
    const calls = model.parts.filter((p: any) => p.functionCall);
    expect(calls).toHaveLength(2);
    expect(calls[0].thoughtSignature).toBe(FAKE_THOUGHT_SIGNATURE);
    expect(calls[1].thoughtSignature).toBeUndefined();
    // The plain ids reach Gemini (the signature travelled inside the caller-facing id only).
    expect(calls.map((p: any) => p.functionCall.id)).toEqual(ids.map((id) => plainToolId(id)));
    const responses = sent.body.contents.at(-1).parts.filter((p: any) => p.functionResponse);
    expect(responses.map((p: any) => p.functionResponse.id)).toEqual(calls.map((p: any) => p.functionCall.id));
    expect(responses.map((p: any) => p.functionResponse.response)).toEqual([{ temp_c: 21 }, { temp_c: 12 }]);
  }

  for (const stream of [false, true]) {
    it(`OpenAI surface (${stream ? "stream" : "non-stream"}): the signature rides in the tool-call id and comes back`, async () => {
      const { up, chat } = await setup();
      const tools = [{ type: "function", function: { name: WEATHER_TOOL.name, parameters: WEATHER_TOOL.schema } }];
      const first = await chat({ model: thinkingGemini, stream, messages: [{ role: "user", content: question }], tools, reasoning: { effort: "low" } });
      expect(first.status).toBe(200);
      expect((await up.lastRequest())!.body.generationConfig.thinkingConfig).toEqual({ thinkingBudget: 1024, includeThoughts: true });
      const reply = expectOk(await readReply({ surface: "openai", framing: stream ? "sse" : "json" }, first));
      const toolCalls = reply.calls.map((c) => ({ id: c.id!, type: "function", function: { name: c.name, arguments: JSON.stringify(c.args) } }));
      expect(toolCalls).toHaveLength(2);
      expect(toolCalls[0].id).toMatch(PACKED_SIGNATURE);
      expect(toolCalls[1].id).not.toMatch(PACKED_SIGNATURE);

      const second = await chat({
        model: thinkingGemini,
        stream,
        tools,
        messages: [
          { role: "user", content: question },
          { role: "assistant", content: null, tool_calls: toolCalls },
          { role: "tool", tool_call_id: toolCalls[0].id, content: '{"temp_c":21}' },
          { role: "tool", tool_call_id: toolCalls[1].id, content: '{"temp_c":12}' },
        ],
      });
      expect(second.status).toBe(200);
      await second.text();
      await checkNextGeminiRequest(up, toolCalls.map((t) => t.id));
    });

    it(`Anthropic surface (${stream ? "stream" : "non-stream"}): the signature rides in the tool_use id and comes back`, async () => {
      const { up, messages } = await setup();
      const tools = [{ name: WEATHER_TOOL.name, input_schema: WEATHER_TOOL.schema }];
      const base = { model: thinkingGemini, max_tokens: 4096, stream, tools, thinking: { type: "enabled", budget_tokens: 1024 } };
      const first = await messages({ ...base, messages: [{ role: "user", content: question }] });
      expect(first.status).toBe(200);
      const reply = expectOk(await readReply({ surface: "anthropic", framing: stream ? "sse" : "json" }, first));
      const content: any[] = stream
        ? [
            { type: "thinking", thinking: reply.reasoning, signature: reply.signature ?? "" },
            ...reply.calls.map((c) => ({ type: "tool_use", id: c.id, name: c.name, input: c.args })),
          ]
        : reply.body.content;
      const uses = content.filter((b) => b.type === "tool_use");
      expect(uses).toHaveLength(2);
      expect(uses[0].id).toMatch(PACKED_SIGNATURE);
      expect(uses[0].id).toMatch(/^[a-zA-Z0-9_-]+$/); // still a valid Anthropic tool_use id
      expect(uses[1].id).not.toMatch(PACKED_SIGNATURE);
      expect(content.find((b) => b.type === "thinking")?.thinking).toBe(FAKE_REASONING);

      const second = await messages({
        ...base,
        messages: [
          { role: "user", content: question },
          { role: "assistant", content },
          {
            role: "user",
            content: [
              { type: "tool_result", tool_use_id: uses[0].id, content: '{"temp_c":21}' },
              { type: "tool_result", tool_use_id: uses[1].id, content: '{"temp_c":12}' },
            ],
          },
        ],
      });
      expect(second.status).toBe(200);
      await second.text();
      await checkNextGeminiRequest(up, uses.map((u) => u.id));
    });
  }

  it("a Gemini caller gets thoughtSignature on the functionCall part and its next request carries it back", async () => {
    const { up, post } = await setup();
    const body = {
      contents: [{ role: "user", parts: [{ text: question }] }],
      tools: weatherTools,
      generationConfig: { thinkingConfig: { thinkingBudget: 1024, includeThoughts: true } },
    };
    // Gemini caller → Gemini upstream: passthrough in both directions.
    const first = (await (await post("/v1beta/models/gemini-2.5-flash:generateContent", body)).json()) as any;
    const parts = first.candidates[0].content.parts;
    const callParts = parts.filter((p: any) => p.functionCall);
    expect(callParts[0].thoughtSignature).toBe(FAKE_THOUGHT_SIGNATURE);
    const res = await post("/v1beta/models/gemini-2.5-flash:generateContent", {
      ...body,
      contents: [
        ...body.contents,
        { role: "model", parts },
        { role: "user", parts: callParts.map((p: any, i: number) => ({ functionResponse: { name: p.functionCall.name, response: { temp_c: [21, 12][i] } } })) },
      ],
    });
    expect(res.status).toBe(200);
    const sent = (await up.lastRequest())!;
    expect(sent.body.contents[1].parts.find((p: any) => p.functionCall).thoughtSignature).toBe(FAKE_THOUGHT_SIGNATURE);
  });
});

describe("Gemini request features in other upstreams' formats", () => {
  it("function responses without ids pair with the calls by name and order (OpenAI and Anthropic upstreams)", async () => {
    const { up, post } = await setup();
    const contents = [
      { role: "user", parts: [{ text: "weather in Paris and Rome" }] },
      {
        role: "model",
        parts: [{ functionCall: { name: "get_weather", args: { city: "Paris" } } }, { functionCall: { name: "get_weather", args: { city: "Rome" } } }],
      },
      {
        role: "user",
        parts: [
          { functionResponse: { name: "get_weather", response: { temp_c: 21 } } },
          { functionResponse: { name: "get_weather", response: { temp_c: 12 } } },
        ],
      },
    ];
    expect((await post("/v1beta/models/openai/gpt-4o:generateContent", { contents, tools: weatherTools })).status).toBe(200);
    const o = (await up.lastRequest())!.body.messages;
    const ids = o[1].tool_calls.map((t: any) => t.id);
    expect(new Set(ids).size).toBe(2);
    expect(o[1].tool_calls.map((t: any) => JSON.parse(t.function.arguments))).toEqual([{ city: "Paris" }, { city: "Rome" }]);
    expect(o.slice(2).map((m: any) => [m.role, m.tool_call_id, JSON.parse(m.content)])).toEqual([
      ["tool", ids[0], { temp_c: 21 }],
      ["tool", ids[1], { temp_c: 12 }],
    ]);

    expect((await post("/v1beta/models/anthropic/claude-sonnet-4.6:generateContent", { contents, tools: weatherTools })).status).toBe(200);
    const a = (await up.lastRequest())!.body.messages;
    const useIds = a[1].content.map((b: any) => b.id);
    expect(a[2].content.map((b: any) => [b.type, b.tool_use_id])).toEqual([
      ["tool_result", useIds[0]],
      ["tool_result", useIds[1]],
    ]);
  });

  it("toolConfig ANY + allowedFunctionNames becomes a forced tool; safetySettings reach only Gemini", async () => {
    const { up, post } = await setup();
    const body = {
      contents: [{ role: "user", parts: [{ text: "Hi" }] }],
      tools: weatherTools,
      toolConfig: { functionCallingConfig: { mode: "ANY", allowedFunctionNames: [WEATHER_TOOL.name] } },
      safetySettings: [{ category: "HARM_CATEGORY_HARASSMENT", threshold: "BLOCK_ONLY_HIGH" }],
      generationConfig: { temperature: 0.2, topK: 20, stopSequences: ["END"], maxOutputTokens: 300 },
    };
    await post("/v1beta/models/anthropic/claude-sonnet-4.6:generateContent", body);
    const a = (await up.lastRequest())!.body;
    expect(a.tool_choice).toEqual({ type: "tool", name: WEATHER_TOOL.name });
    expect(a).toMatchObject({ temperature: 0.2, top_k: 20, stop_sequences: ["END"], max_tokens: 300 });
    expect(a.safetySettings).toBeUndefined();

    await post("/v1beta/models/openai/gpt-4o:generateContent", body);
    const o = (await up.lastRequest())!.body;
    expect(o.tool_choice).toEqual({ type: "function", function: { name: WEATHER_TOOL.name } });
    expect(o).toMatchObject({ temperature: 0.2, stop: ["END"], max_completion_tokens: 300 });
    expect(o.safetySettings).toBeUndefined();
    expect(o.top_k).toBeUndefined(); // not an OpenAI parameter

    // Gemini upstream, re-encoded (the JSON-array framing is never passthrough): kept.
    const res = await post("/v1beta/models/google/gemini-2.5-flash:streamGenerateContent", body);
    await res.text();
    const g = (await up.lastRequest())!.body;
    expect(g.safetySettings).toEqual(body.safetySettings);
    expect(g.toolConfig).toEqual(body.toolConfig);
    expect(g.generationConfig).toMatchObject(body.generationConfig);
  });

  it("the JSON-array framing (re-encoded) keeps the functionCall's thoughtSignature", async () => {
    const { post } = await setup();
    const res = await post("/v1beta/models/google/gemini-2.5-flash:streamGenerateContent", {
      contents: [{ role: "user", parts: [{ text: "What's the weather? parallel" }] }],
      tools: weatherTools,
      generationConfig: { thinkingConfig: { thinkingBudget: 1024, includeThoughts: true } },
    });
    const { chunks } = expectOk(await readStream(res, "json-array"));
    const parts = chunks.flatMap((c) => c.candidates[0].content.parts);
    expect(parts.filter((p: any) => p.thought).map((p: any) => p.text).join("")).toBe(FAKE_REASONING);
    const calls = parts.filter((p: any) => p.functionCall);
    expect(calls).toHaveLength(2);
    expect(calls[0].thoughtSignature).toBe(FAKE_THOUGHT_SIGNATURE);
  });
});

describe(":countTokens", () => {
  const body = { contents: [{ role: "user", parts: [{ text: "How is the weather in Paris today?" }] }] };

  it("forwards to Gemini's countTokens for Gemini models (both request shapes)", async () => {
    const { up, post } = await setup();
    const res = await post("/v1beta/models/google/gemini-2.5-flash:countTokens", body);
    expect(res.status).toBe(200);
    expect(res.headers.get("x-arouter-token-count")).toBe("exact");
    const sent = (await up.lastRequest())!;
    expect(sent.path).toBe("/gemini/v1beta/models/gemini-2.5-flash:countTokens");
    expect(sent.body.generateContentRequest.contents).toEqual(body.contents);
    expect(await res.json()).toEqual({ totalTokens: fakePromptTokens(sent) });

    const wrapped = await post("/v1beta/models/gemini-2.5-flash:countTokens", {
      generateContentRequest: { model: "models/gemini-2.5-flash", ...body, systemInstruction: { parts: [{ text: "Be brief." }] } },
    });
    expect(wrapped.status).toBe(200);
    const sent2 = (await up.lastRequest())!;
    expect(sent2.body.generateContentRequest.systemInstruction).toEqual({ parts: [{ text: "Be brief." }] });
    expect(await wrapped.json()).toEqual({ totalTokens: fakePromptTokens(sent2) });
  });

  it("uses Anthropic's count_tokens for Anthropic models and a flagged estimate for OpenAI models", async () => {
    const { up, post } = await setup();
    const a = await post("/v1beta/models/anthropic/claude-sonnet-4.6:countTokens", body);
    expect(a.headers.get("x-arouter-token-count")).toBe("exact");
    const sent = (await up.lastRequest())!;
    expect(sent.path).toBe("/anthropic/v1/messages/count_tokens");
    expect(await a.json()).toEqual({ totalTokens: fakePromptTokens(sent) });

    const before = (await up.requests()).length;
    const o = await post("/v1/models/openai/gpt-4o:countTokens", body);
    expect(o.status).toBe(200);
    expect(o.headers.get("x-arouter-token-count")).toBe("estimate");
    expect(((await o.json()) as any).totalTokens).toBeGreaterThan(0);
    expect((await up.requests()).length).toBe(before);
  });
});

describe("GET /v1beta/models", () => {
  it("lists models in Google's shape, pages, and gets one by id", async () => {
    const { gw, key } = await setup();
    const res = await gw.fetch(`/v1beta/models?key=${key}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as any;
    expect(Object.keys(body)).toEqual(["models"]);
    const names = body.models.map((m: any) => m.name);
    expect(names).toContain("models/google/gemini-2.5-flash");
    expect(names).toContain("models/anthropic/claude-sonnet-4.6");
    expect(names).toContain("models/openai/gpt-4o");
    for (const m of body.models) {
      expect(m.name).toMatch(/^models\//);
      expect(typeof m.displayName).toBe("string");
      expect(Number.isInteger(m.inputTokenLimit)).toBe(true);
      expect(Array.isArray(m.supportedGenerationMethods)).toBe(true);
    }
    const flash = body.models.find((m: any) => m.name === "models/google/gemini-2.5-flash");
    expect(flash.supportedGenerationMethods).toEqual(expect.arrayContaining(["generateContent", "streamGenerateContent", "countTokens"]));

    const page = (await (await gw.fetch("/v1beta/models?pageSize=2", { headers: { "x-goog-api-key": key } })).json()) as any;
    expect(page.models).toHaveLength(2);
    const next = (await (await gw.fetch(`/v1beta/models?pageSize=2&pageToken=${page.nextPageToken}`, { headers: { "x-goog-api-key": key } })).json()) as any;
    expect(next.models[0].name).toBe(names[2]);

    const one = await gw.fetch("/v1beta/models/google/gemini-2.5-flash", { headers: { "x-goog-api-key": key } });
    expect(one.status).toBe(200);
    expect(((await one.json()) as any).name).toBe("models/google/gemini-2.5-flash");
    await expectGoogleError(await gw.fetch("/v1beta/models/nope/nothing", { headers: { "x-goog-api-key": key } }), 404, "NOT_FOUND");
    await expectGoogleError(await gw.fetch("/v1beta/models"), 401, "UNAUTHENTICATED");
  });
});

describe("Google-shaped errors", () => {
  it("400 INVALID_ARGUMENT, 404 NOT_FOUND for an unknown method, 413 for a huge body", async () => {
    const { post, up } = await setup({ MAX_BODY_BYTES: "3000" });
    expect(await expectGoogleError(await post("/v1beta/models/gemini-2.5-flash:generateContent", { contents: [] }), 400, "INVALID_ARGUMENT")).toMatch(/contents/);
    expect(
      await expectGoogleError(await post("/v1beta/models/gemini-2.5-flash:generateContent", { contents: [{ role: "robot", parts: [{ text: "x" }] }] }), 400, "INVALID_ARGUMENT"),
    ).toMatch(/role/);
    expect(await expectGoogleError(await post("/v1beta/models/nope/none:generateContent", hi), 400, "INVALID_ARGUMENT")).toContain("nope/none");
    await expectGoogleError(await post("/v1beta/models/gemini-2.5-flash:predictLongRunning", hi), 404, "NOT_FOUND");
    await expectGoogleError(await post("/v1beta/models/gemini-2.5-flash:generateContent", { contents: [{ parts: [{ text: "x".repeat(4000) }] }] }), 413, "INVALID_ARGUMENT");
    expect(await up.requests()).toHaveLength(0);
  });

  it("429 RESOURCE_EXHAUSTED with retry-after, 502 UNAVAILABLE for an upstream failure", async () => {
    const { post, up } = await setup();
    await up.script({ status: 429, headers: { "retry-after": "30" } });
    const limited = await post("/v1beta/models/anthropic/claude-sonnet-4.6:generateContent", hi);
    expect(limited.headers.get("retry-after")).toBe("30");
    await expectGoogleError(limited, 429, "RESOURCE_EXHAUSTED");
    await up.script({ status: 500, message: "kaput" });
    expect(await expectGoogleError(await post("/v1beta/models/openai/gpt-4o:generateContent", hi), 502, "UNAVAILABLE")).toContain("kaput");
  });

  it("an upstream failure mid-stream becomes a final {error} element, in both framings", async () => {
    const { up, post } = await setup();
    for (const suffix of ["?alt=sse", ""]) {
      await up.script(cutOpenAIStream());
      const reply = await readStream(await post(`/v1beta/models/openai/gpt-4o:streamGenerateContent${suffix}`, hi), suffix ? "sse" : "json-array");
      expect(reply.status).toBe(200);
      expect(reply.error?.inBand).toBe(true);
      const { chunks } = reply;
      expect(chunks[0].candidates[0].content.parts[0].text).toBe("Hel");
      const last = chunks.at(-1);
      expect(Object.keys(last)).toEqual(["error"]);
      expect(typeof last.error.code).toBe("number");
      expect(typeof last.error.status).toBe("string");
    }
  });
});
