/**
 * Anthropic SSE bytes → canonical StreamEvents.
 *
 * Pipeline, one synchronous pass (see streams/sync-transformer.ts): sseDecoder → safeJsonParse →
 * one small state machine. Memory stays constant:
 * only per-block flags are kept (tool arguments are forwarded as they come, never buffered).
 * Never throws: malformed events, upstream `error` events, a spliced second message_start and
 * a stream that ends without message_stop all become one canonical `error` event, after which
 * the rest of the stream is ignored.
 *
 * Event shapes are checked by hand (see `check` in stream-event-checks.ts): zod runs only for what
 * the hand checks do not accept, so its verdicts and error messages stay authoritative without
 * costing every token.
 */
import { z } from "zod";
import type { StreamEvent } from "../../canonical/types";
import { safeJsonParse, isRecord } from "../../streams/json";
import { sseDecoder, type SseEvent } from "../../streams/sse";
import { chain, type SyncTransformer, toTransformStream } from "../../streams/sync-transformer";
import { contentBlockDeltaSchema, contentBlockStopSchema } from "./anthropic-api";
import { fromAnthropicUsage, type AnthropicUsageLike } from "./anthropic-usage";
import { decodeResponseBlocks } from "./decode-response";
import { statusForAnthropicErrorType } from "./errors";
import { mapAnthropicStopReason } from "./map-anthropic-finish-reason";
import {
  blockStartSchema, check, errorEventSchema, messageDeltaSchema, messageStartSchema, validBlockDelta, validBlockStart, validBlockStop,
  validErrorEvent, validMessageDelta, validMessageStart,
} from "./stream-event-checks";

type Emit = (e: StreamEvent) => void;

type BlockState =
  | { kind: "text" }
  | { kind: "thinking"; signature?: string; signed: boolean }
  | { kind: "tool"; toolIndex: number; hasArgs: boolean; initialInput?: string }
  | { kind: "ignored" };

class AnthropicEventDecoder implements SyncTransformer<SseEvent, StreamEvent> {
  private phase: "open" | "stopped" | "failed" = "open";
  private started = false;
  private contentSeen = false;
  private blocks = new Map<number, BlockState>();
  private toolCount = 0;
  private startUsage: AnthropicUsageLike = {};
  private startStopReason: string | undefined;
  private messageId: string | undefined;
  private finished = false;

  transform(ev: SseEvent, emit: Emit): void {
    if (this.phase !== "open") return; // after message_stop or an error, nothing counts
    const parsed = safeJsonParse(ev.data);
    if (!parsed.ok || !isRecord(parsed.value)) return this.fail(emit, { status: 502, message: `Malformed event from Anthropic: ${ev.data.slice(0, 200)}` });
    const data = parsed.value;
    const type = typeof data.type === "string" ? data.type : ev.event;
    switch (type) {
      case "message_start":
        return this.messageStart(data, emit);
      case "content_block_start":
        return this.blockStart(data, emit);
      case "content_block_delta":
        return this.blockDelta(data, emit);
      case "content_block_stop":
        return this.blockStop(data, emit);
      case "message_delta":
        return this.messageDelta(data, emit);
      case "message_stop":
        if (!this.finished) this.emitFinish(emit, this.startStopReason);
        this.phase = "stopped";
        return;
      case "error": {
        const e = check(errorEventSchema, validErrorEvent, data);
        const type = e.success ? e.data.error.type : undefined;
        const message = (e.success && e.data.error.message) || "Anthropic stream error";
        return this.fail(emit, { status: statusForAnthropicErrorType(type), message, errorType: type, fromUpstream: true });
      }
      default:
        return; // ping and event types added after this was written
    }
  }

  flush(emit: Emit): void {
    if (this.phase === "open") this.fail(emit, { status: 502, message: "Anthropic stream ended before message_stop (truncated)" });
  }

