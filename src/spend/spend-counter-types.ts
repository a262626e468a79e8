import type { Denial } from "./denials";
import type { KeyConfig, Reservation, SpendSnapshot, UsageRecord } from "../keys/types";

/** `denial` null = allowed. (A plain field, not a boolean discriminant: it survives the RPC stub's types.) */
export type AuthResult = { denial: null; key: KeyConfig; spend: SpendSnapshot } | { denial: Denial; key?: undefined; spend?: undefined };
export type ReserveResult = { denial: null; reservation: Reservation; spend: SpendSnapshot } | { denial: Denial; reservation?: undefined; spend?: undefined };

export interface ReserveArgs {
  hash: string;
  requestId: string;
  /** Upper bound of the request's cost in micro-USD; null = the model has no known price. */
  micros: number | null;
  provider: string;
  model: string;
  /** How long the reservation may stay unsettled (default RESERVATION_TTL_MS; long streams may need more). */
  ttlMs?: number;
  /** A free-tier endpoint: counted against this per-key request window as well. */
  freeTier?: { requests: number; windowMs: number };
  now?: number;
}

export interface SettleArgs {
  hash: string;
  reservationId: string;
  costMicros: number;
  record?: UsageRecord;
  now?: number;
}
