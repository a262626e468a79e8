import type { Usage } from "../../canonical/types";

/** The usage fields we read; present in Message.usage, message_start and message_delta. */
export interface AnthropicUsageLike {
  input_tokens?: number | null;
  output_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  output_tokens_details?: { thinking_tokens?: number | null } | null;
}

/**
 * Anthropic's input_tokens excludes cache reads and writes; canonical inputTokens includes
 * them. Zero cache counts are left out so a canonical usage without caching stays unchanged.
 */
export function fromAnthropicUsage(u: AnthropicUsageLike): Usage {
  const cacheRead = u.cache_read_input_tokens ?? 0;
  const cacheWrite = u.cache_creation_input_tokens ?? 0;
  const usage: Usage = {
    inputTokens: (u.input_tokens ?? 0) + cacheRead + cacheWrite,
    outputTokens: u.output_tokens ?? 0,
  };
  if (cacheRead > 0) usage.cachedInputTokens = cacheRead;
  if (cacheWrite > 0) usage.cacheWriteTokens = cacheWrite;
  const thinking = u.output_tokens_details?.thinking_tokens;
  if (typeof thinking === "number") usage.reasoningTokens = thinking;
  return usage;
}

export interface AnthropicWireUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  output_tokens_details?: { thinking_tokens: number };
}

export function toAnthropicUsage(u: Usage): AnthropicWireUsage {
  const cached = u.cachedInputTokens ?? 0;
  const cacheWrite = u.cacheWriteTokens ?? 0;
  const wire: AnthropicWireUsage = {
    input_tokens: Math.max(0, u.inputTokens - cached - cacheWrite),
    output_tokens: u.outputTokens,
    cache_creation_input_tokens: cacheWrite,
    cache_read_input_tokens: cached,
  };
  if (u.reasoningTokens !== undefined) wire.output_tokens_details = { thinking_tokens: u.reasoningTokens };
  return wire;
}
