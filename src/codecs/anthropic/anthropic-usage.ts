import type { Usage } from "../../canonical/types";
import { isRecord } from "../../streams/json";

/** The usage fields we read; present in Message.usage, message_start and message_delta. */
export interface AnthropicUsageLike {
  input_tokens?: number | null;
  output_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  output_tokens_details?: { thinking_tokens?: number | null } | null;
  /** `{web_search_requests, web_fetch_requests}`: server tools Anthropic ran (and bills) in this turn. */
  server_tool_use?: unknown;
}

/** Searches Anthropic billed for (web_search is priced per use; web_fetch only by its tokens). */
function webSearches(serverToolUse: unknown): number {
  const n = isRecord(serverToolUse) ? serverToolUse.web_search_requests : undefined;
  return typeof n === "number" && Number.isFinite(n) && n > 0 ? Math.round(n) : 0;
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
  const searches = webSearches(u.server_tool_use);
  if (searches > 0) usage.webSearchRequests = searches;
  return usage;
}

export interface AnthropicWireUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  output_tokens_details?: { thinking_tokens: number };
  server_tool_use?: { web_search_requests: number };
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
  if (u.webSearchRequests) wire.server_tool_use = { web_search_requests: u.webSearchRequests };
  return wire;
}
