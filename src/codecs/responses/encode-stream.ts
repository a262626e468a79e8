/**
 * Canonical StreamEvents → the Responses API's event stream, in the order and shapes OpenAI sends
 * (`event: <type>\ndata: <json>\n\n`, every event with a `sequence_number` from 0):
 *   response.created, response.in_progress,
 *   per output item: response.output_item.added, its deltas and done events, response.output_item.done
 *     message:   content_part.added, output_text.delta…, output_text.done, content_part.done
 *     reasoning: reasoning_summary_part.added, reasoning_summary_text.delta…, .done, part.done
 *     calls:     function_call_arguments.delta… .done | custom_tool_call_input.delta… .done
 *   then response.completed (or response.incomplete for a length / content-filter stop).
 * A failure after the stream started is an `error` event, then `response.failed` in flush().
 * Keep-alives are SSE comments (every SSE client, the openai SDK and Codex included, skips them).
 *
 * Done events repeat the item's whole text and response.completed the whole output, as OpenAI's
 * do: so each open item keeps its text, and finished items are kept for the final event (the
 * answer's size, which the format itself requires; the same object is what the gateway stores).
 */
import { emptyUsage, type FinishReason, type ReasoningPart, type StreamEvent, type Usage } from "../../canonical/types";
import { sseComment, sseFrame } from "../../streams/sse";
import { type SyncTransformer, toTransformStream } from "../../streams/sync-transformer";
import type { EncodeContext } from "../codec";
import { CustomInputExtractor } from "./custom-input-stream";
import { streamErrorCodes } from "./errors";
import { toResponsesStatus } from "./map-responses-finish-reason";
import { type CallShape, callItem, ItemIds, messageItem, outputText, reasoningPartItem, reasoningView, summaryPart, ToolTable, wireCallId, type ReasoningView, imageGenerationItem } from "./output-items";
import { responseObject } from "./response-object";

type Emit = (bytes: Uint8Array) => void;
type Wire = Record<string, unknown>;

interface OpenBlock {
  kind: "message" | "reasoning";
  index: number;
  id: string;
  /** `"item_id":…,"output_index":…` — every delta of the item carries it. */
  head: string;
  text: string;
  partOpen: boolean;
  payload?: Pick<ReasoningPart, "signature" | "redactedData" | "encrypted">;
}

interface OpenCall {
  index: number;
  id: string;
  callId: string;
  shape: CallShape;
  head: string;
  args: string;
  input: string;
  extractor?: CustomInputExtractor;
}

class ResponsesStreamEncoder implements SyncTransformer<StreamEvent, Uint8Array> {
  private seq = 0;
  private started = false;
  private ended = false;
  private model: string;
  private usage?: Usage;
  private finish?: { reason: FinishReason; native?: string };
  private failure?: { code: string; message: string };
  private nextOutput = 0;
  /** Finished items, by output index. */
  private readonly output: Wire[] = [];
  /** For a kept answer (ctx.capture): reasoning items with their payload, by output index. */
  private readonly kept: Wire[] = [];
  private block?: OpenBlock;
  private readonly calls = new Map<number, OpenCall>();
  private readonly ids: ItemIds;
  private readonly tools: ToolTable;
  private readonly view: ReasoningView;

  constructor(private readonly ctx: EncodeContext) {
    this.model = ctx.model;
    this.ids = new ItemIds(ctx.id);
    this.tools = new ToolTable(ctx.request);
    this.view = reasoningView(ctx);
  }

  private frame(emit: Emit, type: string, body: Wire): void {
    emit(sseFrame(`{"type":"${type}","sequence_number":${this.seq++},${JSON.stringify(body).slice(1)}`, type));
  }

  /** A delta event, built around the item's cached head (per token: no object to serialize). */
  private delta(emit: Emit, type: string, head: string, extra: string, delta: string, tail = ""): void {
    emit(sseFrame(`{"type":"${type}","sequence_number":${this.seq++},${head}${extra},"delta":${JSON.stringify(delta)}${tail}}`, type));
  }

  private snapshot(
    status: "in_progress" | "completed" | "incomplete" | "failed",
    extra: { usage?: Usage; incompleteReason?: string; error?: { code: string; message: string } } = {},
    items: Wire[] = this.output,
  ): Wire {
    return responseObject(this.ctx, { model: this.model, status, output: items.filter((i) => i !== undefined), ...extra });
  }

  private start(emit: Emit): void {
    if (this.started) return;
    this.started = true;
    this.frame(emit, "response.created", { response: this.snapshot("in_progress") });
    this.frame(emit, "response.in_progress", { response: this.snapshot("in_progress") });
  }

