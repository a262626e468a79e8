/**
 * The Anthropic-native surface (POST /v1/messages, /v1/messages/count_tokens) beyond the matrix:
 * auth, version/beta headers, same-format passthrough (+ metering), the exact stream event
 * grammar with pings and in-band errors, Anthropic-shaped errors, and token counting.
 */
import { describe, expect, it } from "vitest";
import { generation } from "../helpers/books";
import { FAKE_REASONING, UPSTREAMS, fakePromptTokens, fakeText } from "../helpers/fake-answers";
import { FAKE_PROVIDERS, NO_OPENROUTER } from "../helpers/fake-upstream";
import { jsonPost } from "../helpers/gateway";
import { expectedCost, pricingOf } from "../helpers/prices";
import { ANTHROPIC_ERROR_TYPES } from "../helpers/reply-anthropic";
import { rig } from "../helpers/rig";
import { parseSse } from "../helpers/sse";
import { expectOk, readReply } from "../helpers/surface-reply";
import { authHeaders, WEATHER_TOOL } from "../helpers/surface-request";
import { anthropicEvent, cutOpenAIStream } from "../helpers/upstream-scripts";

async function setup(env: Record<string, unknown> = {}) {
  const r = await rig("anthropic-surface", { env });
  const count = (body: unknown, extra: Record<string, string> = {}) => r.post("anthropic", "/v1/messages/count_tokens", body, extra);
  return { ...r, count };
}

const hello = (model: string, extra: Record<string, unknown> = {}) => ({ model, max_tokens: 256, messages: [{ role: "user", content: "Hi" }], ...extra });
const ANTHROPIC_KEY = FAKE_PROVIDERS.ANTHROPIC.key;

/** An HTTP error in Anthropic's own envelope (checked by the reply reader), of this status and type. */
async function expectAnthropicError(res: Response, status: number, type: string): Promise<string> {
  const reply = await readReply({ surface: "anthropic", framing: "json" }, res);
  expect(reply.status).toBe(status);
  expect(reply.error?.type).toBe(type);
  return reply.error!.message;
}

/** A streamed answer on the Anthropic surface, read whole. */
const readStream = (res: Response) => readReply({ surface: "anthropic", framing: "sse" }, res);

describe("Anthropic surface: authentication and headers", () => {
  it("accepts the key as x-api-key and as Authorization: Bearer", async () => {
    const { gw, key, up } = await setup();
    const viaHeader = await gw.fetch("/v1/messages", jsonPost(hello("anthropic/claude-sonnet-4.6"), authHeaders("anthropic", key)));
    expect(viaHeader.status).toBe(200);
    const viaBearer = await gw.fetch("/v1/messages", jsonPost(hello("anthropic/claude-sonnet-4.6"), { authorization: `Bearer ${key}` }));
    expect(viaBearer.status).toBe(200);
    expect(((await viaBearer.json()) as any).content[0].text).toBe(fakeText(UPSTREAMS.anthropic));
    // The caller's key never reaches the provider: the gateway's own provider key does.
    for (const r of await up.requests()) {
      expect(r.headers["x-api-key"]).toBe(ANTHROPIC_KEY);
      expect(JSON.stringify(r.headers)).not.toContain(key);
    }
  });

  it("401 authentication_error without a key, with a wrong key, or with a management key", async () => {
    const { gw, up } = await setup();
    const attempts: Record<string, string>[] = [{}, { "x-api-key": "lr_live_not_a_real_key_000000" }, { authorization: "Bearer lr_mgmt_test_bootstrap_key_0000000000" }];
    for (const h of attempts) {
      const res = await gw.fetch("/v1/messages", jsonPost(hello("anthropic/claude-sonnet-4.6"), h));
      await expectAnthropicError(res, 401, "authentication_error");
    }
    expect(await up.requests()).toHaveLength(0);
  });

  it("forwards anthropic-version and allow-listed anthropic-beta values to Anthropic upstreams only", async () => {
    const { up, messages } = await setup();
    // context-1m is not on the default allow-list (it bills long prompts at a premium): dropped.
    const beta = "interleaved-thinking-2025-05-14,context-1m-2025-08-07";
    expect((await messages(hello("anthropic/claude-sonnet-4.6"), { "anthropic-beta": beta, "anthropic-version": "2023-06-01" })).status).toBe(200);
    const toAnthropic = (await up.lastRequest())!;
    expect(toAnthropic.headers["anthropic-beta"]).toBe("interleaved-thinking-2025-05-14");
    expect(toAnthropic.headers["anthropic-version"]).toBe("2023-06-01");

    for (const model of ["openai/gpt-4o", "google/gemini-2.5-flash", "deepseek/deepseek-v4-flash"]) {
      const res = await messages(hello(model), { "anthropic-beta": beta });
      expect(res.status).toBe(200);
      const sent = (await up.lastRequest())!;
      expect(sent.path).not.toContain("anthropic");
      expect(sent.headers["anthropic-beta"]).toBeUndefined();
      expect(sent.headers["anthropic-version"]).toBeUndefined();
    }
  });

  it("works without anthropic-version (the gateway supplies one upstream)", async () => {
    const { gw, key, up } = await setup();
    const res = await gw.fetch("/v1/messages", jsonPost(hello("claude-sonnet-4-20250514"), { "x-api-key": key }));
    expect(res.status).toBe(200);
    const sent = (await up.lastRequest())!;
    expect(sent.headers["anthropic-version"]).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(sent.body.model).toBe("claude-sonnet-4-20250514");
  });
});

