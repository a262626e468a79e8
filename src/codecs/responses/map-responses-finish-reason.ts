/**
 * A Responses answer has no finish reason: it has a `status` (completed, incomplete, failed) and,
 * when incomplete, `incomplete_details.reason`. Canonical ↔ that pair.
 */
import type { FinishReason } from "../../canonical/types";

/** Incomplete reasons OpenAI documents; a native reason among them is kept verbatim. */
const INCOMPLETE_REASONS = new Set(["max_output_tokens", "content_filter"]);

/**
 * Status + reason → canonical. Calls in the output make a completed answer a tool-calling turn.
 * Other servers' incomplete reasons (open-responses' "server_timeout") mean the answer was cut
 * short: canonically a length stop, with the reason kept as the native one.
 */
export function mapResponsesFinish(status: string | undefined, reason: string | undefined, hasCalls: boolean): { finishReason: FinishReason; nativeFinishReason: string } {
  if (status === "incomplete") {
    const native = reason ?? "incomplete";
    return { finishReason: native === "content_filter" ? "content_filter" : "length", nativeFinishReason: native };
  }
  if (status === "failed") return { finishReason: "error", nativeFinishReason: "failed" };
  return { finishReason: hasCalls ? "tool_calls" : "stop", nativeFinishReason: status ?? "completed" };
}

export interface ResponsesStatus {
  status: "completed" | "incomplete" | "failed";
  incompleteReason?: string;
}

/** Canonical → status. An error finish (a provider's MALFORMED_FUNCTION_CALL, OTHER…) is a failed response. */
export function toResponsesStatus(reason: FinishReason | undefined, native: string | undefined): ResponsesStatus {
  switch (reason) {
    case "length":
      return { status: "incomplete", incompleteReason: native !== undefined && INCOMPLETE_REASONS.has(native) ? native : "max_output_tokens" };
    case "content_filter":
      return { status: "incomplete", incompleteReason: "content_filter" };
    case "error":
      return { status: "failed" };
    default:
      return { status: "completed" };
  }
}
