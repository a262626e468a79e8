import type { StreamEvent } from "../../canonical/types";
import type { EncodeContext } from "../../codecs/codec";
import { UpstreamError, UpstreamTimeoutError, toGatewayError } from "../../errors/gateway-error";
import type { SyncTransformer } from "../../streams/sync-transformer";
import { runAttempts, tokensPerSecond, type AttemptCall, type Delivered, type Exchange } from "../attempt-runner";
import type { Outcome, RequestLedger } from "../ledger";
import { StreamMeter, isContentEvent } from "../meter";
import { renderError } from "../render-error";
import { callUpstream } from "../upstream";
import { answerHeaders, chatRoute, encodeContext, prepareChatAttempt, type ChatAttempt, type ChatInvocation } from "./prepare";
import { ReservationRenewal } from "./reservation-renewal";
import { streamCut, upstreamStreamError } from "./stream-errors";
import { IdleWatchdog, streamIdleTimeoutMs } from "./stream-idle";
import { Batch, Output } from "./stream-output";

class ClientGone extends Error {}

/**
 * A streamed chat request. The HTTP response is decided lazily:
 * - an error before anything was sent keeps its HTTP status (and may fall back to the next endpoint);
 * - the first token commits a 200 stream;
 * - if no token arrives within STREAM_KEEPALIVE_MS, the stream is committed early and keep-alives
 *   flow until the first token — fallback is still possible then, since no content was sent.
 * Once content was sent, a failure is an in-band error event; the stream is never silently cut.
 * An upstream silent for STREAM_IDLE_TIMEOUT_MS after content started is such a failure (504).
 *
 * Speed: each upstream chunk is read once and goes through decode → meter → encode in one
 * synchronous pass (the codecs' SyncTransformer forms), then one enqueue into the response body
 * (stream-output.ts, a push source paced by the client). No JS stream hop per event.
 */
export function streamChat(inv: ChatInvocation, ledger: RequestLedger): Promise<Response> {
  const stream = new StreamExchange(inv, ledger);
  inv.ctx.waitUntil(
    runAttempts(ledger, stream, { env: inv.env, ctx: inv.ctx, signal: stream.upstreamAbort.signal }).then(
      (run) => stream.finish(run.endpoint.pricing ? run.costMicros : undefined),
      (err: unknown) => stream.end(err),
    ),
  );
  return stream.response;
}

class StreamExchange implements Exchange<ChatAttempt, undefined> {
  readonly response: Promise<Response>;
  /** Aborted when the client leaves: ends waits between attempts. */
  readonly upstreamAbort = new AbortController();
  private respond!: (r: Response) => void;
  private committed = false;
  private contentStarted = false;
  private clientGone = false;
  /** The Response body. */
  private readonly out = new Output(() => this.onClientGone());
  private keepAliveTimer?: ReturnType<typeof setTimeout>;
  /** The running attempt's upstream call. */
  private attemptAbort?: AbortController;
  private readonly keepAliveMs: number;
  /** The running attempt's meter: what it delivered, to bill even when it fails. */
  private meter?: StreamMeter;
  /** The caller-format encoder of a translated stream, once content started. */
  private encoder?: SyncTransformer<StreamEvent, Uint8Array>;
  private encodeCtx?: EncodeContext;
  private passthroughMode = false;

  constructor(
    private readonly inv: ChatInvocation,
    private readonly ledger: RequestLedger,
  ) {
    this.response = new Promise<Response>((r) => (this.respond = r));
    this.keepAliveMs = Number(inv.env.STREAM_KEEPALIVE_MS) || 2000;
    // The client may already have left while the request was being read.
    if (inv.clientSignal?.aborted) this.onClientGone();
    else inv.clientSignal?.addEventListener("abort", () => this.onClientGone());
  }

  route = (key: ChatInvocation["key"]) => chatRoute(this.inv, key);
  prepare = (route: Parameters<typeof prepareChatAttempt>[1], endpoint: Parameters<typeof prepareChatAttempt>[2]) =>
    prepareChatAttempt(this.inv, route, endpoint);

  delivering(): boolean {
    return this.contentStarted || this.clientGone;
  }

  /** Tokens were generated before the failure (client abort or a cut upstream): bill what was seen. */
  salvage(a: ChatAttempt, err: unknown): Outcome | undefined {
    const meter = this.meter;
    if (!meter || (!this.contentStarted && meter.contentChars === 0)) return undefined;
    const status = this.clientGone || err instanceof ClientGone ? 499 : toGatewayError(err).status;
    return this.outcome(a, meter, status);
  }

  async send(a: ChatAttempt, call: AttemptCall): Promise<Delivered<undefined>> {
    // Admitted: from now on the wait for a first token is kept alive, where a comment or
    // whitespace is valid before content (every SSE framing; not Gemini's JSON array).
    if (!this.keepAliveTimer && this.inv.framing !== "json-array") {
      this.keepAliveTimer = setTimeout(() => void this.keepAlive(), this.keepAliveMs);
    }
    const meter = new StreamMeter();
    this.meter = meter;
    const started = Date.now();
    const renewal = new ReservationRenewal(this.inv.env, () => call.ledger.renew());
    try {
      await this.attempt(a, meter, call.timeoutMs);
    } finally {
      await renewal.stop();
    }
    const first = meter.firstTokenAt;
    return {
      outcome: this.outcome(a, meter, meter.error ? meter.error.status : 200),
      ttftMs: first ? first - started : undefined,
      tokensPerSecond: first ? tokensPerSecond(meter.billableUsage(0).outputTokens, Date.now() - first) : undefined,
      value: undefined,
    };
  }

