import type { StreamEvent } from "../canonical/types";
import type { Env } from "../env";
import { GatewayError, UpstreamError, UpstreamTimeoutError, toGatewayError } from "../errors/gateway-error";
import { recordOutcome } from "../routing/health";
import type { RouteResolution } from "../routing/types";
import { releaseBeforeRetry, releaseOutcome, reserveFor, settleOutcome, type RequestFacts, type Reservation } from "./accounting";
import {
  AttemptPlan, encodeContext, failureOutcome, prepareAttempt, responseHeaders, statusOf, tokensPerSecond,
  type ChatInvocation, type PreparedAttempt,
} from "./chat";
import { StreamMeter, isContentEvent } from "./meter";
import { renderError } from "./render-error";
import { passthroughSink, translatingSink, type StreamSink } from "./stream-sink";
import { callUpstream } from "./upstream";

class ClientGone extends Error {}

/**
 * A streamed chat request. The HTTP response is decided lazily:
 * - an error before anything was sent keeps its HTTP status (and may fall back to the next endpoint);
 * - the first token commits a 200 stream;
 * - if no token arrives within STREAM_KEEPALIVE_MS, the stream is committed early and keep-alives
 *   flow until the first token — fallback is still possible then, since no content was sent.
 * Once content was sent, a failure is an in-band error event; the stream is never silently cut.
 */
export function streamChat(inv: ChatInvocation, facts: RequestFacts, route: RouteResolution): Promise<Response> {
  let resolveResponse!: (r: Response) => void;
  const response = new Promise<Response>((r) => (resolveResponse = r));
  const run = new StreamRun(inv, facts, route, resolveResponse);
  inv.ctx.waitUntil(run.run());
  return response;
}

class StreamRun {
  private committed = false;
  private contentStarted = false;
  /** Bytes go here; the Response body is its readable side. */
  private readonly channel = new TransformStream<Uint8Array, Uint8Array>();
  private readonly out = this.channel.writable.getWriter();
  private sink?: StreamSink;
  private pump?: Promise<void>;
  private keepAliveTimer?: ReturnType<typeof setTimeout>;
  private readonly upstreamAbort = new AbortController();
  private readonly keepAliveMs: number;
  private clientGone = false;

  constructor(
    private readonly inv: ChatInvocation,
    private readonly facts: RequestFacts,
    private readonly route: RouteResolution,
    private readonly respond: (r: Response) => void,
  ) {
    this.keepAliveMs = Number(inv.env.STREAM_KEEPALIVE_MS) || 2000;
    inv.clientSignal?.addEventListener("abort", () => this.onClientGone());
  }

  private onClientGone() {
    this.clientGone = true;
    this.upstreamAbort.abort();
  }

