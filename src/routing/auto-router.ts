// `auto`: picks the cheapest capable model (or the AUTO_ROUTER_MODELS list in order), keeps a
// session on one model, and offers a few fallback models.
import { isChatModel, isEmbeddingModel, type Catalog } from "../catalog/catalog";
import type { CatalogModel } from "../catalog/types";
import type { Env } from "../env";
import { BadRequestError, GatewayError, ProviderUnavailableError } from "../errors/gateway-error";
import { estCost, type Cand, type Ctx } from "./candidates";
import { uniqBy } from "./list-utils";
import { lookupModel, type Target } from "./model-lookup";
import { order } from "./provider-preferences";
import type { RequestFeatures } from "./request-features";
import { select } from "./select-candidates";
import type { Endpoint, ResolveOptions, RouteResolution } from "./types";

/** How many models `auto` offers (the chosen one first, then fallbacks). */
const AUTO_FALLBACK_MODELS = 3;
/** Models `auto` never picks by itself (classifiers, search, embeddings). */
const AUTO_EXCLUDE = /(guard|embed|sonar|deep-research|moderation)/i;
const STICKY_TTL_SECONDS = 3600;
const STICKY_KV_PREFIX = "auto:session:";
/** Session pins this isolate keeps in memory (the oldest is dropped first; KV keeps them all). */
const STICKY_MEMORY_MAX = 10_000;
let stickyMemoryMax = STICKY_MEMORY_MAX;

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

/**
 * Session pins, keyed by the calling key and the session id (`<key hash>:<session id>`): a session
 * id chosen by one key never steers another key's requests. Session ids are at most 128
 * characters (checked by every surface), the memory map is bounded, and a pin is written only once
 * the request was admitted — a refused request leaves no KV write behind.
 */
const stickyMemory = new Map<string, { model: string; expires: number }>();

const pinKey = (scope: string | undefined, sessionId: string) => `${scope ?? "-"}:${sessionId}`;

function remember(key: string, model: string): void {
  stickyMemory.delete(key);
  stickyMemory.set(key, { model, expires: Date.now() + STICKY_TTL_SECONDS * 1000 });
  while (stickyMemory.size > stickyMemoryMax) stickyMemory.delete(stickyMemory.keys().next().value!);
}

async function getSticky(env: Env, key: string): Promise<string | undefined> {
  const mem = stickyMemory.get(key);
  if (mem && mem.expires > Date.now()) return mem.model;
  try {
    const v = await env.CATALOG.get(STICKY_KV_PREFIX + key);
    if (v) {
      remember(key, v);
      return v;
    }
  } catch {
    // Stickiness is best effort.
  }
  return undefined;
}

/** The KV write runs in the background (waitUntil); it is returned for callers without a context. */
function setSticky(env: Env, ctx: ResolveOptions["ctx"], key: string, model: string): Promise<void> {
  remember(key, model);
  const write = env.CATALOG.put(STICKY_KV_PREFIX + key, model, { expirationTtl: STICKY_TTL_SECONDS }).catch(() => {});
  ctx?.waitUntil(write);
  return write;
}

/** Pins in this isolate's memory (tests). */
export function autoSessionsInMemory(): number {
  return stickyMemory.size;
}

/** Forgets in-memory auto-router session choices, and restores the memory bound (tests). */
export function resetAutoSessions(): void {
  stickyMemory.clear();
  stickyMemoryMax = STICKY_MEMORY_MAX;
}

/** Lowers the in-memory bound so a test can reach it with a few requests (reset by resetAutoSessions). */
export function setAutoSessionMemoryMax(max: number): void {
  stickyMemoryMax = max;
}

/** `auto`'s endpoints, and — for a session not yet pinned — what pins it once a request is admitted. */
export interface AutoRoute {
  endpoints: Endpoint[];
  admitted?: RouteResolution["admitted"];
}

export async function autoEndpoints(ctx: Ctx, catalog: Catalog, target: Extract<Target, { kind: "auto" }>, sessionId: string | undefined): Promise<AutoRoute> {
  const { env, features } = ctx;
  if (ctx.opts.kind === "embeddings") throw new BadRequestError("'auto' is not available for embeddings: name an embedding model.");
  if (ctx.opts.kind !== "chat") throw new BadRequestError(`'auto' is not available for ${ctx.opts.kind}: name a model.`);
  const preference = typeof env.AUTO_ROUTER_MODELS === "string" ? env.AUTO_ROUTER_MODELS.split(",").map((s) => s.trim()).filter(Boolean) : [];
  let pool: CatalogModel[];
  if (preference.length) {
    pool = uniqBy(
      preference.map((id) => lookupModel(catalog, id)?.model).filter((m): m is CatalogModel => !!m),
      (m) => m.id,
    );
  } else {
    // Text-answering chat models only: not embeddings, image/speech/transcription-only or audio-only ones.
    pool = catalog.models.filter(
      (m) => !m.discovered && !isEmbeddingModel(m) && isChatModel(m) && m.architecture.output_modalities.includes("text") && !AUTO_EXCLUDE.test(m.id),
    );
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
  let admitted: AutoRoute["admitted"];
  if (sessionId) {
    const key = pinKey(ctx.opts.sessionScope, sessionId);
    const sticky = await getSticky(env, key);
    const i = sticky ? viable.findIndex((v) => v.model.id === sticky) : -1;
    if (i > 0) viable.unshift(...viable.splice(i, 1));
    if (i < 0) {
      const offered = new Set(viable.slice(0, AUTO_FALLBACK_MODELS).map((v) => v.model.id));
      // The model the request is admitted on (after reserve), if it is one auto offered.
      admitted = (e) => (offered.has(e.modelId) ? setSticky(env, ctx.opts.ctx, key, e.modelId) : undefined);
    }
  }
  const out: Endpoint[] = [];
  for (const v of viable.slice(0, AUTO_FALLBACK_MODELS)) {
    const eps = await order(ctx, v.cands, variant, v.model.id);
    out.push(...(ctx.allowFallbacks ? eps : eps.slice(0, 1)));
  }
  return { endpoints: out, admitted };
}
