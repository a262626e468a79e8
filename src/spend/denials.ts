import type { KeyConfig, RateLimit } from "../keys/types";
import { formatUsd } from "../money";
import { windowEnd } from "./windows";

/**
 * Why the key's Durable Object refused a request. Plain data (GatewayError subclasses do not
 * survive RPC); spend/client.ts turns it into the typed error.
 */
export type DenialKind = "not_found" | "expired" | "disabled" | "provider" | "rate_limit" | "unpriced" | "limit";

export interface Denial {
  kind: DenialKind;
  message: string;
  /** Seconds (rate_limit). */
  retryAfter?: number;
  metadata?: Record<string, unknown>;
}

export const NOT_FOUND: Denial = { kind: "not_found", message: "Invalid API key: no such key (it may have been deleted)." };

/** Checks that apply to every use of the key. */
export function keyDenial(key: KeyConfig | null, now: number): Denial | null {
  if (!key) return NOT_FOUND;
  if (key.expiresAt != null && now >= key.expiresAt) {
    return { kind: "expired", message: `This API key expired at ${new Date(key.expiresAt).toISOString()}.` };
  }
  if (key.disabled) return { kind: "disabled", message: "This API key is disabled." };
  return null;
}

export function providerDenial(provider: string, allowed: string[]): Denial {
  const list = allowed.length ? allowed.map((p) => `'${p}'`).join(", ") : "none";
  return {
    kind: "provider",
    message: `This API key may not use provider '${provider}' (allowed providers: ${list}).`,
    metadata: { provider_name: provider, allowed_providers: allowed },
  };
}

/** `:free` endpoints: shared free tiers, so each key gets a small request window on them. */
export function freeTierDenial(requests: number, windowMs: number, msLeft: number): Denial {
  const retryAfter = Math.max(1, Math.ceil(msLeft / 1000));
  return {
    kind: "rate_limit",
    message: `Free-tier rate limit exceeded: ${requests} request${requests === 1 ? "" : "s"} per ${Math.round(windowMs / 1000)}s to :free models per API key. Retry in ${retryAfter}s, or use the paid model id.`,
    retryAfter,
    metadata: { free_tier: { requests, window_ms: windowMs } },
  };
}

export function rateLimitDenial(limit: RateLimit, msLeft: number): Denial {
  const retryAfter = Math.max(1, Math.ceil(msLeft / 1000));
  return {
    kind: "rate_limit",
    message: `Rate limit exceeded: this API key allows ${limit.requests} request${limit.requests === 1 ? "" : "s"} per ${limit.interval}. Retry in ${retryAfter}s.`,
    retryAfter,
    metadata: { rate_limit: limit },
  };
}

export function unpricedDenial(model: string, provider: string, requestReason?: string): Denial {
  if (requestReason) {
    return {
      kind: "unpriced",
      message:
        `This request's cost cannot be bounded, so this API key's spend limit could not be enforced: ${requestReason}. ` +
        "Remove it, or use a key without a limit.",
      metadata: { provider_name: provider, model, reason: "unpriced_request" },
    };
  }
  return {
    kind: "unpriced",
    message:
      `Model '${model}' (provider '${provider}') has no known price, or this request's cost cannot be known before the call (e.g. an audio upload of unknown length), so this API key's spend limit could not be enforced. ` +
      "Use a priced model, or remove the key's limit.",
    metadata: { provider_name: provider, model, reason: "unpriced_model" },
  };
}

export function limitDenial(key: KeyConfig, remainingMicros: number, requestMicros: number, now: number): Denial {
  const limit = key.limitMicros ?? 0;
  const window = key.limitReset ? `${key.limitReset} ` : "";
  const resets = key.limitReset ? ` It resets at ${new Date(windowEnd(key.limitReset, now)).toISOString()}.` : "";
  const message =
    remainingMicros <= 0
      ? `API key spend limit reached: nothing is left of the ${formatUsd(limit)} ${window}limit.${resets}`
      : `API key spend limit: ${formatUsd(remainingMicros)} of the ${formatUsd(limit)} ${window}limit is left, and this request could cost up to ${formatUsd(requestMicros)}. ` +
        `A lower max_tokens may fit.${resets}`;
  return {
    kind: "limit",
    message,
    metadata: {
      reason: "key_limit",
      limit: limit / 1e6,
      limit_remaining: remainingMicros / 1e6,
      request_max_cost: requestMicros / 1e6,
      limit_reset: key.limitReset,
    },
  };
}
