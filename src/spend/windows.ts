import type { LimitReset, RateInterval } from "../keys/types";

/** Usage windows, all in UTC: days, ISO weeks starting Monday, calendar months. */

const DAY_MS = 86_400_000;

export function dayStart(now: number): number {
  return Math.floor(now / DAY_MS) * DAY_MS;
}

export function weekStart(now: number): number {
  const day = dayStart(now);
  // getUTCDay: 0 = Sunday … 6 = Saturday; ISO weeks start on Monday.
  const sinceMonday = (new Date(day).getUTCDay() + 6) % 7;
  return day - sinceMonday * DAY_MS;
}

export function monthStart(now: number): number {
  const d = new Date(now);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
}

export function windowStart(reset: LimitReset, now: number): number {
  return reset === "daily" ? dayStart(now) : reset === "weekly" ? weekStart(now) : monthStart(now);
}

/** When the window containing `now` ends (the next reset). */
export function windowEnd(reset: LimitReset, now: number): number {
  if (reset === "daily") return dayStart(now) + DAY_MS;
  if (reset === "weekly") return weekStart(now) + 7 * DAY_MS;
  const d = new Date(now);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
}

export const RATE_INTERVAL_MS: Record<RateInterval, number> = {
  minute: 60_000,
  hour: 3_600_000,
  day: DAY_MS,
};
