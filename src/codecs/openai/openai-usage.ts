/**
 * Usage conversion. The canonical conventions ARE OpenAI's (prompt_tokens includes cached and
 * cache-write tokens, completion_tokens includes reasoning), except for provider quirks handled
 * here on the way in.
 */
import type { Usage } from "../../canonical/types";
import type { EncodeContext } from "../codec";
import type { UpstreamUsage } from "./openai-response-api";

export function decodeOpenAIUsage(u: UpstreamUsage): Usage {
  const prompt = u.prompt_tokens ?? 0;
  const completion = u.completion_tokens ?? 0;
  const reasoning = u.completion_tokens_details?.reasoning_tokens ?? u.reasoning_tokens ?? 0;
  const cached = u.prompt_tokens_details?.cached_tokens ?? u.prompt_cache_hit_tokens ?? 0;
  const cacheWrite = u.prompt_tokens_details?.cache_write_tokens ?? 0;
  // xAI reports completion_tokens WITHOUT reasoning (prompt + completion + reasoning == total).
  // When completion already includes reasoning the sum overshoots total, so this cannot misfire.
  const total = u.total_tokens;
  const excludesReasoning =
    reasoning > 0 && (total != null ? total === prompt + completion + reasoning : reasoning > completion);
  const usage: Usage = { inputTokens: prompt, outputTokens: excludesReasoning ? completion + reasoning : completion };
  if (cached > 0) usage.cachedInputTokens = cached;
  if (cacheWrite > 0) usage.cacheWriteTokens = cacheWrite;
  if (reasoning > 0) usage.reasoningTokens = reasoning;
  // Audio and image tokens (parts of the counts above) have their own prices.
  const media = { audioInputTokens: u.prompt_tokens_details?.audio_tokens, imageInputTokens: u.prompt_tokens_details?.image_tokens, audioOutputTokens: u.completion_tokens_details?.audio_tokens, imageOutputTokens: u.completion_tokens_details?.image_tokens };
  for (const [k, v] of Object.entries(media) as Array<[keyof typeof media, number | null | undefined]>) if (v) usage[k] = v;
  return usage;
}

export interface WireUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details: { cached_tokens: number; cache_write_tokens: number; audio_tokens?: number };
  completion_tokens_details: { reasoning_tokens: number; audio_tokens?: number; image_tokens?: number };
  cost?: number;
}

export function encodeOpenAIUsage(u: Usage, ctx: EncodeContext): WireUsage {
  const wire: WireUsage = {
    prompt_tokens: u.inputTokens,
    completion_tokens: u.outputTokens,
    total_tokens: u.inputTokens + u.outputTokens,
    prompt_tokens_details: { cached_tokens: u.cachedInputTokens ?? 0, cache_write_tokens: u.cacheWriteTokens ?? 0 },
    completion_tokens_details: { reasoning_tokens: u.reasoningTokens ?? 0 },
  };
  if (u.audioInputTokens) wire.prompt_tokens_details.audio_tokens = u.audioInputTokens;
  if (u.audioOutputTokens) wire.completion_tokens_details.audio_tokens = u.audioOutputTokens;
  if (u.imageOutputTokens) wire.completion_tokens_details.image_tokens = u.imageOutputTokens;
  const cost = ctx.cost?.(u);
  if (cost !== undefined) wire.cost = cost;
  return wire;
}
