/**
 * Usage conversion. The canonical conventions are OpenAI's (input_tokens includes cached and
 * cache-write tokens, output_tokens includes reasoning), except for servers that count reasoning
 * apart (xAI in chat completions does; the same check is made here so it cannot misfire).
 */
import type { Usage } from "../../canonical/types";
import { isRecord } from "../../streams/json";
import type { EncodeContext } from "../codec";

const num = (v: unknown): number => (typeof v === "number" && Number.isFinite(v) ? v : 0);

export function decodeResponsesUsage(u: unknown): Usage {
  if (!isRecord(u)) return { inputTokens: 0, outputTokens: 0 };
  const inDetails = isRecord(u.input_tokens_details) ? u.input_tokens_details : {};
  const outDetails = isRecord(u.output_tokens_details) ? u.output_tokens_details : {};
  const input = num(u.input_tokens);
  const output = num(u.output_tokens);
  const reasoning = num(outDetails.reasoning_tokens);
  const excludesReasoning = reasoning > 0 && typeof u.total_tokens === "number" && u.total_tokens === input + output + reasoning;
  const usage: Usage = { inputTokens: input, outputTokens: excludesReasoning ? output + reasoning : output };
  const cached = num(inDetails.cached_tokens);
  const cacheWrite = num(inDetails.cache_write_tokens);
  if (cached > 0) usage.cachedInputTokens = cached;
  if (cacheWrite > 0) usage.cacheWriteTokens = cacheWrite;
  if (reasoning > 0) usage.reasoningTokens = reasoning;
  return usage;
}

export interface ResponsesWireUsage {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number; cache_write_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
  /** USD, as the chat surface reports it; absent for unpriced models. */
  cost?: number;
}

export function encodeResponsesUsage(u: Usage, ctx: EncodeContext): ResponsesWireUsage {
  const wire: ResponsesWireUsage = {
    input_tokens: u.inputTokens,
    input_tokens_details: { cached_tokens: u.cachedInputTokens ?? 0, cache_write_tokens: u.cacheWriteTokens ?? 0 },
    output_tokens: u.outputTokens,
    output_tokens_details: { reasoning_tokens: u.reasoningTokens ?? 0 },
    total_tokens: u.inputTokens + u.outputTokens,
  };
  const cost = ctx.cost?.(u);
  if (cost !== undefined) wire.cost = cost;
  return wire;
}
