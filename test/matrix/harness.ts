/**
 * Shared machinery of the surface × upstream matrix (test/matrix/*.test.ts):
 * - one abstract conversation (`Intent`) rendered into each caller format's request;
 * - readers that validate a caller-format response (JSON or stream) against the codecs' own
 *   strict schemas and reduce it to a `Reply` (text, reasoning, tool calls, usage, finish);
 * - scripted upstream answers in each provider's wire format (for JSON-schema output, where the
 *   fake's default "Hello from fake …" text would not be JSON).
 */
import { expect } from "vitest";
import { anthropicResponseSchema, anthropicStreamChunkSchema } from "../../src/codecs/anthropic";
import { geminiResponseSchema, geminiStreamChunkSchema } from "../../src/codecs/gemini";
import { openaiResponseSchema, openaiStreamChunkSchema } from "../../src/codecs/openai";
import type { FakeStep, RecordedRequest } from "../helpers/fake-upstream";
import { fakeSession } from "../helpers/fake-upstream";
import { gateway, jsonPost, readSse, type Gateway } from "../helpers/gateway";

export type SurfaceName = "openai" | "anthropic" | "gemini";
export type UpstreamName = "openai" | "anthropic" | "gemini" | "deepseek";
export type WireFormat = "openai" | "anthropic" | "gemini";

export interface UpstreamInfo {
  /** Catalog id the caller sends. */
  model: string;
  /** Model id the provider receives. */
  upstreamModel: string;
  /** Provider segment of the fake upstream's URL (also in its default answer text). */
  fake: string;
  /** Provider id the gateway reports. */
  provider: string;
  format: WireFormat;
}

export const UPSTREAMS: Record<UpstreamName, UpstreamInfo> = {
  openai: { model: "openai/gpt-4o", upstreamModel: "gpt-4o", fake: "openai", provider: "openai", format: "openai" },
  anthropic: { model: "anthropic/claude-sonnet-4.6", upstreamModel: "claude-sonnet-4-6", fake: "anthropic", provider: "anthropic", format: "anthropic" },
  gemini: { model: "google/gemini-2.5-flash", upstreamModel: "gemini-2.5-flash", fake: "gemini", provider: "google", format: "gemini" },
  deepseek: { model: "deepseek/deepseek-v4-flash", upstreamModel: "deepseek-v4-flash", fake: "deepseek", provider: "deepseek", format: "openai" },
};

/** What the fake upstream answers by default (scripts/fake-upstream.mjs planAnswer). */
export const fakeText = (u: UpstreamInfo) => `Hello from fake ${u.fake} (${u.upstreamModel})`;
export const FAKE_REASONING = "Thinking about the request step by step.";
export const FAKE_REASONING_TOKENS = 8;
export const FAKE_SIGNATURE = "RmFrZVNpZ25hdHVyZTpmYWtlLXVwc3RyZWFtOnRoaW5raW5nLWJsb2NrLXNpZ25hdHVyZS0wMDAwMDAwMDAwMDAwMDAwMDAwMDA=";
export const FAKE_THOUGHT_SIGNATURE = "CiQBFakeThoughtSignatureZmFrZS10aG91Z2h0LXNpZ25hdHVyZQ==";
/** Text the fake's Anthropic format puts before non-forced tool calls, and its token count. */
export const ANTHROPIC_TOOL_PREAMBLE = "I'll check that for you.";
export const ANTHROPIC_PREAMBLE_TOKENS = 6;
/** Tool-call ids carry a Gemini thoughtSignature after `__ts_` (or `__tsr_`), see canonical/tool-call-id.ts. */
export const PACKED_SIGNATURE = /__tsr?_/;
export const plainToolId = (id: string) => id.split(PACKED_SIGNATURE)[0];

/** 1×1 PNG. */
export const PNG_B64 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";

