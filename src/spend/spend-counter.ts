import { DurableObject } from "cloudflare:workers";
import type { Env } from "../env";
import { loadKey } from "../keys/store";
import type { KeyConfig } from "../keys/types";
import type { Reservation, SpendSnapshot } from "./types";
import type { StoredUsageRecord } from "../usage/types";
import { completeRecord } from "../usage/record";
import { insertUsageJson, sumKeySpend } from "../usage/store";
import { keyDenial, NOT_FOUND, limitDenial, providerDenial, rateLimitDenial, unpricedDenial, freeTierDenial } from "./denials";
import { addTo, emptyCounters, limitRemainingMicros, spendSnapshot, type Counters } from "./spend-accounting";
import type { AuthResult, ReserveArgs, ReserveResult, SettleArgs } from "./spend-counter-types";
import { dayStart, monthStart, RATE_INTERVAL_MS, weekStart } from "./windows";

/** A reservation never settled (worker crashed, client vanished) is dropped after this long. */
export const RESERVATION_TTL_MS = 10 * 60_000;
const MAX_RESERVATION_TTL_MS = 2 * 3_600_000;
/** Usage records wait this long in the object's storage before being flushed to D1 in one batch… */
export const FLUSH_DELAY_MS = 2_000;
/** …unless this many are waiting. */
export const FLUSH_BATCH = 25;
/** Safety net: re-read the key row from D1 this often even if no management write reached us. */
const CONFIG_TTL_MS = 5 * 60_000;
const DELETED = Number.MAX_SAFE_INTEGER;

/**
 * One per API key (idFromName(hash)): the authoritative, in-memory holder of the key's config,
 * spend counters, outstanding reservations and rate-limit window, plus a buffer of usage records
 * flushed to D1 in batches by an alarm.
 *
 * Checks and writes happen in one synchronous section after any await, so concurrent requests
 * to the same key are serialised by the runtime: the sum of admitted reservations never exceeds
 * the limit. Config comes from D1 lazily and is replaced synchronously by management writes
 * (applyConfig), so a change is seen by the very next request from any isolate.
 */
