/**
 * Canonical StreamEvents → Anthropic SSE, in exactly the event sequence the real API sends:
 * message_start, then per content block content_block_start / *_delta / content_block_stop
 * (one block open at a time; a new block opens whenever the kind of delta changes), then
 * message_delta (stop_reason + final usage) and message_stop, written in flush() because usage
 * may arrive after `finish`. An `error` event closes an open text/thinking block (a tool_use block
 * cut mid-arguments is left open), writes `event: error` and ends the stream: Anthropic sends
 * nothing after an error.
 *
 * Written as a SyncTransformer (see streams/sync-transformer.ts); per-token deltas are built as
 * one string (byte-identical to JSON.stringify of the event object) and encoded once.
 */
import type { FinishReason, StreamEvent, Usage } from "../../canonical/types";
import { emptyUsage } from "../../canonical/types";
import { sseComment, sseFrame } from "../../streams/sse";
import { type SyncTransformer, toTransformStream } from "../../streams/sync-transformer";
import type { EncodeContext } from "../codec";
import { toAnthropicUsage } from "./anthropic-usage";
import { toolUseIdForCaller } from "./content-utils";
import { anthropicErrorTypeOf, isAnthropicErrorType } from "./errors";
import { type GatewayToolSearch, requestToolSearch, searchBlocks, searchedStopReason } from "./gateway-tool-search";
import { toAnthropicStopReason } from "./map-anthropic-finish-reason";

type Emit = (bytes: Uint8Array) => void;
type OpenBlock = { kind: "text"; index: number } | { kind: "thinking"; index: number; signature?: string } | { kind: "tool"; index: number; toolIndex: number };

class AnthropicStreamEncoder implements SyncTransformer<StreamEvent, Uint8Array> {
  private started = false;
  private done = false;
  private block: OpenBlock | undefined;
  private nextIndex = 0;
  /** tool-call index → content block index, for deltas of a call whose block already closed. */
  private toolBlocks = new Map<number, number>();
  private usage: Usage | undefined;
  private finish: { reason: FinishReason; native?: string } | undefined;
  private hasToolCalls = false;
  private readonly includeReasoning: boolean;
  /** A search the gateway answers (gateway-tool-search.ts), and the call to it being received. */
  private readonly search: GatewayToolSearch | undefined;
  private searchCall: { toolIndex: number; id: string; thoughtSignature?: string; arguments: string } | undefined;
  private searched = false;

  constructor(private readonly ctx: EncodeContext) {
    this.includeReasoning = ctx.includeReasoning !== false;
    this.search = requestToolSearch(ctx.request);
  }

  transform(ev: StreamEvent, emit: Emit): void {
    if (this.done) return;
    if (this.searchCall && ev.type !== "tool-call-delta" && ev.type !== "usage" && ev.type !== "keep-alive" && ev.type !== "comment") {
      if (ev.type === "error") this.searchCall = undefined; // cut mid-arguments: nothing to answer
      else this.answerSearch(emit);
    }
    switch (ev.type) {
      case "start":
        if (ev.usage) this.usage = ev.usage;
        this.ensureStarted(emit, ev.model);
        return;
      case "text-delta":
        if (!ev.text) return;
        this.sendDelta(emit, this.openBlock(emit, "text").index, `{"type":"text_delta","text":${JSON.stringify(ev.text)}}`);
        return;
      case "reasoning-delta": {
        if (!this.includeReasoning || !ev.text) return;
        this.closeSignedThinking(emit); // a signature ends its block: this is the next one
        const index = this.openBlock(emit, "thinking").index;
        this.sendDelta(emit, index, `{"type":"thinking_delta","thinking":${JSON.stringify(ev.text)}}`);
        return;
      }
      case "reasoning-signature": {
        if (!this.includeReasoning) return;
        // Anthropic sends the signature as the last delta of its thinking block.
        this.closeSignedThinking(emit);
        const block = this.openBlock(emit, "thinking");
        if (block.kind === "thinking") block.signature = ev.signature;
        return;
      }
      case "reasoning-redacted":
        if (!this.includeReasoning) return;
        this.closeBlock(emit);
        this.ensureStarted(emit);
        this.send(emit, "content_block_start", { index: this.nextIndex, content_block: { type: "redacted_thinking", data: ev.data } });
        this.send(emit, "content_block_stop", { index: this.nextIndex });
        this.nextIndex++;
        return;
      case "tool-call-start": {
        this.closeBlock(emit);
        this.ensureStarted(emit);
        if (this.search && ev.name === this.search.name) {
          this.searchCall = { toolIndex: ev.index, id: ev.id, thoughtSignature: ev.thoughtSignature, arguments: "" };
          return;
        }
        const index = this.nextIndex++;
        this.block = { kind: "tool", index, toolIndex: ev.index };
        this.toolBlocks.set(ev.index, index);
        this.hasToolCalls = true;
        const id = toolUseIdForCaller(ev.id, ev.thoughtSignature);
        this.send(emit, "content_block_start", { index, content_block: { type: "tool_use", id, name: ev.name, input: {} } });
        return;
      }
      case "tool-call-delta": {
        if (!ev.argumentsDelta) return;
        if (this.searchCall?.toolIndex === ev.index) {
          this.searchCall.arguments += ev.argumentsDelta; // a search pattern: small
          return;
        }
        // Deltas normally belong to the open block; a late delta for an earlier call (never seen
        // from real upstreams) still goes to that call's block rather than being lost.
        const index = this.block?.kind === "tool" && this.block.toolIndex === ev.index ? this.block.index : this.toolBlocks.get(ev.index);
        if (index === undefined) return;
        this.sendDelta(emit, index, `{"type":"input_json_delta","partial_json":${JSON.stringify(ev.argumentsDelta)}}`);
        return;
      }
      case "usage":
        this.usage = ev.usage;
        return;
      case "finish":
        this.finish = { reason: ev.finishReason, native: ev.nativeFinishReason };
        return;
      case "keep-alive":
        this.send(emit, "ping", {});
        return;
      case "comment":
        // An SSE comment: Anthropic's SDKs skip lines starting with ':'.
        emit(sseComment(ev.text));
        return;
      case "error": {
        // A tool_use block cut by the error stays open: content_block_stop would tell the client
        // its (partial) input is complete and ready to run. Text/thinking blocks are closed.
        if (this.block?.kind === "tool") this.block = undefined;
        this.closeBlock(emit);
        const type = isAnthropicErrorType(ev.errorType) ? (ev.errorType as string) : anthropicErrorTypeOf(ev.status, ev.errorType);
        this.send(emit, "error", { error: { type, message: ev.message } });
        this.done = true;
        return;
      }
    }
  }

