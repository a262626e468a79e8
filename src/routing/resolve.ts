// Model id → ordered candidate endpoints.
//
// Accepted ids: catalog ids (`anthropic/claude-sonnet-4.6`), canonical slugs and aliases,
// provider-qualified upstream ids (`anthropic/claude-sonnet-4-6`, `groq/llama-3.3-70b-versatile`),
// bare ids (`gpt-4o`, `claude-sonnet-4-20250514`), `auto`, and ids the catalog does not know whose
// provider is clear (`openai/gpt-9`, `o7-mini`): those pass through with an unknown price.
// Variants: `:nitro` (fastest measured), `:floor` (cheapest), `:free` (zero-price endpoints only),
// `:thinking` (reasoning on). `routing.models` adds fallback models; `routing.provider` holds
// OpenRouter-style provider preferences.
import type { CanonicalRequest, RoutingOptions } from "../canonical/types";
import { getCatalog, isEmbeddingModel, type Catalog } from "../catalog/catalog";
import { toPricingMicros } from "../catalog/pricing";
import type { CatalogEndpoint, CatalogModel } from "../catalog/types";
import type { Env } from "../env";
import { BadRequestError, GatewayError, PermissionError, ProviderUnavailableError } from "../errors/gateway-error";
import { enablingVariable, getProvider, PROVIDERS, providerConfig, providerForBareModel } from "../providers/registry";
import type { ProviderEntry } from "../providers/types";
import { getEndpointStats, isCoolingDown, endpointKey } from "./health";
import { requestFeatures, type RequestFeatures } from "./request-features";
import type { Endpoint, ResolveOptions, RouteResolution } from "./types";

export const VARIANTS = ["nitro", "floor", "free", "thinking"] as const;
export type Variant = (typeof VARIANTS)[number];

/** The request fields routing reads; pass the whole CanonicalRequest when you have it. */
export type RouteRequest = Pick<CanonicalRequest, "model" | "routing"> & Partial<Omit<CanonicalRequest, "model" | "routing">>;

type ProviderPrefs = NonNullable<RoutingOptions["provider"]>;

/** How many models `auto` offers (the chosen one first, then fallbacks). */
const AUTO_FALLBACK_MODELS = 3;
/** Models `auto` never picks by itself (classifiers, search, embeddings). */
const AUTO_EXCLUDE = /(guard|embed|sonar|deep-research|moderation)/i;
const STICKY_TTL_SECONDS = 3600;
const STICKY_KV_PREFIX = "auto:session:";
/** Output tokens assumed when a request sets no max_tokens (for price comparisons only). */
const DEFAULT_OUTPUT_ESTIMATE = 1000;

// ---------- id parsing ----------

export function splitVariant(id: string): { base: string; variant?: Variant; unknownSuffix?: string } {
  const i = id.lastIndexOf(":");
  if (i <= 0 || i === id.length - 1) return { base: id };
  const suffix = id.slice(i + 1);
  if ((VARIANTS as readonly string[]).includes(suffix)) return { base: id.slice(0, i), variant: suffix as Variant };
  return { base: id, unknownSuffix: suffix };
}

type Target =
  | { kind: "model"; model: CatalogModel; restrict?: string; requested: string; variant?: Variant }
  | { kind: "passthrough"; provider: ProviderEntry; upstream: string; requested: string; variant?: Variant }
  | { kind: "auto"; requested: string; variant?: Variant };

const authorOf = (m: CatalogModel) => m.id.slice(0, m.id.indexOf("/"));

/** A catalog model for an id (id, alias, provider-qualified upstream id, bare id), or undefined. */
export function lookupModel(catalog: Catalog, id: string): { model: CatalogModel; restrict?: string } | undefined {
  const direct = catalog.get(id);
  if (direct) return { model: direct };
  const slash = id.indexOf("/");
  if (slash > 0) {
    const p = getProvider(id.slice(0, slash));
    if (!p) return undefined;
    const rest = id.slice(slash + 1);
    const m = catalog.findByEndpoint(p.id, rest) ?? catalog.get(`${p.id}/${rest}`);
    if (!m) return undefined;
    return { model: m, restrict: authorOf(m) === p.id ? undefined : p.id };
  }
  const owner = providerForBareModel(id);
  const bySlug = catalog.findBySlug(id);
  if (bySlug.length) return { model: bySlug.find((m) => authorOf(m) === owner?.id) ?? bySlug[0] };
  if (owner) {
    const m = catalog.findByEndpoint(owner.id, id);
    if (m) return { model: m };
  }
  for (const p of PROVIDERS) {
    const m = catalog.findByEndpoint(p.id, id);
    if (m) return { model: m, restrict: authorOf(m) === p.id ? undefined : p.id };
  }
  return undefined;
}

