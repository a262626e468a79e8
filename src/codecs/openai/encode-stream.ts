/**
 * Canonical StreamEvents -> the caller's chat.completion.chunk SSE (OpenRouter-flavoured).
 * Every chunk carries the same id/created/model/provider. The trailer (one `choices: []` chunk
 * with the full usage and cost, then `data: [DONE]`) is always written in flush(), even after
 * an in-band error, so clients see a well-formed end of stream.
 *
 * Written as a SyncTransformer (see streams/sync-transformer.ts). Per-token chunks (text,
 * reasoning, tool arguments) are built as one string around a cached head and encoded once;
 * the result is byte-identical to JSON.stringify of the whole chunk object.
 */
import { packToolCallId } from "../../canonical/tool-call-id";
import { emptyUsage, type StreamEvent, type Usage } from "../../canonical/types";
import { sseComment, sseFrame } from "../../streams/sse";
import { type SyncTransformer, toTransformStream } from "../../streams/sync-transformer";
import type { EncodeContext } from "../codec";
import { openAIErrorTypeOfKind } from "./errors";
import { toOpenAIFinishReason } from "./map-openai-finish-reason";
import { encodeOpenAIUsage } from "./openai-usage";
import { ORIGIN_FORMATS } from "./reasoning-details";
import { mediaDeltaJson } from "./media-output";

const DONE = new TextEncoder().encode("data: [DONE]\n\n");
// The fixed parts of a delta chunk: `…"choices":[{"index":0,"delta":<delta>,"finish_reason":null,…}]}`.
const DELTA_OPEN = '"choices":[{"index":0,"delta":';
const DELTA_CLOSE = ',"finish_reason":null,"native_finish_reason":null,"logprobs":null}]}';

type Emit = (bytes: Uint8Array) => void;

class OpenAIStreamEncoder implements SyncTransformer<StreamEvent, Uint8Array> {
  private readonly showReasoning: boolean;
  /** `{"id":…,"object":…,"created":…,"model":…,"provider":…,` — every chunk starts with it. */
  private head = "";
  private opened = false;
  private errored = false;
  private usage: Usage | undefined;
  // reasoning_details index: one per reasoning block; a block ends at its signature or at
  // the first non-reasoning output, so clients can rebuild the blocks and send them back.
  private detailIndex = 0;
  private inReasoning = false;
  private images = 0;

  constructor(private readonly ctx: EncodeContext) {
    this.showReasoning = ctx.includeReasoning !== false;
    this.setModel(ctx.model);
  }

  private setModel(model: string): void {
    const { id, created, provider } = this.ctx;
    this.head = JSON.stringify({ id, object: "chat.completion.chunk", created, model, provider }).slice(0, -1) + ",";
  }

  /** One chunk: the head, then `body`'s fields (body is never empty). */
  private chunk(body: Record<string, unknown>): Uint8Array {
    return sseFrame(this.head + JSON.stringify(body).slice(1));
  }

  /** A delta chunk around `deltaJson`, the already-serialized delta object. */
  private delta(deltaJson: string): Uint8Array {
    return sseFrame(this.head + DELTA_OPEN + deltaJson + DELTA_CLOSE);
  }

  private open(emit: Emit): void {
    if (this.opened) return;
    this.opened = true;
    emit(this.delta('{"role":"assistant","content":""}'));
  }

  private closeReasoning(): void {
    if (!this.inReasoning) return;
    this.inReasoning = false;
    this.detailIndex++;
  }

  /** A detail that ends the current reasoning block (its signature, or another family's payload), at the block's index. */
  private endReasoningBlock(emit: Emit, detail: Record<string, unknown>): void {
    this.open(emit);
    if (!this.showReasoning) return;
    emit(this.delta(JSON.stringify({ reasoning_details: [{ ...detail, index: this.detailIndex }] })));
    this.inReasoning = true;
    this.closeReasoning();
  }

