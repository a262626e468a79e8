import type { Env } from "../../env";

/** Well inside the spend Durable Object's 10-minute reservation TTL. */
const RESERVATION_RENEW_MS = 4 * 60_000;

/**
 * A long stream renews its reservation before the Durable Object's expiry alarm could drop it (a
 * reservation nobody renews is a crashed isolate's, and is freed after RESERVATION_TTL).
 * `stop()` also waits for a renewal still in flight: landing after the settle, it would re-create
 * the reservation and hold the key's budget until the TTL.
 */
export class ReservationRenewal {
  private inFlight?: Promise<unknown>;
  private readonly timer: ReturnType<typeof setInterval>;

  constructor(env: Env, renew: () => Promise<unknown>) {
    this.timer = setInterval(() => {
      this.inFlight = renew().catch(() => {});
    }, Number(env.RESERVATION_RENEW_MS) || RESERVATION_RENEW_MS);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    if (this.inFlight) await this.inFlight;
  }
}