function passthrough(id: string): { provider: ProviderEntry; upstream: string } | undefined {
  const slash = id.indexOf("/");
  if (slash > 0) {
    const provider = getProvider(id.slice(0, slash));
    const upstream = id.slice(slash + 1);
    return provider && upstream ? { provider, upstream } : undefined;
  }
  const provider = providerForBareModel(id);
  return provider ? { provider, upstream: id } : undefined;
}

function parseTarget(catalog: Catalog, raw: string): Target {
  const { base, variant, unknownSuffix } = splitVariant(raw);
  if (unknownSuffix !== undefined) {
    // A colon can be part of a real id (Ollama tags: `ollama/llama3.2:3b`).
    const hit = lookupModel(catalog, raw);
    if (hit) return { kind: "model", ...hit, requested: raw };
    const pt = passthrough(raw);
    if (pt?.provider.keyless) return { kind: "passthrough", ...pt, requested: raw };
    throw new BadRequestError(
      `Invalid model variant ':${unknownSuffix}' in '${raw}'. Supported variants: ${VARIANTS.map((v) => ":" + v).join(", ")}.`,
    );
  }
  if (base === "auto" || base === "openrouter/auto") return { kind: "auto", requested: raw, variant };
  const hit = lookupModel(catalog, base);
  if (hit) return { kind: "model", ...hit, requested: raw, variant };
  const pt = passthrough(base);
  if (pt) return { kind: "passthrough", ...pt, requested: raw, variant };
  throw new BadRequestError(`Unknown model: '${raw}'. See GET /v1/models for the available ids (e.g. 'openai/gpt-4o').`);
}

// ---------- candidates ----------

interface Cand {
  ep: Endpoint;
  free: boolean;
  model?: CatalogModel;
}

function toEndpoint(model: CatalogModel, ce: CatalogEndpoint): Endpoint | undefined {
  const provider = getProvider(ce.provider);
  if (!provider) return undefined;
  const ep: Endpoint = { modelId: model.id, provider, upstreamModel: ce.upstream_model, supportedParameters: ce.supported_parameters };
  const pricing = toPricingMicros(ce.pricing);
  if (pricing) ep.pricing = pricing;
  const ctx = ce.context_length ?? model.context_length;
  if (ctx) ep.contextLength = ctx;
  if (ce.max_completion_tokens) ep.maxOutputTokens = ce.max_completion_tokens;
  // Discovered endpoints carry guessed parameters, so only curated ones can say "no reasoning".
  if (!ce.discovered && !ce.supported_parameters.includes("reasoning")) ep.acceptsReasoning = false;
  if (isEmbeddingModel(model)) ep.embedding = true;
  return ep;
}

const isZeroPrice = (e: Endpoint) => !!e.pricing && e.pricing.prompt === 0 && e.pricing.completion === 0 && !e.pricing.request;
const supports = (e: Endpoint, p: string) => !e.supportedParameters || e.supportedParameters.includes(p);

interface Ctx {
  env: Env;
  opts: ResolveOptions;
  features: RequestFeatures;
  prefs: ProviderPrefs;
  allowFallbacks: boolean;
  allowed: Set<string> | null;
}

/** Endpoints of one target, or a lazily built error saying why there are none. */
type Selection = { ok: true; cands: Cand[] } | { ok: false; error: () => GatewayError };

function fail(make: () => GatewayError): Selection {
  return { ok: false, error: make };
}

