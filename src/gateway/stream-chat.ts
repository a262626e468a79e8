import type { StreamEvent } from "../canonical/types";
import type { EncodeContext } from "../codecs/codec";
import type { Env } from "../env";
import { UpstreamError, UpstreamTimeoutError, toGatewayError } from "../errors/gateway-error";
import { recordOutcome } from "../routing/health";
import type { SyncTransformer } from "../streams/sync-transformer";
import { releaseBeforeRetry, releaseOutcome, reserveFor, settleOutcome, type RequestFacts, type Reservation } from "./accounting";
import { AttemptPlan } from "./attempt-plan";
import {
  encodeContext, failureOutcome, prepareAttempt, responseHeaders, statusOf, tokensPerSecond,
  type Admitted, type ChatInvocation, type PreparedAttempt,
} from "./chat";
import { StreamMeter, isContentEvent } from "./meter";
import { renderError } from "./render-error";
import { IdleWatchdog, streamIdleTimeoutMs } from "./stream-idle";
import { ReservationRenewal } from "./reservation-renewal";
import { streamCut, upstreamStreamError } from "./stream-errors";
import { Batch, Output } from "./stream-output";
import { callUpstream } from "./upstream";

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
export function streamChat(inv: ChatInvocation, facts: RequestFacts, admitted: Admitted): Promise<Response> {
  let resolveResponse!: (r: Response) => void;
  const response = new Promise<Response>((r) => (resolveResponse = r));
  const run = new StreamRun(inv, facts, admitted, resolveResponse);
  inv.ctx.waitUntil(run.run());
  return response;
}

class StreamRun {
  private committed = false;
  private contentStarted = false;
  /** The Response body. */
  private readonly out = new Output(() => this.onClientGone());
  private keepAliveTimer?: ReturnType<typeof setTimeout>;
  /** Aborted when the client leaves: ends waits between attempts. */
  private readonly upstreamAbort = new AbortController();
  /** The running attempt's upstream call. */
  private attemptAbort?: AbortController;
  private readonly keepAliveMs: number;
  private clientGone = false;
  /** The caller-format encoder of a translated stream, once content started. */
  private encoder?: SyncTransformer<StreamEvent, Uint8Array>;
  private encodeCtx?: EncodeContext;
  private passthroughMode = false;

  constructor(
    private readonly inv: ChatInvocation,
    private readonly facts: RequestFacts,
    private readonly admitted: Admitted,
    private readonly respond: (r: Response) => void,
  ) {
    this.keepAliveMs = Number(inv.env.STREAM_KEEPALIVE_MS) || 2000;
    // The client may already have left while the request was being admitted.
    if (inv.clientSignal?.aborted) this.onClientGone();
    else inv.clientSignal?.addEventListener("abort", () => this.onClientGone());
  }

  private onClientGone() {
    this.clientGone = true;
    this.upstreamAbort.abort();
    this.attemptAbort?.abort();
  }

  async run(): Promise<void> {
    // Keep-alive applies only where a comment/whitespace is valid before content (all SSE surfaces).
    if (this.inv.framing !== "json-array") this.keepAliveTimer = setTimeout(() => void this.keepAlive(), this.keepAliveMs);
    const { plan, route } = this.admitted;
    let first: Admitted | undefined = this.admitted;
    let lastFailure: { attempt: PreparedAttempt; status: number } | undefined;
    for (;;) {
      let attempt: PreparedAttempt;
      let reservation: Reservation;
      try {
        attempt = first ? first.attempt : prepareAttempt(this.inv, route, plan.endpoint);
        reservation = first ? first.reservation : await reserveFor(this.inv.env, this.facts, attempt.endpoint, attempt.estInputTokens, attempt.maxOutputTokens);
      } catch (err) {
        // A request that already reached an upstream still leaves its one usage record.
        if (lastFailure) this.recordFailure(lastFailure.attempt, lastFailure.status);
        return this.fail(err, plan);
      }
      first = undefined;
      const meter = new StreamMeter();
      const attemptStart = Date.now();
      const renewal = new ReservationRenewal(this.inv.env, () =>
        reserveFor(this.inv.env, this.facts, attempt.endpoint, attempt.estInputTokens, attempt.maxOutputTokens),
      );
      try {
        await this.attempt(attempt, meter, plan.attemptTimeoutMs());
        await renewal.stop();
        this.settle(attempt, reservation, meter, meter.error ? meter.error.status : 200);
        const first = meter.firstTokenAt;
        recordOutcome(this.inv.env, this.inv.ctx, attempt.endpoint, {
          ok: true, status: 200, ttftMs: first ? first - attemptStart : undefined,
          tokensPerSecond: first ? tokensPerSecond(meter.billableUsage(0).outputTokens, Date.now() - first) : undefined,
        });
        return this.finish();
      } catch (err) {
        await renewal.stop();
        const gone = this.clientGone || err instanceof ClientGone;
        if (!gone) recordOutcome(this.inv.env, this.inv.ctx, attempt.endpoint, failureOutcome(err));
        const canRetry = await plan.next(err, this.upstreamAbort.signal, gone || this.contentStarted);
        if (canRetry) {
          await releaseBeforeRetry(this.inv.env, this.facts, reservation);
          lastFailure = { attempt, status: statusOf(err) };
          continue;
        }
        if (this.contentStarted || meter.contentChars > 0) {
          // Tokens were generated: bill what was seen (client abort or a cut upstream).
          this.settle(attempt, reservation, meter, gone ? 499 : statusOf(err));
        } else {
          releaseOutcome(this.inv.env, this.inv.ctx, this.facts, reservation, {
            endpoint: attempt.endpoint, usage: { inputTokens: 0, outputTokens: 0 }, status: gone ? 499 : statusOf(err),
          });
        }
        if (gone) return this.teardown();
        return this.fail(err, plan);
      }
    }
  }

