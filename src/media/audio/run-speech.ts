/**
 * Text to speech (`POST /v1/audio/speech`) through the attempt runner. The answer streams: the
 * response is committed when the upstream's answer starts (until then another endpoint may be
 * tried), the audio bytes flow to the caller as they arrive, and the call is settled when the
 * body ends, at the catalog price of what was produced (characters, or text and audio tokens).
 */
import { openaiCodec } from "../../codecs/openai";
import { costMicros } from "../../catalog/pricing";
import type { Env, WaitUntil } from "../../env";
import { GatewayError } from "../../errors/gateway-error";
import { runAttempts, type AttemptCall, type Delivered, type Exchange } from "../../gateway/attempt-runner";
import { RequestLedger, type Outcome } from "../../gateway/ledger";
import { renderError } from "../../gateway/render-error";
import { callUpstream } from "../../gateway/upstream";
import type { KeyContext } from "../../keys/types";
import type { MediaWires } from "../../providers/types";
import type { Endpoint, RouteResolution } from "../../routing/types";
import { malformed, mediaHeaders, routeMedia, type MediaAttempt } from "../run-media";
import { geminiSpeechWire } from "./gemini-speech";
import { openaiSpeechWire } from "./openai-speech";
import type { AudioMetering, PreparedSpeech, SpeechRequest, SpeechWire } from "./types";

const WIRES: Record<MediaWires["speech"], SpeechWire> = { openai: openaiSpeechWire, gemini: geminiSpeechWire };

interface SpeechAttempt extends MediaAttempt {
  wire: SpeechWire;
  prepared: PreparedSpeech;
}

export interface SpeechInvocation {
  env: Env;
  ctx: WaitUntil;
  req: SpeechRequest;
  key: KeyContext;
  clientSignal?: AbortSignal;
}

export function runSpeech(inv: SpeechInvocation): Promise<Response> {
  const exchange = new SpeechExchange(inv);
  inv.ctx.waitUntil(
    runAttempts(exchange.ledger, exchange, { env: inv.env, ctx: inv.ctx, signal: inv.clientSignal }).then(
      () => undefined,
      (err: unknown) => exchange.fail(err),
    ),
  );
  return exchange.response;
}

class SpeechExchange implements Exchange<SpeechAttempt, undefined> {
  readonly ledger: RequestLedger;
  readonly response: Promise<Response>;
  private respond!: (r: Response) => void;
  private committed = false;
  private attempts = new Map<Endpoint, SpeechAttempt>();
  /** What the committed attempt produced, once known. */
  private metering?: AudioMetering;

  constructor(private readonly inv: SpeechInvocation) {
    this.ledger = new RequestLedger({ env: inv.env, ctx: inv.ctx, key: inv.key, surface: "audio", requestedModel: inv.req.model, streamed: true });
    this.response = new Promise((r) => (this.respond = r));
  }

  async route(key: KeyContext): Promise<RouteResolution> {
    const r = await routeMedia(this.inv.env, key, "speech", this.inv.req, (endpoint, upstream) => {
      const wire = WIRES[endpoint.provider.media!.speech!(endpoint.upstreamModel)!];
      const prepared = wire.prepare(this.inv.req, endpoint);
      return { endpoint, upstream, wire, prepared, bound: { micros: prepared.bound } };
    });
    this.attempts = r.attempts;
    return r.route;
  }

  prepare = (_route: RouteResolution, endpoint: Endpoint) => this.attempts.get(endpoint)!;

  delivering = () => this.committed;

  /** A stream cut after it started: bill what is known (characters), else the reserved bound. */
  salvage(a: SpeechAttempt): Outcome | undefined {
    if (!this.committed) return undefined;
    const cost = this.metering && a.endpoint.pricing ? costMicros(a.endpoint.pricing, this.metering.usage, this.metering.media) : (a.prepared.bound ?? 0);
    return { endpoint: a.endpoint, usage: this.metering?.usage ?? { inputTokens: 0, outputTokens: 0 }, status: 499, costMicros: cost };
  }

  async send(a: SpeechAttempt, call: AttemptCall): Promise<Delivered<undefined>> {
    const started = Date.now();
    const res = await callUpstream(this.inv.env, a.upstream, {
      endpoint: a.endpoint, op: a.prepared.op, body: a.prepared.body, stream: true,
      signal: this.inv.clientSignal ?? new AbortController().signal, timeoutMs: call.timeoutMs,
    });
    let answer;
    try {
      answer = await a.wire.open(res, this.inv.req, a.prepared);
    } catch (err) {
      if (err instanceof GatewayError) throw err;
      throw malformed(a.endpoint, err instanceof Error ? err.message : undefined);
    }
    // Priced per character, the cost is known before the bytes flow: the answer carries it.
    const early = await Promise.race([answer.metered, Promise.resolve(undefined)]);
    const pricing = a.endpoint.pricing;
    const headers = mediaHeaders(this.ledger, a.endpoint, early && pricing ? costMicros(pricing, early.usage, early.media) : 0);
    if (!early || !pricing) delete headers["x-arouter-cost"];
    const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
    const piped = answer.body.pipeTo(writable);
    this.committed = true;
    this.respond(new Response(readable, { status: 200, headers: { ...headers, "content-type": answer.contentType } }));
    await piped;
    const m = (this.metering = await answer.metered);
    return {
      outcome: {
        endpoint: a.endpoint, usage: m.usage, status: 200, finishReason: "stop", servedModel: a.endpoint.modelId, firstTokenAt: started,
        costMicros: pricing ? costMicros(pricing, m.usage, m.media) : 0,
      },
      ttftMs: Date.now() - started,
      value: undefined,
    };
  }

  /** A failure before the answer started is an error response; after, the stream just ends. */
  fail(err: unknown): void {
    if (!this.committed) this.respond(renderError(openaiCodec, err, { "x-generation-id": this.ledger.id }));
  }
}