/** Kind, variant, permission, enablement and preference filters (no ordering). */
function select(ctx: Ctx, target: Exclude<Target, { kind: "auto" }>, variant: Variant | undefined): Selection {
  const { env, opts, prefs, features } = ctx;
  const embeddings = opts.kind === "embeddings";
  let cands: Cand[];
  let label: string;
  if (target.kind === "passthrough") {
    label = target.requested;
    if (embeddings && !target.provider.supports?.embeddings) {
      return fail(() => new BadRequestError(`Provider '${target.provider.id}' does not serve embeddings ('${target.requested}').`));
    }
    cands = [{ ep: { modelId: `${target.provider.id}/${target.upstream}`, provider: target.provider, upstreamModel: target.upstream }, free: false }];
    if (variant === "free" && !target.provider.keyless) {
      return fail(() => new BadRequestError(`Model '${label}' has no free endpoints.`));
    }
  } else {
    const model = target.model;
    label = model.id;
    const isEmb = isEmbeddingModel(model);
    if (embeddings && !isEmb) return fail(() => new BadRequestError(`'${target.requested}' is not an embedding model.`));
    if (!embeddings && isEmb) return fail(() => new BadRequestError(`'${target.requested}' is an embedding model; use the embeddings endpoint.`));
    cands = [];
    for (const ce of model.endpoints) {
      if (target.restrict && ce.provider !== target.restrict) continue;
      const ep = toEndpoint(model, ce);
      if (ep) cands.push({ ep, free: ce.variant === "free", model });
    }
    if (variant === "free") {
      cands = cands.filter((c) => isZeroPrice(c.ep));
      if (!cands.length) return fail(() => new BadRequestError(`Model '${label}' has no free endpoints.`));
    } else {
      // `:free` endpoints (shared, rate-limited) serve the plain id only when nothing else does.
      const paid = cands.filter((c) => !c.free);
      if (paid.length) cands = paid;
    }
    if (variant === "thinking") {
      const reasoning = cands.filter((c) => c.ep.supportedParameters?.includes("reasoning"));
      if (!reasoning.length) return fail(() => new BadRequestError(`Model '${label}' does not support reasoning (':thinking').`));
      cands = reasoning;
    }
    if (!cands.length) return fail(() => new ProviderUnavailableError(`Model '${label}' has no endpoint ARouter can call.`));
    // A text-only model would reject the image upstream; say so up front. Discovered models are
    // listed as text-only when their provider does not say, so only curated ones are refused.
    if (features.images && !model.discovered && !model.architecture.input_modalities.includes("image")) {
      return fail(() => new BadRequestError(`Model '${label}' does not accept image input; remove the image or choose a model that takes images.`));
    }
  }

  if (ctx.allowed) {
    const allowed = cands.filter((c) => ctx.allowed!.has(c.ep.provider.id));
    if (!allowed.length) {
      const names = uniq(cands.map((c) => c.ep.provider.id));
      return fail(() => new PermissionError(`This API key may not use provider${names.length > 1 ? "s" : ""} '${names.join("', '")}' (model '${label}').`));
    }
    cands = allowed;
  }

  const enabled = cands.filter((c) => providerConfig(env, c.ep.provider) !== undefined);
  if (!enabled.length) {
    const ps = uniqBy(cands.map((c) => c.ep.provider), (p) => p.id);
    return fail(
      () =>
        new ProviderUnavailableError(
          `Model '${label}' is not available: ${ps.length > 1 ? "none of its providers is" : `provider '${ps[0].id}' is not`} configured. ` +
            `Set ${ps.map(enablingVariable).join(" or ")}.`,
          { provider_name: ps[0].id },
        ),
    );
  }
  cands = enabled;

  const norm = (list: string[]) => new Set(list.map((x) => getProvider(x)?.id ?? x));
  if (prefs.only?.length) {
    const only = norm(prefs.only);
    cands = cands.filter((c) => only.has(c.ep.provider.id));
    if (!cands.length) return fail(() => new BadRequestError(`No endpoint of '${label}' matches provider.only (${prefs.only!.join(", ")}).`));
  }
  if (prefs.ignore?.length) {
    const ignore = norm(prefs.ignore);
    cands = cands.filter((c) => !ignore.has(c.ep.provider.id));
    if (!cands.length) return fail(() => new BadRequestError(`Every endpoint of '${label}' is in provider.ignore.`));
  }
  if (prefs.max_price) {
    const mp = prefs.max_price;
    cands = cands.filter((c) => {
      const p = c.ep.pricing;
      if (!p) return false;
      // max_price is USD per million tokens (= micro-USD per token) and USD per request.
      if (mp.prompt !== undefined && p.prompt > mp.prompt) return false;
      if (mp.completion !== undefined && p.completion > mp.completion) return false;
      if (mp.request !== undefined && (p.request ?? 0) > mp.request * 1e6) return false;
      return true;
    });
    if (!cands.length) return fail(() => new BadRequestError(`No endpoint of '${label}' is within provider.max_price.`));
  }
  if (prefs.require_parameters && features.params.length) {
    const before = cands;
    cands = cands.filter((c) => features.params.every((p) => supports(c.ep, p)));
    if (!cands.length) {
      const missing = features.params.filter((p) => !before.some((c) => supports(c.ep, p)));
      return fail(() => new BadRequestError(`No endpoint of '${label}' supports all request parameters${missing.length ? ` (unsupported: ${missing.join(", ")})` : ""}.`));
    }
  }
  // Prefer endpoints whose context window fits the prompt; keep the rest if none does.
  const need = features.estInputTokens;
  if (need > 0) {
    const fits = cands.filter((c) => !c.ep.contextLength || need <= c.ep.contextLength);
    if (fits.length) cands = fits;
  }
  // Likewise endpoints whose output limit allows max_tokens (the others would be refused).
  const out = features.maxOutputTokens;
  if (out !== undefined) {
    const fits = cands.filter((c) => !c.ep.maxOutputTokens || out <= c.ep.maxOutputTokens);
    if (fits.length) cands = fits;
  }
  return { ok: true, cands };
}

