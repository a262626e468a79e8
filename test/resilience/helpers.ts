import type { UsageRow } from "../helpers/usage-row";
/**
 * Shared machinery of the resilience suite: building a request on any of the three surfaces,
 * checking that whatever came back is well formed in the caller's own format (responses, error
 * envelopes, stream termination), and reading the books (usage rows in D1, the key's spend
 * counters and reservations) so a test can check that nothing was lost or double counted.
 *
 * Costs are recomputed here from data/models.json independently of src/catalog/pricing.ts.
 */
import { expect } from "vitest";
import catalogJson from "../../data/models.json";
import { anthropicResponseSchema, anthropicStreamChunkSchema } from "../../src/codecs/anthropic";
import { anthropicErrorBodySchema } from "../../src/codecs/anthropic/anthropic-api";
import { geminiResponseSchema, geminiStreamChunkSchema } from "../../src/codecs/gemini";
import { openaiResponseSchema, openaiStreamChunkSchema } from "../../src/codecs/openai";
import { flushUsage, getKeySpend } from "../../src/spend/client";
import { MANAGEMENT_KEY, readSse, type Gateway } from "../helpers/gateway";

export type Surface = "openai" | "anthropic" | "gemini";
export type Format = Surface;
/** How a streamed answer is framed: not streamed, SSE, or Gemini's default JSON array. */
export type Mode = "json" | "sse" | "json-array";

export const SURFACES: Surface[] = ["openai", "anthropic", "gemini"];
export const MODES: Record<Surface, Mode[]> = { openai: ["json", "sse"], anthropic: ["json", "sse"], gemini: ["json", "sse", "json-array"] };

/** One single-endpoint catalog model per upstream wire format. */
export const MODEL_FOR: Record<Format, string> = {
  openai: "openai/gpt-4o",
  anthropic: "anthropic/claude-sonnet-4.6",
  gemini: "google/gemini-2.0-flash",
};

export const MAX_TOKENS = 256;

/**
 * The status each surface answers an overloaded upstream with (upstream 529, or 503), the one its
 * SDK retries as "overloaded": Anthropic's own 529 overloaded_error, 503 on the others.
 */
export const OVERLOADED_STATUS: Record<Surface, number> = { openai: 503, anthropic: 529, gemini: 503 };

/**
 * The usage row's status for the HTTP status a surface answered with: rows keep the gateway's
 * surface-neutral status, so the Anthropic surface's 529 (overloaded) is recorded as 503.
 */
export function rowStatusOf(surface: Surface, httpStatus: number): number {
  return surface === "anthropic" && httpStatus === 529 ? 503 : httpStatus;
}

export interface CallSpec {
  surface: Surface;
  model: string;
  mode: Mode;
  text?: string;
  maxTokens?: number | null;
}

/** A minimal valid request for a surface, authenticated the way that surface's SDK does it. */
export function buildCall(spec: CallSpec, key: string, signal?: AbortSignal): { path: string; init: RequestInit } {
  const text = spec.text ?? "Hi there";
  const stream = spec.mode !== "json";
  const maxTokens = spec.maxTokens === undefined ? MAX_TOKENS : spec.maxTokens;
  let path: string;
  let body: Record<string, unknown>;
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (spec.surface === "openai") {
    path = "/v1/chat/completions";
    body = { model: spec.model, messages: [{ role: "user", content: text }], stream };
    if (maxTokens !== null) body.max_tokens = maxTokens;
    headers.authorization = `Bearer ${key}`;
  } else if (spec.surface === "anthropic") {
    path = "/v1/messages";
    body = { model: spec.model, max_tokens: maxTokens ?? MAX_TOKENS, messages: [{ role: "user", content: text }], stream };
    headers["x-api-key"] = key;
    headers["anthropic-version"] = "2023-06-01";
  } else {
    const action = !stream ? "generateContent" : spec.mode === "sse" ? "streamGenerateContent?alt=sse" : "streamGenerateContent";
    path = `/v1beta/models/${spec.model}:${action}`;
    body = { contents: [{ role: "user", parts: [{ text }] }] };
    if (maxTokens !== null) body.generationConfig = { maxOutputTokens: maxTokens };
    headers["x-goog-api-key"] = key;
  }
  return { path, init: { method: "POST", headers, body: JSON.stringify(body), signal } };
}

