/**
 * Upstream Gemini stream → canonical events. Every chunk is a complete GenerateContentResponse
 * with incremental parts and running usage; function calls arrive whole (or, on Vertex with
 * streamFunctionCallArguments, as partialArgs, see partial-args.ts). There is no terminator:
 * the last chunk carries finishReason, so a stream that ends without one was truncated.
 *
 * Two framings: SSE (`alt=sse`, what the gateway requests) and the JSON array Google streams
 * without alt=sse. Both are one synchronous pass (see streams/sync-transformer.ts): framing →
 * safeJsonParse → a hand-written shape check (zod only for what it does not accept) → events.
 */
import type { StreamEvent } from "../../canonical/types";
import { newToolCallId } from "../../canonical/ids";
import { jsonArrayDecoder } from "../../streams/json-array-stream";
import { isRecord, safeJsonParse } from "../../streams/json";
import { type SseEvent, sseDecoder } from "../../streams/sse";
import { chain, type SyncTransformer, toTransformStream } from "../../streams/sync-transformer";
import { type GeminiResponse, type GeminiResponsePart, generateContentResponseSchema } from "./gemini-api";
import { mapGeminiFinishReason } from "./map-gemini-finish-reason";
import { applyPartialArgs, type PartialArgsState } from "./partial-args";
import { groundingQueries, hasTokenCounts, withSearches } from "./usage";
import { geminiMediaTokens } from "./media-usage";
import { mediaEventOfPart } from "./media-output";

type Emit = (event: StreamEvent) => void;

// ---- hand-written shape check: accepts only values generateContentResponseSchema accepts ----

const optStr = (v: unknown) => v === undefined || typeof v === "string";
const optNum = (v: unknown) => v === undefined || (typeof v === "number" && Number.isFinite(v));
const optBool = (v: unknown) => v === undefined || typeof v === "boolean";

function validFunctionCall(fc: unknown): boolean {
  if (!isRecord(fc) || !optStr(fc.id) || !optStr(fc.name) || !optBool(fc.willContinue)) return false;
  // zod copies a record without an own `__proto__` key: leave such args to zod so they serialize the same.
  if (fc.args !== undefined && !(isRecord(fc.args) && !Object.hasOwn(fc.args, "__proto__"))) return false;
  const pa = fc.partialArgs;
  if (pa === undefined) return true;
  if (!Array.isArray(pa)) return false;
  for (const a of pa) if (!isRecord(a) || !optStr(a.jsonPath)) return false;
  return true;
}

function validPart(p: unknown): boolean {
  return (
    isRecord(p) &&
    optStr(p.text) &&
    optBool(p.thought) &&
    optStr(p.thoughtSignature) &&
    (p.functionCall === undefined || validFunctionCall(p.functionCall))
  );
}

function validCandidate(c: unknown): boolean {
  if (!isRecord(c) || !optStr(c.finishReason) || !optStr(c.finishMessage) || !optNum(c.index)) return false;
  const content = c.content;
  if (content === undefined) return true;
  if (!isRecord(content) || !optStr(content.role)) return false;
  const parts = content.parts;
  if (parts === undefined) return true;
  if (!Array.isArray(parts)) return false;
  for (const p of parts) if (!validPart(p)) return false;
  return true;
}

function validResponse(r: Record<string, unknown>): boolean {
  if (!optStr(r.modelVersion) || !optStr(r.responseId)) return false;
  const cands = r.candidates;
  if (cands !== undefined) {
    if (!Array.isArray(cands)) return false;
    for (const c of cands) if (!validCandidate(c)) return false;
  }
  const pf = r.promptFeedback;
  if (pf !== undefined && !(isRecord(pf) && optStr(pf.blockReason))) return false;
  const u = r.usageMetadata;
  return (
    u === undefined ||
    (isRecord(u) &&
      optNum(u.promptTokenCount) &&
      optNum(u.candidatesTokenCount) &&
      optNum(u.thoughtsTokenCount) &&
      optNum(u.cachedContentTokenCount) &&
      optNum(u.toolUsePromptTokenCount) &&
      optNum(u.totalTokenCount))
  );
}

/**
 * generateContentResponseSchema.safeParse without zod on the hot path (zod without `new Function`,
 * as in workerd, costs more than the JSON.parse). Anything the hand check does not accept still
 * goes to zod, so verdicts and error messages are the schema's.
 */
function parseResponse(value: unknown): ReturnType<typeof generateContentResponseSchema.safeParse> {
  return isRecord(value) && validResponse(value) ? { success: true, data: value as GeminiResponse } : generateContentResponseSchema.safeParse(value);
}

class GeminiChunkDecoder implements SyncTransformer<string, StreamEvent> {
  private started = false;
  private finished = false;
  private stopped = false; // after an error event nothing more is emitted
  private toolCalls = 0;
  /** Google Search grounding queries seen so far (billed per query). */
  private searches = 0;
  private partial: (PartialArgsState & { index: number }) | undefined;