/** Estimated cost (micro-USD) of the request on an endpoint; Infinity when the price is unknown. */
function estCost(e: Endpoint, f: RequestFeatures): number {
  const p = e.pricing;
  if (!p) return Infinity;
  const out = Math.min(f.maxOutputTokens ?? DEFAULT_OUTPUT_ESTIMATE, e.maxOutputTokens ?? Infinity);
  return Math.max(f.estInputTokens, 1) * p.prompt + out * p.completion + (p.request ?? 0);
}

/** Sorting (variant / provider.sort), provider.order, then cooling-down endpoints last. */
async function order(ctx: Ctx, cands: Cand[], variant: Variant | undefined, label: string): Promise<Endpoint[]> {
  const { prefs, features } = ctx;
  let list = cands.slice();
  const mode = variant === "nitro" ? "throughput" : variant === "floor" ? "price" : prefs.sort;
  if (mode === "price") {
    list = stableSort(list, (a, b) => cmp(estCost(a.ep, features), estCost(b.ep, features)));
  } else if (mode === "throughput" || mode === "latency") {
    const stats = await getEndpointStats(ctx.env, list.map((c) => c.ep));
    const val = (c: Cand) => {
      const s = stats.get(endpointKey(c.ep));
      return mode === "throughput" ? (s?.throughput !== undefined ? -s.throughput : Infinity) : (s?.latencyMs ?? Infinity);
    };
    list = stableSort(list, (a, b) => cmp(val(a), val(b)));
  }
  if (prefs.order?.length) {
    const ids = prefs.order.map((x) => getProvider(x)?.id ?? x);
    const ordered = ids.flatMap((id) => list.filter((c) => c.ep.provider.id === id));
    const rest = list.filter((c) => !ids.includes(c.ep.provider.id));
    if (!ctx.allowFallbacks) {
      if (!ordered.length) throw new BadRequestError(`No endpoint of '${label}' is in provider.order and allow_fallbacks is false.`);
      list = ordered;
    } else {
      list = [...ordered, ...rest];
    }
  }
  const now = Date.now();
  const healthy = list.filter((c) => !isCoolingDown(c.ep, now));
  const cooling = list.filter((c) => isCoolingDown(c.ep, now));
  return [...healthy, ...cooling].map((c) => c.ep);
}

// ---------- auto ----------

