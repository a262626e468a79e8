import type { Denial } from "./denials";
import type { KeyConfig } from "../keys/types";
import type { Reservation, SpendSnapshot } from "./types";
import type { UsageRecord } from "../usage/types";

/** `denial` null = allowed. (A plain field, not a boolean discriminant: it survives the RPC stub's types.) */
export type AuthResult =
  | { denial: null; key: KeyConfig; version: number; spend: SpendSnapshot }
  | { denial: Denial; key?: undefined; version?: undefined; spend?: undefined };
/**
 * `stale`: the caller routed with an older version of the key's config than the object holds (a
 * management write since): nothing was reserved; route again with this config and reserve again.
 */
export type ReserveResult =
  | { denial: null; reservation: Reservation; stale?: undefined }
  | { denial: null; reservation?: undefined; stale: { key: KeyConfig; version: number; spend: SpendSnapshot } }
  | { denial: Denial; reservation?: undefined; stale?: undefined };

export interface ReserveArgs {
  hash: string;
  /** Gateway generation id of the request. Reserving again with the same id (fallback) replaces it. */
  requestId: string;
  /** Upper bound of the request's cost in micro-USD; null = the model has no known price. */
  micros: number | null;
  provider: string;
  model: string;
  /** How long the reservation may stay unsettled (default RESERVATION_TTL_MS, at most 2 hours). */
  ttlMs?: number;
  /** A `:free` endpoint: also counted against the key's free-tier request window. */
  freeTier?: { requests: number; windowMs: number };
  /**
   * The config version the caller routed with (an isolate's cached copy of the key). When the
   * object holds another version, it answers `stale` instead of reserving. Omitted: no check.
   */
  version?: number;
  /** Tests: evaluate at this epoch ms instead of the object's clock. */
  now?: number;
}

export interface SettleArgs {
  hash: string;
  reservationId: string;
  costMicros: number;
  record?: UsageRecord;
  now?: number;
}