export const WEATHER_TOOL = {
  name: "get_weather",
  description: "Current weather for a city",
  schema: { type: "object", properties: { city: { type: "string", description: "City name" } }, required: ["city"] } as Record<string, unknown>,
};
/** The fake fills `city` with San Francisco, then Boston for the second parallel call. */
export const FAKE_CALL_ARGS = [{ city: "San Francisco" }, { city: "Boston" }];
/** Output tokens the fake reports for those two calls: one per 6-character argument fragment. */
export const FAKE_CALL_TOKENS = FAKE_CALL_ARGS.reduce((n, a) => n + Math.ceil(JSON.stringify(a).length / 6), 0);

export const JSON_SCHEMA: Record<string, unknown> = {
  type: "object",
  properties: { city: { type: "string" }, temperature_c: { type: "number" } },
  required: ["city", "temperature_c"],
  additionalProperties: false,
};
export const JSON_ANSWER = '{"city":"Paris","temperature_c":21}';
export const SCRIPTED_USAGE = { input: 21, output: 9 };

export const THINKING_BUDGET = 4096;
export const THINKING_MAX_TOKENS = 8192;

// ───────────────────────────── the abstract conversation ─────────────────────────────

export interface Call {
  /** Absent only when a Gemini caller talks to a Gemini upstream (passthrough: Google sends no ids). */
  id?: string;
  name: string;
  args: Record<string, unknown>;
  /** Gemini thoughtSignature as a Gemini caller sees it (part-level). */
  thoughtSignature?: string;
}

export type Turn =
  | { role: "user"; text: string; imageB64?: string }
  | { role: "assistant"; text?: string; calls?: Call[] }
  | { role: "tool"; results: Array<{ id?: string; name: string; result: Record<string, unknown> }> };

export interface Intent {
  system?: string;
  turns: Turn[];
  tools?: boolean;
  thinking?: boolean;
  json?: boolean;
  stream: boolean;
}

export function openaiRequest(model: string, it: Intent): Record<string, unknown> {
  const messages: unknown[] = [];
  if (it.system) messages.push({ role: "system", content: it.system });
  for (const t of it.turns) {
    if (t.role === "user") {
      messages.push({
        role: "user",
        content: t.imageB64
          ? [
              { type: "text", text: t.text },
              { type: "image_url", image_url: { url: `data:image/png;base64,${t.imageB64}` } },
            ]
          : t.text,
      });
    } else if (t.role === "assistant") {
      const m: Record<string, unknown> = { role: "assistant", content: t.text ?? null };
      if (t.calls?.length)
        m.tool_calls = t.calls.map((c) => ({ id: c.id, type: "function", function: { name: c.name, arguments: JSON.stringify(c.args) } }));
      messages.push(m);
    } else {
      for (const r of t.results) messages.push({ role: "tool", tool_call_id: r.id, content: JSON.stringify(r.result) });
    }
  }
  const body: Record<string, unknown> = { model, messages };
  if (it.stream) body.stream = true;
  if (it.tools)
    body.tools = [{ type: "function", function: { name: WEATHER_TOOL.name, description: WEATHER_TOOL.description, parameters: WEATHER_TOOL.schema } }];
  if (it.thinking) {
    body.max_tokens = THINKING_MAX_TOKENS;
    body.reasoning = { max_tokens: THINKING_BUDGET };
  }
  if (it.json) body.response_format = { type: "json_schema", json_schema: { name: "weather_report", strict: true, schema: JSON_SCHEMA } };
  return body;
}

