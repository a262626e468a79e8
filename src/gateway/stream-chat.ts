import type { StreamEvent } from "../canonical/types";
import type { Env } from "../env";
import { UpstreamError, toGatewayError } from "../errors/gateway-error";
import { recordOutcome } from "../routing/health";
import type { RouteResolution } from "../routing/types";
import { releaseOutcome, reserveFor, settleOutcome, type RequestFacts, type Reservation } from "./accounting";
import {
  candidates, describeFailure, encodeContext, prepareAttempt, responseHeaders, statusOf, upstreamTimeoutMs, withAttempts,
  type ChatInvocation, type PreparedAttempt,
} from "./chat";
import { StreamMeter, isContentEvent } from "./meter";
import { renderError } from "./render-error";
import { passthroughSink, translatingSink, type StreamSink } from "./stream-sink";
import { callUpstream, isRetryable } from "./upstream";

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
    const list = candidates(this.route);
    const attempts: string[] = [];
    for (let i = 0; i < list.length; i++) {
      let attempt: PreparedAttempt;
      let reservation: Reservation;
      try {
        attempt = prepareAttempt(this.inv, this.route, list[i]);
        reservation = await reserveFor(this.inv.env, this.facts, attempt.endpoint, attempt.estInputTokens, attempt.maxOutputTokens);
      } catch (err) {
        return this.fail(err, attempts);
      }
      const meter = new StreamMeter();
      try {
        await this.attempt(attempt, meter);
        this.settle(attempt, reservation, meter, meter.error ? meter.error.status : 200);
        recordOutcome(this.inv.env, this.inv.ctx, attempt.endpoint, {
          ok: true, status: 200, ttftMs: meter.firstTokenAt ? meter.firstTokenAt - this.facts.startedAt : undefined,
        });
        return this.finish();
      } catch (err) {
        const gone = this.clientGone || err instanceof ClientGone;
        if (!gone) recordOutcome(this.inv.env, this.inv.ctx, attempt.endpoint, { ok: false, status: err instanceof UpstreamError ? err.upstreamStatus : 504 });
        attempts.push(describeFailure(attempt.endpoint, err));
        const canRetry = !gone && !this.contentStarted && this.route.allowFallbacks && i < list.length - 1 && isRetryable(err);
        if (canRetry) {
          releaseOutcome(this.inv.env, this.inv.ctx, this.facts, reservation);
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
        return this.fail(err, attempts);
      }
    }
  }

  /** Runs one upstream attempt to completion, committing the response at the first content. */
  private async attempt(a: PreparedAttempt, meter: StreamMeter): Promise<void> {
    const res = await callUpstream(this.inv.env, a.upstream, {
      endpoint: a.endpoint, op: "chat", body: a.body, stream: true, headers: this.inv.forwardHeaders,
      signal: this.upstreamAbort.signal, timeoutMs: upstreamTimeoutMs(this.inv.env),
    });
    if (!res.body) throw new UpstreamError(`Upstream '${a.endpoint.provider.id}' sent an empty stream`, { provider_name: a.endpoint.provider.id }, 502);
    return a.passthrough ? this.passthrough(a, res.body, meter) : this.translate(a, res.body, meter);
  }

  private async translate(a: PreparedAttempt, body: ReadableStream<Uint8Array>, meter: StreamMeter): Promise<void> {
    const reader = body.pipeThrough(a.upstream.decodeStream()).getReader();
    const held: StreamEvent[] = [];
    let sink: StreamSink | undefined;
    for (;;) {
      const { value: ev, done } = await reader.read();
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
    // The caller gets the upstream's bytes untouched; a decoded copy feeds the meter.
    const [forCaller, forMeter] = body.tee();
    const metering = (async () => {
      const r = forMeter.pipeThrough(a.upstream.decodeStream()).getReader();
      for (;;) {
        const { value, done } = await r.read();
        if (done) return;
        meter.observe(value);
      }
    })().catch(() => {});
    const reader = forCaller.getReader();
    const sink = this.begin(a, "passthrough");
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      await this.write(sink.raw(value));
    }
    await metering;
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
      await this.out.write(KEEP_ALIVE);
    } catch {
      return this.onClientGone();
    }
    this.keepAliveTimer = setTimeout(() => void this.keepAlive(), 5000);
  }

  private settle(a: PreparedAttempt, reservation: Reservation, meter: StreamMeter, status: number) {
    settleOutcome(this.inv.env, this.inv.ctx, this.facts, reservation, {
      endpoint: a.endpoint, usage: meter.billableUsage(a.estInputTokens / 2), status,
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
    await this.sink?.abort(new ClientGone()).catch(() => {});
    await this.out.abort(new ClientGone()).catch(() => {});
  }

  /** Final failure: an HTTP error if nothing was sent, else an in-band error event. */
  private async fail(err: unknown, attempts: string[]) {
    clearTimeout(this.keepAliveTimer);
    const e = toGatewayError(withAttempts(err, attempts));
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

function upstreamStreamError(a: PreparedAttempt, ev: Extract<StreamEvent, { type: "error" }>): UpstreamError {
  return new UpstreamError(`Upstream '${a.endpoint.provider.id}' stream error: ${ev.message}`, { provider_name: a.endpoint.provider.id }, ev.status);
}

export type { Env };
