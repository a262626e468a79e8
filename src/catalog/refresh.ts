// Cron-driven refresh: list each enabled provider's models and store the listings in KV, where
// getCatalog merges them with the shipped data so new models appear (price unknown unless the
// listing carries one). A provider whose listing fails keeps its last good listing.
import type { Env } from "../env";
import { enabledProviders, providerConfig } from "../providers/registry";
import { CATALOG_KV_KEY, invalidateCatalogCache, shippedCatalogData } from "./catalog";
import { listProviderModels, type FetchFn } from "./list-models";
import type { DiscoveredModel, StoredListings } from "./types";


export interface RefreshOptions {
  /** Replaces the global fetch (tests, or a service binding). */
  fetch?: FetchFn;
  /** Per-provider time limit (default 15 s). */
  timeoutMs?: number;
}

export interface RefreshResult {
  /** Providers listed successfully. */
  ok: string[];
  /** Providers whose listing failed; their previous listing (if any) is kept. */
  failed: { provider: string; error: string }[];
  /** Whether KV was written. */
  written: boolean;
  refreshedAt: string;
  /** Models listed for the first time whose price is unknown (not shipped, no price in the listing). */
  unpriced: { provider: string; id: string }[];
  /** Priced models a listing no longer showed, kept from the previous listing. */
  kept: { provider: string; id: string }[];
}

/** How long the stored listings live if no refresh ever succeeds again. */
const LISTINGS_TTL_SECONDS = 30 * 24 * 3600;
/**
 * How long a priced model a listing stops showing is kept: a listing that comes back short
 * (a page missing, a region without the model) must not drop a model with a known price.
 */
export const PRICED_RETENTION_MS = 30 * 24 * 3600 * 1000;

export async function refreshCatalog(env: Env, opts: RefreshOptions = {}): Promise<RefreshResult> {
  const doFetch: FetchFn = opts.fetch ?? ((i, init) => fetch(i, init));
  const timeoutMs = opts.timeoutMs ?? 15_000;
  const refreshedAt = new Date().toISOString();
  const providers = enabledProviders(env).filter((p) => p.supports?.list_models !== false);

  const results = await Promise.allSettled(
    providers.map(async (p) => {
      const cfg = providerConfig(env, p)!;
      const models = await listProviderModels(p, cfg, doFetch, timeoutMs);
      if (models.length === 0) throw new Error("empty model list");
      return { provider: p.id, models };
    }),
  );

  const ok: string[] = [];
  const failed: RefreshResult["failed"] = [];
  const fresh: StoredListings["providers"] = {};
  results.forEach((r, i) => {
    const id = providers[i].id;
    if (r.status === "fulfilled") {
      ok.push(id);
      fresh[id] = { listed_at: refreshedAt, models: r.value.models };
    } else {
      failed.push({ provider: id, error: r.reason instanceof Error ? r.reason.message : String(r.reason) });
    }
  });

  if (ok.length === 0) return { ok, failed, written: false, refreshedAt, unpriced: [], kept: [] };

  let previous: StoredListings | null = null;
  try {
    previous = await env.CATALOG.get<StoredListings>(CATALOG_KV_KEY, "json");
  } catch {
    previous = null;
  }
  const unpriced: RefreshResult["unpriced"] = [];
  const kept: RefreshResult["kept"] = [];
  const providersNext: StoredListings["providers"] = { ...(previous?.providers ?? {}) };
  for (const [id, listing] of Object.entries(fresh)) {
    const merged = mergeListing(previous?.providers?.[id]?.models ?? [], listing.models, refreshedAt);
    providersNext[id] = { listed_at: refreshedAt, models: merged.models };
    for (const m of merged.kept) kept.push({ provider: id, id: m });
    for (const m of merged.added) if (!m.pricing && !shippedEndpoint(id, m.id)) unpriced.push({ provider: id, id: m.id });
  }
  const next: StoredListings = { version: 1, refreshed_at: refreshedAt, providers: providersNext };
  await env.CATALOG.put(CATALOG_KV_KEY, JSON.stringify(next), { expirationTtl: LISTINGS_TTL_SECONDS });
  invalidateCatalogCache();
  return { ok, failed, written: true, refreshedAt, unpriced, kept };
}

/**
 * A provider's new listing merged with its previous one: each model keeps the time a listing first
 * showed it and gets this refresh as the last; a priced model the new listing lacks stays (a short
 * listing must not drop it) until PRICED_RETENTION_MS after it was last seen.
 */
export function mergeListing(previous: DiscoveredModel[], listed: DiscoveredModel[], now: string): { models: DiscoveredModel[]; added: DiscoveredModel[]; kept: string[] } {
  const before = new Map(previous.filter((m) => m && typeof m.id === "string").map((m) => [m.id, m]));
  const added: DiscoveredModel[] = [];
  const models: DiscoveredModel[] = listed.map((m) => {
    const old = before.get(m.id);
    if (!old) added.push(m);
    // A listing without prices does not erase a price an earlier listing gave.
    const pricing = m.pricing ?? old?.pricing;
    return { ...m, ...(pricing ? { pricing } : {}), first_seen: old?.first_seen ?? now, last_seen: now };
  });
  const listedIds = new Set(listed.map((m) => m.id));
  const kept: string[] = [];
  const cutoff = Date.parse(now) - PRICED_RETENTION_MS;
  for (const old of before.values()) {
    if (listedIds.has(old.id) || !old.pricing) continue;
    if (Date.parse(old.last_seen ?? now) < cutoff) continue;
    models.push(old);
    kept.push(old.id);
  }
  return { models, added, kept };
}

/** Whether the shipped catalog already prices a provider's model (then a listing need not). */
function shippedEndpoint(provider: string, upstream: string): boolean {
  return shippedIndex().has(`${provider}\u0000${upstream}`);
}
let shippedKeys: Set<string> | undefined;
function shippedIndex(): Set<string> {
  return (shippedKeys ??= new Set(shippedCatalogData().models.flatMap((m) => m.endpoints.map((e) => `${e.provider}\u0000${e.upstream_model}`))));
}

/**
 * The Worker's `scheduled` handler (Cron Trigger): refreshes the catalog.
 * Wire it as `export default { fetch, scheduled }`.
 */
export async function scheduled(_controller: ScheduledController, env: Env, ctx: ExecutionContext): Promise<void> {
  const run = refreshCatalog(env).then((r) => {
    if (r.failed.length) console.warn("catalog refresh: some providers failed", JSON.stringify(r.failed));
    if (r.unpriced.length) console.warn("catalog refresh: new models without a known price", JSON.stringify(r.unpriced));
    return r;
  });
  ctx.waitUntil(run);
  await run;
}