export class SpendCounter extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  private cfg: { key: KeyConfig | null; version: number; loadedAt: number } | undefined;
  private cfgLoading: Promise<void> | undefined;
  private counters: Counters | undefined;
  private countersLoading: Promise<void> | undefined;
  private readonly reservations = new Map<string, Reservation>();
  /** Ids of the reservations also stored in SQLite (keys with a limit). */
  private readonly persisted = new Set<string>();
  private rate: { start: number; count: number } | undefined;
  /** Requests to `:free` endpoints in the current window (free tiers are rate limited). */
  private freeRate: { start: number; count: number } | undefined;
  private flushing: Promise<number> | undefined;
  private clockOverride: number | null = null;
  /** Rows in pending_usage (undefined = count on next use). */
  private pendingCount: number | undefined;
  /** When the armed alarm fires (undefined = unknown or fired). */
  private alarmAt: number | undefined;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec(`CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS reservations (id TEXT PRIMARY KEY, data TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS pending_usage (id TEXT PRIMARY KEY, record TEXT NOT NULL);`);
    for (const row of this.sql.exec<{ data: string }>("SELECT data FROM reservations")) {
      const r = JSON.parse(row.data) as Reservation;
      this.reservations.set(r.id, r);
      this.persisted.add(r.id);
    }
    const stored = this.sql.exec<{ v: string }>("SELECT v FROM meta WHERE k = 'counters'").toArray()[0];
    if (stored) this.counters = JSON.parse(stored.v) as Counters;
  }

  // ---- RPC -------------------------------------------------------------------------------

  async authenticate(hash: string, now?: number): Promise<AuthResult> {
    await Promise.all([this.ensureConfig(hash), this.ensureCounters(hash)]);
    const t = now ?? this.clock();
    const key = this.cfg?.key ?? null;
    const denial = keyDenial(key, t);
    if (denial || !key) return { denial: denial ?? NOT_FOUND };
    return { denial: null, key, version: this.cfg!.version, spend: this.spend(key, t) };
  }

  async reserve(a: ReserveArgs): Promise<ReserveResult> {
    await Promise.all([this.ensureConfig(a.hash), this.ensureCounters(a.hash)]);
    // Everything below is synchronous: no other request to this key can interleave.
    const now = a.now ?? this.clock();
    const key = this.cfg?.key ?? null;
    const denied = keyDenial(key, now);
    if (denied || !key) return { denial: denied ?? NOT_FOUND };
    if (a.version !== undefined && a.version !== this.cfg!.version) {
      return { denial: null, stale: { key, version: this.cfg!.version, spend: this.spend(key, now) } };
    }
    if (key.allowedProviders && !key.allowedProviders.some((p) => p.toLowerCase() === a.provider.toLowerCase())) {
      return { denial: providerDenial(a.provider, key.allowedProviders) };
    }
    const replacing = this.reservations.get(a.requestId);
    if (key.rateLimit) {
      const windowMs = RATE_INTERVAL_MS[key.rateLimit.interval];
      if (!this.rate || now >= this.rate.start + windowMs || now < this.rate.start) this.rate = { start: now, count: 0 };
      // Re-reserving the same request (a fallback attempt) is not a new request.
      if (!replacing && this.rate.count >= key.rateLimit.requests) {
        return { denial: rateLimitDenial(key.rateLimit, this.rate.start + windowMs - now) };
      }
    }
    const micros = a.micros == null || !Number.isFinite(a.micros) ? null : Math.ceil(Math.max(0, a.micros));
    if (key.limitMicros != null) {
      if (micros == null) return { denial: unpricedDenial(a.model, a.provider) };
      const remaining = this.limitRemaining(key, now, a.requestId);
      if (micros > remaining) return { denial: limitDenial(key, remaining, micros, now) };
    }
    if (a.freeTier && !replacing) {
      const { requests, windowMs } = a.freeTier;
      if (!this.freeRate || now >= this.freeRate.start + windowMs || now < this.freeRate.start) this.freeRate = { start: now, count: 0 };
      if (this.freeRate.count >= requests) {
        return { denial: freeTierDenial(requests, windowMs, this.freeRate.start + windowMs - now) };
      }
      this.freeRate.count++;
    }
    if (key.rateLimit && !replacing) this.rate!.count++;
    const reservation: Reservation = {
      id: a.requestId,
      keyHash: a.hash,
      micros: micros ?? 0,
      provider: a.provider,
      model: a.model,
      expiresAt: now + (a.ttlMs != null && a.ttlMs > 0 ? Math.min(a.ttlMs, MAX_RESERVATION_TTL_MS) : RESERVATION_TTL_MS),
    };
    this.reservations.set(reservation.id, reservation);
    // Only a limit needs reservations to survive a restart of the object (a deploy, an eviction
    // with requests in flight): without one they guard nothing, so they stay in memory and cost
    // no storage write on the hot path.
    if (key.limitMicros != null) {
      this.persisted.add(reservation.id);
      this.sql.exec("INSERT OR REPLACE INTO reservations (id, data) VALUES (?, ?)", reservation.id, JSON.stringify(reservation));
    } else if (this.persisted.delete(reservation.id)) {
      this.sql.exec("DELETE FROM reservations WHERE id = ?", reservation.id);
    }
    await this.schedule(now);
    return { denial: null, reservation };
  }

  /** Release the reservation and charge the real cost (0 for a failed request); buffer the usage record. */
  async settle(a: SettleArgs): Promise<{ chargedMicros: number }> {
    await this.ensureCounters(a.hash);
    const now = a.now ?? this.clock();
    const reserved = this.reservations.get(a.reservationId);
    this.dropReservation(a.reservationId);
    // A NaN cost is a caller bug; charging the reserved upper bound keeps the books conservative.
    const charged = Number.isFinite(a.costMicros) ? Math.ceil(Math.max(0, a.costMicros)) : (reserved?.micros ?? 0);
    if (charged > 0) this.charge(charged, now);
    if (a.record) {
      const rec = completeRecord(a.record, a.hash, charged, now);
      this.sql.exec("INSERT OR REPLACE INTO pending_usage (id, record) VALUES (?, ?)", rec.id, JSON.stringify(rec));
      // Ids are unique per request, so a REPLACE is rare; an overcount only flushes sooner.
      if (this.pendingCount !== undefined) this.pendingCount++;
    }
    await this.schedule(now);
    return { chargedMicros: charged };
  }

  /** Counters for the management API; `limit` comes from the caller's (D1) view of the key. */
  async getSpend(hash: string, limit: Pick<KeyConfig, "limitMicros" | "limitReset"> | null, now?: number): Promise<SpendSnapshot> {
    await this.ensureCounters(hash);
    return this.spend(limit, now ?? this.clock());
  }

  /**
   * Management writes call this right after writing D1 (key = null: deleted). Versions come from
   * D1, so a slow, older write can never overwrite a newer one.
   */
  async applyConfig(key: KeyConfig | null, version: number, opts: { created?: boolean } = {}): Promise<void> {
    const v = key ? version : DELETED;
    if (!this.cfg || v >= this.cfg.version) this.cfg = { key, version: v, loadedAt: Date.now() };
    if (opts.created && !this.counters) {
      const now = this.clock();
      this.counters = emptyCounters(now);
      this.persistCounters();
    }
  }

  /** Write buffered usage records to D1 now; returns how many were written. */
  async flush(): Promise<number> {
    while (this.flushing) await this.flushing.catch(() => 0);
    this.flushing = this.flushPending();
    try {
      return await this.flushing;
    } finally {
      this.flushing = undefined;
    }
  }

  /** A record still waiting in the buffer (GET /generation reads through the object). */
  async getPendingRecord(id: string): Promise<StoredUsageRecord | null> {
    const row = this.sql.exec<{ record: string }>("SELECT record FROM pending_usage WHERE id = ?", id).toArray()[0];
    return row ? (JSON.parse(row.record) as StoredUsageRecord) : null;
  }

  /** Tests only: pin the object's clock (epoch ms), or null to follow real time again. */
  async setClockForTesting(ms: number | null): Promise<void> {
    this.clockOverride = ms;
  }

  /** Expire stale reservations and flush usage records, then re-arm for whatever is left. */
  override async alarm(): Promise<void> {
    this.alarmAt = undefined; // this alarm has fired
    const now = this.clock();
    for (const r of [...this.reservations.values()]) if (r.expiresAt <= now) this.dropReservation(r.id);
    await this.flush();
    await this.schedule(now);
  }

  // ---- internals -------------------------------------------------------------------------

  private clock(): number {
    return this.clockOverride ?? Date.now();
  }

  private async ensureConfig(hash: string): Promise<void> {
    const c = this.cfg;
    if (c && (c.version === DELETED || Date.now() - c.loadedAt < CONFIG_TTL_MS)) return;
    this.cfgLoading ??= this.loadConfig(hash).finally(() => (this.cfgLoading = undefined));
    await this.cfgLoading;
  }

  private async loadConfig(hash: string): Promise<void> {
    const loaded = await loadKey(this.env.DB, hash);
    const current = this.cfg;
    if (!loaded) {
      // Gone from D1: deleted if we knew it, else simply unknown (checked again after the TTL).
      this.cfg = current?.key ? { key: null, version: DELETED, loadedAt: Date.now() } : { key: null, version: 0, loadedAt: Date.now() };
    } else if (!current || loaded.version >= current.version) {
      // applyConfig may have delivered something newer while D1 was being read; versions decide.
      this.cfg = { key: loaded.key, version: loaded.version, loadedAt: Date.now() };
    } else {
      current.loadedAt = Date.now();
    }
  }

  private async ensureCounters(hash: string): Promise<void> {
    if (this.counters) return;
    this.countersLoading ??= this.loadCounters(hash).finally(() => (this.countersLoading = undefined));
    await this.countersLoading;
  }

  /** No counters in storage (object's storage is new): rebuild them from the usage already in D1. */
  private async loadCounters(hash: string): Promise<void> {
    const now = this.clock();
    const c = emptyCounters(now);
    const sums = await sumKeySpend(this.env.DB, hash, { day: c.day.start, week: c.week.start, month: c.month.start });
    if (this.counters) return;
    c.total = sums.total;
    c.day.micros = sums.day;
    c.week.micros = sums.week;
    c.month.micros = sums.month;
    this.counters = c;
    this.persistCounters();
  }

  private charge(micros: number, now: number): void {
    const c = this.counters ?? emptyCounters(now);
    c.total += micros;
    c.day = addTo(c.day, dayStart(now), micros);
    c.week = addTo(c.week, weekStart(now), micros);
    c.month = addTo(c.month, monthStart(now), micros);
    this.counters = c;
    this.persistCounters();
  }

  private persistCounters(): void {
    this.sql.exec("INSERT OR REPLACE INTO meta (k, v) VALUES ('counters', ?)", JSON.stringify(this.counters));
  }

  private dropReservation(id: string): void {
    this.reservations.delete(id);
    if (this.persisted.delete(id)) this.sql.exec("DELETE FROM reservations WHERE id = ?", id);
  }

  private limitRemaining(key: Pick<KeyConfig, "limitMicros" | "limitReset">, now: number, except?: string): number {
    return limitRemainingMicros({ counters: this.counters, reservations: this.reservations }, key, { now, except });
  }

  private spend(limit: Pick<KeyConfig, "limitMicros" | "limitReset"> | null, now: number): SpendSnapshot {
    return spendSnapshot(this.counters, this.reservations, limit, now);
  }

  private async flushPending(): Promise<number> {
    let written = 0;
    for (;;) {
      const rows = this.sql.exec<{ rid: number; record: string }>("SELECT rowid AS rid, record FROM pending_usage ORDER BY rowid LIMIT 100").toArray();
      if (rows.length === 0) return written;
      // The buffered records are JSON text already: joined into one array, never parsed here.
      await insertUsageJson(this.env.DB, `[${rows.map((r) => r.record).join(",")}]`);
      // By rowid, in one statement: a record replaced while D1 was written has a new rowid and stays.
      this.sql.exec(`DELETE FROM pending_usage WHERE rowid IN (${rows.map((r) => r.rid).join(",")})`);
      this.pendingCount = undefined;
      written += rows.length;
    }
  }

  /** One alarm serves both jobs: the earliest reservation expiry and the next usage flush. */
  private async schedule(now: number): Promise<void> {
    let due = Infinity;
    for (const r of this.reservations.values()) due = Math.min(due, r.expiresAt);
    this.pendingCount ??= this.sql.exec<{ n: number }>("SELECT count(*) AS n FROM pending_usage").one().n;
    const pending = this.pendingCount;
    if (pending > 0) due = Math.min(due, now + (pending >= FLUSH_BATCH ? 0 : FLUSH_DELAY_MS));
    if (due === Infinity) return;
    // The object's clock may be pinned by a test; alarms run on real time.
    const at = Date.now() + Math.max(0, due - now);
    // Called on every reserve/settle: the armed time is remembered so the common case (an alarm
    // already due sooner) costs no storage call.
    if (this.alarmAt !== undefined && this.alarmAt <= at && this.alarmAt > Date.now()) return;
    const current = await this.ctx.storage.getAlarm();
    if (current === null || current > at) {
      await this.ctx.storage.setAlarm(at);
      this.alarmAt = at;
    } else {
      this.alarmAt = current;
    }
  }
}
