/**
 * Google's error envelope: `{"error":{"code":<http>,"message":"…","status":"<google.rpc.Code>"}}`.
 */
import type { UpstreamErrorInfo } from "../codec";
import type { GatewayError } from "../../errors/gateway-error";
import { isRecord, safeJsonParse } from "../../streams/json";

/**
 * HTTP status → google.rpc canonical code, as Google's own frontends map them. 402 has no
 * Google equivalent; FAILED_PRECONDITION is what Gemini answers for billing/region problems.
 * 502 (a bad upstream answer) maps to UNAVAILABLE like gRPC's HTTP mapping does: it is transient
 * and retryable, which INTERNAL does not convey. 413 keeps its HTTP status but Google reports
 * oversized requests as INVALID_ARGUMENT.
 */
export function geminiStatusFor(status: number): string {
  switch (status) {
    case 400:
    case 413:
    case 422:
      return "INVALID_ARGUMENT";
    case 401:
      return "UNAUTHENTICATED";
    case 402:
      return "FAILED_PRECONDITION";
    case 403:
      return "PERMISSION_DENIED";
    case 404:
      return "NOT_FOUND";
    case 408:
    case 504:
      return "DEADLINE_EXCEEDED";
    case 409:
      return "ABORTED";
    case 429:
      return "RESOURCE_EXHAUSTED";
    case 499:
      return "CANCELLED";
    case 501:
      return "UNIMPLEMENTED";
    case 502:
    case 503:
      return "UNAVAILABLE";
    default:
      return status >= 500 ? "INTERNAL" : "FAILED_PRECONDITION";
  }
}

export interface GeminiErrorBody {
  error: { code: number; message: string; status: string };
}

export function geminiErrorBody(status: number, message: string): GeminiErrorBody {
  return { error: { code: status, message, status: geminiStatusFor(status) } };
}

export function encodeGeminiError(err: GatewayError): { status: number; body: GeminiErrorBody } {
  return { status: err.status, body: geminiErrorBody(err.status, err.message) };
}

const MAX_RAW_TEXT = 2000;

/**
 * Parses a Google error body. streamGenerateContent without alt=sse wraps it in an array
 * (`[{"error":{…}}]`), so both shapes are accepted. RetryInfo.retryDelay ("34.4s") stays in `raw`.
 */
export function decodeGeminiError(status: number, bodyText: string): UpstreamErrorInfo {
  const parsed = safeJsonParse(bodyText);
  if (parsed.ok) {
    const root = Array.isArray(parsed.value) ? parsed.value[0] : parsed.value;
    const error = isRecord(root) ? root.error : undefined;
    if (isRecord(error)) {
      const message = typeof error.message === "string" && error.message ? error.message : `Upstream error ${status}`;
      const type = typeof error.status === "string" ? error.status : undefined;
      return { message, type, raw: parsed.value };
    }
    return { message: `Upstream error ${status}`, raw: parsed.value };
  }
  const text = bodyText.trim();
  return {
    message: text ? text.slice(0, 500) : `Upstream error ${status}`,
    raw: text.slice(0, MAX_RAW_TEXT),
  };
}

/** Seconds from a google.rpc.RetryInfo detail ("34.4s"), if the error body has one. */
export function retryDelaySeconds(raw: unknown): number | undefined {
  const root = Array.isArray(raw) ? raw[0] : raw;
  const error = isRecord(root) ? root.error : undefined;
  const details = isRecord(error) && Array.isArray(error.details) ? error.details : [];
  for (const d of details) {
    if (!isRecord(d) || typeof d.retryDelay !== "string") continue;
    const s = d.retryDelay.endsWith("s") ? Number(d.retryDelay.slice(0, -1)) : Number.NaN;
    if (Number.isFinite(s)) return Math.ceil(s);
  }
  return undefined;
}
