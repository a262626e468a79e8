/**
 * What a Chat Completions request may cost beyond its size and max_tokens (see UnseenCosts in
 * codec.ts) when an OpenAI-format upstream serves it, read from the fields only that upstream
 * receives (extensions.openai):
 * - `web_search_options`: the search models run a web search for the answer, billed per call at
 *   the model's `web_search` price (one search per request);
 * - `service_tier` other than the standard or a cheaper one (OpenAI's `priority`, `scale`,
 *   Groq's `performance`…): billed above the catalog price.
 * Audio output needs nothing here: the reservation already prices output at the dearest of the
 * model's output rates (worstCaseMicros). Remote content cannot occur: the surface refuses
 * uploaded file ids, and image URLs cost a bounded number of tokens.
 */
import type { CanonicalRequest } from "../../canonical/types";
import type { UnseenCosts } from "../codec";

/** Tiers billed at (or below) the standard price: OpenAI's auto/default/flex, Groq's on_demand. */
const STANDARD_TIERS = new Set(["auto", "default", "flex", "on_demand"]);

export function openaiUnseenCosts(req: CanonicalRequest): UnseenCosts {
  const ext = req.extensions?.openai ?? {};
  const out: Required<UnseenCosts> = { remoteContent: false, serverToolUses: 0, searches: 0, unpriceable: [], imageOutputTokens: 0 };
  if (ext.web_search_options !== undefined) out.searches = 1;
  const tier = ext.service_tier;
  if (tier !== undefined && !(typeof tier === "string" && STANDARD_TIERS.has(tier))) {
    out.unpriceable.push(`service_tier '${String(tier)}' (priced above the standard tier)`);
  }
  return out;
}
