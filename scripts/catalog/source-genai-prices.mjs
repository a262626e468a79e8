// Offers from @pydantic/genai-prices: a maintained price database (per provider, with the
// providers' pricing pages) that covers the clouds (Bedrock, Azure, Workers AI), the media units
// (audio/image tokens, audio hours) and OpenRouter's listing. Its model ids are price matchers, not
// always API ids, so data/curated.json → genai_prices says which ids to take per provider and how
// to spell them for the API (`rename`), and the code below handles id shapes (Fireworks' account
// prefix, Bedrock's inference profiles, Hugging Face's per-provider routes).
import { waitForUpdate } from "@pydantic/genai-prices";

/** genai-prices unit → catalog cost field, and the factor to our unit ($/1M tokens or $/unit). */
const UNITS = {
  input_mtok: ["input", 1],
  output_mtok: ["output", 1],
  cache_read_mtok: ["cache_read", 1],
  cache_write_mtok: ["cache_write", 1],
  input_audio_mtok: ["audio", 1],
  output_audio_mtok: ["audio_output", 1],
  cache_audio_read_mtok: ["input_audio_cache", 1],
  input_image_mtok: ["image_token", 1],
  output_image_mtok: ["image_output", 1],
  input_audio_hours: ["audio_second", 1 / 3600],
  requests_kcount: ["request", 1 / 1000],
  web_searches_kcount: ["web_search", 1 / 1000],
};

/** The price in force: the last dated entry of a conditional list; tiers → their base price. */
export function currentPrices(prices) {
  let p = prices;
  if (Array.isArray(prices)) {
    const dated = prices.filter((c) => !c.constraint || c.constraint.type === "start_date");
    dated.sort((a, b) => (a.constraint?.start_date ?? "").localeCompare(b.constraint?.start_date ?? ""));
    p = dated.at(-1)?.prices ?? {};
  }
  const cost = {};
  for (const [k, v] of Object.entries(p)) {
    const unit = UNITS[k];
    if (!unit || v === undefined) continue;
    const n = typeof v === "number" ? v : v?.base; // long-context tiers are not modelled
    if (typeof n === "number") cost[unit[0]] = +(n * unit[1]).toPrecision(12);
  }
  return cost;
}

const priced = (c) => Object.entries(c).some(([k, v]) => k !== "cache_read" && k !== "cache_write" && v > 0);

/**
 * @param {object} cfg data/curated.json → genai_prices
 * @param {string} source the `source` label of these offers
 */
export async function genaiPricesOffers(cfg, source) {
  const data = await waitForUpdate();
  if (!data) throw new Error("@pydantic/genai-prices has no bundled data");
  const offers = [];
  const push = (provider, upstream, m, cost, extra = {}) => {
    offers.push({
      provider, upstream, source: `${source} ${m.providerId}`, rank: 2, cost,
      context: m.context_window, label: m.name, description: m.description, ...extra,
    });
  };
  const hf = new Map(); // HF repo id → cheapest sub-provider offer
  for (const p of data) {
    for (const raw of p.models) {
      if (raw.deprecated) continue;
      const m = { ...raw, providerId: p.id };
      const cost = currentPrices(m.prices);
      if (!priced(cost)) continue;
      const hfSub = /^huggingface_(.+)$/.exec(p.id)?.[1];
      if (hfSub) {
        // Hugging Face Inference Providers bill each provider's own rate, so the same figures
        // price Nebius and Hyperbolic direct; the HF router itself gets the cheapest route.
        if (cfg.hf_direct[hfSub]) push(cfg.hf_direct[hfSub], m.id, m, cost);
        const total = (cost.input ?? 0) + (cost.output ?? 0);
        const best = hf.get(m.id);
        if (!best || total < best.total) hf.set(m.id, { total, m, cost, sub: hfSub });
        continue;
      }
      const provider = cfg.providers[p.id];
      if (!provider) continue;
      const rule = cfg.rules[provider] ?? {};
      if (rule.include && !rule.include.includes(m.id)) continue;
      if (rule.exclude_pattern && new RegExp(rule.exclude_pattern, "i").test(m.id)) continue;
      if (rule.include_pattern && !new RegExp(rule.include_pattern, "i").test(m.id)) continue;
      let upstream = rule.rename?.[m.id] ?? m.id;
      if (upstream === null) continue;
      if (provider === "fireworks") upstream = `accounts/fireworks/models/${upstream}`;
      if (provider === "amazon-bedrock") {
        // `regional.` is genai-prices' name for the geo profiles (us., eu.…); the catalog uses the
        // US profile, `global.` ones as they are (they work from every commercial region).
        if (upstream.startsWith("regional.")) {
          const global = "global." + upstream.slice("regional.".length);
          if (p.models.some((x) => x.id === global && !x.deprecated)) continue;
          upstream = "us." + upstream.slice("regional.".length);
        }
      }
      if (provider === "openrouter" && (upstream.startsWith("~") || !upstream.includes("/"))) continue;
      if (provider === "google" && upstream.startsWith("claude-")) {
        const vertex = cfg.vertex_claude[upstream];
        if (vertex) push("google-vertex", vertex, m, cost);
        continue;
      }
      push(provider, upstream, m, cost);
      // Vertex AI serves the Gemini API's models under the same ids and prices.
      if (provider === "google" && /^gemini-/.test(upstream) && !/-latest$|embedding|live/.test(upstream)) {
        push("google-vertex", upstream, m, cost);
      }
    }
  }
  for (const [id, { m, cost, sub }] of hf) push("huggingface", `${id}:${sub}`, m, cost);
  return offers;
}
