// GET /v1/models (and /api/v1/models): the catalog in the OpenRouter-style schema, limited to
// models of enabled providers the calling key may use.
//   GET /                          list; ?output_modalities=text|image|audio|embeddings|transcription|all
//                                  (comma list = any of them, as OpenRouter documents it; default text),
//                                  ?supported_parameters=tools,response_format (all required)
// The serialized list is cached per catalog, per set of usable providers and per query, so the
// usual call (same key scope, no filter) is one Map lookup; the catalog's id index is built once
// per isolate (src/catalog/catalog.ts).
//   GET /{author}/{slug}           one model (ids contain slashes; `:free` names the free variant)
//   GET /{author}/{slug}/endpoints the model's endpoints (providers) with price, limits and speed
import { Hono } from "hono";
import { getCatalog, isEmbeddingModel, type Catalog } from "../catalog/catalog";
import type { CatalogEndpoint, CatalogModel } from "../catalog/types";
import type { Env } from "../env";
import { NotFoundError } from "../errors/gateway-error";
import { getProvider, PROVIDERS, providerConfig } from "../providers/registry";
import { endpointKey, getEndpointStats, isCoolingDown } from "../routing/health";
import { lookupModel } from "../routing/model-lookup";
import { splitVariant } from "../routing/variants";

export type ModelsBindings = {
  Bindings: Env;
  /** Set by the auth middleware: the key's allowed providers (null/undefined = all). */
  Variables: { allowedProviders?: string[] | null };
};

interface Visible {
  model: CatalogModel;
  /** Enabled, allowed, non-free endpoints in catalog order. */
  paid: CatalogEndpoint[];
  /** Enabled, allowed `:free` endpoints. */
  free: CatalogEndpoint[];
}

/** The ids of the providers this request may see: enabled by env and allowed for the key. */
function usableIds(env: Env, allowed: Set<string> | null): Set<string> {
  const ids = new Set<string>();
  for (const p of PROVIDERS) if (providerConfig(env, p) !== undefined && (!allowed || allowed.has(p.id))) ids.add(p.id);
  return ids;
}

function usable(env: Env, allowed: Set<string> | null) {
  const ids = usableIds(env, allowed);
  return (providerId: string): boolean => ids.has(providerId);
}

function allowedSet(list: string[] | null | undefined): Set<string> | null {
  if (!Array.isArray(list)) return null;
  return new Set(list.map((x) => getProvider(x)?.id ?? x.toLowerCase()));
}

function visible(model: CatalogModel, ok: (p: string) => boolean): Visible | undefined {
  const eps = model.endpoints.filter((e) => ok(e.provider));
  if (!eps.length) return undefined;
  return { model, paid: eps.filter((e) => e.variant !== "free"), free: eps.filter((e) => e.variant === "free") };
}

/** One model in the GET /v1/models schema, priced and limited by its first usable endpoint. */
export function toApiModel(model: CatalogModel, endpoints: CatalogEndpoint[], free = false): Record<string, unknown> {
  const top = endpoints[0];
  const params = [...new Set(endpoints.flatMap((e) => e.supported_parameters))];
  const ctx = Math.max(0, ...endpoints.map((e) => e.context_length ?? 0)) || model.context_length;
  const id = free ? `${model.id}:free` : model.id;
  return {
    id,
    canonical_slug: free ? `${model.canonical_slug}:free` : model.canonical_slug,
    name: free ? `${model.name} (free)` : model.name,
    created: model.created,
    description: model.description,
    context_length: ctx,
    architecture: model.architecture,
    pricing: top.pricing,
    pricing_known: top.pricing !== null,
    top_provider: { context_length: top.context_length, max_completion_tokens: top.max_completion_tokens, is_moderated: top.is_moderated === true },
    per_request_limits: model.per_request_limits,
    supported_parameters: params,
    default_parameters: model.default_parameters,
    expiration_date: model.expiration_date,
    // OpenAI SDK compatibility (models.list / models.retrieve).
    object: "model",
    owned_by: model.id.slice(0, model.id.indexOf("/")),
  };
}