export interface Outcome {
  status: number;
  generationId: string | null;
  /** Well formed and complete: a 200 response, or a stream that ended normally. */
  ok: boolean;
  /** HTTP error (status ≥ 400) or in-band stream error: its message. */
  errorMessage?: string;
  /** Status carried by the error (HTTP status, or the code of an in-band error when it has one). */
  errorStatus?: number;
  /** A stream that was committed (200) and then ended with an in-band error. */
  inBand: boolean;
  /** Answer text the caller received. */
  text: string;
  /** Token usage the response reported (input includes cached tokens). */
  usage?: { input: number; output: number };
  keepAlives: number;
  retryAfter: string | null;
}

const fail = (what: string, detail: unknown): never => {
  throw new Error(`${what}: ${typeof detail === "string" ? detail.slice(0, 600) : JSON.stringify(detail).slice(0, 600)}`);
};

function parseOrFail<T>(schema: { safeParse(v: unknown): { success: boolean; data?: T; error?: unknown } }, value: unknown, what: string): T {
  const r = schema.safeParse(value);
  if (!r.success) fail(`${what} does not match the caller's schema (${String(r.error).slice(0, 300)})`, value);
  return r.data as T;
}

function jsonOf(text: string, what: string): any {
  try {
    return JSON.parse(text);
  } catch {
    return fail(`${what} is not JSON`, text);
  }
}

/**
 * Reads a response and asserts it is well formed for the caller's surface: an error envelope of the
 * surface's format (never 500), a valid response body, or a stream that terminates properly.
 */
export async function readOutcome(surface: Surface, mode: Mode, res: Response): Promise<Outcome> {
  const base = { status: res.status, generationId: res.headers.get("x-generation-id"), retryAfter: res.headers.get("retry-after"), keepAlives: 0 };
  if (res.status !== 200) {
    expect(res.status, "never a 500").not.toBe(500);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(600);
    expect(res.headers.get("content-type") ?? "").toContain("application/json");
    const raw = await res.text();
    const body = jsonOf(raw, `${surface} error body`);
    let message: string;
    if (surface === "openai") {
      expect(body.error?.code, raw).toBe(res.status);
      expect(typeof body.error?.type, raw).toBe("string");
      message = body.error?.message;
    } else if (surface === "anthropic") {
      const e = parseOrFail<{ error: { type: string; message: string } }>(anthropicErrorBodySchema, body, "anthropic error");
      message = e.error.message;
    } else {
      expect(body.error?.code, raw).toBe(res.status);
      expect(typeof body.error?.status, raw).toBe("string");
      message = body.error?.message;
    }
    expect(typeof message, raw).toBe("string");
    expect(message.length, raw).toBeGreaterThan(0);
    return { ...base, ok: false, inBand: false, errorMessage: message, errorStatus: res.status, text: "" };
  }
  if (mode === "json") return { ...base, ...(await readJsonAnswer(surface, res)), inBand: false };
  if (surface === "openai") return { ...base, ...(await readOpenAIStream(res)) };
  if (surface === "anthropic") return { ...base, ...(await readAnthropicStream(res)) };
  return { ...base, ...(await readGeminiStream(res, mode)) };
}

async function readJsonAnswer(surface: Surface, res: Response): Promise<Pick<Outcome, "ok" | "text" | "usage">> {
  expect(res.headers.get("content-type") ?? "").toContain("application/json");
  const body = jsonOf(await res.text(), `${surface} response`);
  if (surface === "openai") {
    const r = parseOrFail<any>(openaiResponseSchema, body, "openai response");
    return { ok: true, text: r.choices[0].message.content ?? "", usage: { input: r.usage.prompt_tokens, output: r.usage.completion_tokens } };
  }
  if (surface === "anthropic") {
    const r = parseOrFail<any>(anthropicResponseSchema, body, "anthropic response");
    const u = r.usage;
    const text = r.content.filter((b: any) => b.type === "text").map((b: any) => b.text).join("");
    return { ok: true, text, usage: { input: u.input_tokens + (u.cache_read_input_tokens ?? 0) + (u.cache_creation_input_tokens ?? 0), output: u.output_tokens } };
  }
  const r = parseOrFail<any>(geminiResponseSchema, body, "gemini response");
  return { ok: true, text: geminiText(r), usage: geminiUsage(r.usageMetadata) };
}

