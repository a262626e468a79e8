import type { CanonicalRequest } from "../../canonical/types";
import { BadRequestError } from "../../errors/gateway-error";
import { costMicros } from "../../catalog/pricing";
import { endpointCodec } from "../../codecs";
import type { Codec, EncodeContext, UpstreamCodec } from "../../codecs/codec";
import type { Env, WaitUntil } from "../../env";
import type { KeyContext } from "../../keys/types";
import { resolveRoute } from "../../routing/resolve";
import type { Endpoint, RouteResolution } from "../../routing/types";
import type { Surface } from "../../usage/types";
import type { Attempt } from "../attempt-runner";
import type { RequestLedger } from "../ledger";
import { estimateInputTokens } from "../meter";
import { chatCostBound } from "../../spend/unseen-costs";
import { droppedFeatures, requireNativeFeatures } from "./native-features";

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
  /** Keeps the answer (a stored Responses response); see AnswerKeeper. */
  keep?: AnswerKeeper;
}

/**
 * Keeps an answer once it is complete (the Responses surface's `store`). The surface encoder hands
 * the final answer to `capture` (EncodeContext.capture); the answer's last bytes — the JSON body,
 * a stream's final event — wait for `saved()`, so a request that continues it can read it at once.
 * A kept request is always re-encoded, never passed through: what is kept is what the caller got.
 */
export interface AnswerKeeper {
  capture(answer: Record<string, unknown>): void;
  saved(): Promise<void>;
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
  /** What the endpoint cannot take and was left out (parameters, a built-in tool), for the answer's header. */
  dropped: string[];
}

const DEFAULT_MAX_OUTPUT = 4096;

/** The route of a chat request for the calling key. */
export async function chatRoute(inv: ChatInvocation, key: KeyContext): Promise<RouteResolution> {
  const sessionId = inv.req.routing?.sessionId ?? inv.sessionId;
  const req = sessionId ? { ...inv.req, routing: { ...inv.req.routing, sessionId } } : inv.req;
  const route = await resolveRoute(inv.env, req, { allowedProviders: key.allowedProviders, kind: "chat", ctx: inv.ctx, bodyBytes: inv.rawBytes, sessionScope: key.hash });
  return requireNativeFeatures(route, inv.req, inv.surface.name);
}

export function prepareChatAttempt(inv: ChatInvocation, route: RouteResolution, endpoint: Endpoint): ChatAttempt {
  const upstream = endpointCodec(endpoint, inv.surface.name);
  // Image models answer with images unasked; speech-only models only with audio.
  const outs = endpoint.outputModalities ?? [];
  if (inv.surface.mediaOutput === false && (outs.includes("image") || (outs.includes("audio") && !outs.includes("text")))) {
    throw new BadRequestError(
      `Model '${endpoint.modelId}' answers with generated images or audio, which this API format cannot carry. ` +
        "Use /v1/chat/completions, /v1/responses or the Gemini API for it (or /v1/images/generations, /v1/audio/speech).",
    );
  }
  let req = route.adjust ? route.adjust(inv.req, endpoint) : inv.req;
  const dropped = droppedFeatures(req.nativeFeatures, upstream.name);
  // Reasoning settings are dropped for a model that takes none (OpenAI answers gpt-4o's
  // reasoning_effort with a 400); like OpenRouter, unsupported parameters are ignored.
  if (req.reasoning && endpoint.acceptsReasoning === false) {
    req = { ...req, reasoning: undefined };
    dropped.push("reasoning");
  }
  // Sampling parameters the catalog says a model does not take (OpenAI's reasoning models answer
  // temperature and top_p with a 400; their curated entries list neither).
  if ((req.temperature !== undefined || req.topP !== undefined) && endpoint.supportedParameters && !endpoint.supportedParameters.includes("temperature")) {
    if (req.temperature !== undefined) dropped.push("temperature");
    if (req.topP !== undefined) dropped.push("top_p");
    req = { ...req, temperature: undefined, topP: undefined };
  }
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
  // asked for another framing (Gemini's JSON array) is re-encoded instead. A clamped limit or a
  // dropped parameter must reach the upstream, and a kept answer must be the gateway's own (its
  // ids), so those re-encode too.
  const passthrough =
    upstream.name === inv.surface.name &&
    !route.adjust &&
    clampedFrom === undefined &&
    !inv.keep &&
    dropped.length === 0 &&
    upstream.passthroughRequest !== undefined &&
    !(req.stream && inv.framing === "json-array");
  const body = passthrough
    ? upstream.passthroughRequest!(inv.rawBody, endpoint.upstreamModel, req.stream)
    : upstream.encodeRequest(req, endpoint.upstreamModel);
  const estInputTokens = estimateInputTokens(inv.rawBytes, countImages(req));
  return {
    endpoint, upstream, req, body, passthrough, estInputTokens, maxOutputTokens, clampedFrom, dropped,
    // Server tools, content fetched by URL and pricier tiers are priced in too (or refused for a key with a limit).
    bound: chatCostBound({ upstream, req, endpoint, estInputTokens, maxOutputTokens }),
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
    request: inv.req,
    capture: inv.keep ? (answer) => inv.keep!.capture(answer) : undefined,
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
  if (attempt.dropped.length > 0) h["x-arouter-dropped"] = attempt.dropped.join(", ");
  return h;
}
