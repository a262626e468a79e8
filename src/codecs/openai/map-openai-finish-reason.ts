import type { FinishReason } from "../../canonical/types";

/** finish_reason values a chat-completions client may see (OpenAI's enum plus OpenRouter's "error"). */
export const OPENAI_FINISH_REASONS = ["stop", "length", "tool_calls", "content_filter", "function_call", "error"] as const;
export type OpenAIFinishReason = (typeof OPENAI_FINISH_REASONS)[number];

const isOpenAIFinishReason = (v: string): v is OpenAIFinishReason => (OPENAI_FINISH_REASONS as readonly string[]).includes(v);

/**
 * Upstream finish_reason -> canonical. Compatible providers add their own spellings (vLLM "eos",
 * Mistral "model_length", Anthropic-through-proxies "end_turn"/"max_tokens"/"tool_use").
 * Some providers say "stop" after emitting tool calls; the calls decide then.
 */
export function mapOpenAIFinishReason(reason: string | null | undefined, sawToolCalls: boolean): FinishReason {
  switch (reason) {
    case "length":
    case "max_tokens":
    case "model_length":
      return "length";
    case "tool_calls":
    case "function_call":
    case "tool_use":
      return "tool_calls";
    case "content_filter":
    case "safety":
    case "refusal":
      return "content_filter";
    case "error":
      return "error";
    default:
      return sawToolCalls ? "tool_calls" : "stop";
  }
}

/** Canonical -> wire. A native reason that is already an OpenAI value is kept (lossless round trip). */
export function toOpenAIFinishReason(reason: FinishReason, native: string | undefined): OpenAIFinishReason {
  if (native !== undefined && isOpenAIFinishReason(native)) return native;
  return reason;
}
