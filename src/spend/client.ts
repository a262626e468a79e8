import type { ReserveArgs } from "./spend-counter-types";
import type { Env } from "../env";
import {
  AuthenticationError,
  GatewayError,
  PaymentRequiredError,
  PermissionError,
  RateLimitError,
} from "../errors/gateway-error";
import type { KeyConfig } from "../keys/types";
import type { Reservation, SpendSnapshot } from "./types";
import type { StoredUsageRecord, UsageRecord } from "../usage/types";
import { NOT_FOUND, type Denial } from "./denials";

/** Hot-path helpers around the key's SpendCounter Durable Object. No D1 write happens here. */

type KeyRef = { hash: string };

export function spendStub(env: Env, hash: string) {
  return env.SPEND.get(objectId(env.SPEND, hash));
}

// idFromName hashes the name on every call; the id is a pure function of it, so an isolate keeps
// the ids of recently used keys (bounded; the stub itself is made per call).
const ids = new Map<string, DurableObjectId>();
const MAX_IDS = 1000;
let idsNamespace: Env["SPEND"] | undefined;

function objectId(ns: Env["SPEND"], hash: string): DurableObjectId {
  if (ns !== idsNamespace) {
    ids.clear();
    idsNamespace = ns;
  }
  let id = ids.get(hash);
  if (!id) {
    id = ns.idFromName(hash);
    if (ids.size >= MAX_IDS) ids.delete(ids.keys().next().value!);
    ids.set(hash, id);
  }
  return id;
}

export function denialToError(d: Denial): GatewayError {
  switch (d.kind) {
    case "not_found":
    case "expired":
      return new AuthenticationError(d.message);
    case "disabled":
    case "provider":
      return new PermissionError(d.message);
    case "rate_limit":
      return new RateLimitError(d.message, d.retryAfter, d.metadata);
    case "unpriced":
    case "limit":
      return new PaymentRequiredError(d.message, d.metadata);
  }
}

/** What the pipeline passes to reserve(): the Durable Object's arguments minus the key hash. */
export type ReserveOptions = Omit<ReserveArgs, "hash">;

/**
 * Atomically (in the key's Durable Object): rate limit, disabled/expired/allowed-provider checks,
 * and, when the key has a limit, set `micros` aside against limit − spend in the window − other
 * reservations. Throws 401/403/402/429 GatewayErrors.
 */
export async function reserve(env: Env, key: KeyRef, opts: ReserveOptions): Promise<Reservation> {
  const res = await spendStub(env, key.hash).reserve({ hash: key.hash, ...opts });
  if (res.stale) throw new KeyChanged(res.stale.key, res.stale.version, res.stale.spend);
  if (res.denial || !res.reservation) throw denialToError(res.denial ?? NOT_FOUND);
  return res.reservation;
}

/**
 * reserve() with a config `version` found the key changed since the caller's copy: nothing was
 * reserved. Not a GatewayError: the pipeline routes again with the fresh config.
 */
export class KeyChanged extends Error {
  constructor(
    readonly key: KeyConfig,
    readonly version: number,
    readonly spend: SpendSnapshot,
  ) {
    super("API key configuration changed");
    this.name = "KeyChanged";
  }
}

export interface SettleOptions {
  /** Real cost in micro-USD (rounded up); 0 releases the reservation without a charge. */
  costMicros: number;
  record?: UsageRecord;
  now?: number;
}

/** Charges costMicros, frees the reservation (the request id) and buffers the usage record. */
export async function settleNow(env: Env, key: KeyRef, reservation: Pick<Reservation, "id">, opts: SettleOptions): Promise<number> {
  const r = await spendStub(env, key.hash).settle({ hash: key.hash, reservationId: reservation.id, ...opts });
  return r.chargedMicros;
}

/** Write the key's buffered usage records to D1 now (tests, and GET /generation before a D1 read). */
export async function flushUsage(env: Env, keyHash: string): Promise<number> {
  return spendStub(env, keyHash).flush();
}

export async function pendingUsageRecord(env: Env, keyHash: string, id: string): Promise<StoredUsageRecord | null> {
  return spendStub(env, keyHash).getPendingRecord(id);
}

export async function getKeySpend(env: Env, key: Pick<KeyConfig, "hash" | "limitMicros" | "limitReset">, now?: number): Promise<SpendSnapshot> {
  return spendStub(env, key.hash).getSpend(key.hash, { limitMicros: key.limitMicros, limitReset: key.limitReset }, now);
}

/** Tests only: pin the key's Durable Object clock (epoch ms) or unpin it with null. */
export async function setSpendClockForTesting(env: Env, keyHash: string, ms: number | null): Promise<void> {
  await spendStub(env, keyHash).setClockForTesting(ms);
}

/** Logs a failed background spend call: the first characters of the hash (not a secret) and the message; never bodies. */
export function logSpendFailure(what: string, key: KeyRef, err: unknown): void {
  console.error(`spend ${what} failed for key ${key.hash.slice(0, 12)}: ${err instanceof Error ? err.message : String(err)}`);
}
