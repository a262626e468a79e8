import type { LimitReset, RateInterval } from "../db/schema";

export type { LimitReset, RateInterval };

export interface RateLimit {
  /** Requests admitted per interval. */
  requests: number;
  interval: RateInterval;
}

/** An API key's configuration: the D1 row as a domain object (what the key's Durable Object caches). */
export interface KeyConfig {
  /** SHA-256 hex of the plaintext key. */
  hash: string;
  name: string;
  label: string;
  disabled: boolean;
  /** Provider slugs the key may use; null = every provider. */
  allowedProviders: string[] | null;
  /** Spend limit in micro-USD; null = unlimited. */
  limitMicros: number | null;
  /** Window the limit applies to; null = the limit is all-time. */
  limitReset: LimitReset | null;
  rateLimit: RateLimit | null;
  /** Epoch ms; null = never expires. */
  expiresAt: number | null;
  createdAt: number;
  updatedAt: number;
}

/** What the request pipeline knows about the calling key after authenticateApiKey. */
export interface KeyContext {
  hash: string;
  name: string;
  label: string;
  /** null = every provider. */
  allowedProviders: string[] | null;
  limitMicros: number | null;
  limitReset: LimitReset | null;
  /** At authentication time (reserve re-checks atomically). null = no limit. */
  limitRemainingMicros: number | null;
  rateLimit: RateLimit | null;
  expiresAt: number | null;
  /** Config version this context was built from; the key's Durable Object checks it at reserve. */
  version: number;
  /** Taken from the isolate's key cache: not yet confirmed by the key's Durable Object. */
  fromCache?: boolean;
}
