/**
 * No cost the spend limit cannot see (issue #11). For a key with a limit, every request feature
 * whose cost the size-and-max_tokens estimate misses is priced into the reservation with a
 * documented worst case, or refused with a 402 saying why; a key without a limit is unaffected.
 * Server-tool use the upstream reports is billed at settle; a charge above its reservation is
 * recorded on the request and the key; anthropic-beta values are allow-listed and
 * anthropic-version validated.
 */
import { describe, expect, it } from "vitest";
import { anthropicCodec } from "../../src/codecs/anthropic";
import { geminiCodec } from "../../src/codecs/gemini";
import { responsesCodec } from "../../src/codecs/responses";
import { costMicros } from "../../src/catalog/pricing";
import type { Endpoint } from "../../src/routing/types";
import { chatCostBound, SERVER_TOOL_RESULT_TOKENS } from "../../src/spend/unseen-costs";
import { insertUsageJson } from "../../src/usage/store";
import { jsonPost } from "../helpers/gateway";
import { generation, keyObject, usageRows } from "../helpers/books";
import { pricingOf } from "../helpers/prices";
import { rig } from "../helpers/rig";

const setup = (name: string, key: Record<string, unknown> = {}, env: Record<string, unknown> = {}) => rig(name, { key, env });

const CLAUDE = "anthropic/claude-sonnet-4.6";
const hi = [{ role: "user", content: "hi" }];
const anthropic = (key: string, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
  jsonPost({ model: CLAUDE, max_tokens: 64, messages: hi, ...body }, { "x-api-key": key, "anthropic-version": "2023-06-01", ...headers });
const gemini = (key: string, body: Record<string, unknown>) =>
  jsonPost({ contents: [{ role: "user", parts: [{ text: "hi" }] }], generationConfig: { maxOutputTokens: 64 }, ...body }, { "x-goog-api-key": key });
const GEMINI_PATH = "/v1beta/models/gemini-2.5-flash:generateContent";

async function refusal(res: Response): Promise<string> {
  expect(res.status).toBe(402);
  const body = (await res.json()) as { error: { message: string } };
  return body.error.message;
}

describe("features a limit cannot see: refused for a key with a limit", () => {
  const cases: Array<[string, Record<string, unknown>, RegExp]> = [
    ["mcp_servers", { mcp_servers: [{ type: "url", url: "https://mcp.example.com/sse", name: "x" }] }, /mcp_servers/],
    ["container", { container: "container_abc" }, /container/],
    ["code execution tool", { tools: [{ type: "code_execution_20250825", name: "code_execution" }] }, /code_execution_20250825/],
    ["web_search without max_uses", { tools: [{ type: "web_search_20250305", name: "web_search" }] }, /web_search_20250305 without max_uses/],
    ["service_tier auto", { service_tier: "auto" }, /service_tier 'auto'/],
    ["fast mode", { speed: "fast" }, /speed 'fast'/],
    ["an unknown server tool", { tools: [{ type: "brand_new_tool_20270101", name: "x" }] }, /server tool 'brand_new_tool_20270101'/],
  ];

  it("Anthropic surface: each is a 402 naming it, with no upstream call; without a limit it goes through", async () => {
    const { up, gw, key } = await setup("unseen-anthropic", { limit: 100 });
    for (const [what, body, reason] of cases) {
      const message = await refusal(await gw.fetch("/v1/messages", anthropic(key, body)));
      expect(message, what).toMatch(reason);
      expect(message).toMatch(/spend limit could not be enforced/);
    }
    expect(await up.requests()).toEqual([]);

    const open = await gw.createKey();
    for (const [what, body] of cases) {
      expect((await gw.fetch("/v1/messages", anthropic(open.key, body))).status, what).toBe(200);
    }
    const sent = await up.requests();
    expect(sent.length).toBe(cases.length);
    expect(sent[0].body.mcp_servers).toBeDefined(); // passed through untouched
    await gw.settled();
  });

  it("Anthropic web search with max_uses is priced from the catalog ($10 per 1,000 searches), so a key with room for its worst case may use it", async () => {
    expect(pricingOf(CLAUDE, "anthropic").web_search).toBe("0.01"); // USD per search
    const { up, gw, key } = await setup("priced-search", { limit: 100 });
    const tools = [{ type: "web_search_20250305", name: "web_search", max_uses: 3 }];
    expect((await gw.fetch("/v1/messages", anthropic(key, { tools }))).status).toBe(200);
    const [sent] = await up.requests();
    expect(sent.body.tools).toEqual(tools);
    await gw.settled();
  });

  it("Gemini surface: googleSearch grounding, an unknown built-in tool and serviceTier priority are 402s", async () => {
    const { up, gw, key } = await setup("unseen-gemini", { limit: 100 });
    const refused: Array<[Record<string, unknown>, RegExp]> = [
      [{ tools: [{ googleSearch: {} }] }, /googleSearch/],
      [{ tools: [{ googleMaps: {} }] }, /googleMaps/],
      [{ tools: [{ futureTool: {} }] }, /built-in tool 'futureTool'/],
      [{ serviceTier: "priority" }, /serviceTier 'priority'/],
    ];
    for (const [body, reason] of refused) expect(await refusal(await gw.fetch(GEMINI_PATH, gemini(key, body)))).toMatch(reason);
    expect(await up.requests()).toEqual([]);
    expect((await gw.fetch(GEMINI_PATH, gemini(key, { serviceTier: "flex" }))).status).toBe(200);
    await gw.settled();
  });

  it("OpenAI surface: service_tier priority or scale and web_search_options without a web_search price are 402s; flex goes through", async () => {
    const { up, gw, key } = await setup("unseen-openai", { limit: 100 });
    const chat = (k: string, body: Record<string, unknown>) =>
      gw.fetch("/v1/chat/completions", jsonPost({ model: "openai/gpt-4o-mini", max_tokens: 16, messages: hi, ...body }, { authorization: `Bearer ${k}` }));
    const refused: Array<[Record<string, unknown>, RegExp]> = [
      [{ service_tier: "priority" }, /service_tier 'priority'/],
      [{ service_tier: "scale" }, /service_tier 'scale'/],
      [{ web_search_options: {} }, /web search, which has no known price/],
    ];
    for (const [body, reason] of refused) expect(await refusal(await chat(key, body))).toMatch(reason);
    expect(await up.requests()).toEqual([]);
    expect((await chat(key, { service_tier: "flex" })).status).toBe(200);
    const open = await gw.createKey();
    for (const [body] of refused) expect((await chat(open.key, body)).status, JSON.stringify(body)).toBe(200);
    expect((await up.requests()).length).toBe(1 + refused.length);
    await gw.settled();
  });
});

describe("features priced into the reservation", () => {
  it("a document by URL reserves the model's whole context window: refused under a small limit, admitted under a larger one", async () => {
    const doc = { messages: [{ role: "user", content: [{ type: "document", source: { type: "url", url: "https://example.com/big.pdf" } }, { type: "text", text: "summarise" }] }] };
    const small = await setup("unseen-doc-small", { limit: 1 });
    const message = await refusal(await small.gw.fetch("/v1/messages", anthropic(small.key, doc)));
    // claude-sonnet-4.6: 1,000,000-token window at $3/M → more than $3 reserved.
    expect(message).toMatch(/could cost up to \$3\.\d+/);
    expect(await small.up.requests()).toEqual([]);

    const large = await setup("unseen-doc-large", { limit: 5 });
    expect((await large.gw.fetch("/v1/messages", anthropic(large.key, doc))).status).toBe(200);
    await large.gw.settled();
  });

  it("a Gemini video by fileData URL and codeExecution (5 turns) are priced the same way", async () => {
    const video = { contents: [{ role: "user", parts: [{ fileData: { fileUri: "https://example.com/v.mp4", mimeType: "video/mp4" } }, { text: "describe" }] }] };
    const small = await setup("unseen-video", { limit: 0.1 });
    expect(await refusal(await small.gw.fetch(GEMINI_PATH, gemini(small.key, video)))).toMatch(/could cost up to/);
    expect(await refusal(await small.gw.fetch(GEMINI_PATH, gemini(small.key, { tools: [{ codeExecution: {} }] })))).toMatch(/could cost up to/);
    expect(await small.up.requests()).toEqual([]);
    const large = await setup("unseen-video-large", { limit: 2 });
    expect((await large.gw.fetch(GEMINI_PATH, gemini(large.key, video))).status).toBe(200);
    expect((await large.gw.fetch(GEMINI_PATH, gemini(large.key, { tools: [{ codeExecution: {} }] }))).status).toBe(200);
    await large.gw.settled();
  });

  it("the worst cases, as documented: N server-tool uses read the prompt N + 1 times; searches at the web_search price", () => {
    const pricing = { prompt: 3, completion: 15, webSearch: 10_000 };
    const endpoint = { modelId: "anthropic/x", upstreamModel: "x", pricing, contextLength: 200_000 } as unknown as Endpoint;
    const req = anthropicCodec.decodeRequest({ model: "x", max_tokens: 100, messages: hi, tools: [{ type: "web_search_20250305", name: "web_search", max_uses: 3 }] });
    const bound = chatCostBound({ upstream: anthropicCodec, req, endpoint, estInputTokens: 1_000, maxOutputTokens: 100 });
    const perRead = 1_000 + 3 * SERVER_TOOL_RESULT_TOKENS;
    expect(bound).toEqual({ micros: perRead * 4 * 3 + 100 * 15 + 3 * 10_000 });
    const video = geminiCodec.decodeRequest({ contents: [{ parts: [{ fileData: { fileUri: "gs://b/v.mp4", mimeType: "video/mp4" } }] }] }, { model: "g" });
    expect(chatCostBound({ upstream: geminiCodec, req: video, endpoint, estInputTokens: 50, maxOutputTokens: 10 })).toEqual({ micros: 200_000 * 3 + 10 * 15 });
    const plain = anthropicCodec.decodeRequest({ model: "x", max_tokens: 100, messages: hi });
    expect(chatCostBound({ upstream: anthropicCodec, req: plain, endpoint, estInputTokens: 1_000, maxOutputTokens: 100 })).toEqual({ micros: 1_000 * 3 + 100 * 15 });
  });
});

describe("a Responses upstream (its route arrives with the Responses surface)", () => {
  const pricing = { prompt: 3, completion: 15, webSearch: 10_000 };
  const endpoint = { modelId: "openai/x", upstreamModel: "x", pricing, contextLength: 200_000 } as unknown as Endpoint;
  const bound = (body: Record<string, unknown>) =>
    chatCostBound({ upstream: responsesCodec, req: responsesCodec.decodeRequest({ model: "x", input: "hi", ...body }), endpoint, estInputTokens: 1_000, maxOutputTokens: 100 });

  it("built-in tools it runs on its own terms, web_search without max_tool_calls and service_tier priority are unpriced (a 402 for a key with a limit)", () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ tools: [{ type: "web_search" }] }, /web_search without max_tool_calls/],
      [{ tools: [{ type: "code_interpreter", container: { type: "auto" } }] }, /code_interpreter/],
      [{ tools: [{ type: "file_search", vector_store_ids: ["vs_1"] }] }, /file_search/],
      [{ tools: [{ type: "image_generation" }] }, /image_generation/],
      [{ tools: [{ type: "mcp", server_label: "x", server_url: "https://mcp.example.com" }] }, /mcp/],
      [{ tools: [{ type: "shell", environment: { type: "container_auto" } }] }, /hosted shell/],
      [{ tools: [{ type: "brand_new_tool" }] }, /built-in tool 'brand_new_tool'/],
      [{ service_tier: "priority" }, /service_tier 'priority'/],
    ];
    for (const [body, reason] of cases) {
      const b = bound(body);
      expect(b.micros, JSON.stringify(body)).toBeNull();
      expect(b.unpriced, JSON.stringify(body)).toMatch(reason);
    }
  });

  it("web_search bounded by max_tool_calls is priced like Anthropic's max_uses; client-run tools, files by URL and flex as documented", () => {
    const perRead = 1_000 + 4 * SERVER_TOOL_RESULT_TOKENS;
    expect(bound({ max_tool_calls: 4, tools: [{ type: "web_search" }] })).toEqual({ micros: perRead * 5 * 3 + 100 * 15 + 4 * 10_000 });
    const plain = { micros: 1_000 * 3 + 100 * 15 };
    expect(bound({ service_tier: "flex", tools: [{ type: "function", name: "f", parameters: { type: "object", properties: {} } }, { type: "shell", environment: { type: "local" } }, { type: "apply_patch" }] })).toEqual(plain);
    expect(bound({ input: [{ role: "user", content: [{ type: "input_file", file_url: "https://example.com/a.pdf" }] }] })).toEqual({ micros: 200_000 * 3 + 100 * 15 });
  });
});

