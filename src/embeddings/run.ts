/**
 * The embeddings pipeline, shared by both embeddings surfaces (OpenAI /v1/embeddings and the
 * Gemini :embedContent / :batchEmbedContents methods). Mirrors the non-streamed chat path
 * (src/gateway/chat.ts): resolve → per endpoint: reserve worst case → call upstream → on a
 * retryable failure release and try the next endpoint → decode → settle the real usage and write
 * the usage record (surface "embeddings") → encode in the caller's format.
 */
import { newGenerationId } from "../canonical/ids";
import type { UpstreamFormatName } from "../canonical/types";
import { codecFor } from "../codecs";
import type { Codec, UpstreamCodec } from "../codecs/codec";
import type { Env, WaitUntil } from "../env";
import { BadRequestError, GatewayError, UpstreamError } from "../errors/gateway-error";
import { releaseOutcome, reserveFor, settleOutcome, type KeyContext, type RequestFacts, type Reservation } from "../gateway/accounting";
import { candidates, describeFailure, upstreamTimeoutMs, withAttempts } from "../gateway/attempt-plan";
import { responseHeaders, statusOf } from "../gateway/chat";
import { estimateInputTokens } from "../gateway/meter";
import { renderError } from "../gateway/render-error";
import { callUpstream, isRetryable } from "../gateway/upstream";
import { recordOutcome } from "../routing/health";
import { resolveRoute } from "../routing/resolve";
import type { Endpoint } from "../routing/types";
import { decodeGeminiEmbedResponses, encodeGeminiEmbedRequests, type GeminiBatchEmbedBody } from "./gemini-embeddings";
import { decodeOpenAIEmbeddingsResponse, encodeOpenAIEmbeddingsRequest } from "./openai-embeddings";
import type { EmbeddingsEncodeContext, EmbeddingsRequest, EmbeddingsResponse } from "./types";

/** A caller-facing embeddings format. */
export interface EmbeddingsSurface {
  /** Renders errors in this surface's envelope. */
  errorCodec: Codec;
  encodeResponse(res: EmbeddingsResponse, ctx: EmbeddingsEncodeContext): unknown;
}

export interface EmbeddingsInvocation {
  env: Env;
  ctx: WaitUntil;
  surface: EmbeddingsSurface;
  req: EmbeddingsRequest;
  /** Size of the caller's body, for the worst-case reservation. */
  rawBytes: number;
  key: KeyContext;
  /** Aborted when the client goes away. */
  clientSignal?: AbortSignal;
}

/** How to talk embeddings to an upstream of one wire format. */
interface UpstreamAdapter {
  /** One or more request bodies (Gemini batches are capped); throws BadRequestError when the request cannot be expressed. */
  encode(req: EmbeddingsRequest, endpoint: Endpoint): unknown[];
  /** The parsed JSON of each body's response, in order → one canonical response. */
  decode(bodies: unknown[], sent: unknown[], req: EmbeddingsRequest): EmbeddingsResponse;
}

const ADAPTERS: Partial<Record<UpstreamFormatName, UpstreamAdapter>> = {
  openai: {
    encode: (req, e) => [encodeOpenAIEmbeddingsRequest(req, e.upstreamModel, e.provider.id)],
    decode: (bodies, _sent, req) => decodeOpenAIEmbeddingsResponse(bodies[0], req.inputs),
  },
  gemini: {
    encode: (req, e) => encodeGeminiEmbedRequests(req, e.upstreamModel, e.provider.id),
    decode: (bodies, sent) => decodeGeminiEmbedResponses(bodies, sent as GeminiBatchEmbedBody[]),
  },
};

interface PreparedEmbedding {
  endpoint: Endpoint;
  adapter: UpstreamAdapter;
  upstream: UpstreamCodec;
  bodies: unknown[];
}

/**
 * Endpoints that can take this request, each with its upstream bodies. Endpoints whose provider
 * has no embeddings API, or whose format cannot express the request (token ids to Gemini,
 * images to an OpenAI-format provider), are skipped; when none is left the first reason is the error.
 */
export function prepareEmbeddingAttempts(req: EmbeddingsRequest, endpoints: readonly Endpoint[]): PreparedEmbedding[] {
  const out: PreparedEmbedding[] = [];
  let refusal: GatewayError | undefined;
  for (const endpoint of endpoints) {
    const adapter = ADAPTERS[endpoint.provider.format];
    if (!adapter || endpoint.provider.supports?.embeddings !== true || endpoint.embedding === false) {
      refusal ??= new BadRequestError(`Model '${endpoint.modelId}' is not an embeddings model: provider '${endpoint.provider.id}' does not serve embeddings for it.`);
      continue;
    }
    try {
      out.push({ endpoint, adapter, upstream: codecFor(endpoint.provider, endpoint.upstreamModel), bodies: adapter.encode(req, endpoint) });
    } catch (err) {
      if (!(err instanceof BadRequestError)) throw err;
      refusal ??= err;
    }
  }
  if (out.length === 0) throw refusal ?? new UpstreamError("No endpoint could serve the request");
  return out;
}

