/**
 * Upstream Responses event stream → canonical StreamEvents, in one synchronous pass
 * (sseDecoder → safeJsonParse → the event's type). Events are keyed by `output_index`, never by
 * item id: some servers (GitHub Copilot) give every event of an item a fresh id.
 *
 * - text: output_text / refusal deltas; reasoning: summary deltas (a blank line between summary
 *   parts), or raw reasoning_text deltas for an item without a summary; the item's
 *   encrypted_content (last seen, added or done) ends the block as a reasoning-encrypted event;
 * - calls start at output_item.added; a custom tool call's raw input deltas become the canonical
 *   `{"input":"…"}` argument fragments (canonical/tools.ts);
 * - servers that send no deltas for some content (done events only) are caught up from the done
 *   events; content that had deltas is taken as sent (a done event that disagrees with its
 *   deltas cannot be taken back, and holding every delta to compare would cost memory);
 * - response.completed / .incomplete end the stream (usage, finish); response.failed and `error`
 *   events become one canonical error event; a stream that just stops is an error too.
 * Never throws: malformed events become an error event, unknown event types are ignored.
 */
import { imageOfItem } from "./output-items";
import { newToolCallId } from "../../canonical/ids";
import { qualifiedToolName } from "../../canonical/tools";
import { unpackToolCallId } from "../../canonical/tool-call-id";
import type { StreamEvent } from "../../canonical/types";
import { isRecord, safeJsonParse } from "../../streams/json";
import { sseDecoder, type SseEvent } from "../../streams/sse";
import { chain, type SyncTransformer, toTransformStream } from "../../streams/sync-transformer";
import { upstreamErrorInfo } from "../openai/errors";
import { reasoningItemText } from "./decode-response";
import { statusOfErrorCode } from "./errors";
import { mapResponsesFinish } from "./map-responses-finish-reason";
import { reasoningFromEncryptedContent } from "./reasoning-payload";
import { decodeResponsesUsage } from "./responses-usage";
import { imageItemTokens, withImageTokens } from "./image-generation";

type Emit = (e: StreamEvent) => void;
type Rec = Record<string, unknown>;
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
const num = (v: unknown): number => (typeof v === "number" ? v : 0);
/** A JSON string's inside: one custom-input fragment as canonical argument text. */
const escaped = (s: string) => JSON.stringify(s).slice(1, -1);

interface ItemState {
  type: string;
  /** Canonical tool-call index. */
  call?: number;
  /** Whether deltas were sent: per content part, or [0] for reasoning, arguments, custom input. */
  sent: boolean[];
  summaryParts: number;
  encrypted?: string;
  closed: boolean;
}

class ResponsesEventDecoder implements SyncTransformer<SseEvent, StreamEvent> {
  private started = false;
  private ended = false;
  private readonly items = new Map<number, ItemState>();
  private calls = 0;
  /** Image output tokens of the images made so far (OpenAI's usage leaves them out). */
  private imageTokens = 0;

  transform(ev: SseEvent, emit: Emit): void {
    if (this.ended) return;
    const data = ev.data.trim();
    if (data === "" || data === "[DONE]") return;
    const json = safeJsonParse(data);
    if (!json.ok) return this.fail(emit, 502, `Upstream sent malformed JSON in its stream: ${json.error}`);
    if (!isRecord(json.value)) return this.fail(emit, 502, "Upstream sent a stream event that is not a JSON object");
    this.onEvent(json.value, str(json.value.type) ?? ev.event ?? "", emit);
  }