describe("Anthropic request features in other upstreams' formats", () => {
  it("tool_choice, sampling, stop sequences, user id and system blocks", async () => {
    const { up, messages } = await setup();
    const body = {
      model: "",
      max_tokens: 300,
      system: [{ type: "text", text: "Part one." }, { type: "text", text: "Part two.", cache_control: { type: "ephemeral" } }],
      messages: [{ role: "user", content: [{ type: "text", text: "Hi" }, { type: "image", source: { type: "url", url: "https://example.com/cat.png" } }] }],
      tools: [{ name: WEATHER_TOOL.name, input_schema: WEATHER_TOOL.schema }],
      tool_choice: { type: "tool", name: WEATHER_TOOL.name, disable_parallel_tool_use: true },
      temperature: 0.3,
      top_k: 40,
      stop_sequences: ["END"],
      metadata: { user_id: "user-9" },
    };
    await messages({ ...body, model: "openai/gpt-4o" });
    const o = (await up.lastRequest())!.body;
    expect(o.messages[0]).toEqual({ role: "system", content: "Part one.\n\nPart two." });
    expect(o.messages[1].content[1]).toEqual({ type: "image_url", image_url: { url: "https://example.com/cat.png" } });
    expect(o).toMatchObject({
      tool_choice: { type: "function", function: { name: WEATHER_TOOL.name } },
      parallel_tool_calls: false,
      temperature: 0.3,
      stop: ["END"],
      user: "user-9",
      max_completion_tokens: 300,
    });
    expect(o.top_k).toBeUndefined();

    await messages({ ...body, model: "google/gemini-2.5-flash" });
    const g = (await up.lastRequest())!.body;
    expect(g.systemInstruction).toEqual({ parts: [{ text: "Part one." }, { text: "Part two." }] });
    expect(g.contents[0].parts[1]).toEqual({ fileData: { mimeType: "image/png", fileUri: "https://example.com/cat.png" } });
    expect(g.toolConfig).toEqual({ functionCallingConfig: { mode: "ANY", allowedFunctionNames: [WEATHER_TOOL.name] } });
    expect(g.generationConfig).toMatchObject({ temperature: 0.3, topK: 40, stopSequences: ["END"], maxOutputTokens: 300 });

    for (const [choice, openai, gemini] of [
      [{ type: "any" }, "required", { mode: "ANY" }],
      [{ type: "none" }, "none", { mode: "NONE" }],
      [{ type: "auto" }, "auto", { mode: "AUTO" }],
    ] as const) {
      await messages({ ...body, tool_choice: choice, model: "deepseek/deepseek-v4-flash", messages: [{ role: "user", content: "Hi" }] });
      expect((await up.lastRequest())!.body.tool_choice).toBe(openai);
      await messages({ ...body, tool_choice: choice, model: "google/gemini-2.5-flash" });
      expect((await up.lastRequest())!.body.toolConfig.functionCallingConfig).toEqual(gemini);
    }
  });

  it("tool results with is_error and images reach other formats", async () => {
    const { up, messages } = await setup();
    const png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";
    const body = (model: string) => ({
      model,
      max_tokens: 300,
      tools: [{ name: "screenshot", input_schema: { type: "object", properties: {} } }],
      messages: [
        { role: "user", content: "Take a screenshot" },
        { role: "assistant", content: [{ type: "tool_use", id: "toolu_01A", name: "screenshot", input: {} }, { type: "tool_use", id: "toolu_01B", name: "screenshot", input: {} }] },
        {
          role: "user",
          content: [
            { type: "tool_result", tool_use_id: "toolu_01A", content: [{ type: "text", text: "here" }, { type: "image", source: { type: "base64", media_type: "image/png", data: png } }] },
            { type: "tool_result", tool_use_id: "toolu_01B", content: "display not found", is_error: true },
          ],
        },
      ],
    });
    await messages(body("openai/gpt-4o"));
    const o = (await up.lastRequest())!.body.messages;
    expect(o.slice(2, 4)).toEqual([
      { role: "tool", tool_call_id: "toolu_01A", content: "here" },
      { role: "tool", tool_call_id: "toolu_01B", content: "display not found" },
    ]);
    // OpenAI tool messages cannot hold images: they follow as a user message.
    expect(o[4]).toEqual({ role: "user", content: [{ type: "image_url", image_url: { url: `data:image/png;base64,${png}` } }] });

    await messages(body("google/gemini-2.5-flash"));
    const g = (await up.lastRequest())!.body.contents;
    expect(g[2].parts).toEqual([
      { functionResponse: { id: "toolu_01A", name: "screenshot", response: { content: "here" } } },
      { functionResponse: { id: "toolu_01B", name: "screenshot", response: { error: "display not found" } } },
      { inlineData: { mimeType: "image/png", data: png } },
    ]);
  });
});

