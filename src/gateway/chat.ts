import type { CanonicalRequest, CanonicalResponse } from "../canonical/types";
import { newGenerationId } from "../canonical/ids";
import { codecFor } from "../codecs";
import type { Codec, EncodeContext } from "../codecs/codec";
import type { Env, WaitUntil } from "../env";
import { BadRequestError, UpstreamError } from "../errors/gateway-error";
import { recordOutcome, isCoolingDown } from "../routing/health";
import { resolveRoute } from "../routing/resolve";
import type { Endpoint, RouteResolution } from "../routing/types";
import { releaseOutcome, reserveFor, settleOutcome, type KeyContext, type RequestFacts, type Reservation, type Surface } from "./accounting";
import { estimateInputTokens } from "./meter";
import { renderError } from "./render-error";
import { streamChat } from "./stream-chat";
import { callUpstream, isRetryable } from "./upstream";
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
}

/** One attempt's prepared upstream call. */
export interface PreparedAttempt {
  endpoint: Endpoint;
  upstream: Codec;
  req: CanonicalRequest;
  body: Record<string, unknown>;
  passthrough: boolean;
  estInputTokens: number;
  maxOutputTokens: number;
}

const DEFAULT_MAX_OUTPUT = 4096;

export function prepareAttempt(inv: ChatInvocation, route: RouteResolution, endpoint: Endpoint): PreparedAttempt {
  const upstream = codecFor(endpoint.provider);
  let req = route.adjust ? route.adjust(inv.req, endpoint) : inv.req;
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

export function upstreamTimeoutMs(env: Env): number {
  return Number(env.UPSTREAM_TIMEOUT_MS) || 60_000;
}

/** Candidates minus endpoints cooling down, unless that would leave none. */
export function candidates(route: RouteResolution): Endpoint[] {
  const healthy = route.endpoints.filter((e) => !isCoolingDown(e));
  return healthy.length > 0 ? healthy : route.endpoints;
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
  const route = await resolveRoute(inv.env, inv.req, { allowedProviders: facts.key.allowedProviders, kind: "chat" });
  return inv.req.stream ? streamChat(inv, facts, route) : completeChat(inv, facts, route);
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

async function completeChat(inv: ChatInvocation, facts: RequestFacts, route: RouteResolution): Promise<Response> {
  const list = candidates(route);
  const attempts: string[] = [];
  for (let i = 0; i < list.length; i++) {
    const attempt = prepareAttempt(inv, route, list[i]);
    const reservation = await reserveFor(inv.env, facts, attempt.endpoint, attempt.estInputTokens, attempt.maxOutputTokens);
    let res: Response;
    try {
      res = await callUpstream(inv.env, attempt.upstream, {
        endpoint: attempt.endpoint,
        op: "chat",
        body: attempt.body,
        stream: false,
        headers: inv.forwardHeaders,
        signal: inv.clientSignal ?? new AbortController().signal,
        timeoutMs: upstreamTimeoutMs(inv.env),
      });
    } catch (err) {
      recordOutcome(inv.env, inv.ctx, attempt.endpoint, { ok: false, status: err instanceof UpstreamError ? err.upstreamStatus : 504 });
      const last = i === list.length - 1 || !route.allowFallbacks || !isRetryable(err);
      attempts.push(describeFailure(attempt.endpoint, err));
      if (!last) {
        releaseOutcome(inv.env, inv.ctx, facts, reservation);
        continue;
      }
      const status = err instanceof UpstreamError || err instanceof Error ? statusOf(err) : 502;
      releaseOutcome(inv.env, inv.ctx, facts, reservation, { endpoint: attempt.endpoint, usage: { inputTokens: 0, outputTokens: 0 }, status });
      return renderError(inv.surface, withAttempts(err, attempts), { "x-generation-id": facts.id });
    }
    return finishComplete(inv, facts, attempt, reservation, res);
  }
  throw new UpstreamError("No endpoint could serve the request");
}

async function finishComplete(inv: ChatInvocation, facts: RequestFacts, attempt: PreparedAttempt, reservation: Reservation, res: Response): Promise<Response> {
  const { endpoint, upstream } = attempt;
  let decoded: CanonicalResponse;
  let json: unknown;
  try {
    json = await res.json();
    decoded = upstream.decodeResponse(json);
  } catch (err) {
    const e = err instanceof UpstreamError ? err : new UpstreamError(`Upstream '${endpoint.provider.id}' sent a malformed response`, { provider_name: endpoint.provider.id }, 502);
    releaseOutcome(inv.env, inv.ctx, facts, reservation, { endpoint, usage: { inputTokens: 0, outputTokens: 0 }, status: 502 });
    return renderError(inv.surface, e, { "x-generation-id": facts.id });
  }
  recordOutcome(inv.env, inv.ctx, endpoint, { ok: true, status: 200, ttftMs: Date.now() - facts.startedAt });
  const cost = settleOutcome(inv.env, inv.ctx, facts, reservation, {
    endpoint,
    usage: decoded.usage,
    status: 200,
    finishReason: decoded.finishReason,
    servedModel: decoded.model,
    firstTokenAt: Date.now(),
  });
  const headers: Record<string, string> = { ...responseHeaders(facts, endpoint), "content-type": "application/json", "x-arouter-cost": (cost / 1e6).toFixed(6) };
  // Same format: the upstream's own body, untouched (server tools, citations, signatures survive).
  const body = attempt.passthrough ? json : inv.surface.encodeResponse(decoded, encodeContext(facts, endpoint, inv));
  return new Response(JSON.stringify(body), { status: 200, headers });
}

export function statusOf(err: unknown): number {
  if (err instanceof UpstreamError) return err.status;
  if (err && typeof err === "object" && "status" in err && typeof err.status === "number") return err.status;
  return 502;
}

export function describeFailure(endpoint: Endpoint, err: unknown): string {
  return `${endpoint.provider.id}/${endpoint.upstreamModel}: ${err instanceof Error ? err.message : String(err)}`;
}

/** When several endpoints failed, the error lists every attempt. */
export function withAttempts(err: unknown, attempts: string[]): unknown {
  if (attempts.length < 2 || !(err instanceof UpstreamError)) return err;
  return new UpstreamError(
    `All ${attempts.length} endpoints failed: ${attempts.join("; ")}`,
    { ...err.metadata, attempts },
    err.upstreamStatus,
    err.retryAfter,
  );
}
