// Offers → catalog models. Offers for the same (provider, upstream id) from several sources merge
// (the best-ranked source's price, any source's limits and flags); offers whose author and
// normalised name agree (normalize.mjs) or that a curated group names become one model.
import { dotted, modelKey, slugOf } from "./normalize.mjs";
import { parseUpstream } from "./provider-ids.mjs";
import { RESPONSES_ONLY } from "./source-llm-zoo.mjs";
import { hasPrice, isModerated, pricingStrings, supportedParameters } from "./derive.mjs";

export const AUTHOR_NAMES = {
  openai: "OpenAI", anthropic: "Anthropic", google: "Google", deepseek: "DeepSeek", "x-ai": "xAI", mistral: "Mistral",
  "meta-llama": "Meta", qwen: "Qwen", moonshotai: "MoonshotAI", "z-ai": "Z.AI", minimax: "MiniMax", cohere: "Cohere",
  amazon: "Amazon", microsoft: "Microsoft", nvidia: "NVIDIA", perplexity: "Perplexity", inception: "Inception",
  upstage: "Upstage", ai21: "AI21", "ibm-granite": "IBM", "black-forest-labs": "Black Forest Labs", writer: "Writer",
  nousresearch: "Nous Research", groq: "Groq", together: "Together", fireworks: "Fireworks", cloudflare: "Cloudflare",
  venice: "Venice", chutes: "Chutes", baai: "BAAI",
};
const TOKENIZERS = {
  openai: "GPT", anthropic: "Claude", google: "Gemini", deepseek: "DeepSeek", "x-ai": "Grok", mistral: "Mistral",
  "meta-llama": "Llama3", qwen: "Qwen3", cohere: "Cohere", amazon: "Nova",
};
/** The provider whose own API serves an author's models (ids there are the catalog's slugs). */
const OWN_PROVIDER = {
  openai: "openai", anthropic: "anthropic", google: "google", "x-ai": "x-ai", deepseek: "deepseek", mistral: "mistral",
  moonshotai: "moonshotai", "z-ai": "z-ai", minimax: "minimax", qwen: "alibaba", cohere: "cohere",
  perplexity: "perplexity", inception: "inception", upstage: "upstage",
};
/** Providers whose slugs keep the API id's exact spelling (the ids the docs and tests use). */
const EXACT_SLUG = new Set(["openai", "google", "x-ai", "deepseek", "mistral"]);

/** An endpoint's key: provider and upstream id (and the model, for a curated `own_model` endpoint). */
const offerKey = (o) => o.provider + "\0" + o.upstream + (o.ownModel ? "\0" + o.ownModel : "");

/** Merges offers for the same endpoint: price from the best rank that has one, gaps filled from the rest. */
export function mergeOffers(offers) {
  const byKey = new Map();
  for (const o of [...offers].sort((a, b) => a.rank - b.rank)) {
    const k = offerKey(o);
    const m = byKey.get(k);
    if (!m) {
      byKey.set(k, { ...o, sources: [o.source] });
      continue;
    }
    for (const f of ["label", "description", "created", "context", "maxOutput", "input", "output", "tool_call", "reasoning", "temperature", "canonicalSlug"]) {
      if (m[f] === undefined && o[f] !== undefined) m[f] = o[f];
    }
    if (!hasPrice(m.cost) && hasPrice(o.cost)) {
      m.cost = o.cost;
      m.source = o.source;
    }
  }
  return [...byKey.values()];
}

/**
 * Groups endpoint offers into models.
 * @param {object[]} offers merged offers
 * @param {{groupOf: Map<string,string>, keepDates: Set<string>, sameModel: Map<string,string>}} rules
 *   curated matching rules; sameModel: normalised key → the key of the model it is (curated `same_model`)
 */
export function groupOffers(offers, rules) {
  const groups = new Map(); // key → offers
  for (const o of offers) {
    const groupId = rules.groupOf.get(offerKey(o));
    let key;
    if (groupId) {
      // A curated group names the model; its key is the id's own, so rule-matched offers join it.
      o.author = groupId.slice(0, groupId.indexOf("/"));
      o.groupId = groupId;
      key = modelKey(o.author, groupId.slice(o.author.length + 1));
    } else {
      const parsed = parseUpstream(o.provider, o.upstream.replace(/:free$/, ""));
      if (!parsed) continue;
      o.author = parsed.author;
      key = modelKey(parsed.author, parsed.name, { keepDate: rules.keepDates.has(parsed.name.toLowerCase()) });
    }
    key = rules.sameModel.get(key) ?? key;
    const list = groups.get(key) ?? [];
    list.push(o);
    groups.set(key, list);
  }
  return splitBaseModels(groups);
}