  private onEvent(e: Rec, type: string, emit: Emit): void {
    if (type === "error") return this.failWith(emit, isRecord(e.error) ? e.error : e);
    if (type === "response.failed") {
      const r = isRecord(e.response) ? e.response : {};
      return this.failWith(emit, isRecord(r.error) ? r.error : { message: "the response failed" });
    }
    this.start(emit, type.startsWith("response.") && isRecord(e.response) ? e.response : undefined);
    const index = num(e.output_index);
    switch (type) {
      case "response.output_item.added":
        return this.itemAdded(index, isRecord(e.item) ? e.item : {}, emit);
      case "response.output_item.done":
        return this.itemDone(index, isRecord(e.item) ? e.item : {}, emit);
      case "response.output_text.delta":
      case "response.refusal.delta":
        return this.text(index, num(e.content_index), str(e.delta) ?? "", false, emit);
      case "response.output_text.done":
      case "response.refusal.done":
        return this.text(index, num(e.content_index), str(e.text) ?? str(e.refusal) ?? "", true, emit);
      case "response.reasoning_summary_part.added": {
        const item = this.item(index, "reasoning");
        if (item.summaryParts++ > 0) this.reasoning(item, "\n\n", emit);
        return;
      }
      case "response.reasoning_summary_text.delta":
        return this.reasoning(this.item(index, "reasoning"), str(e.delta) ?? "", emit);
      case "response.reasoning_text.delta": {
        const item = this.item(index, "reasoning");
        if (item.summaryParts === 0) this.reasoning(item, str(e.delta) ?? "", emit);
        return;
      }
      case "response.function_call_arguments.delta":
      case "response.custom_tool_call_input.delta":
        return this.callDelta(this.items.get(index), str(e.delta) ?? "", false, emit);
      case "response.function_call_arguments.done":
        return this.callDelta(this.items.get(index), str(e.arguments) ?? "", true, emit);
      case "response.custom_tool_call_input.done":
        return this.callDelta(this.items.get(index), str(e.input) ?? "", true, emit);
      case "response.completed":
      case "response.incomplete":
        return this.complete(isRecord(e.response) ? e.response : {}, type === "response.incomplete", emit);
    }
  }

  private start(emit: Emit, response?: Rec): void {
    if (this.started) return;
    this.started = true;
    const ev: Extract<StreamEvent, { type: "start" }> = { type: "start" };
    const id = str(response?.id);
    const model = str(response?.model);
    if (id) ev.id = id;
    if (model) ev.model = model;
    emit(ev);
  }

  private item(index: number, type: string): ItemState {
    let item = this.items.get(index);
    if (!item) {
      item = { type, sent: [], summaryParts: 0, closed: false };
      this.items.set(index, item);
    }
    return item;
  }

  private itemAdded(index: number, it: Rec, emit: Emit): void {
    const type = str(it.type) ?? "";
    const item = this.item(index, type);
    if (type === "reasoning") {
      item.encrypted = str(it.encrypted_content) ?? item.encrypted;
      return;
    }
    if (type !== "function_call" && type !== "custom_tool_call") return;
    if (item.call !== undefined) return;
    item.call = this.calls++;
    const { id, thoughtSignature } = unpackToolCallId(str(it.call_id) || newToolCallId());
    const name = qualifiedToolName(str(it.namespace), str(it.name) ?? "");
    const custom = type === "custom_tool_call";
    const start: StreamEvent = { type: "tool-call-start", index: item.call, id, name };
    if (thoughtSignature) start.thoughtSignature = thoughtSignature;
    if (custom) start.custom = true;
    emit(start);
    if (custom) emit({ type: "tool-call-delta", index: item.call, argumentsDelta: '{"input":"' });
    this.callDelta(item, str(custom ? it.input : it.arguments) ?? "", false, emit);
  }

  private itemDone(index: number, it: Rec, emit: Emit): void {
    const type = str(it.type) ?? "";
    const image = imageOfItem(it);
    if (image) {
      this.imageTokens += imageItemTokens(it);
      return emit({ type: "image", ...image });
    }
    if (type === "function_call" || type === "custom_tool_call") {
      if (!this.items.get(index)) this.itemAdded(index, it, emit);
      const item = this.items.get(index)!;
      this.callDelta(item, str(type === "custom_tool_call" ? it.input : it.arguments) ?? "", true, emit);
      return this.closeCall(item, emit);
    }
    if (type === "message") {
      list(it.content).forEach((p, i) => this.text(index, i, str(p.text) ?? str(p.refusal) ?? "", true, emit));
      return;
    }
    if (type !== "reasoning") return;
    const item = this.item(index, type);
    if (!item.sent[0]) this.reasoning(item, reasoningItemText(it), emit);
    const enc = str(it.encrypted_content) ?? item.encrypted;
    if (enc) this.payload(enc, item, emit);
  }

