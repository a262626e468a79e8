/**
 * Replay mechanics: feeding bytes to decoders at awkward boundaries, encoding canonical events
 * into each caller format, checking each format's framing and schema, and comparing outcomes
 * with what the target format is able to carry.
 */
import { expect } from "vitest";
import type { StreamEvent } from "../../src/canonical/types";
import { unpackToolCallId } from "../../src/canonical/tool-call-id";
import type { Codec, EncodeContext } from "../../src/codecs/codec";
import { anthropicCodec, anthropicStreamChunkSchema } from "../../src/codecs/anthropic";
import { decodeGeminiJsonArrayStream, geminiCodec, geminiStreamChunkSchema } from "../../src/codecs/gemini";
import { openaiCodec, openaiStreamChunkSchema } from "../../src/codecs/openai";
import { responsesCodec } from "../../src/codecs/responses";
import { checkResponsesFraming } from "./responses-framing";
import type { Wire } from "./corpus";
import type { Outcome } from "./expect";
import { collect, fromArray } from "../helpers/streams";

export const CODECS: Record<Wire, Codec> = { openai: openaiCodec, anthropic: anthropicCodec, gemini: geminiCodec, responses: responsesCodec };

/** A caller-facing output: a format, plus the framing for Gemini streams. */
export type Target = "openai" | "anthropic" | "gemini" | "gemini-sse" | "gemini-json-array" | "responses";
export const RESPONSE_TARGETS: Wire[] = ["openai", "anthropic", "gemini", "responses"];
export const STREAM_TARGETS: Target[] = ["openai", "anthropic", "gemini-sse", "gemini-json-array", "responses"];
export const wireOf = (t: Target): Wire => (t.startsWith("gemini") ? "gemini" : (t as Wire));

/**
 * What each caller format can carry. Gemini has no slot for thinking signatures, redacted thinking
 * or cache writes. Other families' payloads (OpenAI's encrypted_content): the Responses surface in
 * encrypted_content when the caller's `include` asks (the replay's does), the chat surface in
 * reasoning_details with OpenRouter's format name.
 */
export const CARRIES: Record<Wire, { signatures: boolean; redacted: boolean; cacheWrite: boolean; encrypted: boolean }> = {
  openai: { signatures: true, redacted: true, cacheWrite: true, encrypted: true },
  anthropic: { signatures: true, redacted: true, cacheWrite: true, encrypted: false },
  gemini: { signatures: false, redacted: false, cacheWrite: false, encrypted: false },
  responses: { signatures: true, redacted: true, cacheWrite: true, encrypted: true },
};

/** The Responses caller the replay encodes for: it asks for encrypted reasoning, like Codex. */
const RESPONSES_CALLER = responsesCodec.decodeRequest({ model: "replay/model", input: "replay", include: ["reasoning.encrypted_content"], store: false });

export const encodeCtx = (target: Target): EncodeContext => ({
  id: "gen-1771000000-ReplayReplayReplay00",
  model: "replay/model",
  provider: "replay",
  created: 1771000000,
  ...(target === "gemini-sse" ? { framing: "sse" as const } : target === "gemini-json-array" ? { framing: "json-array" as const } : {}),
  ...(target === "responses" ? { request: RESPONSES_CALLER } : {}),
});

// ------------------------------------------------------------------ byte feeding

/** Deterministic PRNG (mulberry32). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Splits bytes at awkward places: random lengths of 1–40 bytes over the first 16 KiB, then up to
 * ~1 KiB (so cuts land inside JSON strings, inside multi-byte UTF-8 characters and between the
 * two bytes of "\r\n" or "\n\n" while long recordings stay fast), plus a forced cut right after
 * every CR so no CRLF ever arrives whole.
 */
export function awkwardChunks(bytes: Uint8Array, seed = 7): Uint8Array[] {
  const rnd = prng(seed);
  const out: Uint8Array[] = [];
  let i = 0;
  while (i < bytes.length) {
    let end = Math.min(bytes.length, i + 1 + Math.floor(rnd() * (i < 16384 ? 40 : 1000)));
    const cr = bytes.indexOf(13, i);
    if (cr !== -1 && cr < end) end = cr + 1;
    out.push(bytes.slice(i, end));
    i = end;
  }
  return out;
}



export const decoderFor = (t: Target | Wire, jsonArray = false): TransformStream<Uint8Array, StreamEvent> =>
  t === "gemini-json-array" || (t === "gemini" && jsonArray) ? decodeGeminiJsonArrayStream() : CODECS[wireOf(t as Target)].decodeStream();

