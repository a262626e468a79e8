/**
 * The reservation of a chat attempt, with what the request may cost beyond its size and output
 * limit (the upstream codec's UnseenCosts) priced in — the documented worst cases:
 * - content the upstream fetches itself (documents, videos, pages by URL): the prompt is taken
 *   to fill the model's whole context window (no single sampling can read more);
 * - N server-tool uses (web_search / web_fetch max_uses, code-execution turns): each adds up to
 *   SERVER_TOOL_RESULT_TOKENS of results and makes the model read the conversation again, so
 *   the prompt is read N + 1 times, each time at most the context window; searches add N × the
 *   model's `web_search` price.
 * - images a tool makes beyond the output limit (OpenAI's image_generation): their image output
 *   tokens at the model's `image_output` price.
 * What no price covers (and a search on a model without a web_search price) makes the bound
 * unknown: the key's Durable Object then refuses it for a key with a limit (402 naming why) and
 * lets it through for a key without one.
 */
import type { Codec } from "../codecs/codec";
import type { CanonicalRequest } from "../canonical/types";
import { worstCaseMicros } from "../catalog/pricing";
import type { Endpoint } from "../routing/types";

/** Results one server-tool use may add to the prompt (≈ 10 search results, or one fetched page). */
export const SERVER_TOOL_RESULT_TOKENS = 25_000;

/** A reservation bound: micro-USD (null = unknown), and why it is unknown when a feature is the cause. */
export interface ChatBound {
  micros: number | null;
  unpriced?: string;
}

export interface ChatBoundInput {
  upstream: Pick<Codec, "unseenCosts">;
  req: CanonicalRequest;
  endpoint: Endpoint;
  estInputTokens: number;
  maxOutputTokens: number;
}

export function chatCostBound(p: ChatBoundInput): ChatBound {
  const pricing = p.endpoint.pricing;
  const unseen = p.upstream.unseenCosts?.(p.req);
  if (unseen?.unpriceable?.length) return { micros: null, unpriced: `it uses ${unseen.unpriceable.join("; ")}` };
  if (!pricing) return { micros: null };
  if (!unseen) return { micros: worstCaseMicros(pricing, p.estInputTokens, p.maxOutputTokens) };
  const uses = unseen.serverToolUses ?? 0;
  const searches = unseen.searches ?? 0;
  if (searches > 0 && !pricing.webSearch) return { micros: null, unpriced: `it uses web search, which has no known price for '${p.endpoint.modelId}'` };
  const imageTokens = unseen.imageOutputTokens ?? 0;
  if (imageTokens > 0 && !pricing.imageOutputToken) return { micros: null, unpriced: `it makes images, which have no known price for '${p.endpoint.modelId}'` };
  const images = imageTokens * (pricing.imageOutputToken ?? 0);
  const window = p.endpoint.contextLength;
  if (unseen.remoteContent && !window) return { micros: null, unpriced: `it names content by URL, and the context window of '${p.endpoint.modelId}' is unknown` };
  let perRead = unseen.remoteContent ? window! : p.estInputTokens + uses * SERVER_TOOL_RESULT_TOKENS;
  if (window) perRead = Math.min(perRead, window);
  const input = Math.max(p.estInputTokens, perRead) * (uses + 1);
  return { micros: worstCaseMicros(pricing, input, p.maxOutputTokens) + searches * (pricing.webSearch ?? 0) + Math.ceil(images) };
}