describe("billed at settle", () => {
  it("web searches the upstream reports are priced at the model's web_search price", () => {
    expect(costMicros({ prompt: 3, completion: 15, webSearch: 10_000 }, { inputTokens: 1_000, outputTokens: 100, webSearchRequests: 2 })).toBe(3_000 + 1_500 + 20_000);
    expect(costMicros({ prompt: 3, completion: 15 }, { inputTokens: 1_000, outputTokens: 100, webSearchRequests: 2 })).toBe(4_500);
  });

  it("Anthropic server_tool_use.web_search_requests and Gemini grounding queries land in the usage record", async () => {
    const { up, gw, key, hash } = await setup("search-billing");
    await up.script({
      match: "/anthropic/",
      body: {
        id: "msg_1", type: "message", role: "assistant", model: "claude-sonnet-4-6", content: [{ type: "text", text: "Sunny." }],
        stop_reason: "end_turn", stop_sequence: null,
        usage: { input_tokens: 500, output_tokens: 20, server_tool_use: { web_search_requests: 3 } },
      },
    });
    await up.script({
      match: "/gemini/",
      body: {
        candidates: [{ content: { role: "model", parts: [{ text: "Sunny." }] }, finishReason: "STOP", index: 0, groundingMetadata: { webSearchQueries: ["weather sf", "weather sf today"] } }],
        usageMetadata: { promptTokenCount: 10, candidatesTokenCount: 5, totalTokenCount: 15 },
        modelVersion: "gemini-2.5-flash",
      },
    });
    const a = await gw.fetch("/v1/messages", anthropic(key, { tools: [{ type: "web_search_20250305", name: "web_search", max_uses: 3 }] }));
    expect(a.status).toBe(200);
    const g = await gw.fetch(GEMINI_PATH, gemini(key, { tools: [{ googleSearch: {} }] }));
    expect(g.status).toBe(200);
    const rows = await usageRows(gw, hash);
    expect(rows.map((r) => r.web_search_requests).sort()).toEqual([2, 3]);
    expect((await generation(gw, key, a.headers.get("x-generation-id")!)).num_web_searches).toBe(3);
  });
});