  /** The reasoning item's payload: OpenAI's own, or one of ours coming back through a chain. */
  private payload(enc: string, item: ItemState, emit: Emit): void {
    let part;
    try {
      part = reasoningFromEncryptedContent(enc, "", "encrypted_content");
    } catch {
      part = { type: "reasoning" as const, text: "", encrypted: { origin: "openai" as const, data: enc } };
    }
    if (part.text && !item.sent[0]) this.reasoning(item, part.text, emit);
    if (part.redactedData !== undefined) emit({ type: "reasoning-redacted", data: part.redactedData });
    else if (part.signature) emit({ type: "reasoning-signature", signature: part.signature });
    else if (part.encrypted) emit({ type: "reasoning-encrypted", origin: part.encrypted.origin, data: part.encrypted.data });
  }

  /** Text of a content part; `whole` is its final value, sent only when no delta was. */
  private text(index: number, content: number, text: string, whole: boolean, emit: Emit): void {
    const item = this.item(index, "message");
    if (!text || (whole && item.sent[content])) return;
    item.sent[content] = true;
    emit({ type: "text-delta", text });
  }

  private reasoning(item: ItemState, text: string, emit: Emit): void {
    if (!text) return;
    item.sent[0] = true;
    emit({ type: "reasoning-delta", text });
  }

  /** Argument (or custom input) text; `whole` is the final value, sent only when no delta was. */
  private callDelta(item: ItemState | undefined, text: string, whole: boolean, emit: Emit): void {
    if (item?.call === undefined || item.closed || !text || (whole && item.sent[0])) return;
    item.sent[0] = true;
    emit({ type: "tool-call-delta", index: item.call, argumentsDelta: item.type === "custom_tool_call" ? escaped(text) : text });
  }

  private closeCall(item: ItemState, emit: Emit): void {
    if (item.closed || item.call === undefined) return;
    item.closed = true;
    if (item.type === "custom_tool_call") emit({ type: "tool-call-delta", index: item.call, argumentsDelta: '"}' });
  }

  private complete(r: Rec, incomplete: boolean, emit: Emit): void {
    for (const item of this.items.values()) this.closeCall(item, emit);
    this.ended = true;
    const reason = isRecord(r.incomplete_details) ? str(r.incomplete_details.reason) : undefined;
    emit({ type: "finish", ...mapResponsesFinish(incomplete ? "incomplete" : (str(r.status) ?? "completed"), reason, this.calls > 0) });
    if (isRecord(r.usage)) emit({ type: "usage", usage: withImageTokens(decodeResponsesUsage(r.usage), this.imageTokens) });
  }

  private failWith(emit: Emit, error: Rec): void {
    const info = upstreamErrorInfo(error);
    this.fail(emit, info.status ?? statusOfErrorCode(info.type), `Upstream error: ${info.message}`, info.type, true);
  }

  private fail(emit: Emit, status: number, message: string, errorType?: string, fromUpstream = false): void {
    if (this.ended) return;
    this.ended = true;
    emit({ type: "error", status, message, ...(errorType ? { errorType } : {}), ...(fromUpstream ? { fromUpstream } : {}) });
  }

  flush(emit: Emit): void {
    if (!this.ended) this.fail(emit, 502, "Upstream stream ended before completion (no response.completed)");
  }
}

const list = (v: unknown): Rec[] => (Array.isArray(v) ? v.filter(isRecord) : []);

/** Upstream Responses SSE bytes → canonical events, as a synchronous stage. */
export function responsesStreamDecoder(): SyncTransformer<Uint8Array, StreamEvent> {
  return chain(sseDecoder(), new ResponsesEventDecoder());
}

export function decodeResponsesStream(): TransformStream<Uint8Array, StreamEvent> {
  return toTransformStream(responsesStreamDecoder());
}