function geminiText(r: any): string {
  return (r.candidates?.[0]?.content?.parts ?? []).filter((p: any) => typeof p.text === "string" && !p.thought).map((p: any) => p.text).join("");
}
function geminiUsage(u: any): { input: number; output: number } | undefined {
  if (!u) return undefined;
  return { input: u.promptTokenCount ?? 0, output: (u.candidatesTokenCount ?? 0) + (u.thoughtsTokenCount ?? 0) };
}

async function readOpenAIStream(res: Response): Promise<Omit<Outcome, "status" | "generationId" | "retryAfter">> {
  expect(res.headers.get("content-type") ?? "").toContain("text/event-stream");
  const { events, comments, raw } = await readSse(res);
  expect(events.length, raw).toBeGreaterThan(0);
  expect(events.at(-1)!.data, `OpenAI stream must end with [DONE]: ${raw.slice(-300)}`).toBe("[DONE]");
  expect(events.filter((e) => e.data === "[DONE]").length, "exactly one [DONE]").toBe(1);
  let text = "";
  let usage: Outcome["usage"];
  let errorChunk: any;
  let finished = false;
  for (const e of events.slice(0, -1)) {
    const c = parseOrFail<any>(openaiStreamChunkSchema, jsonOf(e.data, "openai chunk"), "openai chunk");
    if (errorChunk && c.choices.length > 0) fail("content after an in-band error", e.data);
    if (c.error) {
      expect(errorChunk, "one error chunk").toBeUndefined();
      errorChunk = c;
      expect(c.choices[0]?.finish_reason, e.data).toBe("error");
      continue;
    }
    for (const ch of c.choices) {
      text += ch.delta?.content ?? "";
      if (ch.finish_reason) finished = true;
    }
    if (c.usage) usage = { input: c.usage.prompt_tokens, output: c.usage.completion_tokens };
  }
  const keepAlives = comments.filter((c) => c.includes("keep-alive")).length;
  if (errorChunk) {
    const code = Number(errorChunk.error.code);
    return { ok: false, inBand: true, errorMessage: errorChunk.error.message, errorStatus: Number.isFinite(code) ? code : undefined, text, usage, keepAlives };
  }
  expect(finished, `stream ended without a finish_reason: ${raw.slice(-400)}`).toBe(true);
  return { ok: true, inBand: false, text, usage, keepAlives };
}

async function readAnthropicStream(res: Response): Promise<Omit<Outcome, "status" | "generationId" | "retryAfter">> {
  expect(res.headers.get("content-type") ?? "").toContain("text/event-stream");
  const { events, comments, raw } = await readSse(res);
  expect(events.length, raw).toBeGreaterThan(0);
  let text = "";
  let input = 0;
  let output = 0;
  let sawUsage = false;
  const types: string[] = [];
  for (const e of events) {
    const data = parseOrFail<any>(anthropicStreamChunkSchema, jsonOf(e.data, "anthropic event"), "anthropic event");
    expect(e.event, `event name matches data.type: ${e.data}`).toBe(data.type);
    types.push(data.type);
    if (data.type === "message_start") {
      const u = data.message.usage ?? {};
      input = (u.input_tokens ?? 0) + (u.cache_read_input_tokens ?? 0) + (u.cache_creation_input_tokens ?? 0);
      output = u.output_tokens ?? 0;
      sawUsage = true;
    } else if (data.type === "content_block_delta" && data.delta.type === "text_delta") text += data.delta.text;
    else if (data.type === "message_delta" && data.usage) {
      if (typeof data.usage.output_tokens === "number") output = data.usage.output_tokens;
      if (typeof data.usage.input_tokens === "number")
        input = data.usage.input_tokens + (data.usage.cache_read_input_tokens ?? 0) + (data.usage.cache_creation_input_tokens ?? 0);
    }
  }
  // The Anthropic surface's keep-alive is a `ping` event (SDKs ignore pings anywhere).
  const firstReal = types.findIndex((t) => t !== "ping");
  const keepAlives = comments.filter((c) => c.includes("keep-alive")).length + (firstReal === -1 ? types.length : firstReal);
  const last = types.at(-1);
  const errors = types.filter((t) => t === "error").length;
  if (errors > 0) {
    expect(errors, "one error event").toBe(1);
    expect(last, `nothing after event: error: ${raw.slice(-300)}`).toBe("error");
    const errData = JSON.parse(events.at(-1)!.data);
    return { ok: false, inBand: true, errorMessage: errData.error.message, text, usage: sawUsage ? { input, output } : undefined, keepAlives };
  }
  expect(types[firstReal], raw.slice(0, 300)).toBe("message_start");
  expect(last, `Anthropic stream must end with message_stop or error: ${raw.slice(-300)}`).toBe("message_stop");
  expect(types.filter((t) => t === "message_stop").length).toBe(1);
  return { ok: true, inBand: false, text, usage: sawUsage ? { input, output } : undefined, keepAlives };
}