  private fail(emit: Emit, e: Omit<Extract<StreamEvent, { type: "error" }>, "type">): void {
    emit({
      type: "error", status: e.status, message: e.message, ...(e.errorType ? { errorType: e.errorType } : {}), ...(e.fromUpstream ? { fromUpstream: true } : {}),
    });
    this.phase = "failed";
  }

  private malformed(emit: Emit, type: string, error: z.ZodError): void {
    const issue = error.issues[0];
    this.fail(emit, { status: 502, message: `Malformed ${type} event from Anthropic${issue ? `: ${issue.path.join(".")} ${issue.message}` : ""}` });
  }

  private ensureStarted(emit: Emit): void {
    if (!this.started) {
      this.started = true;
      emit({ type: "start" });
    }
    this.contentSeen = true;
  }

  private messageStart(data: Record<string, unknown>, emit: Emit): void {
    const r = check(messageStartSchema, validMessageStart, data);
    if (!r.success) return this.malformed(emit, "message_start", r.error);
    const msg = r.data.message;
    if (this.started) {
      // Some gateways repeat message_start (same id): harmless, ignored. A different id after
      // content means an intermediary spliced a retried generation into this one; the two
      // cannot be merged (signed thinking from both would be unreplayable), so it is an error.
      if (this.contentSeen && msg.id !== this.messageId) this.fail(emit, { status: 502, message: "Anthropic stream restarted mid-message (second message_start)" });
      return;
    }
    this.started = true;
    this.messageId = msg.id;
    this.startUsage = msg.usage ?? {};
    this.startStopReason = msg.stop_reason ?? undefined;
    const start: StreamEvent = { type: "start" };
    if (msg.id) start.id = msg.id;
    if (msg.model) start.model = msg.model;
    if (msg.usage) start.usage = fromAnthropicUsage(msg.usage);
    emit(start);
    // Content can arrive already inside message_start (seen with programmatic tool calling).
    for (const part of decodeResponseBlocks(msg.content ?? [])) {
      this.contentSeen = true;
      if (part.type === "text") emit({ type: "text-delta", text: part.text });
      else if (part.type === "reasoning") {
        if (part.redactedData !== undefined) emit({ type: "reasoning-redacted", data: part.redactedData });
        else {
          if (part.text) emit({ type: "reasoning-delta", text: part.text });
          if (part.signature) emit({ type: "reasoning-signature", signature: part.signature });
        }
      } else {
        const index = this.toolCount++;
        emit({ type: "tool-call-start", index, id: part.id, name: part.name });
        emit({ type: "tool-call-delta", index, argumentsDelta: part.arguments });
      }
    }
  }

  private blockStart(data: Record<string, unknown>, emit: Emit): void {
    const r = check(blockStartSchema, validBlockStart, data);
    if (!r.success) return this.malformed(emit, "content_block_start", r.error);
    const { index, content_block: block } = r.data;
    this.ensureStarted(emit);
    switch (block.type) {
      case "text":
        this.blocks.set(index, { kind: "text" });
        if (typeof block.text === "string" && block.text) emit({ type: "text-delta", text: block.text });
        return;
      case "thinking": {
        const signature = typeof block.signature === "string" && block.signature ? block.signature : undefined;
        this.blocks.set(index, { kind: "thinking", signature, signed: false });
        if (typeof block.thinking === "string" && block.thinking) emit({ type: "reasoning-delta", text: block.thinking });
        return;
      }
      case "redacted_thinking":
        this.blocks.set(index, { kind: "ignored" });
        if (typeof block.data === "string") emit({ type: "reasoning-redacted", data: block.data });
        return;
      case "tool_use": {
        if (typeof block.id !== "string" || typeof block.name !== "string") {
          return this.fail(emit, { status: 502, message: "Malformed content_block_start event from Anthropic: tool_use without id/name" });
        }
        const toolIndex = this.toolCount++;
        const input = isRecord(block.input) && Object.keys(block.input).length > 0 ? JSON.stringify(block.input) : undefined;
        this.blocks.set(index, { kind: "tool", toolIndex, hasArgs: false, initialInput: input });
        emit({ type: "tool-call-start", index: toolIndex, id: block.id, name: block.name });
        return;
      }
      default:
        // server_tool_use, web_search_tool_result, compaction, … are Anthropic-only.
        this.blocks.set(index, { kind: "ignored" });
    }
  }

