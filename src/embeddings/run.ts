/**
 * The embeddings pipeline, shared by both embeddings surfaces (OpenAI /v1/embeddings and the
 * Gemini :embedContent / :batchEmbedContents methods), through the attempt runner like chat:
 * route to the endpoints that can take the request → per endpoint encode, reserve the worst case
 * and call → decode → settle the real usage with the usage record (surface "embeddings") → encode
 * in the caller's format.
 */
import type { UpstreamFormatName } from "../canonical/types";
import { codecFor } from "../codecs";
import type { Codec, UpstreamCodec } from "../codecs/codec";
import type { Env, WaitUntil } from "../env";
import { BadRequestError, GatewayError, UpstreamError } from "../errors/gateway-error";
import { runAttempts, type Attempt, type AttemptCall, type Delivered } from "../gateway/attempt-runner";
import { costHeaders, RequestLedger } from "../gateway/ledger";
import { estimateInputTokens } from "../gateway/meter";
import { renderError } from "../gateway/render-error";
import { callUpstreamText } from "../gateway/upstream";
import type { KeyContext } from "../keys/types";
import { resolveRoute } from "../routing/resolve";
import type { Endpoint, RouteResolution } from "../routing/types";
import { safeJsonParse } from "../streams/json";
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

interface PreparedEmbedding extends Attempt {
  adapter: UpstreamAdapter;
  upstream: UpstreamCodec;
  bodies: unknown[];
}

/**
 * Endpoints that can take this request, each with its upstream bodies. Endpoints whose provider
 * has no embeddings API, or whose format cannot express the request (token ids to Gemini,
 * images to an OpenAI-format provider), are skipped; when none is left the first reason is the error.
 */
export function prepareEmbeddingAttempts(req: EmbeddingsRequest, endpoints: readonly Endpoint[], rawBytes: number): PreparedEmbedding[] {
  // Upper bound of the prompt tokens from the body size (embeddings have no output tokens).
  const bound = { tokens: { input: estimateInputTokens(rawBytes, 0), output: 0 } };
  const out: PreparedEmbedding[] = [];
  let refusal: GatewayError | undefined;
  for (const endpoint of endpoints) {
    const adapter = ADAPTERS[endpoint.provider.format];
    if (!adapter || endpoint.provider.supports?.embeddings !== true || endpoint.embedding === false) {
      refusal ??= new BadRequestError(`Model '${endpoint.modelId}' is not an embeddings model: provider '${endpoint.provider.id}' does not serve embeddings for it.`);
      continue;
    }
    try {
      out.push({ endpoint, adapter, upstream: codecFor(endpoint.provider, endpoint.upstreamModel), bodies: adapter.encode(req, endpoint), bound });
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
  const ledger = new RequestLedger({ env, ctx, key: inv.key, surface: "embeddings", requestedModel: req.model, streamed: false });
  // Each endpoint's bodies are encoded once, while routing decides which endpoints can take them.
  let prepared = new Map<Endpoint, PreparedEmbedding>();
  const route = async (key: KeyContext): Promise<RouteResolution> => {
    const resolved = await resolveRoute(env, { model: req.model, routing: req.routing }, { allowedProviders: key.allowedProviders, kind: "embeddings" });
    const list = prepareEmbeddingAttempts(req, resolved.endpoints, inv.rawBytes);
    prepared = new Map(list.map((p) => [p.endpoint, p]));
    return { ...resolved, endpoints: list.map((p) => p.endpoint) };
  };
  try {
    const { value, endpoint, costMicros } = await runAttempts(
      ledger,
      { route, prepare: (_route, endpoint) => prepared.get(endpoint)!, send: (attempt, call) => send(inv, attempt, call) },
      { env, ctx, signal: inv.clientSignal },
    );
    const body = inv.surface.encodeResponse(value, {
      model: endpoint.modelId,
      costUsd: endpoint.pricing ? costMicros / 1e6 : undefined,
      encodingFormat: req.encodingFormat,
    });
    const headers = {
      "x-generation-id": ledger.id, "x-arouter-provider": endpoint.provider.id, "x-arouter-model": endpoint.modelId,
      ...costHeaders(endpoint, costMicros), "content-type": "application/json",
    };
    return new Response(JSON.stringify(body), { status: 200, headers });
  } catch (err) {
    return renderError(inv.surface.errorCodec, err, { "x-generation-id": ledger.id });
  }
}

/** Every body of the attempt in parallel (the first failure aborts the others), decoded as one answer. */
async function send(inv: EmbeddingsInvocation, attempt: PreparedEmbedding, call: AttemptCall): Promise<Delivered<EmbeddingsResponse>> {
  const started = Date.now();
  const abort = new AbortController();
  const onClientGone = () => abort.abort();
  inv.clientSignal?.addEventListener("abort", onClientGone);
  let texts: string[];
  try {
    texts = await Promise.all(
      attempt.bodies.map((body) =>
        callUpstreamText(inv.env, attempt.upstream, { endpoint: attempt.endpoint, op: "embeddings", body, signal: abort.signal, timeoutMs: call.timeoutMs }),
      ),
    );
  } catch (err) {
    abort.abort();
    throw err;
  } finally {
    inv.clientSignal?.removeEventListener("abort", onClientGone);
  }
  const decoded = decode(attempt, texts, inv.req);
  return {
    outcome: {
      endpoint: attempt.endpoint,
      usage: { inputTokens: decoded.usage.inputTokens, outputTokens: 0 },
      status: 200,
      servedModel: decoded.model || attempt.endpoint.modelId,
      firstTokenAt: Date.now(),
    },
    ttftMs: Date.now() - started,
    value: decoded,
  };
}

/** A malformed answer is the upstream's failure (502: another endpoint may do better). */
function decode(attempt: PreparedEmbedding, texts: string[], req: EmbeddingsRequest): EmbeddingsResponse {
  try {
    const json = texts.map((t) => {
      const parsed = safeJsonParse(t);
      if (!parsed.ok) throw new Error(parsed.error);
      return parsed.value;
    });
    return attempt.adapter.decode(json, attempt.bodies, req);
  } catch (err) {
    const detail = err instanceof Error ? `: ${err.message}` : "";
    throw new UpstreamError(`Upstream '${attempt.endpoint.provider.id}' sent a malformed embeddings response${detail}`, { provider_name: attempt.endpoint.provider.id }, 502);
  }
}
