// GET /v1/models (and /api/v1/models): the catalog in the OpenRouter-style schema, limited to
// models of enabled providers the calling key may use.
//   GET /                          list; ?output_modalities=text|image|embeddings|all (comma list),
//                                  ?supported_parameters=tools,response_format (all required)
//   GET /{author}/{slug}           one model (ids contain slashes; `:free` names the free variant)
//   GET /{author}/{slug}/endpoints the model's endpoints (providers) with price, limits and speed
import { Hono } from "hono";
import { getCatalog, isEmbeddingModel, type Catalog } from "../catalog/catalog";
import type { CatalogEndpoint, CatalogModel } from "../catalog/types";
import type { Env } from "../env";
import { NotFoundError } from "../errors/gateway-error";
import { allowedProviderSet as allowedSet } from "../keys/allowed-providers";
import { getProvider, providerConfig } from "../providers/registry";
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

function usable(env: Env, allowed: Set<string> | null) {
  const cache = new Map<string, boolean>();
  return (providerId: string): boolean => {
    let ok = cache.get(providerId);
    if (ok === undefined) {
      const p = getProvider(providerId);
      ok = !!p && providerConfig(env, p) !== undefined && (!allowed || allowed.has(p.id));
      cache.set(providerId, ok);
    }
    return ok;
  };
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
    top_provider: { context_length: top.context_length, max_completion_tokens: top.max_completion_tokens, is_moderated: false },
    per_request_limits: model.per_request_limits,
    supported_parameters: params,
    default_parameters: model.default_parameters,
    expiration_date: model.expiration_date,
    // OpenAI SDK compatibility (models.list / models.retrieve).
    object: "model",
    owned_by: model.id.slice(0, model.id.indexOf("/")),
  };
}

function listVisible(catalog: Catalog, env: Env, allowed: Set<string> | null): Visible[] {
  const ok = usable(env, allowed);
  const out: Visible[] = [];
  for (const m of catalog.models) {
    const v = visible(m, ok);
    if (v) out.push(v);
  }
  return out;
}

const csv = (v: string | undefined) =>
  (v ?? "")
    .split(",")
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);

export const modelsRoutes = new Hono<ModelsBindings>();

modelsRoutes.get("/", async (c) => {
  const catalog = await getCatalog(c.env);
  const allowed = allowedSet(c.get("allowedProviders"));
  const modalities = csv(c.req.query("output_modalities"));
  const wanted = modalities.length ? modalities : ["text"];
  const all = wanted.includes("all");
  const params = csv(c.req.query("supported_parameters"));

  const data: Record<string, unknown>[] = [];
  for (const v of listVisible(catalog, c.env, allowed)) {
    const outputs = v.model.architecture.output_modalities;
    if (!all && !outputs.some((o) => wanted.includes(o))) continue;
    for (const [eps, free] of [
      [v.paid, false],
      [v.free, true],
    ] as const) {
      if (!eps.length) continue;
      if (params.length) {
        const have = new Set(eps.flatMap((e) => e.supported_parameters));
        if (!params.every((p) => have.has(p))) continue;
      }
      data.push(toApiModel(v.model, eps, free));
    }
  }
  data.sort((a, b) => (b.created as number) - (a.created as number) || String(a.id).localeCompare(String(b.id)));
  return c.json({ object: "list", data });
});

modelsRoutes.get("/:path{.+}", async (c) => {
  // Hono has already decoded the parameter (leaving a broken escape as written): decoding it again
  // would turn `%25` into `%` and throw on a literal `%ZZ`.
  const path = c.req.param("path");
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