export function anthropicRequest(model: string, it: Intent): Record<string, unknown> {
  const messages: unknown[] = [];
  for (const t of it.turns) {
    if (t.role === "user") {
      messages.push({
        role: "user",
        content: t.imageB64
          ? [
              { type: "text", text: t.text },
              { type: "image", source: { type: "base64", media_type: "image/png", data: t.imageB64 } },
            ]
          : t.text,
      });
    } else if (t.role === "assistant") {
      const content: unknown[] = [];
      if (t.text) content.push({ type: "text", text: t.text });
      for (const c of t.calls ?? []) content.push({ type: "tool_use", id: c.id, name: c.name, input: c.args });
      messages.push({ role: "assistant", content });
    } else {
      messages.push({
        role: "user",
        content: t.results.map((r) => ({ type: "tool_result", tool_use_id: r.id, content: JSON.stringify(r.result) })),
      });
    }
  }
  const body: Record<string, unknown> = { model, max_tokens: it.thinking ? THINKING_MAX_TOKENS : 1024, messages };
  if (it.system) body.system = it.system;
  if (it.stream) body.stream = true;
  if (it.tools) body.tools = [{ name: WEATHER_TOOL.name, description: WEATHER_TOOL.description, input_schema: WEATHER_TOOL.schema }];
  if (it.thinking) body.thinking = { type: "enabled", budget_tokens: THINKING_BUDGET };
  if (it.json) body.output_config = { format: { type: "json_schema", schema: JSON_SCHEMA } };
  return body;
}

export function geminiRequest(it: Intent): Record<string, unknown> {
  const contents: unknown[] = [];
  for (const t of it.turns) {
    if (t.role === "user") {
      const parts: unknown[] = [{ text: t.text }];
      if (t.imageB64) parts.push({ inlineData: { mimeType: "image/png", data: t.imageB64 } });
      contents.push({ role: "user", parts });
    } else if (t.role === "assistant") {
      const parts: unknown[] = [];
      if (t.text) parts.push({ text: t.text });
      for (const c of t.calls ?? []) {
        const part: Record<string, unknown> = { functionCall: { ...(c.id ? { id: c.id } : {}), name: c.name, args: c.args } };
        if (c.thoughtSignature) part.thoughtSignature = c.thoughtSignature;
        parts.push(part);
      }
      contents.push({ role: "model", parts });
    } else {
      contents.push({
        role: "user",
        parts: t.results.map((r) => ({ functionResponse: { ...(r.id ? { id: r.id } : {}), name: r.name, response: r.result } })),
      });
    }
  }
  const body: Record<string, unknown> = { contents };
  if (it.system) body.systemInstruction = { parts: [{ text: it.system }] };
  if (it.tools)
    body.tools = [{ functionDeclarations: [{ name: WEATHER_TOOL.name, description: WEATHER_TOOL.description, parametersJsonSchema: WEATHER_TOOL.schema }] }];
  const gc: Record<string, unknown> = {};
  if (it.thinking) {
    gc.maxOutputTokens = THINKING_MAX_TOKENS;
    gc.thinkingConfig = { thinkingBudget: THINKING_BUDGET, includeThoughts: true };
  }
  if (it.json) {
    gc.responseMimeType = "application/json";
    gc.responseJsonSchema = JSON_SCHEMA;
  }
  if (Object.keys(gc).length) body.generationConfig = gc;
  return body;
}

/** Path + init of the caller's request on its own surface, authenticated the way its SDK does. */
export function surfaceRequest(surface: SurfaceName, key: string, model: string, it: Intent): { path: string; init: RequestInit } {
  switch (surface) {
    case "openai":
      return { path: "/v1/chat/completions", init: jsonPost(openaiRequest(model, it), { authorization: `Bearer ${key}` }) };
    case "anthropic":
      return {
        path: "/v1/messages",
        init: jsonPost(anthropicRequest(model, it), { "x-api-key": key, "anthropic-version": "2023-06-01" }),
      };
    case "gemini":
      return {
        path: `/v1beta/models/${model}:${it.stream ? "streamGenerateContent?alt=sse" : "generateContent"}`,
        init: jsonPost(geminiRequest(it), { "x-goog-api-key": key }),
      };
  }
}

export interface Rig {
  up: ReturnType<typeof fakeSession>;
  gw: Gateway;
  key: string;
  call(surface: SurfaceName, model: string, it: Intent): Promise<Response>;
}