const csv = (v: string | undefined) =>
  (v ?? "")
    .split(",")
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);

export const modelsRoutes = new Hono<ModelsBindings>();

modelsRoutes.get("/", async (c) => {
  const catalog = await getCatalog(c.env);
  const ids = usableIds(c.env, allowedSet(c.get("allowedProviders")));
  const body = modelsListBody(catalog, ids, c.req.query("output_modalities"), c.req.query("supported_parameters"));
  return c.body(body, 200, { "content-type": "application/json; charset=UTF-8" });
});

/** One listed entry (a model, or its `:free` variant) serialized once per catalog and provider scope. */
interface ListEntry {
  id: string;
  created: number;
  outputs: readonly string[];
  params: Set<string>;
  json: string;
}

/** Per catalog: provider scope → its entries, newest first; and (scope, query) → the whole body. */
const scopeCache = new WeakMap<Catalog, Map<string, ListEntry[]>>();
const listCache = new WeakMap<Catalog, Map<string, string>>();
const CACHE_MAX = 64;

function remember<V>(map: Map<string, V>, key: string, value: V): V {
  if (map.size >= CACHE_MAX) map.delete(map.keys().next().value as string);
  map.set(key, value);
  return value;
}

/** Every model visible in a provider scope, each serialized once; filters then only pick entries. */
function scopeEntries(catalog: Catalog, usableProviders: Set<string>, scope: string): ListEntry[] {
  let byScope = scopeCache.get(catalog);
  if (!byScope) scopeCache.set(catalog, (byScope = new Map()));
  const hit = byScope.get(scope);
  if (hit) return hit;
  const entries: ListEntry[] = [];
  for (const m of catalog.models) {
    const v = visible(m, (p) => usableProviders.has(p));
    if (!v) continue;
    for (const [eps, free] of [
      [v.paid, false],
      [v.free, true],
    ] as const) {
      if (!eps.length) continue;
      const api = toApiModel(m, eps, free);
      entries.push({ id: api.id as string, created: m.created, outputs: m.architecture.output_modalities, params: new Set(api.supported_parameters as string[]), json: JSON.stringify(api) });
    }
  }
  entries.sort((a, b) => b.created - a.created || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return remember(byScope, scope, entries);
}

/** The GET /v1/models body for a set of usable providers and the two filters (raw query values). */
export function modelsListBody(catalog: Catalog, usableProviders: Set<string>, outputModalities?: string, supportedParameters?: string): string {
  const modalities = csv(outputModalities);
  const params = csv(supportedParameters);
  const scope = [...usableProviders].join(",");
  const key = `${scope}|${[...modalities].sort().join(",")}|${[...params].sort().join(",")}`;
  let cache = listCache.get(catalog);
  if (!cache) listCache.set(catalog, (cache = new Map()));
  const hit = cache.get(key);
  if (hit !== undefined) return hit;

  const wanted = new Set(modalities.length ? modalities : ["text"]);
  const all = wanted.has("all");
  const parts: string[] = [];
  for (const e of scopeEntries(catalog, usableProviders, scope)) {
    if (!all && !e.outputs.some((o) => wanted.has(o))) continue;
    if (params.length && !params.every((p) => e.params.has(p))) continue;
    parts.push(e.json);
  }
  return remember(cache, key, `{"object":"list","data":[${parts.join(",")}]}`);
}

modelsRoutes.get("/:path{.+}", async (c) => {
  const path = decodeURIComponent(c.req.param("path"));
  const catalog = await getCatalog(c.env);
  const allowed = allowedSet(c.get("allowedProviders"));
  const ok = usable(c.env, allowed);

  const find = (id: string): { v: Visible; free: boolean } | undefined => {
    const { base, variant } = splitVariant(id);
    const hit = lookupModel(catalog, base) ?? lookupModel(catalog, id);
    if (!hit) return undefined;
    const v = visible(hit.model, ok);
    if (!v) return undefined;
    if (variant === "free") return v.free.length ? { v, free: true } : undefined;
    return { v, free: v.paid.length === 0 };
  };

  if (path.endsWith("/endpoints")) {
    const id = path.slice(0, -"/endpoints".length);
    const found = find(id);
    if (found) return c.json({ data: await endpointsBody(c.env, found.v) });
  }
  const found = find(path);
  if (!found) throw new NotFoundError(`Model '${path}' not found (or no enabled provider serves it).`);
  const { v, free } = found;
  return c.json(toApiModel(v.model, free ? v.free : v.paid, free));
});

async function endpointsBody(env: Env, v: Visible): Promise<Record<string, unknown>> {
  const m = v.model;
  const eps = [...v.paid, ...v.free];
  const refs = eps.map((e) => ({ provider: { id: e.provider }, upstreamModel: e.upstream_model }));
  const stats = await getEndpointStats(env, refs);
  return {
    id: m.id,
    name: m.name,
    created: m.created,
    description: m.description,
    architecture: m.architecture,
    endpoints: eps.map((e, i) => {
      const p = getProvider(e.provider)!;
      const s = stats.get(endpointKey(refs[i]));
      return {
        name: `${p.name} | ${m.id}${e.variant === "free" ? ":free" : ""}`,
        model_name: m.name,
        provider_name: p.name,
        tag: e.provider,
        upstream_model: e.upstream_model,
        variant: e.variant ?? "standard",
        context_length: e.context_length,
        max_completion_tokens: e.max_completion_tokens,
        max_prompt_tokens: null,
        pricing: e.pricing,
        pricing_known: e.pricing !== null,
        quantization: e.quantization ?? null,
        wire: e.wire ?? null,
        is_moderated: e.is_moderated === true,
        first_seen: e.first_seen ?? null,
        last_seen: e.last_seen ?? null,
        supported_parameters: e.supported_parameters,
        embedding: isEmbeddingModel(m),
        status: isCoolingDown(refs[i]) ? -1 : 0,
        throughput: s?.throughput ?? null,
        latency: s?.latencyMs ?? null,
        source: e.source ?? null,
      };
    }),
  };
}

/** GET /v1/models costs for `npm run bench` (see src/catalog/measure.ts for the clock caveat). */
export interface ModelsListMeasurement {
  /** Per query: the first answer (the scope's entries serialized by the first query only), a cached answer, and the body size. */
  queries: { query: string; coldMs: number; warmUs: number; bytes: number; models: number }[];
}

/** Times the list body with every provider usable, unfiltered and with the documented filters. */
export function measureModelsList(catalog: Catalog, opts: { iterations?: number; now?: () => number } = {}): ModelsListMeasurement {
  const now = opts.now ?? (() => performance.now());
  const everyone = new Set(PROVIDERS.map((p) => p.id));
  const rounds = opts.iterations ?? 1000;
  const queries: [string, string | undefined, string | undefined][] = [
    ["(none)", undefined, undefined],
    ["output_modalities=all", "all", undefined],
    ["output_modalities=image", "image", undefined],
    ["output_modalities=text,image", "text,image", undefined],
    ["output_modalities=audio", "audio", undefined],
    ["supported_parameters=tools,structured_outputs", undefined, "tools,structured_outputs"],
  ];
  listCache.delete(catalog);
  scopeCache.delete(catalog);
  return {
    queries: queries.map(([query, mod, params]) => {
      // Cold: nothing cached for this query (the scope's serialized entries may be, as in production).
      listCache.delete(catalog);
      const t0 = now();
      const body = modelsListBody(catalog, everyone, mod, params);
      const coldMs = now() - t0;
      const t1 = now();
      for (let i = 0; i < rounds; i++) modelsListBody(catalog, everyone, mod, params);
      const warmUs = ((now() - t1) * 1000) / rounds;
      return { query, coldMs, warmUs, bytes: body.length, models: (JSON.parse(body) as { data: unknown[] }).data.length };
    }),
  };
}