// A thinking signature with every base64 character that could be mangled (+ / =).
const SIG = "EuYBCkQYAiJA+k3/TsY9m2x8V/6Q+gb7u0X8xW1z+AbCdEf/GhIjKlMnOpQrStUvWxYz0123456789+/abcdefghij==";
const REDACTED = "EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpPkNRj2YfWXGmKDxH4mPnZ5sQ7vB==";

const passthroughBody = {
  model: "anthropic/claude-sonnet-4.6",
  max_tokens: 4096,
  system: [{ type: "text", text: "You are a careful researcher.", cache_control: { type: "ephemeral", ttl: "1h" } }],
  tools: [
    { type: "web_search_20250305", name: "web_search", max_uses: 3, allowed_domains: ["example.com"] },
    { name: WEATHER_TOOL.name, description: WEATHER_TOOL.description, input_schema: WEATHER_TOOL.schema, cache_control: { type: "ephemeral" } },
  ],
  thinking: { type: "enabled", budget_tokens: 1024 },
  messages: [
    { role: "user", content: [{ type: "text", text: "Any news about example?", cache_control: { type: "ephemeral" } }] },
    {
      role: "assistant",
      content: [
        { type: "thinking", thinking: "I should search the web.", signature: SIG },
        { type: "redacted_thinking", data: REDACTED },
        { type: "server_tool_use", id: "srvtoolu_01A", name: "web_search", input: { query: "example news" } },
        {
          type: "web_search_tool_result",
          tool_use_id: "srvtoolu_01A",
          content: [{ type: "web_search_result", url: "https://example.com/a", title: "A", encrypted_content: "EqgfCioIARgBIiQ3", page_age: null }],
        },
        {
          type: "text",
          text: "Example launched a thing.",
          citations: [{ type: "web_search_result_location", url: "https://example.com/a", title: "A", encrypted_index: "Eo8BCioIAhgB", cited_text: "launched" }],
        },
      ],
    },
    { role: "user", content: "Summarize in one line." },
  ],
  metadata: { user_id: "user-123" },
  service_tier: "auto",
  cache_control: { type: "ephemeral" },
};