  flush(emit: Emit): void {
    if (this.done) return;
    this.ensureStarted(emit);
    this.closeBlock(emit);
    if (this.searchCall) this.answerSearch(emit);
    const finish = this.finish?.reason ?? "stop";
    const stopReason =
      (this.searched ? searchedStopReason(finish, this.hasToolCalls) : undefined) ?? toAnthropicStopReason(finish, this.finish?.native, this.hasToolCalls);
    const usage = this.usage ?? emptyUsage();
    // The cost (USD) rides in the final usage, the one place a stream can carry it; Anthropic
    // clients keep unknown usage fields. Non-streamed answers have the x-arouter-cost header.
    const cost = this.ctx.cost?.(usage);
    this.send(emit, "message_delta", {
      delta: { stop_reason: stopReason, stop_sequence: null },
      usage: cost === undefined ? toAnthropicUsage(usage) : { ...toAnthropicUsage(usage), cost },
    });
    this.send(emit, "message_stop", {});
  }

  /** The finished search call, answered with Anthropic's two blocks (the result whole, as Anthropic streams it). */
  private answerSearch(emit: Emit): void {
    const call = this.searchCall;
    if (!call || !this.search) return;
    this.searchCall = undefined;
    this.searched = true;
    const [use, result] = searchBlocks(this.search, call);
    const index = this.nextIndex;
    this.nextIndex += 2;
    this.send(emit, "content_block_start", { index, content_block: { ...use, input: {} } });
    this.sendDelta(emit, index, `{"type":"input_json_delta","partial_json":${JSON.stringify(JSON.stringify(use.input))}}`);
    this.send(emit, "content_block_stop", { index });
    this.send(emit, "content_block_start", { index: index + 1, content_block: result });
    this.send(emit, "content_block_stop", { index: index + 1 });
  }

  private send(emit: Emit, type: string, payload: Record<string, unknown>): void {
    emit(sseFrame(JSON.stringify({ type, ...payload }), type));
  }

  /** `send(emit, "content_block_delta", { index, delta })` with the delta already serialized. */
  private sendDelta(emit: Emit, index: number, deltaJson: string): void {
    emit(sseFrame(`{"type":"content_block_delta","index":${JSON.stringify(index)},"delta":${deltaJson}}`, "content_block_delta"));
  }

  private ensureStarted(emit: Emit, model?: string): void {
    if (this.started) return;
    this.started = true;
    const usage = toAnthropicUsage(this.usage ?? emptyUsage());
    this.send(emit, "message_start", {
      message: {
        id: this.ctx.id,
        type: "message",
        role: "assistant",
        model: model || this.ctx.model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: {
          input_tokens: usage.input_tokens,
          cache_creation_input_tokens: usage.cache_creation_input_tokens,
          cache_read_input_tokens: usage.cache_read_input_tokens,
          output_tokens: usage.output_tokens,
        },
      },
    });
  }

  /** Makes sure a text or thinking block is the open one, closing whatever else is open. */
  private openBlock(emit: Emit, kind: "text" | "thinking"): OpenBlock {
    if (this.block?.kind === kind) return this.block;
    this.closeBlock(emit);
    this.ensureStarted(emit);
    const index = this.nextIndex++;
    const contentBlock = kind === "text" ? { type: "text", text: "" } : { type: "thinking", thinking: "", signature: "" };
    this.send(emit, "content_block_start", { index, content_block: contentBlock });
    const block: OpenBlock = { kind, index };
    this.block = block;
    return block;
  }

  private closeSignedThinking(emit: Emit): void {
    if (this.block?.kind === "thinking" && this.block.signature) this.closeBlock(emit);
  }

  private closeBlock(emit: Emit): void {
    const block = this.block;
    if (!block) return;
    if (block.kind === "thinking" && block.signature) {
      this.send(emit, "content_block_delta", { index: block.index, delta: { type: "signature_delta", signature: block.signature } });
    }
    this.send(emit, "content_block_stop", { index: block.index });
    this.block = undefined;
  }
}

/** The `ping` event Anthropic sends while a response is being prepared. */
/** Canonical events → Anthropic SSE bytes, as a synchronous stage. */
export function anthropicStreamEncoder(ctx: EncodeContext): SyncTransformer<StreamEvent, Uint8Array> {
  return new AnthropicStreamEncoder(ctx);
}

export function encodeAnthropicStream(ctx: EncodeContext): TransformStream<StreamEvent, Uint8Array> {
  return toTransformStream(anthropicStreamEncoder(ctx));
}
