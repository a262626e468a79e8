import type { LimitReset, RateInterval, Surface } from "../db/schema";

export type { LimitReset, RateInterval, Surface };

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

/** Spend counters of one key, in micro-USD, as seen at one instant. */
export interface SpendSnapshot {
  /** All-time settled spend. */
  totalMicros: number;
  /** Settled spend in the current UTC day / ISO week (Monday) / calendar month. */
  dailyMicros: number;
  weeklyMicros: number;
  monthlyMicros: number;
  /** Sum of reservations not yet settled or expired. */
  outstandingMicros: number;
  /** limit − spend in the limit's window − outstanding, floored at 0; null when the key has no limit. */
  limitRemainingMicros: number | null;
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

/** Money set aside in the key's Durable Object for one in-flight request. */
export interface Reservation {
  /** The request id (gateway generation id). */
  id: string;
  keyHash: string;
  /** Micro-USD reserved (0 when the key has no limit and the price is unknown). */
  micros: number;
  provider: string;
  model: string;
  /** Epoch ms after which the reservation is dropped if never settled. */
  expiresAt: number;
}

/**
 * One request's usage record (stored in D1 table `usage`). No prompt or completion text.
 * Token conventions follow canonical Usage: promptTokens includes cached and cache-write tokens,
 * completionTokens includes reasoning tokens.
 */
export interface UsageRecord {
  /** Gateway generation id, `gen-…`. */
  id: string;
  /** Informational: the key's Durable Object always stores the hash of the key it settles for. */
  keyHash?: string;
  /** Model id as the caller wrote it. */
  requestedModel: string;
  /** Model that answered (catalog id or the upstream's own), null when no upstream answered. */
  servedModel: string | null;
  /** Provider slug that served (or last failed) the request. */
  provider: string | null;
  surface: Surface;
  streamed: boolean;
  promptTokens: number;
  completionTokens: number;
  cachedTokens?: number;
  cacheWriteTokens?: number;
  reasoningTokens?: number;
  /** Real cost in micro-USD. settle() overwrites it with its costMicros argument. */
  costMicros?: number;
  /** HTTP status returned to the caller (or the in-band error status of a stream). */
  status: number;
  finishReason: string | null;
  latencyMs: number | null;
  /** Time to first token (streams), ms. */
  ttftMs: number | null;
  /** Epoch ms when the request arrived; defaults to the settle time. */
  createdAt?: number;
}

/** A usage record as stored: every field resolved. */
export type StoredUsageRecord = Required<UsageRecord>;