/** Whether an endpoint can serve the request at all (auto choice). */
function capable(c: Cand, f: RequestFeatures): boolean {
  const e = c.ep;
  const inputs = c.model?.architecture.input_modalities ?? ["text"];
  if (f.tools && !e.supportedParameters?.includes("tools")) return false;
  if (f.jsonSchema && !e.supportedParameters?.includes("structured_outputs")) return false;
  if (f.jsonObject && !e.supportedParameters?.some((p) => p === "response_format" || p === "structured_outputs")) return false;
  if (f.reasoning && !e.supportedParameters?.includes("reasoning")) return false;
  if (f.images && !inputs.includes("image")) return false;
  if (f.files && !inputs.includes("file")) return false;
  if (e.contextLength && f.estInputTokens + (f.maxOutputTokens ?? 0) > e.contextLength) return false;
  if (e.maxOutputTokens && f.maxOutputTokens && f.maxOutputTokens > e.maxOutputTokens) return false;
  return true;
}

const stickyMemory = new Map<string, { model: string; expires: number }>();

async function getSticky(env: Env, sessionId: string): Promise<string | undefined> {
  const mem = stickyMemory.get(sessionId);
  if (mem && mem.expires > Date.now()) return mem.model;
  try {
    const v = await env.CATALOG.get(STICKY_KV_PREFIX + sessionId);
    if (v) {
      stickyMemory.set(sessionId, { model: v, expires: Date.now() + STICKY_TTL_SECONDS * 1000 });
      return v;
    }
  } catch {
    // Stickiness is best effort.
  }
  return undefined;
}

async function setSticky(env: Env, ctx: ResolveOptions["ctx"], sessionId: string, model: string): Promise<void> {
  stickyMemory.set(sessionId, { model, expires: Date.now() + STICKY_TTL_SECONDS * 1000 });
  const write = env.CATALOG.put(STICKY_KV_PREFIX + sessionId, model, { expirationTtl: STICKY_TTL_SECONDS }).catch(() => {});
  if (ctx) ctx.waitUntil(write);
  else await write;
}

/** Forgets in-memory auto-router session choices (tests). */
export function resetAutoSessions(): void {
  stickyMemory.clear();
}

async function autoEndpoints(ctx: Ctx, catalog: Catalog, target: Extract<Target, { kind: "auto" }>, sessionId: string | undefined): Promise<Endpoint[]> {
  const { env, features } = ctx;
  if (ctx.opts.kind === "embeddings") throw new BadRequestError("'auto' is not available for embeddings: name an embedding model.");
  const preference = typeof env.AUTO_ROUTER_MODELS === "string" ? env.AUTO_ROUTER_MODELS.split(",").map((s) => s.trim()).filter(Boolean) : [];
  let pool: CatalogModel[];
  if (preference.length) {
    pool = uniqBy(
      preference.map((id) => lookupModel(catalog, id)?.model).filter((m): m is CatalogModel => !!m),
      (m) => m.id,
    );
  } else {
    pool = catalog.models.filter((m) => !m.discovered && !isEmbeddingModel(m) && !AUTO_EXCLUDE.test(m.id));
  }
  const variant = target.variant;
  const viable: { model: CatalogModel; cands: Cand[]; cost: number }[] = [];
  let firstError: (() => GatewayError) | undefined;
  for (const model of pool) {
    if (isEmbeddingModel(model)) continue;
    const sel = select(ctx, { kind: "model", model, requested: model.id }, variant);
    if (!sel.ok) {
      firstError ??= sel.error;
      continue;
    }
    let cands = sel.cands.filter((c) => capable(c, features));
    if (variant !== "free") cands = cands.filter((c) => !c.free);
    if (!preference.length) cands = cands.filter((c) => c.ep.pricing !== undefined);
    if (!cands.length) continue;
    viable.push({ model, cands, cost: Math.min(...cands.map((c) => estCost(c.ep, features))) });
  }
  if (!viable.length) {
    if (firstError && !pool.some((m) => select(ctx, { kind: "model", model: m, requested: m.id }, variant).ok)) {
      const err = firstError();
      if (err instanceof ProviderUnavailableError) {
        throw new ProviderUnavailableError("No provider is configured for any model 'auto' could use: set a provider API key (e.g. OPENAI_API_KEY).");
      }
      throw err;
    }
    throw new BadRequestError("No available model fits this request for 'auto' (context size, tools, images or structured output).");
  }
  if (!preference.length) {
    viable.sort(
      (a, b) => a.cost - b.cost || (b.model.context_length ?? 0) - (a.model.context_length ?? 0) || a.model.id.localeCompare(b.model.id),
    );
  }
  if (sessionId) {
    const sticky = await getSticky(env, sessionId);
    const i = sticky ? viable.findIndex((v) => v.model.id === sticky) : -1;
    if (i > 0) viable.unshift(...viable.splice(i, 1));
    if (i < 0) await setSticky(env, ctx.opts.ctx, sessionId, viable[0].model.id);
  }
  const out: Endpoint[] = [];
  for (const v of viable.slice(0, AUTO_FALLBACK_MODELS)) {
    const eps = await order(ctx, v.cands, variant, v.model.id);
    out.push(...(ctx.allowFallbacks ? eps : eps.slice(0, 1)));
  }
  return out;
}

