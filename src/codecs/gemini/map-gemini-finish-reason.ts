import type { FinishReason } from "../../canonical/types";

/**
 * Gemini FinishReason values (google.ai.generativelanguage.v1beta.Candidate.FinishReason plus the
 * Vertex additions). Used to decide whether a canonical nativeFinishReason can be sent verbatim.
 */
const GEMINI_FINISH_REASONS = new Set([
  "STOP",
  "MAX_TOKENS",
  "SAFETY",
  "RECITATION",
  "LANGUAGE",
  "OTHER",
  "BLOCKLIST",
  "PROHIBITED_CONTENT",
  "SPII",
  "MALFORMED_FUNCTION_CALL",
  "IMAGE_SAFETY",
  "IMAGE_PROHIBITED_CONTENT",
  "IMAGE_RECITATION",
  "IMAGE_OTHER",
  "NO_IMAGE",
  "UNEXPECTED_TOOL_CALL",
  "TOO_MANY_TOOL_CALLS",
  "MISSING_THOUGHT_SIGNATURE",
  "MALFORMED_RESPONSE",
  "CONTINUATION",
]);

const CONTENT_FILTER = new Set([
  "SAFETY",
  "RECITATION",
  "BLOCKLIST",
  "PROHIBITED_CONTENT",
  "SPII",
  "IMAGE_SAFETY",
  "IMAGE_PROHIBITED_CONTENT",
  "IMAGE_RECITATION",
  // promptFeedback.blockReason values
  "MODEL_ARMOR",
  "JAILBREAK",
]);

/**
 * Gemini has no "tool_calls" reason: STOP is used for function calls too, so the caller says
 * whether a call was produced. MAX_TOKENS and CONTINUATION (Vertex: output continues in a follow-up
 * request) are truncations. Every other reason (MALFORMED_FUNCTION_CALL, OTHER, LANGUAGE,
 * UNEXPECTED_TOOL_CALL, NO_IMAGE…) means the model stopped abnormally without a usable answer, so
 * it maps to `error` rather than pretending the turn ended normally.
 */
export function mapGeminiFinishReason(reason: string | undefined, hasToolCalls: boolean): FinishReason {
  if (reason === undefined || reason === "STOP") return hasToolCalls ? "tool_calls" : "stop";
  if (reason === "MAX_TOKENS" || reason === "CONTINUATION") return "length";
  if (CONTENT_FILTER.has(reason)) return "content_filter";
  return "error";
}

/** Canonical → Gemini, lossless when the native reason already is a Gemini value. */
export function toGeminiFinishReason(reason: FinishReason, native?: string): string {
  if (native && GEMINI_FINISH_REASONS.has(native)) return native;
  switch (reason) {
    case "stop":
    case "tool_calls":
      return "STOP";
    case "length":
      return "MAX_TOKENS";
    case "content_filter":
      return "SAFETY";
    case "error":
      return "OTHER";
  }
}
