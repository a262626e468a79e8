import { GatewayError, UpstreamError, UpstreamTimeoutError } from "./gateway-error";

/**
 * The one rule for what another attempt may fix: rate limits, conflicts and too-early answers,
 * 5xx, timeouts and connection errors (status 0 / unknown). A client that left (499) is final,
 * and so is every other 4xx: the request itself is at fault. Endpoint health (cool-downs) and
 * the attempt runner (fallbacks) both decide by it.
 */
export function isRetryableStatus(status: number | undefined | null): boolean {
  if (status === undefined || status === null || status === 0) return true;
  return status === 408 || status === 409 || status === 425 || status === 429 || (status >= 500 && status !== 499);
}

/** Whether a failed attempt's error is worth another endpoint (or the same one after Retry-After). */
export function isRetryable(err: unknown): boolean {
  if (err instanceof UpstreamTimeoutError) return true;
  if (!(err instanceof UpstreamError)) return false;
  // No upstream status: the gateway's own verdict (e.g. nothing can serve the model), not a failure of this endpoint.
  if (err.upstreamStatus === undefined) return false;
  return isRetryableStatus(err.upstreamStatus);
}

/** What a failed attempt tells endpoint health: its status and any Retry-After. */
export function failureHealth(err: unknown): { ok: false; status: number | undefined; retryAfterMs?: number } {
  const status = err instanceof UpstreamError ? err.upstreamStatus : 504;
  const retryAfter = err instanceof GatewayError ? err.retryAfter : undefined;
  return retryAfter !== undefined ? { ok: false, status, retryAfterMs: retryAfter * 1000 } : { ok: false, status };
}
