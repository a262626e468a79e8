// The model catalog at runtime: the shipped data (data/models.json, bundled) merged with the
// provider listings that refreshCatalog stored in KV, kept in isolate memory for a minute.
import shippedJson from "../../data/models.json";
import type { Env } from "../env";
import { getProvider } from "../providers/registry";
import type { CatalogData, CatalogEndpoint, CatalogModel, DiscoveredModel, PricingStrings, StoredListings } from "./types";

export const CATALOG_KV_KEY = "catalog:v1";
/** How long an isolate reuses its merged catalog before reading KV again. */
export const CATALOG_MEMORY_TTL_MS = 60_000;

const SHIPPED = shippedJson as unknown as CatalogData;

/**
 * The shipped data lists endpoints of providers this build may not register yet (a newer catalog
 * than registry): those endpoints are skipped, and a model left without endpoints is not listed.
 */
function registeredOnly(models: readonly CatalogModel[]): CatalogModel[] {
  const out: CatalogModel[] = [];
  for (const m of models) {
    if (m.endpoints.every((e) => getProvider(e.provider))) {
      out.push(m);
      continue;
    }
    const endpoints = m.endpoints.filter((e) => getProvider(e.provider));
    if (endpoints.length) out.push({ ...m, endpoints });
  }
  return out;
}

/** Parameters assumed for a model a provider listed but the shipped data does not describe. */
const DEFAULT_DISCOVERED_PARAMS = ["max_tokens", "temperature", "top_p", "stop"];

const ZERO_PRICING: PricingStrings = {
  prompt: "0", completion: "0", request: "0", image: "0", web_search: "0", internal_reasoning: "0",
  input_cache_read: "0", input_cache_write: "0",
};

/** An indexed, read-only catalog. */
export class Catalog {
  readonly models: readonly CatalogModel[];
  /** When the KV listings were last refreshed (undefined = shipped data only). */
  readonly refreshedAt?: string;
  private readonly byId = new Map<string, CatalogModel>();
  private readonly byLowerId = new Map<string, CatalogModel>();
  /** provider → upstream id → model (nested: no key string built per lookup). */
  private readonly byEndpoint = new Map<string, Map<string, CatalogModel>>();
  private readonly bySlug = new Map<string, CatalogModel[]>();

  constructor(models: CatalogModel[], refreshedAt?: string) {
    this.models = models;
    this.refreshedAt = refreshedAt;
    for (const m of models) {
      for (const id of [m.id, m.canonical_slug, ...(m.aliases ?? [])]) {
        if (!id) continue;
        if (!this.byId.has(id)) this.byId.set(id, m);
        const lower = id.toLowerCase();
        if (!this.byLowerId.has(lower)) this.byLowerId.set(lower, m);
        const slash = id.indexOf("/");
        if (slash > 0) {
          const slug = id.slice(slash + 1);
          const list = this.bySlug.get(slug) ?? [];
          if (!list.includes(m)) list.push(m);
          this.bySlug.set(slug, list);
        }
      }
      for (const e of m.endpoints) {
        let byUpstream = this.byEndpoint.get(e.provider);
        if (!byUpstream) this.byEndpoint.set(e.provider, (byUpstream = new Map()));
        if (!byUpstream.has(e.upstream_model)) byUpstream.set(e.upstream_model, m);
      }
    }
  }

  /** A model by id, canonical slug or alias (exact, then case-insensitive). */
  get(id: string): CatalogModel | undefined {
    return this.byId.get(id) ?? this.byLowerId.get(id.toLowerCase());
  }

  /** The model a provider serves under an upstream id (e.g. anthropic + claude-sonnet-4-6). */
  findByEndpoint(provider: string, upstreamModel: string): CatalogModel | undefined {
    return this.byEndpoint.get(provider)?.get(upstreamModel);
  }

  /** Models whose id, slug or alias ends in `author/<slug>` (bare ids such as `gpt-4o`). */
  findBySlug(slug: string): CatalogModel[] {
    return this.bySlug.get(slug) ?? [];
  }
}


let shippedCatalog: Catalog | undefined;
let memo: { at: number; catalog: Catalog } | undefined;

/** The shipped catalog alone (no KV). */
export function shippedCatalogData(): CatalogData {
  return SHIPPED;
}

/** The catalog for this request: isolate memory, else KV listings merged with the shipped data. */
export async function getCatalog(env: Env): Promise<Catalog> {
  const now = Date.now();
  if (memo && now - memo.at < CATALOG_MEMORY_TTL_MS) return memo.catalog;
  let listings: StoredListings | null = null;
  try {
    listings = env.CATALOG ? await env.CATALOG.get<StoredListings>(CATALOG_KV_KEY, { type: "json", cacheTtl: 60 }) : null;
  } catch {
    // KV unavailable or a corrupt value: serve the shipped data (and the last catalog we had).
    if (memo) return memo.catalog;
  }
  const catalog = buildCatalog(SHIPPED, listings);
  memo = { at: now, catalog };
  return catalog;
}

/** Drops the isolate's copy (after a refresh, and in tests). */
export function invalidateCatalogCache(): void {
  memo = undefined;
}