  transform(ev: StreamEvent, emit: Emit): void {
    if (this.errored) return;
    switch (ev.type) {
      case "start":
        if (ev.model) this.setModel(ev.model);
        if (ev.usage) this.usage = ev.usage;
        this.open(emit);
        return;
      case "text-delta":
        this.open(emit);
        this.closeReasoning();
        if (ev.text) emit(this.delta(`{"content":${JSON.stringify(ev.text)}}`));
        return;
      case "reasoning-delta": {
        this.open(emit);
        if (!this.showReasoning || !ev.text) return;
        this.inReasoning = true;
        const text = JSON.stringify(ev.text);
        emit(
          this.delta(
            `{"reasoning":${text},"reasoning_details":[{"type":"reasoning.text","text":${text},"format":"unknown","index":${this.detailIndex}}]}`,
          ),
        );
        return;
      }
      case "reasoning-signature":
        return this.endReasoningBlock(emit, { type: "reasoning.text", signature: ev.signature, format: "unknown" });
      case "reasoning-encrypted":
        // Another family's payload (OpenAI's encrypted_content), named as OpenRouter names it.
        return this.endReasoningBlock(emit, { type: "reasoning.encrypted", data: ev.data, format: ORIGIN_FORMATS[ev.origin] });
      case "reasoning-redacted":
        this.open(emit);
        if (!this.showReasoning) return;
        this.closeReasoning();
        emit(
          this.delta(
            JSON.stringify({ reasoning_details: [{ type: "reasoning.encrypted", data: ev.data, format: "unknown", index: this.detailIndex }] }),
          ),
        );
        this.detailIndex++;
        return;
      case "tool-call-start":
        this.open(emit);
        this.closeReasoning();
        emit(
          this.delta(
            JSON.stringify({
              tool_calls: [
                {
                  index: ev.index,
                  id: packToolCallId(ev.id, ev.thoughtSignature),
                  type: "function",
                  function: { name: ev.name, arguments: "" },
                },
              ],
            }),
          ),
        );
        return;
      case "tool-call-delta":
        this.open(emit);
        if (ev.argumentsDelta) {
          emit(
            this.delta(
              `{"tool_calls":[{"index":${JSON.stringify(ev.index)},"function":{"arguments":${JSON.stringify(ev.argumentsDelta)}}}]}`,
            ),
          );
        }
        return;
      case "image":
      case "audio-delta":
        this.open(emit);
        this.closeReasoning();
        emit(this.delta(mediaDeltaJson(ev, ev.type === "image" ? this.images++ : 0)));
        return;
      case "usage":
        this.usage = ev.usage;
        return;
      case "finish": {
        this.open(emit);
        const reason = toOpenAIFinishReason(ev.finishReason, ev.nativeFinishReason);
        emit(
          this.chunk({
            choices: [{ index: 0, delta: {}, finish_reason: reason, native_finish_reason: ev.nativeFinishReason ?? reason, logprobs: null }],
          }),
        );
        return;
      }
      case "keep-alive":
        emit(sseComment("keep-alive"));
        return;
      case "comment":
        emit(sseComment(ev.text));
        return;
      case "error": {
        this.errored = true;
        const error: Record<string, unknown> = { code: ev.status, message: ev.message };
        // A gateway error (errorType is its kind) carries the same type as the HTTP error body.
        const type = openAIErrorTypeOfKind(ev.errorType);
        if (type) error.type = type;
        if (ev.errorType) error.metadata = { error_type: ev.errorType };
        emit(
          this.chunk({
            error,
            choices: [{ index: 0, delta: { content: "" }, finish_reason: "error", native_finish_reason: "error", logprobs: null }],
          }),
        );
        return;
      }
    }
  }

  flush(emit: Emit): void {
    if (!this.opened && !this.errored) emit(this.delta('{"role":"assistant","content":""}'));
    emit(this.chunk({ choices: [], usage: encodeOpenAIUsage(this.usage ?? emptyUsage(), this.ctx) }));
    emit(DONE);
  }
}

/** Canonical events → chat.completion.chunk SSE bytes, as a synchronous stage. */
export function openaiStreamEncoder(ctx: EncodeContext): SyncTransformer<StreamEvent, Uint8Array> {
  return new OpenAIStreamEncoder(ctx);
}

export function encodeOpenAIStream(ctx: EncodeContext): TransformStream<StreamEvent, Uint8Array> {
  return toTransformStream(openaiStreamEncoder(ctx));
}
