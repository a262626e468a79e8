/**
 * Upstream Gemini stream → canonical events. Every chunk is a complete GenerateContentResponse
 * with incremental parts and running usage; function calls arrive whole (or, on Vertex with
 * streamFunctionCallArguments, as partialArgs, see partial-args.ts). There is no terminator:
 * the last chunk carries finishReason, so a stream that ends without one was truncated.
 *
 * Two framings: SSE (`alt=sse`, what the gateway requests) and the JSON array Google streams
 * without alt=sse.
 */
import type { StreamEvent } from "../../canonical/types";
import { newToolCallId } from "../../canonical/ids";
import { JsonArrayDecoderStream } from "../../streams/json-array-stream";
import { isRecord, safeJsonParse } from "../../streams/json";
import { type SseEvent, SseDecoderStream } from "../../streams/sse";
import { type GeminiResponsePart, generateContentResponseSchema } from "./gemini-api";
import { mapGeminiFinishReason } from "./map-gemini-finish-reason";
import { applyPartialArgs, type PartialArgsState } from "./partial-args";
import { hasTokenCounts, usageFromGemini } from "./usage";

type Emit = (event: StreamEvent) => void;

class GeminiChunkDecoder {
  private started = false;
  private finished = false;
  private stopped = false; // after an error event nothing more is emitted
  private toolCalls = 0;
  private partial: (PartialArgsState & { index: number }) | undefined;

  chunk(text: string, emit: Emit): void {
    if (this.stopped || text.trim() === "") return;
    const parsed = safeJsonParse(text);
    if (!parsed.ok) return this.fail(emit, 502, `Malformed JSON in Gemini stream: ${parsed.error}`);
    const value = parsed.value;
    if (isRecord(value) && isRecord(value.error)) {
      const e = value.error;
      const status = typeof e.code === "number" && e.code >= 400 ? e.code : 502;
      const message = typeof e.message === "string" && e.message ? e.message : "Gemini stream error";
      return this.fail(emit, status, message, typeof e.status === "string" ? e.status : undefined, true);
    }
    const res = generateContentResponseSchema.safeParse(value);
    if (!res.success) {
      return this.fail(emit, 502, `Invalid Gemini stream chunk: ${res.error.issues[0]?.message ?? "unexpected shape"}`);
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
    const candidate = r.candidates?.find((c) => (c.index ?? 0) === 0);
    if (candidate && !this.finished) for (const part of candidate.content?.parts ?? []) this.part(part, emit);
    if (hasTokenCounts(r.usageMetadata)) emit({ type: "usage", usage: usageFromGemini(r.usageMetadata) });
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

  end(emit: Emit): void {
    if (this.stopped || this.finished) return;
    this.completePartial(emit);
    this.fail(emit, 502, "Gemini stream ended without a finishReason (truncated)");
  }

  private part(part: GeminiResponsePart, emit: Emit): void {
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

  private fail(emit: Emit, status: number, message: string, errorType?: string, fromUpstream = false): void {
    this.stopped = true;
    this.partial = undefined;
    emit({ type: "error", status, message, ...(errorType ? { errorType } : {}), ...(fromUpstream ? { fromUpstream } : {}) });
  }
}

function chunkTransform<T>(text: (input: T) => string): TransformStream<T, StreamEvent> {
  const decoder = new GeminiChunkDecoder();
  return new TransformStream<T, StreamEvent>({
    transform(input, controller) {
      decoder.chunk(text(input), (e) => controller.enqueue(e));
    },
    flush(controller) {
      decoder.end((e) => controller.enqueue(e));
    },
  });
}

/** `alt=sse` framing: `data: <json>\r\n\r\n`. */
export function decodeGeminiSseStream(): TransformStream<Uint8Array, StreamEvent> {
  const sse = new SseDecoderStream();
  return { writable: sse.writable, readable: sse.readable.pipeThrough(chunkTransform((e: SseEvent) => e.data)) };
}

/** Default streamGenerateContent framing (no alt=sse): one JSON array streamed element by element. */
export function decodeGeminiJsonArrayStream(): TransformStream<Uint8Array, StreamEvent> {
  const array = new JsonArrayDecoderStream();
  return { writable: array.writable, readable: array.readable.pipeThrough(chunkTransform((s: string) => s)) };
}
