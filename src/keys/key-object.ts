import type { KeyConfig } from "./types";
import type { SpendSnapshot } from "../spend/types";
import { microsToUsd } from "../money";

const iso = (ms: number | null) => (ms == null ? null : new Date(ms).toISOString());

/** The public JSON shape of an API key (never includes the key itself). Money in USD. */
export function keyObject(k: KeyConfig, s: SpendSnapshot) {
  return {
    hash: k.hash,
    name: k.name,
    label: k.label,
    disabled: k.disabled,
    allowed_providers: k.allowedProviders,
    limit: k.limitMicros == null ? null : microsToUsd(k.limitMicros),
    limit_reset: k.limitReset,
    limit_remaining: s.limitRemainingMicros == null ? null : microsToUsd(s.limitRemainingMicros),
    usage: microsToUsd(s.totalMicros),
    usage_daily: microsToUsd(s.dailyMicros),
    usage_weekly: microsToUsd(s.weeklyMicros),
    usage_monthly: microsToUsd(s.monthlyMicros),
    rate_limit: k.rateLimit,
    created_at: iso(k.createdAt),
    updated_at: iso(k.updatedAt),
    expires_at: iso(k.expiresAt),
  };
}

export type KeyObject = ReturnType<typeof keyObject>;
