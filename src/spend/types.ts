/** The spend side of a key: counters and reservations held by the key's Durable Object. */

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