  private blockDelta(data: Record<string, unknown>, emit: Emit): void {
    const r = check(contentBlockDeltaSchema, validBlockDelta, data);
    if (!r.success) return this.malformed(emit, "content_block_delta", r.error);
    const block = this.blocks.get(r.data.index);
    const delta = r.data.delta;
    if (!block) return;
    if (block.kind === "text" && delta.type === "text_delta" && typeof delta.text === "string") {
      if (delta.text) emit({ type: "text-delta", text: delta.text });
    } else if (block.kind === "thinking" && delta.type === "thinking_delta" && typeof delta.thinking === "string") {
      if (delta.thinking) emit({ type: "reasoning-delta", text: delta.thinking });
    } else if (block.kind === "thinking" && delta.type === "signature_delta" && typeof delta.signature === "string") {
      block.signed = true;
      emit({ type: "reasoning-signature", signature: delta.signature });
    } else if (block.kind === "tool" && delta.type === "input_json_delta" && typeof delta.partial_json === "string") {
      // The first input_json_delta is often "": nothing to forward.
      if (delta.partial_json) {
        block.hasArgs = true;
        emit({ type: "tool-call-delta", index: block.toolIndex, argumentsDelta: delta.partial_json });
      }
    }
    // citations_delta, compaction_delta, deltas of server-tool blocks: ignored.
  }

  private blockStop(data: Record<string, unknown>, emit: Emit): void {
    const r = check(contentBlockStopSchema, validBlockStop, data);
    if (!r.success) return this.malformed(emit, "content_block_stop", r.error);
    const block = this.blocks.get(r.data.index);
    this.blocks.delete(r.data.index);
    if (block?.kind === "thinking" && block.signature && !block.signed) {
      emit({ type: "reasoning-signature", signature: block.signature });
    } else if (block?.kind === "tool" && !block.hasArgs) {
      // A call without arguments streams no (or only "") deltas; other formats need "{}".
      emit({ type: "tool-call-delta", index: block.toolIndex, argumentsDelta: block.initialInput ?? "{}" });
    }
  }

  private messageDelta(data: Record<string, unknown>, emit: Emit): void {
    const r = check(messageDeltaSchema, validMessageDelta, data);
    if (!r.success) return this.malformed(emit, "message_delta", r.error);
    this.ensureStarted(emit);
    const u = r.data.usage;
    // message_delta counts are cumulative; older servers only send output_tokens there.
    if (u) {
      emit({
        type: "usage",
        usage: fromAnthropicUsage({
          input_tokens: u.input_tokens ?? this.startUsage.input_tokens,
          cache_creation_input_tokens: u.cache_creation_input_tokens ?? this.startUsage.cache_creation_input_tokens,
          cache_read_input_tokens: u.cache_read_input_tokens ?? this.startUsage.cache_read_input_tokens,
          output_tokens: u.output_tokens ?? this.startUsage.output_tokens,
          output_tokens_details: u.output_tokens_details,
        }),
      });
    }
    const reason = r.data.delta.stop_reason;
    if (reason) this.emitFinish(emit, reason);
  }

  private emitFinish(emit: Emit, reason: string | undefined): void {
    if (this.finished) return;
    this.finished = true;
    this.ensureStarted(emit);
    emit(reason ? { type: "finish", finishReason: mapAnthropicStopReason(reason), nativeFinishReason: reason } : { type: "finish", finishReason: "stop" });
  }
}

/** Anthropic SSE bytes → canonical events, as a synchronous stage. */
export function anthropicStreamDecoder(): SyncTransformer<Uint8Array, StreamEvent> {
  return chain(sseDecoder(), new AnthropicEventDecoder());
}

export function decodeAnthropicStream(): TransformStream<Uint8Array, StreamEvent> {
  return toTransformStream(anthropicStreamDecoder());
}
