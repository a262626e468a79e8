/**
 * The pipeline's view of keys and spend: authenticate, reserve before the upstream call,
 * settle (or release) after. Implemented by src/keys + src/spend (one Durable Object per key).
 */
import type { Usage } from "../canonical/types";
import { costMicros, worstCaseMicros } from "../catalog/pricing";
import type { Env, WaitUntil } from "../env";
import { authenticateApiKey, confirmKey, KeyChanged, release, reserve, settle, settleNow } from "../keys/hot-path";
import type { KeyContext, Reservation, UsageRecord } from "../keys/types";
import type { Endpoint } from "../routing/types";

export type { KeyContext, Reservation };
export { authenticateApiKey, confirmKey, KeyChanged };

export type Surface = "openai" | "anthropic" | "gemini" | "embeddings";

export interface RequestFacts {
  id: string;
  key: KeyContext;
  surface: Surface;
  requestedModel: string;
  streamed: boolean;
  startedAt: number;
}

/** `checkVersion`: refuse (KeyChanged) if the key changed since facts.key was read, instead of reserving. */
export function reserveFor(
  env: Env, facts: RequestFacts, endpoint: Endpoint, estInputTokens: number, maxOutputTokens: number, checkVersion = false,
): Promise<Reservation> {
  const micros = endpoint.pricing ? worstCaseMicros(endpoint.pricing, estInputTokens, maxOutputTokens) : null;
  const freeTier = endpoint.freeTier ? { requests: Number(env.FREE_TIER_REQUESTS_PER_MINUTE) || 20, windowMs: 60_000 } : undefined;
  // The config version the request was routed with: the key's object answers KeyChanged if it moved on.
  return reserve(env, facts.key, { requestId: facts.id, micros, provider: endpoint.provider.id, model: endpoint.modelId, freeTier, version: checkVersion ? facts.key.version : undefined });
}

export interface Outcome {
  endpoint: Endpoint;
  usage: Usage;
  status: number;
  finishReason?: string;
  servedModel?: string;
  firstTokenAt?: number;
}

export function usageRecord(facts: RequestFacts, o: Outcome, cost: number): UsageRecord {
  const now = Date.now();
  return {
    id: facts.id,
    keyHash: facts.key.hash,
    requestedModel: facts.requestedModel,
    servedModel: o.endpoint.modelId,
    provider: o.endpoint.provider.id,
    surface: facts.surface,
    streamed: facts.streamed,
    promptTokens: o.usage.inputTokens,
    completionTokens: o.usage.outputTokens,
    cachedTokens: o.usage.cachedInputTokens ?? 0,
    cacheWriteTokens: o.usage.cacheWriteTokens ?? 0,
    reasoningTokens: o.usage.reasoningTokens ?? 0,
    costMicros: cost,
    status: o.status,
    finishReason: o.finishReason ?? null,
    latencyMs: now - facts.startedAt,
    ttftMs: o.firstTokenAt ? o.firstTokenAt - facts.startedAt : null,
    createdAt: now,
  };
}

/** Settles a reservation with the real cost and records the request. Runs after the response. */
export function settleOutcome(env: Env, ctx: WaitUntil, facts: RequestFacts, reservation: Reservation, o: Outcome): number {
  const cost = o.endpoint.pricing ? costMicros(o.endpoint.pricing, o.usage) : 0;
  settle(env, ctx, facts.key, reservation, { costMicros: cost, record: usageRecord(facts, o, cost) });
  return cost;
}

/** Releases a reservation; with an outcome, the failed request is still recorded. */
export function releaseOutcome(env: Env, ctx: WaitUntil, facts: RequestFacts, reservation: Reservation, o?: Outcome): void {
  release(env, ctx, facts.key, reservation, o ? usageRecord(facts, o, 0) : undefined);
}

/**
 * Releases a failed attempt's reservation before the next attempt reserves under the same
 * request id; in the background the release could land after the new reservation and drop it.
 */
export async function releaseBeforeRetry(env: Env, facts: RequestFacts, reservation: Reservation): Promise<void> {
  await settleNow(env, facts.key, reservation, { costMicros: 0 }).catch(() => {});
}

/**
 * Authenticates while the body is read and decoded — the two do not depend on each other, so the
 * key's Durable Object round trip (when the key is not in the isolate's cache) overlaps the parsing.
 * An auth error still wins over a body error, for a cached key too.
 */
export async function authenticateWhile<T>(env: Env, token: string | undefined, work: () => Promise<T> | T): Promise<{ key: KeyContext; value: T }> {
  const keyP = authenticateApiKey(env, token, { cached: true });
  keyP.catch(() => {});
  let value: T;
  try {
    value = await work();
  } catch (err) {
    await confirmKey(env, await keyP); // a cached key still answers 401/403 first
    throw err;
  }
  return { key: await keyP, value };
}