async function readGeminiStream(res: Response, mode: Mode): Promise<Omit<Outcome, "status" | "generationId" | "retryAfter">> {
  let elements: unknown[];
  let keepAlives = 0;
  let raw: string;
  if (mode === "sse") {
    expect(res.headers.get("content-type") ?? "").toContain("text/event-stream");
    const sse = await readSse(res);
    raw = sse.raw;
    keepAlives = sse.comments.filter((c) => c.includes("keep-alive")).length;
    elements = sse.events.map((e) => jsonOf(e.data, "gemini sse chunk"));
  } else {
    expect(res.headers.get("content-type") ?? "").toContain("application/json");
    raw = await res.text();
    const arr = jsonOf(raw, "gemini json-array stream");
    if (!Array.isArray(arr)) fail("gemini json-array stream is not an array", raw);
    elements = arr;
  }
  expect(elements.length, raw).toBeGreaterThan(0);
  let text = "";
  let usage: Outcome["usage"];
  let finished = false;
  for (let i = 0; i < elements.length; i++) {
    const el = parseOrFail<any>(geminiStreamChunkSchema, elements[i], "gemini chunk");
    if (el.error) {
      expect(i, `nothing after an error element: ${raw.slice(-300)}`).toBe(elements.length - 1);
      return { ok: false, inBand: true, errorMessage: el.error.message, errorStatus: el.error.code, text, usage, keepAlives };
    }
    text += geminiText(el);
    usage = geminiUsage(el.usageMetadata) ?? usage;
    if (el.candidates?.[0]?.finishReason) finished = true;
  }
  expect(finished, `Gemini stream ended without a finishReason or an error: ${raw.slice(-300)}`).toBe(true);
  return { ok: true, inBand: false, text, usage, keepAlives };
}

// ---- hand-written upstream streams (valid content first, then whatever the fault needs) ----