  private openBlock(emit: Emit, kind: OpenBlock["kind"]): OpenBlock {
    if (this.block?.kind === kind && kind === "message") return this.block;
    this.closeBlock(emit);
    this.closeCalls(emit);
    const index = this.nextOutput++;
    const id = this.ids.take(kind === "message" ? "msg" : "rs");
    const block: OpenBlock = { kind, index, id, head: `"item_id":${JSON.stringify(id)},"output_index":${index}`, text: "", partOpen: false };
    this.block = block;
    if (kind === "message") {
      this.frame(emit, "response.output_item.added", { output_index: index, item: messageItem(id, "", "in_progress") });
      this.frame(emit, "response.content_part.added", { item_id: id, output_index: index, content_index: 0, part: outputText("") });
    } else {
      this.frame(emit, "response.output_item.added", { output_index: index, item: { id, type: "reasoning", summary: [] } });
    }
    return block;
  }

  private closeBlock(emit: Emit): void {
    const b = this.block;
    if (!b) return;
    this.block = undefined;
    const at = { item_id: b.id, output_index: b.index };
    if (b.kind === "message") {
      this.frame(emit, "response.output_text.done", { ...at, content_index: 0, text: b.text, logprobs: [] });
      this.frame(emit, "response.content_part.done", { ...at, content_index: 0, part: outputText(b.text) });
      this.done(emit, b.index, messageItem(b.id, b.text, "completed"));
      return;
    }
    if (b.partOpen) {
      this.frame(emit, "response.reasoning_summary_text.done", { ...at, summary_index: 0, text: b.text });
      this.frame(emit, "response.reasoning_summary_part.done", { ...at, summary_index: 0, part: summaryPart(b.text) });
    }
    const part: ReasoningPart = { type: "reasoning", text: b.text, ...b.payload };
    const item = reasoningPartItem(b.id, part, this.view) ?? { id: b.id, type: "reasoning", summary: [] };
    if (this.ctx.capture) this.kept[b.index] = reasoningPartItem(b.id, part, { ...this.view, encrypted: true }) ?? item;
    this.done(emit, b.index, item);
  }

  private done(emit: Emit, index: number, item: Wire): void {
    this.output[index] = item;
    this.frame(emit, "response.output_item.done", { output_index: index, item });
  }

  private closeCalls(emit: Emit): void {
    for (const c of this.calls.values()) {
      const at = { item_id: c.id, output_index: c.index };
      if (c.extractor) {
        const rest = c.extractor.finish();
        if (rest) {
          c.input += rest;
          this.delta(emit, "response.custom_tool_call_input.delta", c.head, "", rest);
        }
        this.frame(emit, "response.custom_tool_call_input.done", { ...at, input: c.input });
        this.done(emit, c.index, callItem(c.id, c.callId, c.shape, c.input, "completed"));
      } else {
        this.frame(emit, "response.function_call_arguments.done", { ...at, arguments: c.args });
        this.done(emit, c.index, callItem(c.id, c.callId, c.shape, c.args, "completed"));
      }
    }
    this.calls.clear();
  }

  private reasoningEnd(emit: Emit, payload: OpenBlock["payload"]): void {
    const b = this.block?.kind === "reasoning" ? this.block : this.openBlock(emit, "reasoning");
    b.payload = payload;
    this.closeBlock(emit);
  }

