/**
 * Accumulates streamed tool calls into canonical tool-call-start / tool-call-delta events.
 *
 * Upstream indexes are not trusted as canonical indexes: OpenAI counts tool calls from 0, but
 * proxies in front of Anthropic send content-block indexes (first call at index 1), and Mistral
 * sends no index at all (one complete call per entry). Canonical indexes are assigned in order
 * of first appearance. A call starts once its name is known; argument fragments that arrive
 * before that are held back (only that call's prefix is buffered).
 */
import { newToolCallId } from "../../canonical/ids";
import { unpackToolCallId } from "../../canonical/tool-call-id";
import type { StreamEvent } from "../../canonical/types";
import type { UpstreamToolCall } from "./openai-response-api";

interface CallState {
  index: number;
  id?: string;
  started: boolean;
  pending: string;
}

export class ToolCallAccumulator {
  private readonly calls = new Map<string, CallState>();
  private lastKey: string | undefined;
  private next = 0;

  get count(): number {
    return this.next;
  }

  /** Events for one upstream tool_calls entry. */
  push(tc: UpstreamToolCall, emit: (e: StreamEvent) => void): void {
    const key = typeof tc.index === "number" ? `i${tc.index}` : tc.id ? `id${tc.id}` : (this.lastKey ?? "i0");
    this.lastKey = key;
    let call = this.calls.get(key);
    if (!call) {
      call = { index: this.next++, started: false, pending: "" };
      this.calls.set(key, call);
    }
    const raw = tc.function?.arguments;
    const args = typeof raw === "string" ? raw : raw ? JSON.stringify(raw) : "";

    if (!call.started) {
      if (tc.id) call.id = tc.id;
      const name = tc.function?.name;
      if (name) {
        const { id, thoughtSignature } = unpackToolCallId(call.id ?? newToolCallId());
        emit(
          thoughtSignature
            ? { type: "tool-call-start", index: call.index, id, name, thoughtSignature }
            : { type: "tool-call-start", index: call.index, id, name },
        );
        call.started = true;
        const held = call.pending + args;
        call.pending = "";
        if (held) emit({ type: "tool-call-delta", index: call.index, argumentsDelta: held });
        return;
      }
      call.pending += args;
      return;
    }
    if (args) emit({ type: "tool-call-delta", index: call.index, argumentsDelta: args });
  }
}