  async run(): Promise<void> {
    // Keep-alive applies only where a comment/whitespace is valid before content (all SSE surfaces).
    if (this.inv.framing !== "json-array") this.keepAliveTimer = setTimeout(() => void this.keepAlive(), this.keepAliveMs);
    const plan = new AttemptPlan(this.inv.env, this.route, this.facts.startedAt);
    for (;;) {
      let attempt: PreparedAttempt;
      let reservation: Reservation;
      try {
        attempt = prepareAttempt(this.inv, this.route, plan.endpoint);
        reservation = await reserveFor(this.inv.env, this.facts, attempt.endpoint, attempt.estInputTokens, attempt.maxOutputTokens);
      } catch (err) {
        return this.fail(err, plan);
      }
      const meter = new StreamMeter();
      const attemptStart = Date.now();
      try {
        await this.attempt(attempt, meter, plan.attemptTimeoutMs());
        this.settle(attempt, reservation, meter, meter.error ? meter.error.status : 200);
        const first = meter.firstTokenAt;
        recordOutcome(this.inv.env, this.inv.ctx, attempt.endpoint, {
          ok: true, status: 200, ttftMs: first ? first - attemptStart : undefined,
          tokensPerSecond: first ? tokensPerSecond(meter.billableUsage(0).outputTokens, Date.now() - first) : undefined,
        });
        return this.finish();
      } catch (err) {
        const gone = this.clientGone || err instanceof ClientGone;
        if (!gone) recordOutcome(this.inv.env, this.inv.ctx, attempt.endpoint, failureOutcome(err));
        const canRetry = await plan.next(err, this.upstreamAbort.signal, gone || this.contentStarted);
        if (canRetry) {
          await releaseBeforeRetry(this.inv.env, this.facts, reservation);
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
    const firstTokenBy = Date.now() + timeoutMs;
    const giveUp = new AbortController();
    const res = await callUpstream(this.inv.env, a.upstream, {
      endpoint: a.endpoint, op: "chat", body: a.body, stream: true, headers: this.inv.forwardHeaders,
      signal: AbortSignal.any([this.upstreamAbort.signal, giveUp.signal]), timeoutMs,
    });
    if (!res.body) throw new UpstreamError(`Upstream '${a.endpoint.provider.id}' sent an empty stream`, { provider_name: a.endpoint.provider.id }, 502);
    // Headers came but no content yet: give up on this endpoint when the attempt's time is up.
    let timedOut: UpstreamTimeoutError | undefined;
    const timer = setTimeout(() => {
      if (this.contentStarted) return;
      timedOut = new UpstreamTimeoutError(`Upstream '${a.endpoint.provider.id}' sent no token within ${timeoutMs} ms`, { provider_name: a.endpoint.provider.id });
      giveUp.abort(timedOut);
    }, Math.max(0, firstTokenBy - Date.now()));
    try {
      await (a.passthrough ? this.passthrough(a, res.body, meter) : this.translate(a, res.body, meter));
    } catch (err) {
      throw timedOut ?? err;
    } finally {
      clearTimeout(timer);
    }
  }

  private async translate(a: PreparedAttempt, body: ReadableStream<Uint8Array>, meter: StreamMeter): Promise<void> {
    const reader = body.pipeThrough(a.upstream.decodeStream()).getReader();
    const held: StreamEvent[] = [];
    let sink: StreamSink | undefined;
    for (;;) {
      const { value: ev, done } = await reader.read().catch((err: unknown) => {
        throw streamCut(a, err);
      });
      if (done) break;
      meter.observe(ev);
      if (!sink) {
        if (ev.type === "error") throw upstreamStreamError(a, ev);
        held.push(ev);
        if (!isContentEvent(ev)) continue;
        sink = this.begin(a, "translate");
        for (const h of held) await this.write(sink.event(h));
        held.length = 0;
        continue;
      }
      await this.write(sink.event(ev));
      if (ev.type === "error") break;
    }
    if (!sink) throw new UpstreamError(`Upstream '${a.endpoint.provider.id}' closed the stream before sending anything`, { provider_name: a.endpoint.provider.id }, 502);
  }

  private async passthrough(a: PreparedAttempt, body: ReadableStream<Uint8Array>, meter: StreamMeter): Promise<void> {
    // The caller gets the upstream's bytes untouched, but only once the decoder has read them: the
    // response is committed at the first content (an error or an empty stream before that can still
    // fall back or become an HTTP error), one reader paced by the caller feeds both (a tee would
    // buffer a slow client's whole backlog), and a stream the decoder finds malformed or cut ends
    // with the gateway's own in-band error instead of the bad bytes or a silent end.
    const decoder = a.upstream.decodeStream();
    const feed = decoder.writable.getWriter();
    const events = decoder.readable.getReader();
    const upstream = body.getReader();
    const unsent: Uint8Array[] = [];
    let cut: unknown;
    void (async () => {
      for (;;) {
        const { value, done } = await upstream.read();
        if (done) return feed.close();
        unsent.push(value);
        await feed.write(value);
      }
    })().catch(async (err: unknown) => {
      cut ??= err;
      await feed.abort(err).catch(() => {});
    });
    let sink: StreamSink | undefined;
    try {
      for (;;) {
        const { value: ev, done } = await events.read().catch((err: unknown) => {
          throw streamCut(a, cut ?? err);
        });
        if (done) break;
        meter.observe(ev);
        if (!sink) {
          if (ev.type === "error") throw upstreamStreamError(a, ev);
          if (!isContentEvent(ev)) continue;
          sink = this.begin(a, "passthrough");
        }
        if (ev.type === "error" && !ev.fromUpstream) {
          unsent.length = 0;
          await this.write(sink.event(ev));
          return;
        }
        while (unsent.length) await this.write(sink.raw(unsent.shift()!));
      }
      if (!sink) throw new UpstreamError(`Upstream '${a.endpoint.provider.id}' closed the stream before sending anything`, { provider_name: a.endpoint.provider.id }, 502);
      while (unsent.length) await this.write(sink.raw(unsent.shift()!));
    } finally {
      void events.cancel().catch(() => {});
      void upstream.cancel().catch(() => {});
    }
  }

  /** Commits the response (if keep-alives did not already) and picks the sink for this attempt. */
  private begin(a: PreparedAttempt, mode: "translate" | "passthrough"): StreamSink {
    this.contentStarted = true;
    clearTimeout(this.keepAliveTimer);
    const ctx = encodeContext(this.facts, a.endpoint, this.inv);
    this.sink = mode === "translate" ? translatingSink(this.inv.surface, ctx) : passthroughSink(this.inv.surface, ctx);
    this.pump = this.pipeSink(this.sink);
    this.commit(a);
    return this.sink;
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
    this.respond(new Response(this.channel.readable, { status: 200, headers }));
  }

  /** Copies a sink's bytes into the response channel; a failed write means the client left. */
  private async pipeSink(sink: StreamSink): Promise<void> {
    const r = sink.readable.getReader();
    for (;;) {
      const { value, done } = await r.read();
      if (done) return;
      try {
        await this.out.write(value);
      } catch {
        this.onClientGone();
        await r.cancel().catch(() => {});
        return;
      }
    }
  }

  private async write(p: Promise<void>): Promise<void> {
    if (this.clientGone) throw new ClientGone();
    await p;
    if (this.clientGone) throw new ClientGone();
  }

  private async keepAlive(): Promise<void> {
    if (this.contentStarted || this.clientGone) return;
    this.commit();
    try {
      await this.out.write(this.inv.surface.streamKeepAlive?.() ?? KEEP_ALIVE);
    } catch {
      return this.onClientGone();
    }
    this.keepAliveTimer = setTimeout(() => void this.keepAlive(), 5000);
  }

  private settle(a: PreparedAttempt, reservation: Reservation, meter: StreamMeter, status: number) {
    settleOutcome(this.inv.env, this.inv.ctx, this.facts, reservation, {
      endpoint: a.endpoint, usage: meter.billableUsage(Math.ceil(a.estInputTokens / 2), a.maxOutputTokens), status,
      finishReason: meter.finishReason ?? (status === 200 ? undefined : "error"), servedModel: meter.model, firstTokenAt: meter.firstTokenAt,
    });
  }

  private async finish() {
    clearTimeout(this.keepAliveTimer);
    await this.sink?.close().catch(() => {});
    await this.pump;
    await this.out.close().catch(() => {});
  }

  private async teardown() {
    clearTimeout(this.keepAliveTimer);
    this.upstreamAbort.abort();
    // Nothing was committed yet (no keep-alive in this framing): settle the pending response anyway.
    if (!this.committed) {
      this.committed = true;
      this.respond(new Response(null, { status: 499, headers: { "x-generation-id": this.facts.id } }));
    }
    await this.sink?.abort(new ClientGone()).catch(() => {});
    // The aborted sink errors the pump's read; it is done, not an unhandled rejection.
    await this.pump?.catch(() => {});
    await this.out.abort(new ClientGone()).catch(() => {});
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
    const sink = this.sink ?? translatingSink(this.inv.surface, { id: this.facts.id, model: this.facts.requestedModel, provider: "", created: Math.floor(this.facts.startedAt / 1000), framing: this.inv.framing });
    if (!this.sink) {
      this.sink = sink;
      this.pump = this.pipeSink(sink);
    }
    await sink.event({ type: "error", status: e.status, message: e.message, errorType: e.kind }).catch(() => {});
    await this.finish();
  }
}

const KEEP_ALIVE = new TextEncoder().encode(": keep-alive\n\n");

/** A stream that broke while being read (connection lost, reset): the upstream's failure. */
function streamCut(a: PreparedAttempt, err: unknown): GatewayError {
  if (err instanceof GatewayError) return err;
  const id = a.endpoint.provider.id;
  return new UpstreamError(`Upstream '${id}' stream was interrupted: ${err instanceof Error ? err.message : String(err)}`, { provider_name: id }, 502);
}

function upstreamStreamError(a: PreparedAttempt, ev: Extract<StreamEvent, { type: "error" }>): UpstreamError {
  return new UpstreamError(`Upstream '${a.endpoint.provider.id}' stream error: ${ev.message}`, { provider_name: a.endpoint.provider.id }, ev.status);
}

export type { Env };