const upstreamMessage = {
  id: "msg_01PassThrough",
  type: "message",
  role: "assistant",
  model: "claude-sonnet-4-6",
  content: [
    { type: "thinking", thinking: "One line it is.", signature: SIG },
    { type: "server_tool_use", id: "srvtoolu_02B", name: "web_search", input: { query: "example follow-up" } },
    { type: "web_search_tool_result", tool_use_id: "srvtoolu_02B", content: [{ type: "web_search_result", url: "https://example.com/b", title: "B", encrypted_content: "Eq", page_age: "1 day" }] },
    { type: "text", text: "Example launched a thing.", citations: [{ type: "web_search_result_location", url: "https://example.com/b", title: "B", encrypted_index: "Eo", cited_text: "thing" }] },
  ],
  stop_reason: "end_turn",
  stop_sequence: null,
  container: null,
  usage: {
    input_tokens: 100,
    cache_creation_input_tokens: 50,
    cache_read_input_tokens: 2000,
    cache_creation: { ephemeral_5m_input_tokens: 50, ephemeral_1h_input_tokens: 0 },
    output_tokens: 40,
    server_tool_use: { web_search_requests: 1 },
    service_tier: "standard",
  },
};
/**
 * The catalog price of the passthrough answer's usage: cache reads and writes at their own prices,
 * plus its one web search at the model's web_search price.
 */
const PASSTHROUGH_COST_MICROS =
  expectedCost("anthropic/claude-sonnet-4.6", "anthropic", { input: 2150, cached: 2000, cacheWrite: 50, output: 40 }) +
  Number(pricingOf("anthropic/claude-sonnet-4.6", "anthropic").web_search) * 1e6;

