/**
 * Errors in the Responses envelope, OpenAI's: {"error":{"message","type","param","code"}} where
 * `code` is a string code or null (not the HTTP status, unlike the chat surface's OpenRouter
 * convention). Codex reads the codes: rate_limit_exceeded is retried after the wait its message
 * names, insufficient_quota is final. Upstream bodies have the chat envelope, so decodeError is
 * the OpenAI codec's.
 */
import type { ErrorKind, GatewayError } from "../../errors/gateway-error";

export { decodeOpenAIError as decodeResponsesError } from "../openai/errors";

const ERRORS: Record<ErrorKind, [type: string, code: string | null]> = {
  invalid_request: ["invalid_request_error", null],
  authentication: ["invalid_request_error", "invalid_api_key"],
  payment_required: ["insufficient_quota", "insufficient_quota"],
  permission: ["invalid_request_error", "permission_denied"],
  not_found: ["invalid_request_error", "not_found"],
  payload_too_large: ["invalid_request_error", "request_too_large"],
  rate_limit: ["requests", "rate_limit_exceeded"],
  upstream: ["server_error", "upstream_error"],
  overloaded: ["server_error", "server_is_overloaded"],
  timeout: ["server_error", "timeout"],
  unavailable: ["server_error", "service_unavailable"],
  internal: ["server_error", null],
};

export function encodeResponsesError(err: GatewayError): { status: number; body: unknown } {
  const [type, code] = ERRORS[err.kind];
  const param = err.metadata?.param;
  const error: Record<string, unknown> = { message: err.message, type, param: typeof param === "string" ? param : null, code };
  if (err.metadata && Object.keys(err.metadata).length > 0) error.metadata = err.metadata;
  return { status: err.status, body: { error } };
}

/**
 * Type and code of an in-band stream error: a gateway error kind maps like the HTTP body; an
 * upstream's own type (insufficient_quota, overloaded_error…) is passed on; else the status says.
 */
export function streamErrorCodes(status: number, errorType: string | undefined): { type: string; code: string } {
  if (errorType !== undefined && Object.hasOwn(ERRORS, errorType)) {
    const [type, code] = ERRORS[errorType as ErrorKind];
    return { type, code: code ?? type };
  }
  if (errorType) return { type: errorType, code: errorType };
  if (status === 429) return { type: "requests", code: "rate_limit_exceeded" };
  if (status >= 500) return { type: "server_error", code: "server_error" };
  return { type: "invalid_request_error", code: "invalid_request_error" };
}

/** HTTP status of an upstream's in-band error code (response.failed, error events). */
export function statusOfErrorCode(code: string | undefined): number {
  if (code === "rate_limit_exceeded" || code === "insufficient_quota") return 429;
  if (code === "server_is_overloaded" || code === "slow_down") return 503;
  if (code === "invalid_prompt" || code === "invalid_request_error" || code === "context_length_exceeded") return 400;
  return 502;
}