const oaChunk = (delta: object, finish: string | null = null) =>
  `data: ${JSON.stringify({ id: "chatcmpl-r", object: "chat.completion.chunk", created: 1, model: "gpt-4o", choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
const anEvent = (type: string, data: object) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
const gmChunk = (text: string) =>
  `data: ${JSON.stringify({ candidates: [{ content: { parts: [{ text }], role: "model" }, index: 0 }], usageMetadata: { promptTokenCount: 11, candidatesTokenCount: 2, totalTokenCount: 13 }, modelVersion: "gemini-2.0-flash" })}\r\n\r\n`;

/** A stream's opening with some content, no terminator. */
export function contentChunks(f: Format): string[] {
  if (f === "openai") return [oaChunk({ role: "assistant", content: "" }), oaChunk({ content: "Hello" }), oaChunk({ content: " there, partial" })];
  if (f === "anthropic")
    return [
      anEvent("message_start", { message: { id: "msg_r", type: "message", role: "assistant", model: "claude-sonnet-4-6", content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 11, output_tokens: 1 } } }),
      anEvent("content_block_start", { index: 0, content_block: { type: "text", text: "" } }),
      anEvent("content_block_delta", { index: 0, delta: { type: "text_delta", text: "Hello" } }),
      anEvent("content_block_delta", { index: 0, delta: { type: "text_delta", text: " there, partial" } }),
    ];
  return [gmChunk("Hello"), gmChunk(" there, partial")];
}

// ---------------------------------------------------------------- prices and books

interface PriceRow {
  prompt: bigint;
  completion: bigint;
  request: bigint;
}
/** Price per token in pico-USD (10⁻¹² $), so cost sums are exact integers. */
const PICO = (usd: string | undefined) => BigInt(Math.round(Number(usd ?? "0") * 1e12));

export function priceOf(modelId: string, provider: string): PriceRow {
  const models = (catalogJson as { models: Array<{ id: string; endpoints: Array<{ provider: string; pricing: Record<string, string> }> }> }).models;
  const m = models.find((x) => x.id === modelId);
  if (!m) throw new Error(`no catalog model ${modelId}`);
  const ep = m.endpoints.find((e) => e.provider === provider) ?? m.endpoints[0];
  return { prompt: PICO(ep.pricing.prompt), completion: PICO(ep.pricing.completion), request: PICO(ep.pricing.request) };
}

/** Cost in micro-USD, rounded up, of plain (uncached) tokens. */
export function expectedCost(modelId: string, provider: string, input: number, output: number): number {
  const p = priceOf(modelId, provider);
  const pico = BigInt(input) * p.prompt + BigInt(output) * p.completion + p.request;
  return Number((pico + 999_999n) / 1_000_000n);
}

export type { UsageRow } from "../helpers/usage-row";

export interface Books {
  rows: UsageRow[];
  /** From GET /api/v1/keys/{hash}. */
  keyObject: { usage: number; limit: number | null; limit_remaining: number | null };
  outstandingMicros: number;
  totalMicros: number;
}

/** Waits for settlement, flushes the key's buffered usage to D1, and reads rows + counters. */
export async function books(gw: Gateway, hash: string): Promise<Books> {
  await gw.settled();
  await flushUsage(gw.env, hash);
  const rows = (await gw.env.DB.prepare("SELECT * FROM usage WHERE key_hash = ? ORDER BY created_at, id").bind(hash).all<UsageRow>()).results;
  const res = await gw.fetch(`/api/v1/keys/${hash}`, { headers: { authorization: `Bearer ${MANAGEMENT_KEY}` } });
  expect(res.status).toBe(200);
  const keyObject = ((await res.json()) as { data: Books["keyObject"] }).data;
  const spend = await getKeySpend(gw.env, { hash, limitMicros: null, limitReset: null });
  return { rows, keyObject, outstandingMicros: spend.outstandingMicros, totalMicros: spend.totalMicros };
}

const micros = (usd: number) => Math.round(usd * 1e6);

/**
 * The invariants every test ends with: one usage row per request, every reservation settled or
 * released, each row's cost = its tokens × the catalog price, and the key's counters = Σ row costs.
 */
export async function expectBalancedBooks(gw: Gateway, hash: string, limitUsd: number, requests: number): Promise<Books> {
  const b = await books(gw, hash);
  expect(b.rows.length, `usage rows: ${JSON.stringify(b.rows.map((r) => [r.id, r.status]))}`).toBe(requests);
  expect(new Set(b.rows.map((r) => r.id)).size).toBe(requests);
  expect(b.outstandingMicros, "reservations left open").toBe(0);
  let sum = 0;
  for (const r of b.rows) {
    expect(r.cached_tokens).toBe(0);
    expect(r.cache_write_tokens).toBe(0);
    const want = r.served_model && r.provider ? expectedCost(r.served_model, r.provider, r.prompt_tokens, r.completion_tokens) : 0;
    expect(r.cost_micros, `cost of ${JSON.stringify(r)}`).toBe(want);
    sum += r.cost_micros;
  }
  expect(b.totalMicros).toBe(sum);
  expect(micros(b.keyObject.usage)).toBe(sum);
  expect(micros(b.keyObject.limit_remaining ?? Number.NaN)).toBe(micros(limitUsd) - sum);
  return b;
}

/** The usage row of one generation (after books() flushed). */
export function rowOf(b: Books, id: string | null): UsageRow {
  const r = b.rows.find((x) => x.id === id);
  if (!r) throw new Error(`no usage row for ${id} (${b.rows.length} rows)`);
  return r;
}

/** Seeded PRNG (mulberry32): fuzz runs are reproducible. */
export function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)],
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