// ---------- entry point ----------

export async function resolveRoute(env: Env, req: RouteRequest, opts: ResolveOptions): Promise<RouteResolution> {
  const catalog = await getCatalog(env);
  const routing = req.routing ?? {};
  const prefs = routing.provider ?? {};
  const allowFallbacks = prefs.allow_fallbacks !== false;
  const ctx: Ctx = {
    env,
    opts,
    features: requestFeatures(req),
    prefs,
    allowFallbacks,
    allowed: opts.allowedProviders ? new Set(opts.allowedProviders.map((x) => getProvider(x)?.id ?? x.toLowerCase())) : null,
  };
  const ids = uniq([req.model, ...(routing.models ?? [])].filter((x): x is string => typeof x === "string" && x.length > 0));
  if (!ids.length) throw new BadRequestError("No model given: set `model` (e.g. 'openai/gpt-4o').");
  // Parse every id first so an unknown id or variant anywhere in the list is reported.
  const targets = ids.map((id) => parseTarget(catalog, id));

  const endpoints: Endpoint[] = [];
  const seen = new Set<string>();
  const thinking = new Set<string>();
  let firstError: GatewayError | undefined;
  for (const target of targets) {
    let eps: Endpoint[];
    try {
      if (target.kind === "auto") {
        eps = await autoEndpoints(ctx, catalog, target, routing.sessionId);
      } else {
        const sel = select(ctx, target, target.variant);
        if (!sel.ok) throw sel.error();
        eps = await order(ctx, sel.cands, target.variant, target.kind === "model" ? target.model.id : target.requested);
        if (!allowFallbacks) eps = eps.slice(0, 1);
      }
    } catch (err) {
      if (err instanceof GatewayError) {
        firstError ??= err;
        continue;
      }
      throw err;
    }
    for (const e of eps) {
      const k = `${e.modelId}|${endpointKey(e)}`;
      if (seen.has(k)) continue;
      seen.add(k);
      endpoints.push(e);
      if (target.variant === "thinking") thinking.add(k);
    }
  }
  if (!endpoints.length) throw firstError ?? new ProviderUnavailableError(`No endpoint available for '${ids[0]}'.`);
  return {
    endpoints,
    // allow_fallbacks:false stops provider fallbacks; fallback *models* are still tried in turn.
    allowFallbacks: allowFallbacks || endpoints.length > 1,
    adjust: thinking.size ? (r, e) => (thinking.has(`${e.modelId}|${endpointKey(e)}`) ? withThinking(r) : r) : undefined,
  };
}

/** `:thinking`: reasoning on, high effort unless the caller chose an effort or a token budget. */
export function withThinking(req: CanonicalRequest): CanonicalRequest {
  const r = req.reasoning ?? {};
  const effort = r.effort && r.effort !== "none" ? r.effort : r.maxTokens ? undefined : "high";
  const reasoning = { ...r, enabled: true, ...(effort ? { effort } : {}) };
  if (!effort) delete reasoning.effort;
  return { ...req, reasoning };
}

// ---------- small helpers ----------

function uniq<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}
function uniqBy<T>(xs: T[], key: (x: T) => string): T[] {
  const seen = new Set<string>();
  return xs.filter((x) => (seen.has(key(x)) ? false : (seen.add(key(x)), true)));
}
function cmp(a: number, b: number): number {
  if (a === b) return 0;
  if (a === Infinity) return 1;
  if (b === Infinity) return -1;
  return a - b;
}
function stableSort<T>(xs: T[], by: (a: T, b: T) => number): T[] {
  return xs
    .map((x, i) => [x, i] as const)
    .sort((a, b) => by(a[0], b[0]) || a[1] - b[1])
    .map(([x]) => x);
}