describe("Anthropic → Anthropic passthrough", () => {
  it("sends the caller's body unchanged (cache_control, server tools, signatures) and returns the upstream's own body, metered", async () => {
    const { up, gw, key, messages } = await setup();
    await up.script({ body: upstreamMessage });
    const res = await messages(passthroughBody, { "anthropic-beta": "web-search-2025-03-05" });
    expect(res.status).toBe(200);

    const sent = (await up.lastRequest())!;
    expect(sent.path).toBe("/anthropic/v1/messages");
    // Byte for byte, except the catalog id → the provider's model id.
    expect(JSON.stringify(sent.body)).toBe(JSON.stringify({ ...passthroughBody, model: "claude-sonnet-4-6" }));
    expect(sent.body.messages[1].content[0].signature).toBe(SIG);
    expect(sent.body.messages[1].content[1].data).toBe(REDACTED);
    expect(sent.headers["anthropic-beta"]).toBe("web-search-2025-03-05");

    expect(await res.json()).toEqual(upstreamMessage);
    expect(res.headers.get("x-arouter-cost")).toBe((PASSTHROUGH_COST_MICROS / 1e6).toFixed(6));
    const gen = await generation(gw, key, res.headers.get("x-generation-id")!);
    expect(gen).toMatchObject({ tokens_prompt: 2150, tokens_completion: 40, native_tokens_cached: 2000, native_tokens_cache_write: 50, provider_name: "anthropic" });
    expect(gen.total_cost).toBeCloseTo(PASSTHROUGH_COST_MICROS / 1e6, 9);
  });

  it("streams the upstream's bytes unchanged and still bills the stream's usage", async () => {
    const { up, gw, key, messages } = await setup();
    const chunks = [
      anthropicEvent("message_start", { message: { ...upstreamMessage, content: [], stop_reason: null, usage: { ...upstreamMessage.usage, output_tokens: 1 } } }),
      anthropicEvent("ping", {}),
      anthropicEvent("content_block_start", { index: 0, content_block: { type: "thinking", thinking: "", signature: "" } }),
      anthropicEvent("content_block_delta", { index: 0, delta: { type: "thinking_delta", thinking: "One line it is." } }),
      anthropicEvent("content_block_delta", { index: 0, delta: { type: "signature_delta", signature: SIG } }),
      anthropicEvent("content_block_stop", { index: 0 }),
      anthropicEvent("content_block_start", { index: 1, content_block: { type: "server_tool_use", id: "srvtoolu_02B", name: "web_search", input: {} } }),
      anthropicEvent("content_block_delta", { index: 1, delta: { type: "input_json_delta", partial_json: '{"query":"example"}' } }),
      anthropicEvent("content_block_stop", { index: 1 }),
      anthropicEvent("content_block_start", { index: 2, content_block: upstreamMessage.content[2] }),
      anthropicEvent("content_block_stop", { index: 2 }),
      anthropicEvent("content_block_start", { index: 3, content_block: { type: "text", text: "" } }),
      anthropicEvent("content_block_delta", { index: 3, delta: { type: "citations_delta", citation: upstreamMessage.content[3].citations![0] } }),
      anthropicEvent("content_block_delta", { index: 3, delta: { type: "text_delta", text: "Example launched a thing." } }),
      anthropicEvent("content_block_stop", { index: 3 }),
      anthropicEvent("message_delta", { delta: { stop_reason: "end_turn", stop_sequence: null }, usage: { output_tokens: 40 } }),
      anthropicEvent("message_stop", {}),
    ];
    await up.script({ chunks });
    const res = await messages({ ...passthroughBody, stream: true });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    // The upstream's bytes untouched, then the cost as a final SSE comment (SDKs skip comments).
    expect(await res.text()).toBe(chunks.join("") + `: x-arouter-cost: ${(PASSTHROUGH_COST_MICROS / 1e6).toFixed(6)}\n\n`);
    const sent = (await up.lastRequest())!;
    expect(JSON.stringify(sent.body)).toBe(JSON.stringify({ ...passthroughBody, model: "claude-sonnet-4-6", stream: true }));

    const gen = await generation(gw, key, res.headers.get("x-generation-id")!);
    expect(gen).toMatchObject({ streamed: true, tokens_prompt: 2150, tokens_completion: 40, native_tokens_cached: 2000, native_tokens_cache_write: 50 });
    expect(gen.total_cost).toBeCloseTo(PASSTHROUGH_COST_MICROS / 1e6, 9);
  });
});

