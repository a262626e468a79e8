/**
 * Upstream chat.completion.chunk SSE -> canonical StreamEvents.
 * Pipeline, one synchronous pass (see streams/sync-transformer.ts): sseDecoder (framing, comments
 * like ": OPENROUTER PROCESSING") -> safeJsonParse -> readChunk (hand-written lenient reader, see
 * stream-chunk-reader.ts) -> events.
 * Never throws: bad data and upstream error chunks become one `error` event, after which the
 * rest of the stream is ignored.
 *
 * Quirks handled (see FORMATS.md §2/§6): Azure's first `choices:[]` chunk with empty id and
 * prompt_filter_results; usage on the finish chunk (DeepSeek/Groq/Mistral), in a separate
 * `choices:[]` chunk (OpenAI/xAI/Azure) or only in x_groq; reasoning as reasoning_content,
 * reasoning, reasoning_details or Mistral thinking parts; streams without [DONE] that did finish.
 */
import type { StreamEvent } from "../../canonical/types";
import { safeJsonParse } from "../../streams/json";
import { sseDecoder, type SseEvent } from "../../streams/sse";
import { chain, type SyncTransformer, toTransformStream } from "../../streams/sync-transformer";
import { thinkingText } from "./decode-response";
import { upstreamErrorInfo } from "./errors";
import { mapOpenAIFinishReason } from "./map-openai-finish-reason";
import type { UpstreamMessage } from "./openai-response-api";
import { decodeOpenAIUsage } from "./openai-usage";
import { type ReadChoice, readChunk, type ReadChunk } from "./stream-chunk-reader";
import { originOfFormat } from "./reasoning-details";
import { ToolCallAccumulator } from "./stream-tool-calls";
import { mediaDeltaEvents } from "./media-output";

type Emit = (e: StreamEvent) => void;

const NONE: readonly never[] = [];

class ChunkDecoder implements SyncTransformer<SseEvent, StreamEvent> {
  private started = false;
  private finished = false;
  private done = false;
  private failed = false;
  private readonly tools = new ToolCallAccumulator();

  transform(ev: SseEvent, emit: Emit): void {
    if (this.failed || this.done) return;
    const data = ev.data.trim();
    if (data === "[DONE]") {
      this.done = true;
      return;
    }
    if (data === "") return;
    const json = safeJsonParse(data);
    if (!json.ok) return this.fail(emit, { status: 502, message: `Upstream sent malformed JSON in its stream: ${json.error}` });
    const chunk = readChunk(json.value);
    if (!chunk) return this.fail(emit, { status: 502, message: "Upstream sent something that is not a chat.completion.chunk" });
    this.onChunk(chunk, emit);
  }

  private onChunk(chunk: ReadChunk, emit: Emit): void {
    // OpenRouter mid-stream errors (and vLLM/SGLang) arrive as a chunk with a top-level error.
    if (chunk.error) {
      const info = upstreamErrorInfo(chunk.error);
      return this.fail(emit, { status: info.status ?? 502, message: `Upstream error: ${info.message}`, errorType: info.type, fromUpstream: true });
    }
    const choices = chunk.choices;
    let choice: ReadChoice | undefined = choices[0];
    for (let i = 0; i < choices.length; i++) {
      if ((choices[i].index ?? 0) === 0) {
        choice = choices[i];
        break;
      }
    }
    const usage = chunk.usage ?? choice?.usage;
    // Azure's prompt-filter chunk has an empty id, no choices and no usage: not a start yet.
    if (!this.started && (chunk.id || choice || usage)) this.start(emit, chunk);

    if (choice?.delta) this.onDelta(choice.delta, emit);
    if (choice?.finish_reason && !this.finished) {
      this.finished = true;
      emit({
        type: "finish",
        finishReason: mapOpenAIFinishReason(choice.finish_reason, this.tools.count > 0),
        nativeFinishReason: choice.native_finish_reason ?? choice.finish_reason,
      });
    }
    if (usage) emit({ type: "usage", usage: decodeOpenAIUsage(usage) });
  }

  private start(emit: Emit, chunk?: ReadChunk): void {
    this.started = true;
    const ev: Extract<StreamEvent, { type: "start" }> = { type: "start" };
    if (chunk?.id) ev.id = chunk.id;
    if (chunk?.model) ev.model = chunk.model;
    emit(ev);
  }

  private onDelta(d: UpstreamMessage, emit: Emit): void {
    // reasoning_details repeats `reasoning` with signatures; the plain text is only used when
    // the details carry nothing we understand.
    let fromDetails = false;
    for (const r of d.reasoning_details ?? NONE) {
      if (r.type === "reasoning.text" && (r.text || r.signature)) {
        fromDetails = true;
        if (r.text) emit({ type: "reasoning-delta", text: r.text });
        if (r.signature) emit({ type: "reasoning-signature", signature: r.signature });
      } else if (r.type === "reasoning.summary" && r.summary) {
        fromDetails = true;
        emit({ type: "reasoning-delta", text: r.summary });
      } else if (r.type === "reasoning.encrypted" && r.data) {
        fromDetails = true;
        const origin = originOfFormat(r.format);
        emit(origin ? { type: "reasoning-encrypted", origin, data: r.data } : { type: "reasoning-redacted", data: r.data });
      }
    }
    const plain = d.reasoning_content ?? d.reasoning;
    if (!fromDetails && plain) emit({ type: "reasoning-delta", text: plain });

    if (typeof d.content === "string") {
      if (d.content) emit({ type: "text-delta", text: d.content });
    } else if (d.content) {
      for (const p of d.content) {
        const thinking = thinkingText(p);
        if (thinking !== undefined) {
          if (thinking) emit({ type: "reasoning-delta", text: thinking });
        } else if (p.text) emit({ type: "text-delta", text: p.text });
      }
    }
    if (d.refusal) emit({ type: "text-delta", text: d.refusal });

    for (const tc of d.tool_calls ?? NONE) this.tools.push(tc, emit);
    if (d.function_call) this.tools.push({ index: -1, id: null, function: d.function_call }, emit);
    if (d.images !== undefined || d.audio !== undefined) mediaDeltaEvents(d, emit);
  }

  private fail(emit: Emit, e: Omit<Extract<StreamEvent, { type: "error" }>, "type">): void {
    this.failed = true;
    emit({
      type: "error", status: e.status, message: e.message, ...(e.errorType ? { errorType: e.errorType } : {}), ...(e.fromUpstream ? { fromUpstream: true } : {}),
    });
  }

  flush(emit: Emit): void {
    if (this.failed || this.finished) return;
    if (this.done) {
      // [DONE] without a finish_reason: the upstream did complete, it just did not say why.
      if (!this.started) this.start(emit);
      this.finished = true;
      emit({ type: "finish", finishReason: this.tools.count > 0 ? "tool_calls" : "stop" });
      return;
    }
    this.fail(emit, { status: 502, message: "Upstream stream ended before completion (no finish_reason and no [DONE])" });
  }
}

/** Upstream SSE bytes → canonical events, as a synchronous stage. */
export function openaiStreamDecoder(): SyncTransformer<Uint8Array, StreamEvent> {
  return chain(sseDecoder(), new ChunkDecoder());
}

export function decodeOpenAIStream(): TransformStream<Uint8Array, StreamEvent> {
  return toTransformStream(openaiStreamDecoder());
}
