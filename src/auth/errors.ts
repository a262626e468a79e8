import { toGatewayError } from "../errors/gateway-error";

/**
 * Fallback renderer for the management API: the OpenAI-style envelope
 * `{error:{code,message,type,metadata}}` with the error's status (and Retry-After on 429/503).
 * The app-level onError may replace it.
 */
export function renderOpenAIError(err: unknown): Response {
  const e = toGatewayError(err);
  const headers = new Headers({ "content-type": "application/json" });
  if (e.retryAfter != null) headers.set("retry-after", String(e.retryAfter));
  const body = { error: { code: e.status, message: e.message, type: e.kind, metadata: e.metadata ?? null } };
  return new Response(JSON.stringify(body), { status: e.status, headers });
}