  private outcome(a: ChatAttempt, meter: StreamMeter, status: number): Outcome {
    return {
      endpoint: a.endpoint,
      usage: meter.billableUsage(Math.ceil(a.estInputTokens / 2), a.maxOutputTokens),
      status,
      finishReason: meter.finishReason ?? (status === 200 ? undefined : "error"),
      servedModel: meter.model,
      firstTokenAt: meter.firstTokenAt,
    };
  }

  private onClientGone() {
    this.clientGone = true;
    this.upstreamAbort.abort();
    this.attemptAbort?.abort();
  }

  /** Runs one upstream attempt to completion, committing the response at the first content. */
  private async attempt(a: ChatAttempt, meter: StreamMeter, timeoutMs: number): Promise<void> {
    // One controller per attempt, aborted by the client leaving, the first-token deadline (which
    // covers the response headers too) or the idle watchdog: no per-call timer or signal merging.
    const abort = new AbortController();
    this.attemptAbort = abort;
    if (this.clientGone) abort.abort();
    let timedOut: UpstreamTimeoutError | undefined;
    const giveUpWith = (why: string) => {
      timedOut = new UpstreamTimeoutError(`Upstream '${a.endpoint.provider.id}' ${why}`, { provider_name: a.endpoint.provider.id });
      abort.abort(timedOut);
    };
    const timer = setTimeout(() => {
      if (!this.contentStarted) giveUpWith(`sent no token within ${timeoutMs} ms`);
    }, timeoutMs);
    // Once content started, the idle watchdog ends a stream the upstream went silent on.
    const idle = new IdleWatchdog(streamIdleTimeoutMs(this.inv.env), (ms) => giveUpWith(`sent no data for ${ms} ms`));
    try {
      const res = await callUpstream(this.inv.env, a.upstream, {
        endpoint: a.endpoint, op: "chat", body: a.body, stream: true, headers: this.inv.forwardHeaders, signal: abort.signal,
      });
      if (!res.body) throw new UpstreamError(`Upstream '${a.endpoint.provider.id}' sent an empty stream`, { provider_name: a.endpoint.provider.id }, 502);
      await this.pump(a, res.body, meter, idle);
    } catch (err) {
      throw timedOut ?? err;
    } finally {
      clearTimeout(timer);
      idle.stop();
      this.attemptAbort = undefined;
    }
  }

  /**
   * Reads the upstream body to its end. Before the first content nothing is written (events, or
   * for a same-format stream the raw bytes, are held), so a failure can still fall back or become
   * an HTTP error; from the first content on, every upstream chunk becomes one write.
   */
  private async pump(a: ChatAttempt, body: ReadableStream<Uint8Array>, meter: StreamMeter, idle: IdleWatchdog): Promise<void> {
    const decoder = a.upstream.streamDecoder();
    const reader = body.getReader();
    const batch = new Batch();
    const passthrough = a.passthrough;
    const heldEvents: StreamEvent[] = [];
    const heldRaw: Uint8Array[] = [];
    /** A gateway-detected failure (malformed or cut stream) after content: render it and stop. */
    let broken: Extract<StreamEvent, { type: "error" }> | undefined;

    const onEvent = (ev: StreamEvent) => {
      if (broken) return;
      meter.observe(ev);
      if (!this.contentStarted) {
        if (ev.type === "error") throw upstreamStreamError(a, ev);
        if (!passthrough) heldEvents.push(ev);
        if (!isContentEvent(ev)) return;
        this.begin(a);
        idle.start();
        if (!passthrough) {
          for (const h of heldEvents) this.encoder!.transform(h, batch.push);
          heldEvents.length = 0;
        }
        return;
      }
      if (passthrough) {
        if (ev.type === "error" && !ev.fromUpstream) broken = ev;
        return;
      }
      this.encoder!.transform(ev, batch.push);
      if (ev.type === "error") broken = ev;
    };

    try {
      for (;;) {
        let chunk: ReadableStreamReadResult<Uint8Array>;
        try {
          chunk = await reader.read();
        } catch (err) {
          throw streamCut(a, err);
        }
        idle.lastDataAt = Date.now();
        if (chunk.done) {
          decoder.flush(onEvent);
        } else {
          decoder.transform(chunk.value, onEvent);
          if (passthrough) heldRaw.push(chunk.value);
        }
        if (broken && passthrough) {
          heldRaw.length = 0;
          this.renderError(broken, batch.push, { trailer: false });
        } else if (passthrough && this.contentStarted) {
          for (const r of heldRaw) batch.push(r);
          heldRaw.length = 0;
        }
        const bytes = batch.take();
        if (bytes) await this.write(bytes, idle);
        if (chunk.done || broken) break;
      }
      if (!this.contentStarted) {
        throw new UpstreamError(`Upstream '${a.endpoint.provider.id}' closed the stream before sending anything`, { provider_name: a.endpoint.provider.id }, 502);
      }
    } finally {
      void reader.cancel().catch(() => {});
    }
  }