describe("a charge above its reservation", () => {
  it("an upstream that ignores max_tokens: the key is charged the real cost, and the record and /api/v1/key say how far over it went", async () => {
    const { up, gw, key, hash } = await setup("over-reservation", { limit: 0.01 });
    await up.script({
      body: {
        id: "chatcmpl-1", object: "chat.completion", created: 1, model: "gpt-4o-mini",
        choices: [{ index: 0, message: { role: "assistant", content: "a very long answer" }, finish_reason: "stop" }],
        usage: { prompt_tokens: 10, completion_tokens: 100_000, total_tokens: 100_010 },
      },
    });
    const res = await gw.fetch("/v1/chat/completions", jsonPost({ model: "openai/gpt-4o-mini", max_tokens: 10, messages: hi }, { authorization: `Bearer ${key}` }));
    expect(res.status).toBe(200);
    const [row] = await usageRows(gw, hash);
    // gpt-4o-mini: $0.15/M in, $0.60/M out → 10 × 0.15 + 100,000 × 0.6 micro-USD, rounded up.
    expect(row.cost_micros).toBe(Math.ceil(10 * 0.15 + 100_000 * 0.6));
    expect(row.over_reservation_micros).toBeGreaterThan(0);
    expect(row.over_reservation_micros).toBeLessThan(row.cost_micros);
    const self = await gw.fetch("/api/v1/key", { headers: { authorization: `Bearer ${key}` } });
    const k = ((await self.json()) as { data: Record<string, number> }).data;
    expect(k.usage).toBeCloseTo(row.cost_micros / 1e6, 9);
    expect(k.limit_overrun).toBeCloseTo((row.cost_micros - 10_000) / 1e6, 9);
    expect(k.over_reservation).toBeCloseTo(row.over_reservation_micros / 1e6, 9);
    expect((await keyObject(gw, hash)).limit_remaining).toBe(0);
    expect((await generation(gw, key, res.headers.get("x-generation-id")!)).over_reservation).toBeCloseTo(row.over_reservation_micros / 1e6, 9);
    // Nothing is left: the next request is refused.
    expect((await gw.fetch("/v1/chat/completions", jsonPost({ model: "openai/gpt-4o-mini", max_tokens: 10, messages: hi }, { authorization: `Bearer ${key}` }))).status).toBe(402);
  });
});