export async function decodeBytes(body: string, decoder: () => TransformStream<Uint8Array, StreamEvent>, split: boolean, seed?: number): Promise<StreamEvent[]> {
  const bytes = new TextEncoder().encode(body);
  return collect(fromArray(split ? awkwardChunks(bytes, seed) : [bytes]).pipeThrough(decoder()));
}

export async function encodeEvents(events: StreamEvent[], target: Target): Promise<string> {
  const chunks = await collect(fromArray(events).pipeThrough(CODECS[wireOf(target)].encodeStream(encodeCtx(target))));
  const dec = new TextDecoder();
  return chunks.map((c) => dec.decode(c, { stream: true })).join("") + dec.decode();
}

// ------------------------------------------------------------------ framing checks

type Rec = Record<string, unknown>;
const isRecord = (v: unknown): v is Rec => typeof v === "object" && v !== null && !Array.isArray(v);

function schemaCheck(schema: { safeParse(v: unknown): { success: boolean; error?: { issues: unknown[] } } }, value: unknown, where: string): void {
  const r = schema.safeParse(value);
  if (!r.success) throw new Error(`${where} fails the schema: ${JSON.stringify(r.error?.issues.slice(0, 3))}\n${JSON.stringify(value).slice(0, 400)}`);
}

/** OpenAI: `data: <chunk>\n\n` frames, every chunk valid, one finish, a `choices: []` usage chunk, then `data: [DONE]`. */
export function checkOpenAIFraming(body: string, errored: boolean): void {
  if (!body.endsWith("\n\n")) throw new Error("OpenAI stream does not end with a blank line");
  const frames = body.slice(0, -2).split("\n\n");
  const last = frames.pop();
  if (last !== "data: [DONE]") throw new Error(`OpenAI stream does not end with data: [DONE] (got ${last?.slice(0, 80)})`);
  const chunks = frames.map((f, i) => {
    if (!f.startsWith("data: ") || f.includes("\n")) throw new Error(`OpenAI frame ${i} is not a single data line: ${f.slice(0, 80)}`);
    const c = JSON.parse(f.slice(6)) as Rec;
    schemaCheck(openaiStreamChunkSchema, c, `OpenAI chunk ${i}`);
    return c;
  });
  const usageChunk = chunks[chunks.length - 1];
  if (!usageChunk || !Array.isArray(usageChunk.choices) || usageChunk.choices.length !== 0 || !isRecord(usageChunk.usage)) {
    throw new Error("OpenAI stream: the chunk before [DONE] is not the choices:[] usage chunk");
  }
  const ids = new Set(chunks.map((c) => c.id));
  if (ids.size !== 1) throw new Error(`OpenAI stream: chunks carry ${ids.size} different ids`);
  const finishes = chunks.filter((c) => Array.isArray(c.choices) && c.choices.some((ch) => isRecord(ch) && ch.finish_reason != null));
  if (finishes.length !== 1) throw new Error(`OpenAI stream: ${finishes.length} chunks with a finish_reason (want 1)`);
  if (errored !== chunks.some((c) => c.error !== undefined)) throw new Error(`OpenAI stream: in-band error chunk ${errored ? "missing" : "unexpected"}`);
}

/**
 * A same-format stream (the upstream's own bytes) ends with the gateway's cost as one SSE comment
 * in the stream's own line endings; the frames before it are checked as the format's.
 */
function withoutCostComment(body: string, eol: string): string {
  const m = new RegExp(`${eol}: x-arouter-cost: \\d+\\.\\d{6}${eol}$`).exec(body);
  return m ? body.slice(0, m.index + eol.length) : body;
}

/**
 * Anthropic: `event: T\ndata: J\n\n` with T == J.type; message_start first; blocks opened with
 * consecutive indexes and closed before the next opens; deltas that fit their block (a thinking
 * block's signature last); then message_delta and message_stop — or one `error` event at the end.
 */
