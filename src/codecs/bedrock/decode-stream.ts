/**
 * ConverseStream bytes → canonical StreamEvents, one synchronous pass: eventStreamDecoder (AWS's
 * binary framing) → safeJsonParse → a small state machine.
 *
 * Event order as Bedrock sends it: messageStart, then per content block (text blocks may start
 * without contentBlockStart) contentBlockDelta… contentBlockStop, then messageStop
 * {stopReason}, then metadata {usage}. Exceptions arrive in-band as `:message-type: exception`
 * messages. Never throws: an exception, a malformed event or frame, and a stream that ends
 * before messageStop each become one canonical `error` event, after which the rest is ignored.
 * Memory: per-block flags only; tool arguments are forwarded as they come.
 */
import type { z } from "zod";
import type { StreamEvent } from "../../canonical/types";
import { isRecord, safeJsonParse } from "../../streams/json";
import { chain, type SyncTransformer, toTransformStream } from "../../streams/sync-transformer";
import {
  contentBlockDeltaEventSchema, contentBlockStartEventSchema, contentBlockStopEventSchema, messageStopEventSchema, metadataEventSchema,
} from "./bedrock-api";
import { statusForBedrockException } from "./errors";
import { type EventStreamItem, eventStreamDecoder } from "./event-stream";
import { mapBedrockStopReason } from "./map-bedrock-finish-reason";
import { fromBedrockUsage } from "./usage";

type Emit = (e: StreamEvent) => void;
type Block = { kind: "text" } | { kind: "reasoning" } | { kind: "tool"; toolIndex: number; hasArgs: boolean };

class ConverseEventDecoder implements SyncTransformer<EventStreamItem, StreamEvent> {
  private phase: "open" | "stopped" | "failed" = "open";
  private started = false;
  private blocks = new Map<number, Block>();
  private toolCount = 0;

  transform(item: EventStreamItem, emit: Emit): void {
    if (this.phase === "failed") return;
    if (!item.ok) return this.fail(emit, 502, `Malformed event stream from Bedrock: ${item.error}`);
    const { messageType, type, payload } = item.message;
    if (messageType === "exception" || messageType === "error") {
      const parsed = safeJsonParse(payload);
      const message = parsed.ok && isRecord(parsed.value) && typeof parsed.value.message === "string" ? parsed.value.message : payload || type;
      return this.fail(emit, statusForBedrockException(type), `Bedrock ${type || "error"}: ${message}`, type, true);
    }
    const parsed = safeJsonParse(payload);
    if (!parsed.ok || !isRecord(parsed.value)) return this.fail(emit, 502, `Malformed ${type} event from Bedrock: ${payload.slice(0, 200)}`);
    const data = parsed.value;
    switch (type) {
      case "messageStart":
        return this.start(emit);
      case "contentBlockStart":
        return this.blockStart(data, emit);
      case "contentBlockDelta":
        return this.blockDelta(data, emit);
      case "contentBlockStop":
        return this.blockStop(data, emit);
      case "messageStop":
        return this.messageStop(data, emit);
      case "metadata":
        return this.metadata(data, emit);
      default:
        return; // event types added after this was written
    }
  }

  flush(emit: Emit): void {
    if (this.phase === "open") this.fail(emit, 502, "Bedrock stream ended before messageStop (truncated)");
  }

  private fail(emit: Emit, status: number, message: string, errorType?: string, fromUpstream = false): void {
    this.phase = "failed";
    emit({ type: "error", status, message, ...(errorType ? { errorType } : {}), ...(fromUpstream ? { fromUpstream } : {}) });
  }

  private parse<T>(schema: z.ZodType<T>, data: unknown, type: string, emit: Emit): T | undefined {
    const r = schema.safeParse(data);
    if (r.success) return r.data;
    const issue = r.error.issues[0];
    this.fail(emit, 502, `Malformed ${type} event from Bedrock${issue ? `: ${issue.path.join(".")} ${issue.message}` : ""}`);
    return undefined;
  }

  private start(emit: Emit): void {
    if (this.started) return;
    this.started = true;
    emit({ type: "start" });
  }

  private blockStart(data: unknown, emit: Emit): void {
    const e = this.parse(contentBlockStartEventSchema, data, "contentBlockStart", emit);
    if (!e) return;
    this.start(emit);
    const tool = e.start?.toolUse;
    if (!tool) return;
    const toolIndex = this.toolCount++;
    this.blocks.set(e.contentBlockIndex, { kind: "tool", toolIndex, hasArgs: false });
    emit({ type: "tool-call-start", index: toolIndex, id: tool.toolUseId, name: tool.name });
  }

  private blockDelta(data: unknown, emit: Emit): void {
    const e = this.parse(contentBlockDeltaEventSchema, data, "contentBlockDelta", emit);
    if (!e) return;
    this.start(emit);
    const d = e.delta;
    const block = this.blocks.get(e.contentBlockIndex);
    if (d.toolUse) {
      if (block?.kind !== "tool") return; // arguments for a call that never started: nothing to attach them to
      if (d.toolUse.input) {
        block.hasArgs = true;
        emit({ type: "tool-call-delta", index: block.toolIndex, argumentsDelta: d.toolUse.input });
      }
    } else if (d.text !== undefined) {
      if (!block) this.blocks.set(e.contentBlockIndex, { kind: "text" });
      if (d.text) emit({ type: "text-delta", text: d.text });
    } else if (d.reasoningContent) {
      if (!block) this.blocks.set(e.contentBlockIndex, { kind: "reasoning" });
      const rc = d.reasoningContent;
      if (rc.text) emit({ type: "reasoning-delta", text: rc.text });
      if (rc.signature) emit({ type: "reasoning-signature", signature: rc.signature });
      if (rc.redactedContent) emit({ type: "reasoning-redacted", data: rc.redactedContent });
    }
  }

  private blockStop(data: unknown, emit: Emit): void {
    const e = this.parse(contentBlockStopEventSchema, data, "contentBlockStop", emit);
    if (!e) return;
    const block = this.blocks.get(e.contentBlockIndex);
    this.blocks.delete(e.contentBlockIndex);
    // A call without arguments streams none (or only ""); other formats need "{}".
    if (block?.kind === "tool" && !block.hasArgs) emit({ type: "tool-call-delta", index: block.toolIndex, argumentsDelta: "{}" });
  }

  private messageStop(data: unknown, emit: Emit): void {
    const e = this.parse(messageStopEventSchema, data, "messageStop", emit);
    if (!e) return;
    this.start(emit);
    this.phase = "stopped";
    emit({ type: "finish", finishReason: mapBedrockStopReason(e.stopReason), nativeFinishReason: e.stopReason });
  }

  private metadata(data: unknown, emit: Emit): void {
    const e = this.parse(metadataEventSchema, data, "metadata", emit);
    if (e?.usage) emit({ type: "usage", usage: fromBedrockUsage(e.usage) });
  }
}

/** ConverseStream bytes → canonical events, as a synchronous stage. */
export function bedrockStreamDecoder(): SyncTransformer<Uint8Array, StreamEvent> {
  return chain(eventStreamDecoder(), new ConverseEventDecoder());
}

export function decodeBedrockStream(): TransformStream<Uint8Array, StreamEvent> {
  return toTransformStream(bedrockStreamDecoder());
}