describe("usage records buffered by the previous deploy", () => {
  it("a record without the new fields (web_search_requests, over_reservation_micros) still flushes, with 0", async () => {
    const { gw, hash } = await setup("old-record");
    const old = {
      id: `gen-old-${hash.slice(0, 8)}`, keyHash: hash, requestedModel: "m", servedModel: "m", provider: "openai", surface: "openai", streamed: false,
      promptTokens: 1, completionTokens: 1, cachedTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0, costMicros: 5, status: 200,
      finishReason: "stop", latencyMs: 1, ttftMs: null, createdAt: Date.now(),
    };
    await insertUsageJson(gw.env.DB, JSON.stringify([old]));
    const [row] = await usageRows(gw, hash);
    expect(row).toMatchObject({ id: old.id, cost_micros: 5, web_search_requests: 0, over_reservation_micros: 0 });
  });
});

describe("Anthropic headers", () => {
  it("anthropic-beta: only allow-listed values reach Anthropic (ANTHROPIC_BETAS_ALLOWED extends the list); anthropic-version validated", async () => {
    const { up, gw, key } = await setup("betas");
    const betas = { "anthropic-beta": "context-1m-2025-08-07, claude-code-20250219,files-api-2025-04-14" };
    expect((await gw.fetch("/v1/messages", anthropic(key, {}, betas))).status).toBe(200);
    expect((await up.lastRequest())!.headers["anthropic-beta"]).toBe("claude-code-20250219");
    expect((await up.lastRequest())!.headers["anthropic-version"]).toBe("2023-06-01");

    const extended = await setup("betas-extended", {}, { ANTHROPIC_BETAS_ALLOWED: "context-1m-2025-08-07" });
    expect((await extended.gw.fetch("/v1/messages", anthropic(extended.key, {}, betas))).status).toBe(200);
    expect((await extended.up.lastRequest())!.headers["anthropic-beta"]).toBe("context-1m-2025-08-07,claude-code-20250219");

    const before = (await up.requests()).length;
    for (const version of ["2023-02-30", "2023-06-01x", "latest"]) {
      const res = await gw.fetch("/v1/messages", anthropic(key, {}, { "anthropic-version": version }));
      expect(res.status, version).toBe(400);
      expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/anthropic-version/);
    }
    const count = await gw.fetch("/v1/messages/count_tokens", jsonPost({ model: CLAUDE, messages: hi }, { "x-api-key": key, "anthropic-version": "v1" }));
    expect(count.status).toBe(400);
    expect((await up.requests()).length).toBe(before);
    await gw.settled();
    await extended.gw.settled();
  });
});
