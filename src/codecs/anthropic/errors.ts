import type { UpstreamErrorInfo } from "../codec";
import type { GatewayError } from "../../errors/gateway-error";
import { isRecord, safeJsonParse } from "../../streams/json";

/** HTTP status → Anthropic error type (https://docs.claude.com/en/api/errors). */
export function anthropicErrorType(status: number): string {
  switch (status) {
    case 400:
      return "invalid_request_error";
    case 401:
      return "authentication_error";
    case 402:
      return "billing_error";
    case 403:
      return "permission_error";
    case 404:
      return "not_found_error";
    case 413:
      return "request_too_large";
    case 429:
      return "rate_limit_error";
    case 503:
    case 529:
      return "overloaded_error";
    case 504:
      return "timeout_error";
    default:
      return status >= 500 ? "api_error" : "invalid_request_error";
  }
}

const TYPE_TO_STATUS: Record<string, number> = {
  invalid_request_error: 400,
  authentication_error: 401,
  billing_error: 402,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 502,
  // Anthropic's 529; callers and SDKs understand 503 better.
  overloaded_error: 503,
  timeout_error: 504,
};

/** Anthropic error type → the status the gateway reports (an upstream api_error is our 502). */
export function statusForAnthropicErrorType(type: string | undefined): number {
  return (type && TYPE_TO_STATUS[type]) || 502;
}

export function isAnthropicErrorType(type: string | undefined): boolean {
  return type !== undefined && type in TYPE_TO_STATUS;
}

/**
 * An overloaded upstream is Anthropic's own 529 overloaded_error, the status its SDKs retry as
 * "overloaded" (the gateway's canonical status for it is 503).
 */
export function encodeAnthropicError(err: GatewayError): { status: number; body: unknown } {
  const status = err.kind === "overloaded" ? 529 : err.status;
  return { status, body: { type: "error", error: { type: anthropicErrorTypeOf(status, err.kind), message: err.message } } };
}

/**
 * The Anthropic type of a gateway error (HTTP body or in-band event). No endpoint able to serve
 * the model (not configured, none left) is a 503 but not an overload: the SDKs would retry an
 * overloaded_error that no retry can fix.
 */
export function anthropicErrorTypeOf(status: number, kind: string | undefined): string {
  return kind === "unavailable" ? "api_error" : anthropicErrorType(status);
}

const MAX_RAW_TEXT = 2000;

export function decodeAnthropicError(status: number, bodyText: string): UpstreamErrorInfo {
  const parsed = safeJsonParse(bodyText);
  if (parsed.ok && isRecord(parsed.value)) {
    const body = parsed.value;
    const err = body.error;
    if (isRecord(err)) {
      const message = typeof err.message === "string" ? err.message : undefined;
      const type = typeof err.type === "string" ? err.type : undefined;
      return { message: message ?? `Upstream error (HTTP ${status})`, type, raw: body };
    }
    if (typeof err === "string") return { message: err, raw: body };
    if (typeof body.message === "string") return { message: body.message, raw: body };
    return { message: `Upstream error (HTTP ${status})`, raw: body };
  }
  const text = bodyText.trim().slice(0, MAX_RAW_TEXT);
  return { message: text || `Upstream error (HTTP ${status})`, raw: text };
}