export function checkAnthropicFraming(body: string, errored: boolean): void {
  body = withoutCostComment(body, "\n\n");
  if (!body.endsWith("\n\n")) throw new Error("Anthropic stream does not end with a blank line");
  const events = body.slice(0, -2).split("\n\n").map((f, i) => {
    const m = /^event: ([a-z_]+)\ndata: (.*)$/s.exec(f);
    if (!m || m[2].includes("\n")) throw new Error(`Anthropic frame ${i} is not event+data: ${f.slice(0, 80)}`);
    const data = JSON.parse(m[2]) as Rec;
    if (data.type !== m[1]) throw new Error(`Anthropic frame ${i}: event ${m[1]} carries type ${String(data.type)}`);
    schemaCheck(anthropicStreamChunkSchema, data, `Anthropic event ${i} (${m[1]})`);
    return data;
  });
  const seq = events.filter((e) => e.type !== "ping");
  // A stream that failed before anything was produced is just the error event.
  if (errored && seq.length === 1 && seq[0].type === "error") return;
  if (seq[0]?.type !== "message_start") throw new Error(`Anthropic stream starts with ${String(seq[0]?.type)}`);
  let i = 1;
  let nextIndex = 0;
  for (; i < seq.length && seq[i].type === "content_block_start"; ) {
    const start = seq[i];
    const block = start.content_block as Rec;
    if (start.index !== nextIndex) throw new Error(`Anthropic block opened with index ${String(start.index)}, expected ${nextIndex}`);
    i++;
    let sawSignature = false;
    let json = "";
    for (; i < seq.length && seq[i].type === "content_block_delta"; i++) {
      const d = seq[i].delta as Rec;
      if (seq[i].index !== nextIndex) throw new Error(`Anthropic delta for block ${String(seq[i].index)} inside block ${nextIndex}`);
      const ok =
        (block.type === "text" && d.type === "text_delta") ||
        (block.type === "thinking" && (d.type === "thinking_delta" || d.type === "signature_delta")) ||
        (block.type === "tool_use" && d.type === "input_json_delta");
      if (!ok) throw new Error(`Anthropic ${String(d.type)} inside a ${String(block.type)} block`);
      if (sawSignature) throw new Error("Anthropic thinking block has deltas after its signature_delta");
      if (d.type === "signature_delta") sawSignature = true;
      if (d.type === "input_json_delta") json += String(d.partial_json);
    }
    if (seq[i]?.type !== "content_block_stop" || seq[i].index !== nextIndex) {
      // An error may cut a block (a tool_use cut mid-arguments must not be closed as complete).
      if (errored && seq[i]?.type === "error") break;
      throw new Error(`Anthropic block ${nextIndex} not closed by its content_block_stop (got ${String(seq[i]?.type)})`);
    }
    if (block.type === "tool_use" && json !== "") JSON.parse(json); // a closed call's arguments are one JSON document
    i++;
    nextIndex++;
  }
  const rest = seq.slice(i).map((e) => String(e.type));
  const want = errored ? ["error"] : ["message_delta", "message_stop"];
  if (JSON.stringify(rest) !== JSON.stringify(want)) throw new Error(`Anthropic stream ends with ${JSON.stringify(rest)}, expected ${JSON.stringify(want)}`);
}

/** Gemini alt=sse: `data: <GenerateContentResponse>\r\n\r\n` frames only. */
export function checkGeminiSseFraming(body: string, errored: boolean): void {
  body = withoutCostComment(body, "\r\n\r\n");
  if (!body.endsWith("\r\n\r\n")) throw new Error("Gemini SSE does not end with CRLF CRLF");
  const frames = body.slice(0, -4).split("\r\n\r\n");
  const chunks = frames.map((f, i) => {
    if (!f.startsWith("data: ") || /[\r\n]/.test(f)) throw new Error(`Gemini SSE frame ${i} is not one CRLF-terminated data line: ${JSON.stringify(f.slice(0, 80))}`);
    const c = JSON.parse(f.slice(6)) as unknown;
    schemaCheck(geminiStreamChunkSchema, c, `Gemini SSE chunk ${i}`);
    return c;
  });
  checkGeminiChunks(chunks, errored);
}

/** Gemini default streaming: one JSON array `[{…}\n,\r\n{…}\n]`. */
export function checkGeminiArrayFraming(body: string, errored: boolean): void {
  if (!body.startsWith("[") || !body.endsWith("]")) throw new Error("Gemini JSON-array stream is not bracketed");
  const arr = JSON.parse(body) as unknown;
  if (!Array.isArray(arr)) throw new Error("Gemini JSON-array stream does not parse to an array");
  arr.forEach((c, i) => schemaCheck(geminiStreamChunkSchema, c, `Gemini array element ${i}`));
  checkGeminiChunks(arr, errored);
}

