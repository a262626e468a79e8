// Pure spend accounting: counter buckets per calendar window, reservations outstanding and what a
// key's limit leaves. SpendCounter (spend-counter.ts) holds the state and calls these.
import type { KeyConfig, LimitReset } from "../keys/types";
import type { Reservation, SpendSnapshot } from "./types";
import { dayStart, monthStart, weekStart } from "./windows";

export type Bucket = { start: number; micros: number };
export interface Counters {
  total: number;
  day: Bucket;
  week: Bucket;
  month: Bucket;
}

type LimitFields = Pick<KeyConfig, "limitMicros" | "limitReset">;

export function outstanding(reservations: Map<string, Reservation>, now: number, except?: string): number {
  let sum = 0;
  for (const r of reservations.values()) if (r.expiresAt > now && r.id !== except) sum += r.micros;
  return sum;
}

export function windowSpend(c: Counters | undefined, reset: LimitReset | null, now: number): number {
  if (!c) return 0;
  if (reset === "daily") return inWindow(c.day, dayStart(now));
  if (reset === "weekly") return inWindow(c.week, weekStart(now));
  if (reset === "monthly") return inWindow(c.month, monthStart(now));
  return c.total;
}

/** The key's state a limit is checked against. */
export interface LimitState {
  counters: Counters | undefined;
  reservations: Map<string, Reservation>;
}

/** What the key's limit leaves at `now`; `except`: a reservation being replaced (a fallback's). */
export function limitRemainingMicros(state: LimitState, key: LimitFields, at: { now: number; except?: string }): number {
  if (key.limitMicros == null) return Infinity;
  return Math.max(0, key.limitMicros - windowSpend(state.counters, key.limitReset, at.now) - outstanding(state.reservations, at.now, at.except));
}

export function spendSnapshot(c: Counters | undefined, reservations: Map<string, Reservation>, limit: LimitFields | null, now: number): SpendSnapshot {
  return {
    totalMicros: c?.total ?? 0,
    dailyMicros: windowSpend(c, "daily", now),
    weeklyMicros: windowSpend(c, "weekly", now),
    monthlyMicros: windowSpend(c, "monthly", now),
    outstandingMicros: outstanding(reservations, now),
    limitRemainingMicros: limit?.limitMicros == null ? null : limitRemainingMicros({ counters: c, reservations }, limit, { now }),
  };
}

export function emptyCounters(now: number): Counters {
  return { total: 0, day: { start: dayStart(now), micros: 0 }, week: { start: weekStart(now), micros: 0 }, month: { start: monthStart(now), micros: 0 } };
}

export const inWindow = (b: Bucket, start: number) => (b.start === start ? b.micros : 0);
export const addTo = (b: Bucket, start: number, micros: number): Bucket => (b.start === start ? { start, micros: b.micros + micros } : { start, micros });
