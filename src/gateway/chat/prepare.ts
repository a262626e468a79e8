import type { CanonicalRequest } from "../../canonical/types";
import { BadRequestError } from "../../errors/gateway-error";
import { costMicros } from "../../catalog/pricing";
import { codecFor } from "../../codecs";
import type { Codec, EncodeContext, UpstreamCodec } from "../../codecs/codec";
import type { Env, WaitUntil } from "../../env";
import type { KeyContext } from "../../keys/types";
import { resolveRoute } from "../../routing/resolve";
import type { Endpoint, RouteResolution } from "../../routing/types";
import type { Surface } from "../../usage/types";
import type { Attempt } from "../attempt-runner";
import type { RequestLedger } from "../ledger";
import { estimateInputTokens } from "../meter";

/** A chat request as a surface decoded it. */
export interface ChatInvocation {
  env: Env;
  ctx: WaitUntil;
  /** The caller's wire format: decodes nothing here, encodes the answer and errors. */
  surface: Codec;
  surfaceName: Surface;
  req: CanonicalRequest;
  /** The caller's body as received, for same-format passthrough. */
  rawBody: Record<string, unknown>;
  rawBytes: number;
  key: KeyContext;
  /** Caller headers forwarded to same-format upstreams (anthropic-version, anthropic-beta). */
  forwardHeaders?: Record<string, string>;
  framing?: EncodeContext["framing"];
  /** Aborted when the client goes away. */
  clientSignal?: AbortSignal;
  /** The `x-session-id` header: keeps `auto` on one model per session (a body `session_id` wins). */
  sessionId?: string;
}

/** One endpoint's prepared chat call. */
export interface ChatAttempt extends Attempt {
  upstream: UpstreamCodec;
  req: CanonicalRequest;
  body: Record<string, unknown>;
  /** Same format in and out: the caller's body goes up and the upstream's bytes come back. */
  passthrough: boolean;
  estInputTokens: number;
  maxOutputTokens: number;
  /** The caller's output limit when it was above the endpoint's maximum (and was lowered to it). */
  clampedFrom?: number;
}

const DEFAULT_MAX_OUTPUT = 4096;

/** The route of a chat request for the calling key. */
export function chatRoute(inv: ChatInvocation, key: KeyContext): Promise<RouteResolution> {
  const sessionId = inv.req.routing?.sessionId ?? inv.sessionId;
  const req = sessionId ? { ...inv.req, routing: { ...inv.req.routing, sessionId } } : inv.req;
  return resolveRoute(inv.env, req, { allowedProviders: key.allowedProviders, kind: "chat", ctx: inv.ctx, bodyBytes: inv.rawBytes });
}

export function prepareChatAttempt(inv: ChatInvocation, route: RouteResolution, endpoint: Endpoint): ChatAttempt {
  const upstream = codecFor(endpoint.provider, endpoint.upstreamModel);
  // Image models answer with images unasked; speech-only models only with audio.
  const outs = endpoint.outputModalities ?? [];
  if (inv.surface.mediaOutput === false && (outs.includes("image") || (outs.includes("audio") && !outs.includes("text")))) {
    throw new BadRequestError(
      `Model '${endpoint.modelId}' answers with generated images or audio, which this API format cannot carry. ` +
        "Use /v1/chat/completions, /v1/responses or the Gemini API for it (or /v1/images/generations, /v1/audio/speech).",
    );
  }
  let req = route.adjust ? route.adjust(inv.req, endpoint) : inv.req;
  // Reasoning settings are dropped for a model that takes none (OpenAI answers gpt-4o's
  // reasoning_effort with a 400); like OpenRouter, unsupported parameters are ignored.
  if (req.reasoning && endpoint.acceptsReasoning === false) req = { ...req, reasoning: undefined };
  // An output limit is a ceiling the client sets, not a demand: Claude Code asks every model it
  // does not know for 32,000 tokens. Above the endpoint's maximum it is lowered to it (and said so).
  let clampedFrom: number | undefined;
  if (req.maxTokens !== undefined && endpoint.maxOutputTokens && req.maxTokens > endpoint.maxOutputTokens) {
    clampedFrom = req.maxTokens;
    req = { ...req, maxTokens: endpoint.maxOutputTokens };
  }
  const maxOutputTokens = req.maxTokens ?? endpoint.maxOutputTokens ?? DEFAULT_MAX_OUTPUT;
  // Formats that require max_tokens (Anthropic) get the model's own maximum, not a small guess.
  if (req.maxTokens === undefined && endpoint.maxOutputTokens) req = { ...req, maxTokens: endpoint.maxOutputTokens };
  // Same format → the caller's own body and bytes. Upstream streams are always SSE, so a caller that
  // asked for another framing (Gemini's JSON array) is re-encoded instead. A clamped limit must
  // reach the upstream, so it re-encodes too.
  const passthrough =
    upstream.name === inv.surface.name &&
    !route.adjust &&
    clampedFrom === undefined &&
    upstream.passthroughRequest !== undefined &&
    !(req.stream && inv.framing === "json-array");
  const body = passthrough
    ? upstream.passthroughRequest!(inv.rawBody, endpoint.upstreamModel, req.stream)
    : upstream.encodeRequest(req, endpoint.upstreamModel);
  const estInputTokens = estimateInputTokens(inv.rawBytes, countImages(req));
  return {
    endpoint, upstream, req, body, passthrough, estInputTokens, maxOutputTokens, clampedFrom,
    bound: { tokens: { input: estInputTokens, output: maxOutputTokens } },
  };
}

function countImages(req: CanonicalRequest): number {
  let n = 0;
  for (const m of req.messages) for (const p of m.content) if (p.type === "image") n++;
  return n;
}

/** What the caller-format encoder needs to know about the answering endpoint. */
export function encodeContext(ledger: RequestLedger, endpoint: Endpoint, inv: ChatInvocation): EncodeContext {
  const pricing = endpoint.pricing;
  return {
    id: ledger.id,
    model: endpoint.modelId,
    provider: endpoint.provider.id,
    created: Math.floor(ledger.startedAt / 1000),
    cost: pricing ? (u) => costMicros(pricing, u) / 1e6 : undefined,
    includeReasoning: inv.req.reasoning?.exclude !== true,
    framing: inv.framing,
    // What the caller asked for (the audio format its answer must be in).
    request: inv.req,
  };
}

/** Headers of every answer: which request, which endpoint, and a lowered output limit. */
export function answerHeaders(ledger: RequestLedger, attempt: ChatAttempt): Record<string, string> {
  const h: Record<string, string> = {
    "x-generation-id": ledger.id,
    "x-arouter-provider": attempt.endpoint.provider.id,
    "x-arouter-model": attempt.endpoint.modelId,
  };
  if (attempt.clampedFrom !== undefined) h["x-arouter-max-tokens-clamped"] = `${attempt.clampedFrom}->${attempt.maxOutputTokens}`;
  return h;
}