export async function rig(name: string, extraEnv: Record<string, unknown> = {}): Promise<Rig> {
  const up = fakeSession(name);
  const gw = gateway({ ...up.env, ...extraEnv });
  const { key } = await gw.createKey();
  return {
    up,
    gw,
    key,
    call(surface, model, it) {
      const { path, init } = surfaceRequest(surface, key, model, it);
      return gw.fetch(path, init);
    },
  };
}

// ───────────────────────────── reading caller-format responses ─────────────────────────────

export interface Reply {
  id: string;
  model: string;
  text: string;
  reasoning: string;
  /** Thinking signature (Anthropic) as the caller sees it. */
  signature?: string;
  calls: Call[];
  /** Finish / stop reason in the caller's own vocabulary. */
  finish: string | null;
  usage: { input: number; output: number; reasoning?: number };
  /** Anthropic stream: the event names in order (pings included). */
  events?: string[];
  /** Gemini stream: usageMetadata.totalTokenCount of every chunk. */
  runningTotals?: number[];
}

function valid(schema: { safeParse(v: unknown): { success: boolean; error?: unknown } }, value: unknown, what: string): void {
  const r = schema.safeParse(value);
  if (!r.success) throw new Error(`${what} does not match its schema: ${String(r.error)}\n${JSON.stringify(value).slice(0, 2000)}`);
}

const parseArgs = (s: string): Record<string, unknown> => (s === "" ? {} : (JSON.parse(s) as Record<string, unknown>));

export async function readReply(surface: SurfaceName, stream: boolean, res: Response): Promise<Reply> {
  if (res.status !== 200) throw new Error(`caller got HTTP ${res.status}: ${await res.text()}`);
  if (surface === "openai") return stream ? readOpenAIStream(res) : readOpenAIJson(res);
  if (surface === "anthropic") return stream ? readAnthropicStream(res) : readAnthropicJson(res);
  return stream ? readGeminiStream(res) : readGeminiJson(res);
}

async function readOpenAIJson(res: Response): Promise<Reply> {
  const body = (await res.json()) as any;
  valid(openaiResponseSchema, body, "chat.completion");
  const m = body.choices[0].message;
  const sig = (m.reasoning_details ?? []).find((d: any) => d.signature)?.signature;
  return {
    id: body.id,
    model: body.model,
    text: m.content ?? "",
    reasoning: m.reasoning ?? "",
    signature: sig,
    calls: (m.tool_calls ?? []).map((tc: any) => ({ id: tc.id, name: tc.function.name, args: parseArgs(tc.function.arguments) })),
    finish: body.choices[0].finish_reason,
    usage: openaiUsage(body.usage),
  };
}

function openaiUsage(u: any): Reply["usage"] {
  expect(u.total_tokens).toBe(u.prompt_tokens + u.completion_tokens);
  return { input: u.prompt_tokens, output: u.completion_tokens, reasoning: u.completion_tokens_details?.reasoning_tokens || undefined };
}