describe("Anthropic stream grammar", () => {
  it("thinking then text from an OpenAI-compatible upstream: the exact event sequence", async () => {
    const { messages } = await setup();
    const res = await messages({ ...hello("deepseek/deepseek-v4-flash"), max_tokens: 8192, stream: true, thinking: { type: "enabled", budget_tokens: 2048 } });
    const reply = expectOk(await readStream(res));
    const thinkingDeltas = 8; // the fake's reasoning pieces
    const textDeltas = 5;
    expect(reply.chunks.map((c) => c.type)).toEqual([
      "message_start",
      "content_block_start", ...Array(thinkingDeltas).fill("content_block_delta"), "content_block_stop",
      "content_block_start", ...Array(textDeltas).fill("content_block_delta"), "content_block_stop",
      "message_delta",
      "message_stop",
    ]);
    expect(reply.reasoning).toBe(FAKE_REASONING);
    expect(reply.text).toBe(fakeText(UPSTREAMS.deepseek));
    expect(reply.finish).toBe("end_turn");
  });

  it("tool calls from a Gemini upstream: one tool_use block per call, input_json_delta, stop_reason tool_use", async () => {
    const { up, messages } = await setup();
    const res = await messages({
      ...hello("google/gemini-2.5-flash"),
      stream: true,
      messages: [{ role: "user", content: "weather in two cities, parallel please" }],
      tools: [{ name: WEATHER_TOOL.name, input_schema: WEATHER_TOOL.schema }],
    });
    const reply = expectOk(await readStream(res));
    expect(reply.chunks.filter((c) => c.type === "content_block_start")).toHaveLength(2);
    expect(reply.calls.map((c) => c.args)).toEqual([{ city: "San Francisco" }, { city: "Boston" }]);
    expect(reply.finish).toBe("tool_use");
    expect(reply.usage.input).toBe(fakePromptTokens((await up.lastRequest())!));
  });

  it("sends ping events (not SSE comments) while the upstream is slow, translated or passthrough", async () => {
    const { up, messages } = await setup({ STREAM_KEEPALIVE_MS: "40" });
    for (const model of ["openai/gpt-4o", "anthropic/claude-sonnet-4.6"]) {
      await up.script({ firstByteDelayMs: 300 });
      const res = await messages({ ...hello(model), stream: true });
      expect(res.status).toBe(200);
      const reply = expectOk(await readStream(res));
      // No comment keep-alives; the one comment allowed is a same-format stream's final cost.
      expect(reply.raw.replace(/^: x-arouter-cost: [\d.]+\n\n(?![\s\S])/m, "")).not.toMatch(/^:/m);
      expect(parseSse(reply.raw).events[0]).toEqual({ event: "ping", data: '{"type":"ping"}' });
      expect(reply.keepAlives).toBeGreaterThan(0);
      expect(reply.text).toBe(fakeText(model.startsWith("openai") ? UPSTREAMS.openai : UPSTREAMS.anthropic));
    }
  });

  it("ends with `event: error` when the upstream fails after the stream started (translated)", async () => {
    const { up, messages } = await setup();
    await up.script(cutOpenAIStream());
    const reply = await readStream(await messages({ ...hello("openai/gpt-4o"), stream: true }));
    expect(reply.status).toBe(200);
    const names = reply.chunks.map((c) => c.type);
    expect(names[0]).toBe("message_start");
    expect(names).toContain("content_block_delta");
    expect(names.at(-1)).toBe("error");
    expect(names).not.toContain("message_stop");
    // (each event valid against the Anthropic schema, the error's type one Anthropic documents)
    expect(reply.error?.inBand).toBe(true);
    expect(ANTHROPIC_ERROR_TYPES).toContain(reply.error!.type);
  });

  it("ends with `event: error` when an Anthropic upstream is cut mid-stream (passthrough)", async () => {
    const { up, messages } = await setup();
    const chunks = [
      anthropicEvent("message_start", { message: { ...upstreamMessage, content: [], stop_reason: null } }),
      anthropicEvent("content_block_start", { index: 0, content_block: { type: "text", text: "" } }),
      anthropicEvent("content_block_delta", { index: 0, delta: { type: "text_delta", text: "Partial" } }),
      anthropicEvent("content_block_delta", { index: 0, delta: { type: "text_delta", text: " answer" } }),
    ];
    await up.script({ fault: "reset-after", resetAfterChunks: 3, chunks });
    const reply = await readStream(await messages({ ...hello("anthropic/claude-sonnet-4.6"), stream: true }));
    expect(reply.status).toBe(200);
    expect(reply.raw.startsWith(chunks.slice(0, 3).join(""))).toBe(true);
    expect(reply.chunks.at(-1).type).toBe("error");
    expect(reply.error?.inBand).toBe(true);
    expect(ANTHROPIC_ERROR_TYPES).toContain(reply.error!.type);
  });

  it("an error before anything was sent keeps its HTTP status, in Anthropic's shape", async () => {
    const { up, messages } = await setup(NO_OPENROUTER);
    await up.script({ status: 429, headers: { "retry-after": "9" } });
    const res = await messages({ ...hello("anthropic/claude-sonnet-4.6"), stream: true });
    expect(res.headers.get("retry-after")).toBe("9");
    await expectAnthropicError(res, 429, "rate_limit_error");
  });
});