function checkGeminiChunks(chunks: unknown[], errored: boolean): void {
  const last = chunks[chunks.length - 1];
  if (errored) {
    if (!isRecord(last) || !isRecord(last.error)) throw new Error("Gemini stream: an error must be the last element");
    return;
  }
  const withFinish = chunks.filter((c) => isRecord(c) && Array.isArray(c.candidates) && c.candidates.some((x) => isRecord(x) && x.finishReason));
  if (withFinish.length !== 1 || withFinish[0] !== last) throw new Error("Gemini stream: finishReason must be on the last chunk only");
  for (const c of chunks) if (!isRecord(c) || !isRecord(c.usageMetadata)) throw new Error("Gemini stream: every chunk carries usageMetadata");
}

export function checkFraming(target: Target, body: string, errored: boolean): void {
  switch (target) {
    case "openai":
      return checkOpenAIFraming(body, errored);
    case "anthropic":
      return checkAnthropicFraming(body, errored);
    case "gemini-sse":
      return checkGeminiSseFraming(body, errored);
    case "gemini-json-array":
    case "gemini":
      return checkGeminiArrayFraming(body, errored);
    case "responses":
      return checkResponsesFraming(body, errored);
  }
}

// ------------------------------------------------------------------ comparisons

/**
 * Asserts `actual` (decoded from a caller format) carries everything in `expected` that format
 * can carry. Tool-call ids are compared after unpacking a Gemini signature packed into the id.
 */
export function expectPreserved(actual: Outcome, expected: Outcome, wire: Wire, label: string): void {
  if (expected.error) {
    expect(actual.error, `${label}: expected an error event`).toBeDefined();
    if (expected.error.message !== undefined) expect(actual.error?.message, `${label}: error message`).toContain(expected.error.message);
    return;
  }
  expect(actual.error, `${label}: unexpected error`).toBeUndefined();
  expect(actual.text, `${label}: text`).toBe(expected.text);
  expect(actual.reasoning, `${label}: reasoning text`).toBe(expected.reasoning);
  if (CARRIES[wire].signatures) expect(actual.signatures, `${label}: thinking signatures`).toEqual(expected.signatures);
  if (CARRIES[wire].redacted) expect(actual.redacted, `${label}: redacted thinking`).toEqual(expected.redacted);
  if (CARRIES[wire].encrypted) expect(actual.encrypted, `${label}: encrypted reasoning`).toEqual(expected.encrypted);
  const calls = actual.toolCalls.map((c) => {
    const { id, thoughtSignature } = unpackToolCallId(c.id ?? "");
    return { id, name: c.name, args: c.args, thoughtSignature: thoughtSignature ?? c.thoughtSignature };
  });
  expect(calls.length, `${label}: tool-call count`).toBe(expected.toolCalls.length);
  expected.toolCalls.forEach((want, i) => {
    const got = calls[i];
    expect(got.name, `${label}: tool call ${i} name`).toBe(want.name);
    expect(got.args, `${label}: tool call ${i} arguments`).toEqual(want.args);
    if (want.id !== undefined) expect(got.id, `${label}: tool call ${i} id`).toBe(want.id);
    expect(got.thoughtSignature, `${label}: tool call ${i} thoughtSignature`).toBe(want.thoughtSignature);
  });
  const u = { ...actual.usage };
  const w = { ...expected.usage };
  if (!CARRIES[wire].cacheWrite) u.cacheWrite = w.cacheWrite = 0;
  expect(u, `${label}: usage`).toEqual(w);
  expect(actual.finish, `${label}: finish reason`).toBe(finishAs(wire, expected.finish, expected.toolCalls.length > 0));
}

/**
 * The finish class a caller format can express. OpenAI and Gemini clients read "tool calls
 * present" as a tool-calling turn (the decoders infer it, as clients do), so an Anthropic end_turn
 * that still carries tool_use blocks (programmatic tool calling) comes back as tool_calls; and
 * Gemini has no tool-calling reason at all, so tool_use without client tool calls (a server tool)
 * comes back as a plain stop.
 */
export function finishAs(wire: Wire, finish: Outcome["finish"], hasCalls: boolean): Outcome["finish"] {
  if (wire === "anthropic") return finish;
  if (hasCalls && finish === "stop") return "tool_calls";
  // Neither Gemini nor Responses has a tool-calling stop of its own: calls in the output make one.
  if ((wire === "gemini" || wire === "responses") && !hasCalls && finish === "tool_calls") return "stop";
  return finish;
}

/** Fills in tool-call ids the recording lacked (Gemini) with the ids the decoder assigned. */
export function withDecodedIds(expected: Outcome, decoded: Outcome): Outcome {
  return {
    ...expected,
    toolCalls: expected.toolCalls.map((c, i) => (c.id === undefined ? { ...c, id: decoded.toolCalls[i]?.id } : c)),
  };
}