async function readOpenAIStream(res: Response): Promise<Reply> {
  expect(res.headers.get("content-type")).toContain("text/event-stream");
  const { events } = await readSse(res);
  expect(events.at(-1)?.data).toBe("[DONE]");
  const chunks = events.slice(0, -1).map((e) => JSON.parse(e.data));
  for (const c of chunks) valid(openaiStreamChunkSchema, c, "chat.completion.chunk");
  expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
  const errorChunk = chunks.find((c) => c.error);
  if (errorChunk) throw new Error(`in-band error: ${JSON.stringify(errorChunk.error)}`);
  let text = "";
  let reasoning = "";
  let signature: string | undefined;
  let finish: string | null = null;
  const calls = new Map<number, { id?: string; name: string; args: string }>();
  for (const c of chunks)
    for (const ch of c.choices) {
      const d = ch.delta ?? {};
      text += d.content ?? "";
      reasoning += d.reasoning ?? "";
      for (const rd of d.reasoning_details ?? []) if (rd.signature) signature = rd.signature;
      for (const tc of d.tool_calls ?? []) {
        const cur = calls.get(tc.index) ?? { name: "", args: "" };
        if (tc.id) cur.id = tc.id;
        if (tc.function?.name) cur.name = tc.function.name;
        cur.args += tc.function?.arguments ?? "";
        calls.set(tc.index, cur);
      }
      if (ch.finish_reason) {
        expect(finish, "one finish_reason").toBeNull();
        finish = ch.finish_reason;
      }
    }
  const last = chunks.at(-1);
  expect(last.choices).toEqual([]);
  return {
    id: chunks[0].id,
    model: chunks[0].model,
    text,
    reasoning,
    signature,
    calls: [...calls.entries()].sort((a, b) => a[0] - b[0]).map(([, c]) => ({ id: c.id, name: c.name, args: parseArgs(c.args) })),
    finish,
    usage: openaiUsage(last.usage),
  };
}

function anthropicUsage(u: any): Reply["usage"] {
  return {
    input: (u.input_tokens ?? 0) + (u.cache_read_input_tokens ?? 0) + (u.cache_creation_input_tokens ?? 0),
    output: u.output_tokens,
    reasoning: u.output_tokens_details?.thinking_tokens || undefined,
  };
}

function fromAnthropicContent(content: any[]): Pick<Reply, "text" | "reasoning" | "signature" | "calls"> {
  let text = "";
  let reasoning = "";
  let signature: string | undefined;
  const calls: Call[] = [];
  for (const b of content) {
    if (b.type === "text") text += b.text;
    else if (b.type === "thinking") {
      reasoning += b.thinking;
      if (b.signature) signature = b.signature;
    } else if (b.type === "tool_use") {
      expect(b.id).toMatch(/^[a-zA-Z0-9_-]+$/);
      calls.push({ id: b.id, name: b.name, args: b.input });
    }
  }
  return { text, reasoning, signature, calls };
}

async function readAnthropicJson(res: Response): Promise<Reply> {
  const body = (await res.json()) as any;
  valid(anthropicResponseSchema, body, "Anthropic message");
  return { id: body.id, model: body.model, ...fromAnthropicContent(body.content), finish: body.stop_reason, usage: anthropicUsage(body.usage) };
}

/**
 * Reads an Anthropic stream and checks its grammar: message_start, then blocks that each go
 * content_block_start → deltas of the block's own kind → content_block_stop with consecutive
 * indexes, then exactly one message_delta and a final message_stop; `ping` may appear anywhere;
 * the SSE event name always equals the payload's type.
 */