/** Merges stored provider listings into catalog data. Shipped objects are never mutated. */
export function buildCatalog(data: CatalogData, listings?: StoredListings | null): Catalog {
  if (!listings || !listings.providers || Object.keys(listings.providers).length === 0) {
    if (data === SHIPPED) return (shippedCatalog ??= new Catalog(registeredOnly(SHIPPED.models)));
    return new Catalog(registeredOnly(data.models));
  }
  const base = data === SHIPPED ? (shippedCatalog ??= new Catalog(registeredOnly(SHIPPED.models))) : new Catalog(registeredOnly(data.models));
  const models = base.models.slice();
  const position = new Map(models.map((m, i) => [m.id, i]));
  const copied = new Set<string>();
  const mutable = (id: string): CatalogModel => {
    const i = position.get(id)!;
    if (!copied.has(id)) {
      models[i] = { ...models[i], endpoints: models[i].endpoints.slice() };
      copied.add(id);
    }
    return models[i];
  };

  const seen = (modelId: string, providerId: string, d: DiscoveredModel) => {
    if (!position.has(modelId)) return;
    const m = mutable(modelId);
    m.endpoints = m.endpoints.map((e) =>
      e.provider === providerId && e.upstream_model === d.id ? { ...e, first_seen: d.first_seen, last_seen: d.last_seen } : e,
    );
  };

  for (const [pid, listing] of Object.entries(listings.providers)) {
    const provider = getProvider(pid);
    if (!provider || !Array.isArray(listing?.models)) continue;
    for (const d of listing.models) {
      if (!d || typeof d.id !== "string" || !d.id) continue;
      const known = base.findByEndpoint(provider.id, d.id);
      if (known) {
        // A shipped endpoint: keep the shipped figures, note when the listing last showed it.
        if (d.last_seen) seen(known.id, provider.id, d);
        continue;
      }
      const free = provider.id === "openrouter" && d.id.endsWith(":free");
      const pricing = d.pricing ?? (provider.keyless ? ZERO_PRICING : free ? ZERO_PRICING : null);
      const endpoint: CatalogEndpoint = {
        provider: provider.id,
        upstream_model: d.id,
        context_length: d.context_length ?? null,
        max_completion_tokens: d.max_completion_tokens ?? null,
        pricing,
        supported_parameters: d.supported_parameters ?? DEFAULT_DISCOVERED_PARAMS,
        ...(free ? { variant: "free" as const } : {}),
        ...(moderates(provider.id, d.id) ? { is_moderated: true } : {}),
        source: `${provider.id} model list`,
        discovered: true,
        ...(d.first_seen ? { first_seen: d.first_seen } : {}),
        ...(d.last_seen ? { last_seen: d.last_seen } : {}),
      };
      const id = provider.id === "openrouter" && d.id.includes("/") ? d.id.replace(/:free$/, "") : `${provider.id}/${d.id}`;
      const existing = position.has(id) ? id : base.get(id)?.id;
      if (existing !== undefined && position.has(existing)) {
        const m = mutable(existing);
        if (!m.endpoints.some((e) => e.provider === endpoint.provider && e.upstream_model === endpoint.upstream_model)) {
          m.endpoints.push(endpoint);
        }
        continue;
      }
      const model = discoveredModel(id, provider.name, d, endpoint, listing.listed_at);
      position.set(id, models.length);
      copied.add(id);
      models.push(model);
    }
  }
  return new Catalog(models, listings.refreshed_at);
}

function discoveredModel(id: string, providerName: string, d: DiscoveredModel, endpoint: CatalogEndpoint, listedAt: string): CatalogModel {
  const input = d.input_modalities ?? ["text"];
  const output = d.output_modalities ?? ["text"];
  return {
    id,
    canonical_slug: id,
    name: d.name ?? `${providerName}: ${d.id}`,
    // No release date in the listing: the day a listing first showed the model.
    created: d.created ?? toUnix(d.first_seen ?? listedAt),
    description: d.description ?? `Listed by ${providerName}; not in the shipped catalog${endpoint.pricing ? "" : ", price unknown"}.`,
    context_length: endpoint.context_length,
    architecture: {
      modality: `${input.join("+")}->${output.join("+")}`,
      input_modalities: input,
      output_modalities: output,
      tokenizer: "Other",
      instruct_type: null,
    },
    pricing: endpoint.pricing,
    top_provider: { context_length: endpoint.context_length, max_completion_tokens: endpoint.max_completion_tokens, is_moderated: endpoint.is_moderated === true },
    per_request_limits: null,
    supported_parameters: endpoint.supported_parameters,
    default_parameters: null,
    expiration_date: null,
    endpoints: [endpoint],
    source: endpoint.source,
    discovered: true,
  };
}

const toUnix = (iso: string) => Math.floor((Date.parse(iso) || Date.now()) / 1000);

/**
 * Providers that moderate every request (OpenRouter's `is_moderated`): OpenAI, Anthropic, Azure,
 * and Anthropic's models on Bedrock. The build applies the same rule (scripts/catalog/derive.mjs).
 */
export function moderates(provider: string, upstream: string): boolean {
  if (provider === "openai" || provider === "anthropic" || provider === "azure") return true;
  return provider === "amazon-bedrock" && /(^|\.)anthropic\./.test(upstream);
}

/** Whether chat can call an endpoint: its wire is the provider's chat API or its Responses API. */
export function servesChat(e: Pick<CatalogEndpoint, "wire">): boolean {
  return e.wire === undefined || e.wire === "responses";
}

/** A model chat can use: some endpoint serves chat (not only the image, speech or transcription APIs). */
export function isChatModel(m: Pick<CatalogModel, "endpoints">): boolean {
  return m.endpoints.some(servesChat);
}

/** Embedding model: outputs embeddings rather than text. */
export function isEmbeddingModel(m: Pick<CatalogModel, "architecture">): boolean {
  return m.architecture.output_modalities.includes("embeddings");
}
