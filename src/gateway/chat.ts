import type { CanonicalRequest, CanonicalResponse } from "../canonical/types";
import { newGenerationId } from "../canonical/ids";
import { codecFor } from "../codecs";
import type { Codec, EncodeContext, UpstreamCodec } from "../codecs/codec";
import type { Env, WaitUntil } from "../env";
import { BadRequestError, GatewayError, UpstreamError } from "../errors/gateway-error";
import { recordOutcome } from "../routing/health";
import { resolveRoute } from "../routing/resolve";
import type { Endpoint, RouteResolution } from "../routing/types";
import {
  confirmKey, KeyChanged, releaseBeforeRetry, releaseOutcome, reserveFor, settleOutcome,
  type KeyContext, type RequestFacts, type Reservation, type Surface,
} from "./accounting";
import { currentKey } from "../keys/hot-path";
import { estimateInputTokens } from "./meter";
import { renderError } from "./render-error";
import { streamChat } from "./stream-chat";
import { AttemptPlan } from "./attempt-plan";
import { callUpstreamText } from "./upstream";
import { safeJsonParse } from "../streams/json";
import { costMicros } from "../catalog/pricing";

export interface ChatInvocation {
  env: Env;
  ctx: WaitUntil;
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

/** One attempt's prepared upstream call. */
export interface PreparedAttempt {
  endpoint: Endpoint;
  upstream: UpstreamCodec;
  req: CanonicalRequest;
  body: Record<string, unknown>;
  passthrough: boolean;
  estInputTokens: number;
  maxOutputTokens: number;
}

const DEFAULT_MAX_OUTPUT = 4096;

export function prepareAttempt(inv: ChatInvocation, route: RouteResolution, endpoint: Endpoint): PreparedAttempt {
  const upstream = codecFor(endpoint.provider, endpoint.upstreamModel);
  let req = route.adjust ? route.adjust(inv.req, endpoint) : inv.req;
  // Reasoning settings are dropped for a model that takes none (OpenAI answers gpt-4o's
  // reasoning_effort with a 400); like OpenRouter, unsupported parameters are ignored.
  if (req.reasoning && endpoint.acceptsReasoning === false) req = { ...req, reasoning: undefined };
  if (req.maxTokens !== undefined && endpoint.maxOutputTokens && req.maxTokens > endpoint.maxOutputTokens) {
    throw new BadRequestError(
      `max_tokens (${req.maxTokens}) exceeds the maximum output of ${endpoint.modelId} (${endpoint.maxOutputTokens} tokens).`,
    );
  }
  const maxOutputTokens = req.maxTokens ?? endpoint.maxOutputTokens ?? DEFAULT_MAX_OUTPUT;
  // Formats that require max_tokens (Anthropic) get the model's own maximum, not a small guess.
  if (req.maxTokens === undefined && endpoint.maxOutputTokens) req = { ...req, maxTokens: endpoint.maxOutputTokens };
  // Same format → the caller's own body and bytes. Upstream streams are always SSE, so a caller that
  // asked for another framing (Gemini's JSON array) is re-encoded instead.
  const passthrough =
    upstream.name === inv.surface.name &&
    !route.adjust &&
    upstream.passthroughRequest !== undefined &&
    !(req.stream && inv.framing === "json-array");
  const body = passthrough
    ? upstream.passthroughRequest!(inv.rawBody, endpoint.upstreamModel, req.stream)
    : upstream.encodeRequest(req, endpoint.upstreamModel);
  const images = countImages(req);
  return { endpoint, upstream, req, body, passthrough, estInputTokens: estimateInputTokens(inv.rawBytes, images), maxOutputTokens };
}

function countImages(req: CanonicalRequest): number {
  let n = 0;
  for (const m of req.messages) for (const p of m.content) if (p.type === "image") n++;
  return n;
}

/** What a failed attempt tells endpoint health: its status and any Retry-After. */
export function failureOutcome(err: unknown): { ok: false; status: number | undefined; retryAfterMs?: number } {
  const status = err instanceof UpstreamError ? err.upstreamStatus : 504;
  const retryAfter = err instanceof GatewayError ? err.retryAfter : undefined;
  return retryAfter !== undefined ? { ok: false, status, retryAfterMs: retryAfter * 1000 } : { ok: false, status };
}

/** Output tokens per second over a span of ms (undefined when nothing was generated). */
export function tokensPerSecond(outputTokens: number, ms: number): number | undefined {
  return outputTokens > 0 ? outputTokens / (Math.max(ms, 1) / 1000) : undefined;
}

/** A request admitted by its key's Durable Object: its route, its attempt plan and the first attempt's reservation. */
export interface Admitted {
  route: RouteResolution;
  plan: AttemptPlan;
  attempt: PreparedAttempt;
  reservation: Reservation;
}

/** Entry point of every chat-like surface. */
export async function runChat(inv: ChatInvocation): Promise<Response> {
  const facts: RequestFacts = {
    id: newGenerationId(),
    key: inv.key,
    surface: inv.surfaceName,
    requestedModel: inv.req.model,
    streamed: inv.req.stream,
    startedAt: Date.now(),
  };
  let admitted: Admitted;
  try {
    admitted = await admit(inv, facts);
  } catch (err) {
    // Routed with a cached copy of the key: a key no longer valid answers 401/403 before anything
    // else, and one that changed (allowed providers…) routes again with its current config.
    const current = await confirmKey(inv.env, facts.key);
    if (current === facts.key || current.version === facts.key.version) return renderError(inv.surface, err, { "x-generation-id": facts.id });
    facts.key = current;
    try {
      admitted = await admit(inv, facts);
    } catch (again) {
      return renderError(inv.surface, again, { "x-generation-id": facts.id });
    }
  }
  return inv.req.stream ? streamChat(inv, facts, admitted) : completeChat(inv, facts, admitted);
}

/**
 * Route, then reserve for the first endpoint: the reservation is the key's one Durable Object call
 * before the upstream call, and it checks the key too. The key's config may come from the
 * isolate's cache; if the object holds a newer version, the request is routed again with it.
 */
async function admit(inv: ChatInvocation, facts: RequestFacts): Promise<Admitted> {
  const sessionId = inv.req.routing?.sessionId ?? inv.sessionId;
  const routeReq = sessionId ? { ...inv.req, routing: { ...inv.req.routing, sessionId } } : inv.req;
  for (let tries = 0; ; tries++) {
    const route = await resolveRoute(inv.env, routeReq, { allowedProviders: facts.key.allowedProviders, kind: "chat", ctx: inv.ctx });
    const plan = new AttemptPlan(inv.env, route, facts.startedAt);
    const attempt = prepareAttempt(inv, route, plan.endpoint);
    try {
      // A third routing (two changes while one request routes) skips the check: the object still
      // enforces the key's current state, it just no longer re-routes for it.
      const reservation = await reserveFor(inv.env, facts, attempt.endpoint, attempt.estInputTokens, attempt.maxOutputTokens, tries < 2);
      return { route, plan, attempt, reservation };
    } catch (err) {
      if (!(err instanceof KeyChanged)) throw err;
      facts.key = currentKey(err.key, err.version, err.spend);
    }
  }
}

export function encodeContext(facts: RequestFacts, endpoint: Endpoint, inv: ChatInvocation): EncodeContext {
  const pricing = endpoint.pricing;
  return {
    id: facts.id,
    model: endpoint.modelId,
    provider: endpoint.provider.id,
    created: Math.floor(facts.startedAt / 1000),
    cost: pricing ? (u) => costMicros(pricing, u) / 1e6 : undefined,
    includeReasoning: inv.req.reasoning?.exclude !== true,
    framing: inv.framing,
  };
}

export function responseHeaders(facts: RequestFacts, endpoint: Endpoint): Record<string, string> {
  return { "x-generation-id": facts.id, "x-arouter-provider": endpoint.provider.id, "x-arouter-model": endpoint.modelId };
}

async function completeChat(inv: ChatInvocation, facts: RequestFacts, admitted: Admitted): Promise<Response> {
  const { route, plan } = admitted;
  let first: Admitted | undefined = admitted;
  for (;;) {
    const attempt = first ? first.attempt : prepareAttempt(inv, route, plan.endpoint);
    const reservation = first ? first.reservation : await reserveFor(inv.env, facts, attempt.endpoint, attempt.estInputTokens, attempt.maxOutputTokens);
    first = undefined;
    const attemptStart = Date.now();
    let json: unknown;
    let decoded: CanonicalResponse;
    try {
      const text = await callUpstreamText(inv.env, attempt.upstream, {
        endpoint: attempt.endpoint,
        op: "chat",
        body: attempt.body,
        headers: inv.forwardHeaders,
        signal: inv.clientSignal ?? new AbortController().signal,
        timeoutMs: plan.attemptTimeoutMs(),
      });
      ({ json, decoded } = readComplete(attempt, text));
    } catch (err) {
      recordOutcome(inv.env, inv.ctx, attempt.endpoint, failureOutcome(err));
      if (await plan.next(err, inv.clientSignal)) {
        await releaseBeforeRetry(inv.env, facts, reservation);
        continue;
      }
      const status = inv.clientSignal?.aborted ? 499 : statusOf(err);
      releaseOutcome(inv.env, inv.ctx, facts, reservation, { endpoint: attempt.endpoint, usage: { inputTokens: 0, outputTokens: 0 }, status });
      return renderError(inv.surface, plan.finalError(err), { "x-generation-id": facts.id });
    }
    return finishComplete(inv, facts, attempt, reservation, json, decoded, attemptStart);
  }
}

/** Decodes a non-streamed answer; a cut or malformed body is the upstream's failure (retryable). */
function readComplete(attempt: PreparedAttempt, text: string): { json: unknown; decoded: CanonicalResponse } {
  const id = attempt.endpoint.provider.id;
  const parsed = safeJsonParse(text);
  if (!parsed.ok) {
    throw new UpstreamError(`Upstream '${id}' sent an incomplete or malformed response: ${parsed.error}`, { provider_name: id }, 502);
  }
  try {
    return { json: parsed.value, decoded: attempt.upstream.decodeResponse(parsed.value) };
  } catch (err) {
    if (err instanceof UpstreamError) throw err;
    throw new UpstreamError(`Upstream '${id}' sent a malformed response`, { provider_name: id }, 502);
  }
}

function finishComplete(
  inv: ChatInvocation, facts: RequestFacts, attempt: PreparedAttempt, reservation: Reservation, json: unknown, decoded: CanonicalResponse, attemptStart: number,
): Response {
  const { endpoint } = attempt;
  const ms = Date.now() - attemptStart;
  recordOutcome(inv.env, inv.ctx, endpoint, { ok: true, status: 200, ttftMs: ms, tokensPerSecond: tokensPerSecond(decoded.usage.outputTokens, ms) });
  const cost = settleOutcome(inv.env, inv.ctx, facts, reservation, {
    endpoint,
    usage: decoded.usage,
    status: 200,
    finishReason: decoded.finishReason,
    servedModel: decoded.model,
    firstTokenAt: Date.now(),
  });
  const headers: Record<string, string> = { ...responseHeaders(facts, endpoint), "content-type": "application/json" };
  // An unpriced model's cost is unknown, not $0: no header (as usage.cost is left out).
  if (endpoint.pricing) headers["x-arouter-cost"] = (cost / 1e6).toFixed(6);
  // Same format: the upstream's own body, untouched (server tools, citations, signatures survive).
  const body = attempt.passthrough ? json : inv.surface.encodeResponse(decoded, encodeContext(facts, endpoint, inv));
  return new Response(JSON.stringify(body), { status: 200, headers });
}

export function statusOf(err: unknown): number {
  if (err instanceof UpstreamError) return err.status;
  if (err && typeof err === "object" && "status" in err && typeof err.status === "number") return err.status;
  return 502;
}