export async function readAnthropicStream(res: Response): Promise<Reply> {
  expect(res.headers.get("content-type")).toContain("text/event-stream");
  const { events } = await readSse(res);
  const names: string[] = [];
  const payloads = events.map((e) => {
    const data = JSON.parse(e.data);
    expect(e.event, "SSE event name equals data.type").toBe(data.type);
    valid(anthropicStreamChunkSchema, data, `Anthropic ${data.type} event`);
    names.push(data.type);
    return data;
  });
  const err = payloads.find((p) => p.type === "error");
  if (err) throw new Error(`in-band error: ${JSON.stringify(err.error)}`);
  const real = payloads.filter((p) => p.type !== "ping");
  expect(real[0]?.type).toBe("message_start");
  expect(real.at(-1)?.type).toBe("message_stop");
  expect(real.at(-2)?.type).toBe("message_delta");
  expect(real.filter((p) => p.type === "message_delta")).toHaveLength(1);
  const content: any[] = [];
  let open: { index: number; block: any; json: string } | undefined;
  for (const p of real.slice(1, -2)) {
    if (p.type === "content_block_start") {
      expect(open, "a block starts only after the previous one stopped").toBeUndefined();
      expect(p.index).toBe(content.length);
      open = { index: p.index, block: { ...p.content_block }, json: "" };
    } else if (p.type === "content_block_delta") {
      expect(open?.index).toBe(p.index);
      const b = open!.block;
      const d = p.delta;
      if (b.type === "text") {
        expect(d.type).toBe("text_delta");
        b.text += d.text;
      } else if (b.type === "thinking") {
        expect(["thinking_delta", "signature_delta"]).toContain(d.type);
        if (d.type === "thinking_delta") b.thinking += d.thinking;
        else b.signature = d.signature;
      } else if (b.type === "tool_use") {
        expect(d.type).toBe("input_json_delta");
        open!.json += d.partial_json;
      } else throw new Error(`delta for a ${b.type} block`);
    } else if (p.type === "content_block_stop") {
      expect(open?.index).toBe(p.index);
      if (open!.block.type === "tool_use") open!.block.input = parseArgs(open!.json);
      content.push(open!.block);
      open = undefined;
    } else throw new Error(`unexpected ${p.type} between message_start and message_delta`);
  }
  expect(open).toBeUndefined();
  const start = real[0].message;
  const delta = real.at(-2);
  const u = { ...start.usage, ...delta.usage };
  return { id: start.id, model: start.model, ...fromAnthropicContent(content), finish: delta.delta.stop_reason, usage: anthropicUsage(u), events: names };
}

function geminiUsage(u: any): Reply["usage"] {
  expect(u.totalTokenCount).toBe((u.promptTokenCount ?? 0) + (u.candidatesTokenCount ?? 0) + (u.thoughtsTokenCount ?? 0));
  return { input: u.promptTokenCount, output: (u.candidatesTokenCount ?? 0) + (u.thoughtsTokenCount ?? 0), reasoning: u.thoughtsTokenCount || undefined };
}

function fromGeminiParts(parts: any[], acc: Pick<Reply, "text" | "reasoning" | "calls">): void {
  for (const p of parts) {
    if (p.functionCall) {
      expect(typeof p.functionCall.args, "function calls arrive whole").toBe("object");
      const call: Call = { name: p.functionCall.name, args: p.functionCall.args };
      if (p.functionCall.id) call.id = p.functionCall.id;
      if (p.thoughtSignature) call.thoughtSignature = p.thoughtSignature;
      acc.calls.push(call);
    } else if (typeof p.text === "string") {
      if (p.thought) acc.reasoning += p.text;
      else acc.text += p.text;
    }
  }
}

async function readGeminiJson(res: Response): Promise<Reply> {
  const body = (await res.json()) as any;
  valid(geminiResponseSchema, body, "GenerateContentResponse");
  const acc = { text: "", reasoning: "", calls: [] as Call[] };
  fromGeminiParts(body.candidates[0].content.parts, acc);
  return { id: body.responseId, model: body.modelVersion, ...acc, finish: body.candidates[0].finishReason, usage: geminiUsage(body.usageMetadata) };
}

/** Gemini stream chunks, from either framing (SSE with CRLF, or the streamed JSON array). */
export async function geminiStreamChunks(res: Response): Promise<{ chunks: any[]; raw: string }> {
  const raw = await res.text();
  let chunks: any[];
  if ((res.headers.get("content-type") ?? "").includes("text/event-stream")) {
    const blocks = raw.split("\r\n\r\n");
    expect(blocks.at(-1), "every SSE event ends with CRLF CRLF").toBe("");
    chunks = blocks
      .slice(0, -1)
      .filter((b) => !b.startsWith(":"))
      .map((b) => {
        expect(b.startsWith("data: ")).toBe(true);
        return JSON.parse(b.slice(6));
      });
  } else {
    expect(raw.trimStart().startsWith("[")).toBe(true);
    chunks = JSON.parse(raw) as any[];
  }
  for (const c of chunks) valid(geminiStreamChunkSchema, c, "Gemini stream chunk");
  return { chunks, raw };
}