  /** One JSON element of the stream (an SSE event's data, or one array element). */
  transform(text: string, emit: Emit): void {
    if (this.stopped || text.trim() === "") return;
    const parsed = safeJsonParse(text);
    if (!parsed.ok) return this.fail(emit, { status: 502, message: `Malformed JSON in Gemini stream: ${parsed.error}` });
    const value = parsed.value;
    if (isRecord(value) && isRecord(value.error)) {
      const e = value.error;
      const status = typeof e.code === "number" && e.code >= 400 ? e.code : 502;
      const message = typeof e.message === "string" && e.message ? e.message : "Gemini stream error";
      return this.fail(emit, { status, message, errorType: typeof e.status === "string" ? e.status : undefined, fromUpstream: true });
    }
    const res = parseResponse(value);
    if (!res.success) {
      return this.fail(emit, { status: 502, message: `Invalid Gemini stream chunk: ${res.error.issues[0]?.message ?? "unexpected shape"}` });
    }
    const r = res.data;
    if (!this.started) {
      this.started = true;
      emit({
        type: "start",
        ...(r.responseId ? { id: r.responseId } : {}),
        ...(r.modelVersion ? { model: r.modelVersion } : {}),
      });
    }
    let candidate: NonNullable<GeminiResponse["candidates"]>[number] | undefined;
    if (r.candidates) {
      for (const c of r.candidates) {
        if ((c.index ?? 0) === 0) {
          candidate = c;
          break;
        }
      }
    }
    if (candidate && !this.finished) for (const part of candidate.content?.parts ?? []) this.part(part, emit);
    // Grounding metadata comes with every chunk, the queries usually only with the last.
    this.searches = Math.max(this.searches, groundingQueries(candidate));
    if (hasTokenCounts(r.usageMetadata)) emit({ type: "usage", usage: withSearches(geminiMediaTokens(r.usageMetadata), this.searches) });
    if (this.finished) return;
    if (candidate?.finishReason) {
      this.completePartial(emit);
      this.finished = true;
      const finishReason = mapGeminiFinishReason(candidate.finishReason, this.toolCalls > 0);
      emit({ type: "finish", finishReason, nativeFinishReason: candidate.finishReason });
    } else if (!candidate && r.promptFeedback?.blockReason) {
      this.finished = true;
      emit({ type: "finish", finishReason: "content_filter", nativeFinishReason: r.promptFeedback.blockReason });
    }
  }

  flush(emit: Emit): void {
    if (this.stopped || this.finished) return;
    this.completePartial(emit);
    this.fail(emit, { status: 502, message: "Gemini stream ended without a finishReason (truncated)" });
  }

  private part(part: GeminiResponsePart, emit: Emit): void {
    const media = mediaEventOfPart(part);
    if (media) {
      this.completePartial(emit);
      return emit(media);
    }
    const fc = part.functionCall;
    if (fc) {
      if (fc.name) {
        this.completePartial(emit);
        const index = this.toolCalls++;
        emit({
          type: "tool-call-start",
          index,
          id: fc.id || newToolCallId(),
          name: fc.name,
          ...(part.thoughtSignature ? { thoughtSignature: part.thoughtSignature } : {}),
        });
        if (fc.willContinue !== true && fc.partialArgs === undefined) {
          emit({ type: "tool-call-delta", index, argumentsDelta: JSON.stringify(fc.args ?? {}) });
          return;
        }
        this.partial = { index, args: fc.args ?? {} };
      }
      if (this.partial) {
        applyPartialArgs(this.partial, fc.partialArgs);
        if (fc.willContinue !== true) this.completePartial(emit);
      }
      return;
    }
    if (typeof part.text !== "string" || part.text === "") return;
    this.completePartial(emit);
    emit(part.thought ? { type: "reasoning-delta", text: part.text } : { type: "text-delta", text: part.text });
  }

  private completePartial(emit: Emit): void {
    if (!this.partial) return;
    emit({ type: "tool-call-delta", index: this.partial.index, argumentsDelta: JSON.stringify(this.partial.args) });
    this.partial = undefined;
  }

  private fail(emit: Emit, e: Omit<Extract<StreamEvent, { type: "error" }>, "type">): void {
    this.stopped = true;
    this.partial = undefined;
    emit({
      type: "error", status: e.status, message: e.message, ...(e.errorType ? { errorType: e.errorType } : {}), ...(e.fromUpstream ? { fromUpstream: true } : {}),
    });
  }
}

/** SSE events → the chunk decoder (each event's data is one chunk). */
class GeminiSseEventDecoder implements SyncTransformer<SseEvent, StreamEvent> {
  private readonly decoder = new GeminiChunkDecoder();
  transform(ev: SseEvent, emit: Emit): void {
    this.decoder.transform(ev.data, emit);
  }
  flush(emit: Emit): void {
    this.decoder.flush(emit);
  }
}

/** `alt=sse` framing (`data: <json>\r\n\r\n`), as a synchronous stage. */
export function geminiSseStreamDecoder(): SyncTransformer<Uint8Array, StreamEvent> {
  return chain(sseDecoder(), new GeminiSseEventDecoder());
}

/** Default streamGenerateContent framing (no alt=sse), as a synchronous stage. */
export function geminiJsonArrayStreamDecoder(): SyncTransformer<Uint8Array, StreamEvent> {
  return chain(jsonArrayDecoder(), new GeminiChunkDecoder());
}

/** `alt=sse` framing: `data: <json>\r\n\r\n`. */
export function decodeGeminiSseStream(): TransformStream<Uint8Array, StreamEvent> {
  return toTransformStream(geminiSseStreamDecoder());
}

/** Default streamGenerateContent framing (no alt=sse): one JSON array streamed element by element. */
export function decodeGeminiJsonArrayStream(): TransformStream<Uint8Array, StreamEvent> {
  return toTransformStream(geminiJsonArrayStreamDecoder());
}
