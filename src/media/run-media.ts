// What the media endpoints (images, speech, transcription) share around the attempt runner:
// routing to the endpoints whose provider serves the API, one prepared attempt per endpoint, and
// upstream calls read whole (several in parallel for hosts that make one image per call).
import type { RoutingOptions, Usage } from "../canonical/types";
import type { MediaUsage } from "../catalog/media-pricing";
import { costMicros } from "../catalog/pricing";
import { codecFor } from "../codecs";
import type { UpstreamCodec } from "../codecs/codec";
import { openaiCodec } from "../codecs/openai";
import type { Env, WaitUntil } from "../env";
import { BadRequestError, GatewayError, UpstreamError } from "../errors/gateway-error";
import { runAttempts, type Attempt, type AttemptCall, type Delivered } from "../gateway/attempt-runner";
import { costHeaders, RequestLedger } from "../gateway/ledger";
import { renderError } from "../gateway/render-error";
import { callUpstreamText } from "../gateway/upstream";
import type { KeyContext } from "../keys/types";
import type { MediaKind, MediaOperation } from "../providers/types";
import { resolveRoute } from "../routing/resolve";
import type { Endpoint, RouteResolution } from "../routing/types";
import { safeJsonParse } from "../streams/json";
import type { Surface } from "../usage/types";

/** A media attempt: the endpoint, its cost bound, and the codec that reads the provider's errors. */
export interface MediaAttempt extends Attempt {
  upstream: UpstreamCodec;
}

/**
 * Routes a media request and prepares every candidate endpoint. Endpoints that cannot take the
 * request (a size or option their API lacks) are skipped; when none is left, the first reason is the error.
 */
export async function routeMedia<A extends MediaAttempt>(
  env: Env,
  key: KeyContext,
  kind: MediaKind,
  req: { model: string; routing?: RoutingOptions },
  prepare: (endpoint: Endpoint, upstream: UpstreamCodec) => A,
): Promise<{ route: RouteResolution; attempts: Map<Endpoint, A> }> {
  const resolved = await resolveRoute(env, { model: req.model, routing: req.routing }, { allowedProviders: key.allowedProviders, kind });
  const attempts = new Map<Endpoint, A>();
  let refusal: GatewayError | undefined;
  for (const endpoint of resolved.endpoints) {
    try {
      attempts.set(endpoint, prepare(endpoint, codecFor(endpoint.provider, endpoint.upstreamModel)));
    } catch (err) {
      if (!(err instanceof BadRequestError)) throw err;
      refusal ??= err;
    }
  }
  if (attempts.size === 0) throw refusal ?? new UpstreamError("No endpoint could serve the request");
  return { route: { ...resolved, endpoints: [...attempts.keys()] }, attempts };
}

/** Every body of an attempt in parallel, each read whole and parsed as JSON; the first failure aborts the rest. */
export async function callAllJson(
  env: Env,
  attempt: MediaAttempt,
  op: MediaOperation,
  bodies: ReadonlyArray<Record<string, unknown> | FormData>,
  call: AttemptCall,
  clientSignal: AbortSignal | undefined,
): Promise<unknown[]> {
  const abort = new AbortController();
  const onClientGone = () => abort.abort();
  clientSignal?.addEventListener("abort", onClientGone);
  try {
    const texts = await Promise.all(
      bodies.map((body) => callUpstreamText(env, attempt.upstream, { endpoint: attempt.endpoint, op, body, signal: abort.signal, timeoutMs: call.timeoutMs })),
    );
    return texts.map((t) => {
      const parsed = safeJsonParse(t);
      if (!parsed.ok) throw malformed(attempt.endpoint, parsed.error);
      return parsed.value;
    });
  } catch (err) {
    abort.abort();
    throw err;
  } finally {
    clientSignal?.removeEventListener("abort", onClientGone);
  }
}

/** A malformed answer is the upstream's failure (502: another endpoint may do better). */
export function malformed(endpoint: Endpoint, detail?: string): UpstreamError {
  const id = endpoint.provider.id;
  return new UpstreamError(`Upstream '${id}' sent a malformed response${detail ? `: ${detail}` : ""}`, { provider_name: id }, 502);
}

/** The headers of every media answer: which request, which endpoint, what it cost. */
export function mediaHeaders(ledger: RequestLedger, endpoint: Endpoint, costMicros: number): Record<string, string> {
  return {
    "x-generation-id": ledger.id,
    "x-arouter-provider": endpoint.provider.id,
    "x-arouter-model": endpoint.modelId,
    ...costHeaders(endpoint, costMicros),
  };
}

/** Who asked for a media call (the route's invocation). */
export interface MediaInvocation<R> {
  env: Env;
  ctx: WaitUntil;
  req: R;
  key: KeyContext;
  clientSignal?: AbortSignal;
}

/** A whole-answer media API (images, transcriptions): how to prepare, call and answer. */
export interface WholeMediaApi<R extends { model: string; routing?: RoutingOptions }, A extends MediaAttempt, V> {
  kind: MediaKind;
  surface: Surface;
  prepare(req: R, endpoint: Endpoint, upstream: UpstreamCodec): A;
  send(inv: MediaInvocation<R>, attempt: A, call: AttemptCall): Promise<Delivered<V>>;
  /** The caller's answer; `headers` name the request, the endpoint and the cost. */
  answer(value: V, endpoint: Endpoint, costMicros: number, headers: Record<string, string>): Response;
}

/**
 * One media request read whole through the attempt runner: route, per-endpoint prepare with its
 * cost bound, the calls, settlement; errors rendered in OpenAI's shape.
 */
export async function runWholeMedia<R extends { model: string; routing?: RoutingOptions }, A extends MediaAttempt, V>(
  api: WholeMediaApi<R, A, V>,
  inv: MediaInvocation<R>,
): Promise<Response> {
  const { env, ctx, req } = inv;
  const ledger = new RequestLedger({ env, ctx, key: inv.key, surface: api.surface, requestedModel: req.model, streamed: false });
  let attempts = new Map<Endpoint, A>();
  try {
    const { value, endpoint, costMicros: cost } = await runAttempts(
      ledger,
      {
        route: async (key) => {
          const r = await routeMedia(env, key, api.kind, req, (endpoint, upstream) => api.prepare(req, endpoint, upstream));
          attempts = r.attempts;
          return r.route;
        },
        prepare: (_route, endpoint) => attempts.get(endpoint)!,
        send: (attempt, call) => api.send(inv, attempt, call),
      },
      { env, ctx, signal: inv.clientSignal },
    );
    return api.answer(value, endpoint, cost, mediaHeaders(ledger, endpoint, cost));
  } catch (err) {
    return renderError(openaiCodec, err, { "x-generation-id": ledger.id });
  }
}

/** A produced answer's outcome, priced from the catalog (0 on an unpriced endpoint). */
export function mediaOutcome(endpoint: Endpoint, usage: Usage, media: MediaUsage): Delivered<undefined>["outcome"] {
  return {
    endpoint, usage, status: 200, finishReason: "stop", servedModel: endpoint.modelId, firstTokenAt: Date.now(),
    costMicros: endpoint.pricing ? costMicros(endpoint.pricing, usage, media) : 0,
  };
}