export async function runEmbeddings(inv: EmbeddingsInvocation): Promise<Response> {
  const { env, ctx, req } = inv;
  const facts: RequestFacts = {
    id: newGenerationId(),
    key: inv.key,
    surface: "embeddings",
    requestedModel: req.model,
    streamed: false,
    startedAt: Date.now(),
  };
  const route = await resolveRoute(env, { model: req.model, routing: req.routing }, { allowedProviders: inv.key.allowedProviders, kind: "embeddings" });
  const list = prepareEmbeddingAttempts(req, candidates(route));
  // Upper bound of the prompt tokens from the body size (embeddings have no output tokens).
  const estInputTokens = estimateInputTokens(inv.rawBytes, 0);
  const attempts: string[] = [];
  for (let i = 0; i < list.length; i++) {
    const attempt = list[i];
    const reservation = await reserveFor(env, facts, attempt.endpoint, estInputTokens, 0);
    let responses: Response[];
    try {
      responses = await callAll(inv, attempt);
    } catch (err) {
      recordOutcome(env, ctx, attempt.endpoint, { ok: false, status: err instanceof UpstreamError ? err.upstreamStatus : 504 });
      const last = i === list.length - 1 || !route.allowFallbacks || !isRetryable(err);
      attempts.push(describeFailure(attempt.endpoint, err));
      if (!last) {
        releaseOutcome(env, ctx, facts, reservation);
        continue;
      }
      releaseOutcome(env, ctx, facts, reservation, { endpoint: attempt.endpoint, usage: { inputTokens: 0, outputTokens: 0 }, status: statusOf(err) });
      return renderError(inv.surface.errorCodec, withAttempts(err, attempts), { "x-generation-id": facts.id });
    }
    return finish(inv, facts, attempt, reservation, responses);
  }
  throw new UpstreamError("No endpoint could serve the request");
}

/** Every body of the attempt in parallel; the first failure aborts the others. */
async function callAll(inv: EmbeddingsInvocation, attempt: PreparedEmbedding): Promise<Response[]> {
  const abort = new AbortController();
  const signal = inv.clientSignal ? AbortSignal.any([inv.clientSignal, abort.signal]) : abort.signal;
  try {
    return await Promise.all(
      attempt.bodies.map((body) =>
        callUpstream(inv.env, attempt.upstream, {
          endpoint: attempt.endpoint,
          op: "embeddings",
          body,
          stream: false,
          signal,
          timeoutMs: upstreamTimeoutMs(inv.env),
        }),
      ),
    );
  } catch (err) {
    abort.abort();
    throw err;
  }
}

async function finish(inv: EmbeddingsInvocation, facts: RequestFacts, attempt: PreparedEmbedding, reservation: Reservation, responses: Response[]): Promise<Response> {
  const { env, ctx, req } = inv;
  const { endpoint } = attempt;
  let decoded: EmbeddingsResponse;
  try {
    const json = await Promise.all(responses.map((r) => r.json()));
    decoded = attempt.adapter.decode(json, attempt.bodies, req);
  } catch (err) {
    const detail = err instanceof Error ? `: ${err.message}` : "";
    const e = new UpstreamError(`Upstream '${endpoint.provider.id}' sent a malformed embeddings response${detail}`, { provider_name: endpoint.provider.id }, 502);
    recordOutcome(env, ctx, endpoint, { ok: false, status: 502 });
    releaseOutcome(env, ctx, facts, reservation, { endpoint, usage: { inputTokens: 0, outputTokens: 0 }, status: 502 });
    return renderError(inv.surface.errorCodec, e, { "x-generation-id": facts.id });
  }
  recordOutcome(env, ctx, endpoint, { ok: true, status: 200, ttftMs: Date.now() - facts.startedAt });
  const cost = settleOutcome(env, ctx, facts, reservation, {
    endpoint,
    usage: { inputTokens: decoded.usage.inputTokens, outputTokens: 0 },
    status: 200,
    servedModel: decoded.model || endpoint.modelId,
    firstTokenAt: Date.now(),
  });
  const body = inv.surface.encodeResponse(decoded, {
    model: endpoint.modelId,
    costUsd: endpoint.pricing ? cost / 1e6 : undefined,
    encodingFormat: req.encodingFormat,
  });
  const headers: Record<string, string> = { ...responseHeaders(facts, endpoint), "content-type": "application/json" };
  // An unpriced model's cost is unknown, not $0: no header (as usage.cost is left out).
  if (endpoint.pricing) headers["x-arouter-cost"] = (cost / 1e6).toFixed(6);
  return new Response(JSON.stringify(body), { status: 200, headers });
}