  transform(ev: StreamEvent, emit: Emit): void {
    if (this.failure || this.ended) return;
    if (ev.type === "keep-alive") return emit(sseComment("keep-alive"));
    if (ev.type === "comment") return emit(sseComment(ev.text));
    if (ev.type === "usage") {
      this.usage = ev.usage;
      return;
    }
    if (ev.type === "error") {
      const { type, code } = streamErrorCodes(ev.status, ev.errorType);
      this.failure = { code, message: ev.message };
      this.frame(emit, "error", { error: { type, code, message: ev.message, param: null } });
      return;
    }
    if (ev.type === "start") {
      if (ev.model) this.model = ev.model;
      if (ev.usage) this.usage = ev.usage;
      return this.start(emit);
    }
    this.start(emit);
    switch (ev.type) {
      case "text-delta": {
        if (!ev.text) return;
        const b = this.openBlock(emit, "message");
        b.text += ev.text;
        this.delta(emit, "response.output_text.delta", b.head, ',"content_index":0', ev.text, ',"logprobs":[]');
        return;
      }
      case "reasoning-delta": {
        if (!ev.text) return;
        const b = this.block?.kind === "reasoning" ? this.block : this.openBlock(emit, "reasoning");
        b.text += ev.text;
        if (!this.view.text) return;
        if (!b.partOpen) {
          b.partOpen = true;
          this.frame(emit, "response.reasoning_summary_part.added", { item_id: b.id, output_index: b.index, summary_index: 0, part: summaryPart("") });
        }
        this.delta(emit, "response.reasoning_summary_text.delta", b.head, ',"summary_index":0', ev.text);
        return;
      }
      case "reasoning-signature":
        return this.reasoningEnd(emit, { signature: ev.signature });
      case "reasoning-encrypted":
        return this.reasoningEnd(emit, { encrypted: { origin: ev.origin, data: ev.data } });
      case "reasoning-redacted":
        this.closeBlock(emit);
        return this.reasoningEnd(emit, { redactedData: ev.data });
      case "tool-call-start": {
        if (this.calls.has(ev.index)) return;
        this.closeBlock(emit);
        const shape = this.tools.shape(ev.name, ev.custom);
        const index = this.nextOutput++;
        const id = this.ids.take(shape.custom ? "ctc" : "fc");
        const call: OpenCall = { index, id, callId: wireCallId(ev.id, ev.thoughtSignature), shape, head: `"item_id":${JSON.stringify(id)},"output_index":${index}`, args: "", input: "" };
        if (shape.custom) call.extractor = new CustomInputExtractor();
        this.calls.set(ev.index, call);
        this.frame(emit, "response.output_item.added", { output_index: index, item: callItem(id, call.callId, shape, "", "in_progress") });
        return;
      }
      case "tool-call-delta": {
        const c = this.calls.get(ev.index);
        if (!c || !ev.argumentsDelta) return;
        c.args += ev.argumentsDelta;
        if (!c.extractor) return this.delta(emit, "response.function_call_arguments.delta", c.head, "", ev.argumentsDelta);
        const text = c.extractor.push(ev.argumentsDelta);
        if (!text) return;
        c.input += text;
        this.delta(emit, "response.custom_tool_call_input.delta", c.head, "", text);
        return;
      }
      case "image": {
        // A whole image: the item's lifecycle events at once (no partial images).
        this.closeBlock(emit);
        const index = this.nextOutput++;
        const id = this.ids.take("ig");
        const at = { output_index: index, item_id: id };
        this.frame(emit, "response.output_item.added", { output_index: index, item: imageGenerationItem(id, undefined) });
        this.frame(emit, "response.image_generation_call.in_progress", at);
        this.frame(emit, "response.image_generation_call.generating", at);
        this.frame(emit, "response.image_generation_call.completed", at);
        this.done(emit, index, imageGenerationItem(id, ev));
        return;
      }
      case "audio-delta":
        // The Responses API has no audio output.
        return;
      case "finish":
        this.closeBlock(emit);
        this.closeCalls(emit);
        this.finish = { reason: ev.finishReason, native: ev.nativeFinishReason };
        return;
    }
  }

  flush(emit: Emit): void {
    if (this.ended) return;
    this.ended = true;
    if (this.failure) {
      this.frame(emit, "response.failed", { response: this.snapshot("failed", { error: this.failure }) });
      return;
    }
    this.start(emit);
    this.closeBlock(emit);
    this.closeCalls(emit);
    const { status, incompleteReason } = toResponsesStatus(this.finish?.reason, this.finish?.native);
    const usage = this.usage ?? emptyUsage();
    if (status === "failed") {
      const error = { code: "server_error", message: `The model stopped with an error (${this.finish?.native ?? "error"}).` };
      this.frame(emit, "response.failed", { response: this.snapshot("failed", { usage, error }) });
    } else {
      if (this.ctx.capture) this.ctx.capture(this.snapshot(status, { usage, incompleteReason }, this.output.map((item, i) => this.kept[i] ?? item)));
      this.frame(emit, status === "completed" ? "response.completed" : "response.incomplete", { response: this.snapshot(status, { usage, incompleteReason }) });
    }
  }
}

/** Canonical events → Responses SSE bytes, as a synchronous stage. */
export function responsesStreamEncoder(ctx: EncodeContext): SyncTransformer<StreamEvent, Uint8Array> {
  return new ResponsesStreamEncoder(ctx);
}

export function encodeResponsesStream(ctx: EncodeContext): TransformStream<StreamEvent, Uint8Array> {
  return toTransformStream(responsesStreamEncoder(ctx));
}
