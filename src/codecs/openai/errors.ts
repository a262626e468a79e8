/**
 * Errors in the chat-completions envelope: {"error":{"code","message","type","param","metadata"}}.
 * `code` is the HTTP status (OpenRouter's convention, which OpenAI SDKs tolerate), `type` the
 * OpenAI-style error type.
 */
import type { ErrorKind, GatewayError } from "../../errors/gateway-error";
import { isRecord, safeJsonParse } from "../../streams/json";
import type { UpstreamErrorInfo } from "../codec";

const ERROR_TYPES: Record<ErrorKind, string> = {
  invalid_request: "invalid_request_error",
  authentication: "authentication_error",
  payment_required: "payment_required",
  permission: "permission_error",
  not_found: "not_found_error",
  payload_too_large: "request_too_large",
  rate_limit: "rate_limit_error",
  upstream: "upstream_error",
  overloaded: "overloaded_error",
  timeout: "timeout",
  unavailable: "service_unavailable",
  internal: "server_error",
};

/** The OpenAI-style type of a gateway error kind (as in-band stream errors carry it), if it is one. */
export function openAIErrorTypeOfKind(kind: string | undefined): string | undefined {
  return kind !== undefined && Object.hasOwn(ERROR_TYPES, kind) ? ERROR_TYPES[kind as ErrorKind] : undefined;
}

export function encodeOpenAIError(err: GatewayError): { status: number; body: unknown } {
  const error: Record<string, unknown> = { code: err.status, message: err.message, type: ERROR_TYPES[err.kind] };
  const param = err.metadata?.param;
  if (typeof param === "string") error.param = param;
  if (err.metadata && Object.keys(err.metadata).length > 0) error.metadata = err.metadata;
  return { status: err.status, body: { error } };
}

const MAX_TEXT = 1000;

/** Message / status / type out of an `error` value (object or string), as found in bodies and chunks. */
export function upstreamErrorInfo(error: unknown): { message: string; status?: number; type?: string } {
  if (typeof error === "string") return { message: error };
  if (!isRecord(error)) return { message: "Unknown upstream error" };
  const message = typeof error.message === "string" && error.message ? error.message : JSON.stringify(error).slice(0, MAX_TEXT);
  const status = [error.code, error.status].find((v): v is number => typeof v === "number" && v >= 400 && v <= 599);
  const type = [error.type, error.code].find((v): v is string => typeof v === "string" && v !== "");
  const info: { message: string; status?: number; type?: string } = { message };
  if (status !== undefined) info.status = status;
  if (type !== undefined) info.type = type;
  return info;
}

export function decodeOpenAIError(status: number, bodyText: string): UpstreamErrorInfo {
  const text = bodyText.trim();
  if (!text) return { message: `HTTP ${status} with an empty body`, raw: "" };
  const parsed = safeJsonParse(text);
  if (!parsed.ok) return { message: text.slice(0, MAX_TEXT), raw: text.slice(0, MAX_TEXT) };
  // Some proxies wrap the body in a one-element array.
  const body = Array.isArray(parsed.value) && parsed.value.length === 1 ? parsed.value[0] : parsed.value;
  if (isRecord(body)) {
    if (body.error !== undefined && body.error !== null) {
      const info = upstreamErrorInfo(body.error);
      return withType({ message: info.message, raw: parsed.value }, info.type);
    }
    // vLLM / Mistral: {"object":"error","message":…,"type":…}; FastAPI: {"detail":…}
    const msg = body.message ?? body.detail;
    if (typeof msg === "string" && msg) return withType({ message: msg, raw: parsed.value }, body.type);
  }
  return { message: text.slice(0, MAX_TEXT), raw: parsed.value };
}

function withType(info: UpstreamErrorInfo, type: unknown): UpstreamErrorInfo {
  if (typeof type === "string" && type) info.type = type;
  return info;
}