async function readGeminiStream(res: Response): Promise<Reply> {
  const { chunks } = await geminiStreamChunks(res);
  const err = chunks.find((c) => c.error);
  if (err) throw new Error(`in-band error: ${JSON.stringify(err.error)}`);
  const acc = { text: "", reasoning: "", calls: [] as Call[] };
  const totals: number[] = [];
  chunks.forEach((c, i) => {
    const cand = c.candidates[0];
    fromGeminiParts(cand.content?.parts ?? [], acc);
    if (i < chunks.length - 1) expect(cand.finishReason, "finishReason only on the last chunk").toBeUndefined();
    expect(c.usageMetadata, "usageMetadata on every chunk").toBeDefined();
    totals.push(c.usageMetadata.totalTokenCount ?? 0);
  });
  for (let i = 1; i < totals.length; i++) expect(totals[i]).toBeGreaterThanOrEqual(totals[i - 1]);
  const last = chunks.at(-1);
  return {
    id: last.responseId,
    model: last.modelVersion,
    ...acc,
    finish: last.candidates[0].finishReason,
    usage: geminiUsage(last.usageMetadata),
    runningTotals: totals,
  };
}

// ───────────────────────────── the upstream side ─────────────────────────────

export function upstreamPath(u: UpstreamInfo, stream: boolean): string {
  switch (u.format) {
    case "anthropic":
      return "/anthropic/v1/messages";
    case "gemini":
      return `/gemini/v1beta/models/${u.upstreamModel}:${stream ? "streamGenerateContent" : "generateContent"}`;
    default:
      return `/${u.fake}/v1/chat/completions`;
  }
}

/** Path, credentials, model and streaming flag of one upstream request. */
export function expectUpstreamBasics(sent: RecordedRequest, u: UpstreamInfo, stream: boolean): void {
  expect(sent.method).toBe("POST");
  expect(sent.path).toBe(upstreamPath(u, stream));
  if (u.format === "anthropic") {
    expect(sent.headers["x-api-key"]).toBe("sk-ant-fake");
    expect(sent.headers["anthropic-version"]).toBeTruthy();
    expect(sent.headers.authorization).toBeUndefined();
    expect(sent.body.model).toBe(u.upstreamModel);
    expect(sent.body.stream === true).toBe(stream);
    expect(sent.body.max_tokens).toBeGreaterThan(0);
  } else if (u.format === "gemini") {
    expect(sent.headers["x-goog-api-key"]).toBe("fake-gemini-key");
    expect(sent.query.key).toBeUndefined();
    expect(sent.body.model).toBeUndefined();
    if (stream) expect(sent.query.alt).toBe("sse");
  } else {
    expect(sent.headers.authorization).toBe(u.fake === "openai" ? "Bearer sk-fake-openai" : "Bearer sk-fake-deepseek");
    expect(sent.headers["x-api-key"]).toBeUndefined();
    expect(sent.body.model).toBe(u.upstreamModel);
    expect(sent.body.stream === true).toBe(stream);
    if (stream) expect(sent.body.stream_options).toEqual({ include_usage: true });
  }
}

/** Prompt tokens the fake reports: ceil(request bytes / 4). */
export const fakePromptTokens = (sent: RecordedRequest) => Math.max(1, Math.ceil(new TextEncoder().encode(JSON.stringify(sent.body)).length / 4));