  /** Runs one upstream attempt to completion, committing the response at the first content. */
  private async attempt(a: PreparedAttempt, meter: StreamMeter, timeoutMs: number): Promise<void> {
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
  private async pump(a: PreparedAttempt, body: ReadableStream<Uint8Array>, meter: StreamMeter, idle: IdleWatchdog): Promise<void> {
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
        this.begin(a, passthrough);
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
          this.renderError(broken, batch.push, false);
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
  private begin(a: PreparedAttempt, passthrough: boolean): void {
    this.contentStarted = true;
    clearTimeout(this.keepAliveTimer);
    this.encodeCtx = encodeContext(this.facts, a.endpoint, this.inv);
    this.passthroughMode = passthrough;
    if (!passthrough) this.encoder = this.inv.surface.streamEncoder(this.encodeCtx);
    this.commit(a);
  }

  private commit(a?: PreparedAttempt) {
    if (this.committed) return;
    this.committed = true;
    const headers: Record<string, string> = {
      "content-type": this.inv.surface.streamContentType({ id: this.facts.id, model: "", provider: "", created: 0, framing: this.inv.framing }),
      "cache-control": "no-cache",
      "x-generation-id": this.facts.id,
      ...(a ? responseHeaders(this.facts, a.endpoint) : {}),
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

  private async keepAlive(): Promise<void> {
    if (this.contentStarted || this.clientGone) return;
    this.commit();
    await this.out.write(this.inv.surface.streamKeepAlive?.() ?? KEEP_ALIVE);
    if (this.clientGone) return;
    this.keepAliveTimer = setTimeout(() => void this.keepAlive(), 5000);
  }

  /**
   * Renders an error event in the caller's format. A translated stream uses its own encoder (and
   * its trailer); otherwise a fresh encoder renders just the event (a same-format stream keeps
   * the upstream's framing, so no trailer is added).
   */
  private renderError(ev: Extract<StreamEvent, { type: "error" }>, emit: (b: Uint8Array) => void, withTrailer: boolean): void {
    const ctx = this.encodeCtx ?? {
      id: this.facts.id, model: this.facts.requestedModel, provider: "", created: Math.floor(this.facts.startedAt / 1000), framing: this.inv.framing,
    };
    const enc = this.encoder ?? this.inv.surface.streamEncoder(ctx);
    enc.transform(ev, emit);
    if (withTrailer) enc.flush(emit);
  }

  private settle(a: PreparedAttempt, reservation: Reservation, meter: StreamMeter, status: number) {
    settleOutcome(this.inv.env, this.inv.ctx, this.facts, reservation, {
      endpoint: a.endpoint, usage: meter.billableUsage(Math.ceil(a.estInputTokens / 2), a.maxOutputTokens), status,
      finishReason: meter.finishReason ?? (status === 200 ? undefined : "error"), servedModel: meter.model, firstTokenAt: meter.firstTokenAt,
    });
  }

  private recordFailure(a: PreparedAttempt, status: number) {
    releaseOutcome(this.inv.env, this.inv.ctx, this.facts, { id: this.facts.id } as Reservation, {
      endpoint: a.endpoint, usage: { inputTokens: 0, outputTokens: 0 }, status,
    });
  }

  private async finish() {
    clearTimeout(this.keepAliveTimer);
    if (this.encoder) {
      const batch = new Batch();
      this.encoder.flush(batch.push);
      const bytes = batch.take();
      if (bytes) await this.out.write(bytes);
    }
    this.out.close();
  }

  private async teardown() {
    clearTimeout(this.keepAliveTimer);
    this.upstreamAbort.abort();
    // Nothing was committed yet (no keep-alive in this framing): settle the pending response anyway.
    if (!this.committed) {
      this.committed = true;
      this.respond(new Response(null, { status: 499, headers: { "x-generation-id": this.facts.id } }));
    }
    this.out.error(new ClientGone());
  }

  /** Final failure: an HTTP error if nothing was sent, else an in-band error event. */
  private async fail(err: unknown, plan: AttemptPlan) {
    clearTimeout(this.keepAliveTimer);
    const e = toGatewayError(plan.finalError(err));
    if (!this.committed) {
      this.committed = true;
      this.respond(renderError(this.inv.surface, e, { "x-generation-id": this.facts.id }));
      return;
    }
    const batch = new Batch();
    this.renderError({ type: "error", status: e.status, message: e.message, errorType: e.kind }, batch.push, !this.passthroughMode);
    this.encoder = undefined; // its trailer was written with the error
    const bytes = batch.take();
    if (bytes) await this.out.write(bytes);
    this.out.close();
  }
}

const KEEP_ALIVE = new TextEncoder().encode(": keep-alive\n\n");

export type { Env };
