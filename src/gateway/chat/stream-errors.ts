import type { StreamEvent } from "../../canonical/types";
import { GatewayError, UpstreamError } from "../../errors/gateway-error";
import type { ChatAttempt } from "./prepare";

/** A stream that broke while being read (connection lost, reset): the upstream's failure. */
export function streamCut(a: ChatAttempt, err: unknown): GatewayError {
  if (err instanceof GatewayError) return err;
  const id = a.endpoint.provider.id;
  return new UpstreamError(`Upstream '${id}' stream was interrupted: ${err instanceof Error ? err.message : String(err)}`, { provider_name: id }, 502);
}

/** The upstream's own error event, before any content: a failure of this attempt (may fall back). */
export function upstreamStreamError(a: ChatAttempt, ev: Extract<StreamEvent, { type: "error" }>): UpstreamError {
  return new UpstreamError(`Upstream '${a.endpoint.provider.id}' stream error: ${ev.message}`, { provider_name: a.endpoint.provider.id }, ev.status);
}
