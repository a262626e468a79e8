import type { Env } from "../../env";

/** Ms without a byte from the upstream, once a stream's content started, before it is given up (default 5 min). */
export function streamIdleTimeoutMs(env: Env): number {
  return Number(env.STREAM_IDLE_TIMEOUT_MS) || 300_000;
}

/**
 * The idle watchdog of one streamed attempt, armed at its first content. The hot loop only stamps
 * `lastDataAt` on each upstream read (one assignment); no timer is reset per chunk. The single
 * timer, when it fires, re-arms itself for the time left if data arrived meanwhile, and calls
 * `onIdle` once the upstream has been silent for `idleMs`.
 * While the gateway waits for the client (backpressure) it is not reading the upstream, so that
 * time never counts as upstream silence.
 */
export class IdleWatchdog {
  /** When the last upstream bytes were read (Infinity while the gateway is not reading). */
  lastDataAt = 0;
  private timer?: ReturnType<typeof setTimeout>;

  constructor(
    readonly idleMs: number,
    private readonly onIdle: (idleMs: number) => void,
  ) {}

  /** Starts watching (idempotent). */
  start(): void {
    if (this.timer !== undefined) return;
    this.lastDataAt = Date.now();
    this.timer = setTimeout(this.check, this.idleMs);
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Waits on the client: that time is not upstream silence. */
  async paused(wait: Promise<void>): Promise<void> {
    this.lastDataAt = Infinity;
    try {
      await wait;
    } finally {
      this.lastDataAt = Date.now();
    }
  }

  private readonly check = () => {
    if (this.timer === undefined) return;
    const left = this.lastDataAt + this.idleMs - Date.now();
    if (left > 0) {
      this.timer = setTimeout(this.check, Math.min(left, this.idleMs));
      return;
    }
    this.timer = undefined;
    this.onIdle(this.idleMs);
  };
}
