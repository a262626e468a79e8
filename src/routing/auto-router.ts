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
import type { Endpoint, ResolveOptions } from "./types";

/** How many models `auto` offers (the chosen one first, then fallbacks). */
const AUTO_FALLBACK_MODELS = 3;
/** Models `auto` never picks by itself (classifiers, search, embeddings). */
const AUTO_EXCLUDE = /(guard|embed|sonar|deep-research|moderation)/i;
const STICKY_TTL_SECONDS = 3600;
const STICKY_KV_PREFIX = "auto:session:";

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

export async function autoEndpoints(ctx: Ctx, catalog: Catalog, target: Extract<Target, { kind: "auto" }>, sessionId: string | undefined): Promise<Endpoint[]> {
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