  /** Commits the response (if keep-alives did not already) and sets up the output for this attempt. */
  private begin(a: ChatAttempt): void {
    this.contentStarted = true;
    clearTimeout(this.keepAliveTimer);
    this.encodeCtx = encodeContext(this.ledger, a.endpoint, this.inv);
    this.passthroughMode = a.passthrough;
    if (!a.passthrough) this.encoder = this.inv.surface.streamEncoder(this.encodeCtx);
    this.commit(a);
  }

  private commit(a?: ChatAttempt) {
    if (this.committed) return;
    this.committed = true;
    const headers: Record<string, string> = {
      "content-type": this.inv.surface.streamContentType(this.neutralContext()),
      "cache-control": "no-cache",
      "x-generation-id": this.ledger.id,
      ...(a ? answerHeaders(this.ledger, a) : {}),
    };
    this.respond(new Response(this.out.readable, { status: 200, headers }));
  }

  /** One write to the client; a rejected write means the client went away. */
  private async write(bytes: Uint8Array, idle: IdleWatchdog): Promise<void> {
    if (this.clientGone) throw new ClientGone();
    const wait = this.out.write(bytes);
    if (wait) await idle.paused(wait);
    if (this.clientGone) throw new ClientGone();
  }

  /** While no token has arrived: commit the stream and send the surface's keep-alive every 5 s. */
  private async keepAlive(): Promise<void> {
    if (this.contentStarted || this.clientGone) return;
    this.commit();
    const batch = new Batch();
    this.inv.surface.streamEncoder(this.neutralContext()).transform({ type: "keep-alive" }, batch.push);
    const bytes = batch.take();
    if (bytes) await this.out.write(bytes);
    if (this.clientGone) return;
    this.keepAliveTimer = setTimeout(() => void this.keepAlive(), 5000);
  }

  /** Encode context before an endpoint answered (keep-alives, errors before content). */
  private neutralContext(): EncodeContext {
    return { id: this.ledger.id, model: this.inv.req.model, provider: "", created: Math.floor(this.ledger.startedAt / 1000), framing: this.inv.framing };
  }

  /**
   * Renders an error event in the caller's format. A translated stream uses its own encoder (and
   * its trailer); otherwise a fresh encoder renders just the event (a same-format stream keeps
   * the upstream's framing, so no trailer is added).
   */
  private renderError(ev: Extract<StreamEvent, { type: "error" }>, emit: (b: Uint8Array) => void, opts: { trailer: boolean }): void {
    const enc = this.encoder ?? this.inv.surface.streamEncoder(this.encodeCtx ?? this.neutralContext());
    enc.transform(ev, emit);
    if (opts.trailer) enc.flush(emit);
  }

  /**
   * The run answered: the encoder's trailer (a translated stream reports the cost in its format's
   * usage), then the end of the body. A same-format stream is the upstream's own bytes, whose usage
   * has no cost field: its cost follows as a final SSE comment, which every SSE client ignores.
   */
  async finish(costMicros: number | undefined): Promise<void> {
    clearTimeout(this.keepAliveTimer);
    const batch = new Batch();
    if (this.encoder) this.encoder.flush(batch.push);
    else if (this.passthroughMode && costMicros !== undefined) {
      const text = `x-arouter-cost: ${(costMicros / 1e6).toFixed(6)}`;
      this.inv.surface.streamEncoder(this.neutralContext()).transform({ type: "comment", text }, batch.push);
    }
    // A kept answer (captured by the encoder's flush) is readable before its final event is sent.
    await this.inv.keep?.saved();
    const bytes = batch.take();
    if (bytes) await this.out.write(bytes);
    this.out.close();
  }

  /** The run failed: nothing if the client left; an HTTP error if nothing was sent; else an in-band error. */
  async end(err: unknown): Promise<void> {
    clearTimeout(this.keepAliveTimer);
    if (this.clientGone || err instanceof ClientGone) return this.teardown();
    const e = toGatewayError(err);
    if (!this.committed) {
      this.committed = true;
      this.respond(renderError(this.inv.surface, e, { "x-generation-id": this.ledger.id }));
      return;
    }
    const batch = new Batch();
    this.renderError({ type: "error", status: e.status, message: e.message, errorType: e.kind }, batch.push, { trailer: !this.passthroughMode });
    this.encoder = undefined; // its trailer was written with the error
    const bytes = batch.take();
    if (bytes) await this.out.write(bytes);
    this.out.close();
  }

  private teardown() {
    this.upstreamAbort.abort();
    // Nothing was committed yet (no keep-alive in this framing): settle the pending response anyway.
    if (!this.committed) {
      this.committed = true;
      this.respond(new Response(null, { status: 499, headers: { "x-generation-id": this.ledger.id } }));
    }
    this.out.error(new ClientGone());
  }
}