describe("Anthropic-shaped errors", () => {
  it("400 invalid_request_error naming the field, 404 not_found_error, 413 request_too_large", async () => {
    const { gw, key, messages, up } = await setup({ MAX_BODY_BYTES: "4000" });
    const noMax = await messages({ model: "anthropic/claude-sonnet-4.6", messages: [{ role: "user", content: "Hi" }] });
    expect(await expectAnthropicError(noMax, 400, "invalid_request_error")).toMatch(/max_tokens/);
    const badRole = await messages({ ...hello("openai/gpt-4o"), messages: [{ role: "robot", content: "Hi" }] });
    expect(await expectAnthropicError(badRole, 400, "invalid_request_error")).toMatch(/role/);
    const unknownModel = await messages(hello("nope/not-a-model"));
    expect(await expectAnthropicError(unknownModel, 400, "invalid_request_error")).toContain("nope/not-a-model");
    const notJson = await messages("{oops");
    await expectAnthropicError(notJson, 400, "invalid_request_error");
    const nf = await gw.fetch("/v1/messages/batches/nope", jsonPost({}, { "x-api-key": key }));
    await expectAnthropicError(nf, 404, "not_found_error");
    const big = await messages({ ...hello("anthropic/claude-sonnet-4.6"), messages: [{ role: "user", content: "x".repeat(5000) }] });
    await expectAnthropicError(big, 413, "request_too_large");
    expect(await up.requests()).toHaveLength(0);
  });

  it("429 rate_limit_error with retry-after; upstream 5xx → api_error, overloaded → 529 overloaded_error; the upstream's message survives", async () => {
    const { up, messages } = await setup(NO_OPENROUTER);
    // A Retry-After longer than RETRY_AFTER_MAX_MS is not waited out: the caller gets the 429.
    await up.script({ status: 429, headers: { "retry-after": "30" }, message: "Number of request tokens has exceeded your per-minute rate limit" });
    const limited = await messages(hello("anthropic/claude-sonnet-4.6"));
    expect(limited.headers.get("retry-after")).toBe("30");
    expect(await expectAnthropicError(limited, 429, "rate_limit_error")).toContain("per-minute rate limit");

    await up.script({ status: 500, message: "boom inside the provider" });
    const broken = await messages(hello("openai/gpt-4o"));
    expect(await expectAnthropicError(broken, 502, "api_error")).toContain("boom inside the provider");

    // Anthropic's 529 and Google's 503 say the upstream is overloaded: Anthropic's own 529
    // overloaded_error, which the Anthropic SDKs retry.
    await up.script({ status: 529, message: "Overloaded" });
    await expectAnthropicError(await messages(hello("anthropic/claude-sonnet-4.6")), 529, "overloaded_error");
    await up.script({ status: 503, message: "The model is overloaded", times: 2 });
    expect(await expectAnthropicError(await messages(hello("google/gemini-2.5-flash")), 529, "overloaded_error")).toContain("The model is overloaded");
  });

  it("504 when the upstream does not answer in time", async () => {
    const { up, messages } = await setup({ ...NO_OPENROUTER, UPSTREAM_TIMEOUT_MS: "150" });
    await up.script({ fault: "hang" });
    await expectAnthropicError(await messages(hello("anthropic/claude-sonnet-4.6")), 504, "timeout_error");
  });
});

