/**
 * POST /v1/messages/count_tokens and same-format passthrough. count_tokens accepts only part
 * of the Messages body (no max_tokens, stream, sampling or metadata), so the full encoding is
 * filtered down to the fields that endpoint documents.
 */
import type { CanonicalRequest } from "../../canonical/types";
import { isRecord } from "../../streams/json";
import { encodeAnthropicRequest } from "./encode-request";
import { adaptSystemMessages } from "./system-messages";

const COUNT_TOKENS_FIELDS = [
  "model",
  "messages",
  "system",
  "tools",
  "tool_choice",
  "thinking",
  "output_config",
  "cache_control",
  "speed",
  "mcp_servers",
  "context_management",
  "compaction",
  "billing_policy",
];

export function encodeAnthropicCountTokensRequest(req: CanonicalRequest, upstreamModel: string): Record<string, unknown> {
  const full = encodeAnthropicRequest({ ...req, stream: false }, upstreamModel);
  const body: Record<string, unknown> = {};
  for (const key of COUNT_TOKENS_FIELDS) if (full[key] !== undefined) body[key] = full[key];
  return body;
}

/** `{"input_tokens": N}` → N; NaN when the body is not a count. */
export function decodeAnthropicCountTokensResponse(body: unknown): number {
  return isRecord(body) && typeof body.input_tokens === "number" ? body.input_tokens : Number.NaN;
}

/**
 * The caller's own Anthropic body, with only the model (and the stream flag) replaced — and its
 * mid-conversation system messages inlined for a model that would reject them (system-messages.ts).
 */
export function anthropicPassthroughRequest(raw: Record<string, unknown>, upstreamModel: string, stream: boolean): Record<string, unknown> {
  const body: Record<string, unknown> = { ...raw, model: upstreamModel };
  adaptSystemMessages(body, upstreamModel);
  if (stream) body.stream = true;
  else delete body.stream;
  return body;
}
