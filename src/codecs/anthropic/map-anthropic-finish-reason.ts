import type { FinishReason } from "../../canonical/types";
import { STOP_REASONS, type AnthropicStopReason } from "./anthropic-api";

/** Anthropic stop_reason → canonical finish reason (unknown/new values count as a normal stop). */
export function mapAnthropicStopReason(reason: string | null | undefined): FinishReason {
  switch (reason) {
    case "max_tokens":
    case "model_context_window_exceeded":
      return "length";
    case "tool_use":
      return "tool_calls";
    case "refusal":
      return "content_filter";
    default:
      // end_turn, stop_sequence, pause_turn (the turn ended; the caller may continue it).
      return "stop";
  }
}

export function isAnthropicStopReason(value: string | undefined): value is AnthropicStopReason {
  return value !== undefined && (STOP_REASONS as readonly string[]).includes(value);
}

/**
 * Canonical → Anthropic stop_reason. A native Anthropic value is kept verbatim (lossless
 * same-format round trip). Some upstreams (Gemini) end a tool-calling turn with a plain "stop";
 * Anthropic clients decide whether to run tools from stop_reason, so tool calls win.
 */
export function toAnthropicStopReason(
  reason: FinishReason,
  nativeFinishReason: string | undefined,
  hasToolCalls: boolean,
): AnthropicStopReason {
  if (isAnthropicStopReason(nativeFinishReason)) return nativeFinishReason;
  switch (reason) {
    case "length":
      return "max_tokens";
    case "tool_calls":
      return "tool_use";
    case "content_filter":
      return "refusal";
    default:
      return hasToolCalls ? "tool_use" : "end_turn";
  }
}