describe("POST /v1/messages/count_tokens", () => {
  const countBody = (model: string) => ({
    model,
    system: "Be brief.",
    messages: [{ role: "user", content: "How is the weather in Paris today?" }],
    tools: [{ name: WEATHER_TOOL.name, description: WEATHER_TOOL.description, input_schema: WEATHER_TOOL.schema }],
  });

  it("is exact for Anthropic models: forwarded to Anthropic's count_tokens, beta included", async () => {
    const { up, count } = await setup(NO_OPENROUTER); // an earlier test may have cooled the provider down
    const res = await count(countBody("anthropic/claude-sonnet-4.6"), { "anthropic-beta": "token-counting-2024-11-01" });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-arouter-token-count")).toBe("exact");
    const sent = (await up.lastRequest())!;
    expect(sent.path).toBe("/anthropic/v1/messages/count_tokens");
    expect(sent.headers["x-api-key"]).toBe(ANTHROPIC_KEY);
    expect(sent.headers["anthropic-beta"]).toBe("token-counting-2024-11-01");
    expect(sent.body.model).toBe("claude-sonnet-4-6");
    expect(sent.body.max_tokens).toBeUndefined();
    expect(sent.body.stream).toBeUndefined();
    expect(sent.body.tools[0]).toMatchObject({ name: WEATHER_TOOL.name, input_schema: WEATHER_TOOL.schema });
    expect(await res.json()).toEqual({ input_tokens: fakePromptTokens(sent) });
  });

  it("keeps Anthropic-only tools when counting for Anthropic", async () => {
    const { up, count } = await setup(NO_OPENROUTER); // an earlier test may have cooled the provider down
    const body = { ...countBody("anthropic/claude-sonnet-4.6"), tools: [{ type: "web_search_20250305", name: "web_search", max_uses: 2 }] };
    expect((await count(body)).status).toBe(200);
    expect((await up.lastRequest())!.body.tools).toEqual(body.tools);
  });

  it("uses Gemini's countTokens for Gemini models", async () => {
    const { up, count } = await setup(NO_OPENROUTER); // an earlier test may have cooled the provider down
    const res = await count(countBody("google/gemini-2.5-flash"));
    expect(res.status).toBe(200);
    expect(res.headers.get("x-arouter-token-count")).toBe("exact");
    const sent = (await up.lastRequest())!;
    expect(sent.path).toBe("/gemini/v1beta/models/gemini-2.5-flash:countTokens");
    expect(sent.headers["x-goog-api-key"]).toBe(FAKE_PROVIDERS.GEMINI.key);
    expect(sent.body.generateContentRequest.model).toBe("models/gemini-2.5-flash");
    expect(sent.body.generateContentRequest.contents).toEqual([{ role: "user", parts: [{ text: "How is the weather in Paris today?" }] }]);
    expect(sent.body.generateContentRequest.systemInstruction).toEqual({ parts: [{ text: "Be brief." }] });
    expect(await res.json()).toEqual({ input_tokens: fakePromptTokens(sent) });
  });

  it("estimates for OpenAI-format models (flagged, never 0) without calling the upstream", async () => {
    const { up, count } = await setup();
    for (const model of ["openai/gpt-4o", "deepseek/deepseek-v4-flash"]) {
      const res = await count(countBody(model));
      expect(res.status).toBe(200);
      expect(res.headers.get("x-arouter-token-count")).toBe("estimate");
      const { input_tokens } = (await res.json()) as any;
      expect(Number.isInteger(input_tokens)).toBe(true);
      expect(input_tokens).toBeGreaterThan(10);
    }
    const tiny = await count({ model: "openai/gpt-4o", messages: [{ role: "user", content: "" }] });
    expect(((await tiny.json()) as any).input_tokens).toBeGreaterThan(0);
    expect(await up.requests()).toHaveLength(0);
  });

  it("errors in Anthropic's shape: 401 without key, 400 for a bad body", async () => {
    const { gw, count } = await setup();
    await expectAnthropicError(await gw.fetch("/v1/messages/count_tokens", jsonPost(countBody("anthropic/claude-sonnet-4.6"))), 401, "authentication_error");
    await expectAnthropicError(await count({ model: "anthropic/claude-sonnet-4.6" }), 400, "invalid_request_error");
  });
});