/** A scripted answer whose text is `text`, in the upstream's own format (stream or not). */
export function scriptedText(u: UpstreamInfo, stream: boolean, text: string, usage = SCRIPTED_USAGE): FakeStep {
  const half = Math.ceil(text.length / 2);
  const pieces = [text.slice(0, half), text.slice(half)];
  const created = 1_750_000_000;
  if (u.format === "openai") {
    const id = "chatcmpl-scripted";
    const u2 = { prompt_tokens: usage.input, completion_tokens: usage.output, total_tokens: usage.input + usage.output };
    if (!stream)
      return {
        body: {
          id, object: "chat.completion", created, model: u.upstreamModel,
          choices: [{ index: 0, message: { role: "assistant", content: text, refusal: null }, logprobs: null, finish_reason: "stop" }],
          usage: u2,
        },
      };
    const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) =>
      `data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model: u.upstreamModel, choices, ...extra })}\n\n`;
    return {
      chunks: [
        chunk([{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }]),
        ...pieces.map((p) => chunk([{ index: 0, delta: { content: p }, finish_reason: null }])),
        chunk([{ index: 0, delta: {}, finish_reason: "stop" }]),
        chunk([], { usage: u2 }),
        "data: [DONE]\n\n",
      ],
    };
  }
  if (u.format === "anthropic") {
    const message = {
      id: "msg_scripted", type: "message", role: "assistant", model: u.upstreamModel,
      content: [{ type: "text", text }], stop_reason: "end_turn", stop_sequence: null,
      usage: { input_tokens: usage.input, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: usage.output },
    };
    if (!stream) return { body: message };
    const ev = (type: string, data: object) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
    return {
      chunks: [
        ev("message_start", { message: { ...message, content: [], stop_reason: null, usage: { ...message.usage, output_tokens: 1 } } }),
        ev("content_block_start", { index: 0, content_block: { type: "text", text: "" } }),
        ...pieces.map((p) => ev("content_block_delta", { index: 0, delta: { type: "text_delta", text: p } })),
        ev("content_block_stop", { index: 0 }),
        ev("message_delta", { delta: { stop_reason: "end_turn", stop_sequence: null }, usage: { output_tokens: usage.output } }),
        ev("message_stop", {}),
      ],
    };
  }
  const gem = (parts: unknown[], done: boolean, candidates: number) => ({
    candidates: [{ content: { role: "model", parts }, ...(done ? { finishReason: "STOP" } : {}), index: 0 }],
    usageMetadata: { promptTokenCount: usage.input, candidatesTokenCount: candidates, totalTokenCount: usage.input + candidates },
    modelVersion: u.upstreamModel,
    responseId: "scripted-response",
  });
  if (!stream) return { body: gem([{ text }], true, usage.output) };
  return {
    chunks: [
      `data: ${JSON.stringify(gem([{ text: pieces[0] }], false, Math.floor(usage.output / 2)))}\r\n\r\n`,
      `data: ${JSON.stringify(gem([{ text: pieces[1] }], true, usage.output))}\r\n\r\n`,
    ],
  };
}

/** Finish/stop reasons a caller sees, per surface. */
export function expectedFinish(surface: SurfaceName, kind: "stop" | "tool"): string {
  if (surface === "openai") return kind === "tool" ? "tool_calls" : "stop";
  if (surface === "anthropic") return kind === "tool" ? "tool_use" : "end_turn";
  return "STOP";
}

// ───────────────────────────── official SDKs as clients ─────────────────────────────

export const SDK_BASE = "http://gateway.test";

export interface SdkCall {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
}

/**
 * A `fetch` for an SDK that routes http://gateway.test/… into the app in-process, recording what
 * the SDK sent (so tests can check the SDK's own URL scheme and auth placement).
 */
export function sdkFetch(gw: Gateway, log: SdkCall[] = []): typeof fetch {
  return (async (input: RequestInfo | URL, init?: RequestInit) => {
    const req = new Request(input, init);
    const url = new URL(req.url);
    if (url.origin !== SDK_BASE) throw new Error(`SDK called ${url.origin}, expected ${SDK_BASE}`);
    log.push({
      method: req.method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: Object.fromEntries([...req.headers.entries()].map(([k, v]) => [k.toLowerCase(), v])),
    });
    const body = req.method === "GET" || req.method === "HEAD" ? undefined : await req.arrayBuffer();
    return gw.fetch(url.pathname + url.search, { method: req.method, headers: req.headers, body, signal: init?.signal ?? undefined });
  }) as typeof fetch;
}
