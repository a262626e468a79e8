import type { Usage } from "../canonical/types";
import type { UsageRow } from "../db/schema";
import type { StoredUsageRecord, UsageRecord } from "./types";
import { microsToUsd } from "../money";

/** Canonical Usage → the token fields of a UsageRecord. */
export function tokensFromUsage(usage: Usage | undefined): Pick<
  UsageRecord,
  "promptTokens" | "completionTokens" | "cachedTokens" | "cacheWriteTokens" | "reasoningTokens"
> {
  return {
    promptTokens: usage?.inputTokens ?? 0,
    completionTokens: usage?.outputTokens ?? 0,
    cachedTokens: usage?.cachedInputTokens ?? 0,
    cacheWriteTokens: usage?.cacheWriteTokens ?? 0,
    reasoningTokens: usage?.reasoningTokens ?? 0,
  };
}

const count = (n: number | undefined) => (Number.isFinite(n) && (n as number) > 0 ? Math.round(n as number) : 0);
const optionalMs = (n: number | null | undefined) => (n == null || !Number.isFinite(n) ? null : Math.max(0, Math.round(n)));

/** Resolve every optional field; the key hash, cost and time come from the Durable Object. */
export function completeRecord(r: UsageRecord, keyHash: string, costMicros: number, now: number): StoredUsageRecord {
  return {
    id: r.id,
    keyHash,
    requestedModel: r.requestedModel,
    servedModel: r.servedModel ?? null,
    provider: r.provider ?? null,
    surface: r.surface,
    streamed: !!r.streamed,
    promptTokens: count(r.promptTokens),
    completionTokens: count(r.completionTokens),
    cachedTokens: count(r.cachedTokens),
    cacheWriteTokens: count(r.cacheWriteTokens),
    reasoningTokens: count(r.reasoningTokens),
    costMicros,
    status: Math.round(r.status),
    finishReason: r.finishReason ?? null,
    latencyMs: optionalMs(r.latencyMs),
    ttftMs: optionalMs(r.ttftMs),
    createdAt: r.createdAt ?? now,
  };
}

export const recordToRow = (r: StoredUsageRecord): UsageRow => ({ ...r });

export const rowToRecord = (r: UsageRow): StoredUsageRecord => ({ ...r });

/** The public shape of GET /api/v1/generation (OpenRouter-like field names). */
export function generationObject(r: StoredUsageRecord) {
  return {
    id: r.id,
    api_key_hash: r.keyHash,
    model: r.servedModel ?? r.requestedModel,
    requested_model: r.requestedModel,
    provider_name: r.provider,
    surface: r.surface,
    streamed: r.streamed,
    tokens_prompt: r.promptTokens,
    tokens_completion: r.completionTokens,
    native_tokens_cached: r.cachedTokens,
    native_tokens_cache_write: r.cacheWriteTokens,
    native_tokens_reasoning: r.reasoningTokens,
    total_cost: microsToUsd(r.costMicros),
    cost_micros: r.costMicros,
    status: r.status,
    finish_reason: r.finishReason,
    latency: r.latencyMs,
    ttft: r.ttftMs,
    created_at: new Date(r.createdAt).toISOString(),
  };
}