const INSTRUCT = /(^|[-_./])(instruct|it|chat)([-_./]|$)/i;

/**
 * `-instruct` is stripped to match `kimi-k2` with `Kimi-K2-Instruct`, but a provider that lists
 * both `llama-3.1-405b` and `llama-3.1-405b-instruct` says they differ: there the plain id is the
 * base model, and becomes a model of its own.
 */
function splitBaseModels(groups) {
  for (const [key, list] of [...groups]) {
    const both = new Set();
    for (const o of list) {
      if (o.groupId) continue;
      const plain = (x) => !INSTRUCT.test(x.upstream.replace(/:free$/, ""));
      if (list.some((x) => x !== o && x.provider === o.provider && plain(x) !== plain(o) && !x.groupId)) both.add(o.provider);
    }
    if (!both.size) continue;
    const base = list.filter((o) => both.has(o.provider) && !o.groupId && !INSTRUCT.test(o.upstream.replace(/:free$/, "")));
    groups.set(key, list.filter((o) => !base.includes(o)));
    groups.set(`${key}-base`, base);
  }
  return groups;
}

/** The catalog id of a group: curated, the author's own API id, OpenRouter's id, else author/slug. */
export function modelIdFor(key, offers) {
  const grouped = offers.find((o) => o.groupId);
  if (grouped) return grouped.groupId;
  const author = offers[0].author;
  const own = offers.find((o) => o.provider === OWN_PROVIDER[author] && !o.free);
  if (own) {
    if (author === "anthropic") return `anthropic/${dotted(slugOf(own.upstream))}`;
    return `${author}/${EXACT_SLUG.has(own.provider) ? own.upstream : slugOf(own.upstream)}`;
  }
  const or = offers.find((o) => o.provider === "openrouter");
  if (or) return or.upstream.replace(/:free$/, "");
  // Hugging Face repo names are the weights' own names; the hosts' spellings come after.
  const named = [...offers].sort((a, b) => namePreference(a.provider) - namePreference(b.provider))[0];
  const name = parseUpstream(named.provider, named.upstream.replace(/:free$/, ""))?.name ?? named.upstream;
  return `${author}/${slugOf(name)}`;
}

const QUANTIZATION = /[-_.](fp8|fp4|nvfp4|bf16|fp16|int8|int4|awq)(?=$|[-_.:])/i;
const NAME_ORDER = ["huggingface", "nebius", "hyperbolic", "deepinfra", "baseten", "chutes", "novita", "github", "cloudflare"];
const namePreference = (p) => (NAME_ORDER.includes(p) ? NAME_ORDER.indexOf(p) : p === "amazon-bedrock" ? 99 : 50);

/**
 * Anthropic's server-side web search costs $10 per 1,000 searches on top of tokens, on every
 * Claude model that has the tool (Anthropic's API and Vertex; Bedrock has no web search tool).
 * The sources list no search price, and a price of 0 would let searches past a spend limit
 * (https://docs.anthropic.com/en/docs/agents-and-tools/tool-use/web-search-tool, "Usage and pricing").
 */
const SEARCH_PRICE_USD = { anthropic: 0.01, "google-vertex": 0.01 };
function withSearchPrice(o) {
  const price = SEARCH_PRICE_USD[o.provider];
  if (o.cost.web_search !== undefined || price === undefined || !/claude/.test(o.upstream)) return o.cost;
  return { ...o.cost, web_search: price };
}

/** One catalog endpoint from a merged offer. */
export function toEndpoint(o) {
  const priced = hasPrice(o.cost) || o.free;
  // OpenAI's `-pro` / `codex` families answer only through the Responses API, on Azure too.
  const wire = o.wire ?? ((o.provider === "openai" || o.provider === "azure") && RESPONSES_ONLY.test(o.upstream) ? "responses" : undefined);
  const quantization = QUANTIZATION.exec(o.upstream)?.[1]?.toLowerCase();
  return {
    provider: o.provider,
    upstream_model: o.upstream,
    context_length: o.context ?? null,
    max_completion_tokens: o.maxOutput ?? null,
    pricing: priced ? pricingStrings(withSearchPrice(o)) : null,
    supported_parameters: o.parameters ?? supportedParameters(o.provider, o.upstream, o),
    ...(o.free ? { variant: "free" } : {}),
    ...(wire ? { wire } : {}),
    ...(quantization ? { quantization } : {}),
    ...(isModerated(o.provider, o.upstream) ? { is_moderated: true } : {}),
    source: o.source,
  };
}

export { AUTHOR_NAMES as authorNames, TOKENIZERS as tokenizers, OWN_PROVIDER as ownProvider };
