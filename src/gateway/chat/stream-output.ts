/** Output plumbing of a streamed response: one write per upstream chunk, paced by the client. */

/** Collects one pass's output and joins it into a single write. */
export class Batch {
  parts: Uint8Array[] = [];
  size = 0;
  readonly push = (b: Uint8Array) => {
    if (b.byteLength === 0) return;
    this.parts.push(b);
    this.size += b.byteLength;
  };
  take(): Uint8Array | undefined {
    if (this.parts.length === 0) return undefined;
    let out: Uint8Array;
    if (this.parts.length === 1) out = this.parts[0];
    else {
      out = new Uint8Array(this.size);
      let at = 0;
      for (const p of this.parts) {
        out.set(p, at);
        at += p.byteLength;
      }
    }
    this.parts = [];
    this.size = 0;
    return out;
  }
}

/**
 * The response body as a push source with a small queue. A write is a synchronous enqueue; only
 * when the client falls behind (queue full) does the writer wait for the next pull. That keeps
 * memory bounded by the client's pace without a promise round trip per chunk, which a
 * WritableStream write costs.
 */
export class Output {
  readonly readable: ReadableStream<Uint8Array>;
  private controller!: ReadableStreamDefaultController<Uint8Array>;
  private waiter?: () => void;
  private done = false;

  constructor(onCancel: () => void) {
    this.readable = new ReadableStream<Uint8Array>(
      {
        start: (c) => {
          this.controller = c;
        },
        pull: () => this.wake(),
        cancel: () => {
          this.done = true;
          this.wake();
          onCancel();
        },
      },
      { highWaterMark: 4 },
    );
  }

  /** Enqueues; returns a promise only when the caller should wait for the client. */
  write(bytes: Uint8Array): Promise<void> | undefined {
    if (this.done) return undefined;
    this.controller.enqueue(bytes);
    if ((this.controller.desiredSize ?? 1) > 0) return undefined;
    return new Promise<void>((resolve) => (this.waiter = resolve));
  }

  close(): void {
    if (this.done) return;
    this.done = true;
    this.controller.close();
  }

  error(reason: unknown): void {
    if (this.done) return;
    this.done = true;
    this.controller.error(reason);
    this.wake();
  }

  private wake() {
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }
}
