import type { Usage } from "../../canonical/types";
import { isRecord } from "../../streams/json";
import type { GeminiUsageMetadata } from "./gemini-api";

/**
 * Gemini counts thoughts outside candidatesTokenCount and tool-use prompt tokens (code execution,
 * search results fed back to the model) outside promptTokenCount; canonical input/output include
 * them (see canonical/types.ts).
 */
export function usageFromGemini(u: GeminiUsageMetadata | undefined): Usage {
  const prompt = num(u?.promptTokenCount) + num(u?.toolUsePromptTokenCount);
  const thoughts = num(u?.thoughtsTokenCount);
  const usage: Usage = { inputTokens: prompt, outputTokens: num(u?.candidatesTokenCount) + thoughts };
  if (u?.cachedContentTokenCount !== undefined) usage.cachedInputTokens = u.cachedContentTokenCount;
  if (u?.thoughtsTokenCount !== undefined) usage.reasoningTokens = thoughts;
  return usage;
}

/**
 * Google Search grounding queries a candidate ran (`groundingMetadata.webSearchQueries`): each is
 * billed at the model's web_search price. 0 without grounding.
 */
export function groundingQueries(candidate: unknown): number {
  const g = isRecord(candidate) ? candidate.groundingMetadata : undefined;
  const q = isRecord(g) ? g.webSearchQueries : undefined;
  return Array.isArray(q) ? q.length : 0;
}

/** A usage plus the grounding queries billed with it. */
export function withSearches(usage: Usage, searches: number): Usage {
  if (searches > 0) usage.webSearchRequests = searches;
  return usage;
}

/** Whether a chunk's usageMetadata carries counts (Vertex partial chunks send only trafficType). */
export function hasTokenCounts(u: GeminiUsageMetadata | undefined): boolean {
  return u?.promptTokenCount !== undefined || u?.totalTokenCount !== undefined;
}

export interface GeminiUsageOut {
  promptTokenCount: number;
  candidatesTokenCount: number;
  totalTokenCount: number;
  cachedContentTokenCount?: number;
  thoughtsTokenCount?: number;
  /** USD: the gateway's addition (as the OpenAI surface's usage.cost); Google's SDKs keep unknown usage fields. */
  cost?: number;
}

export function usageToGemini(u: Usage, cost?: number): GeminiUsageOut {
  const reasoning = u.reasoningTokens ?? 0;
  const out: GeminiUsageOut = {
    promptTokenCount: u.inputTokens,
    candidatesTokenCount: Math.max(0, u.outputTokens - reasoning),
    totalTokenCount: u.inputTokens + u.outputTokens,
  };
  if (u.cachedInputTokens) out.cachedContentTokenCount = u.cachedInputTokens;
  if (reasoning > 0) out.thoughtsTokenCount = reasoning;
  if (cost !== undefined) out.cost = cost;
  return out;
}

function num(n: number | undefined): number {
  return typeof n === "number" && Number.isFinite(n) ? n : 0;
}
