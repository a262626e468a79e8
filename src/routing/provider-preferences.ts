// Provider filters (key permission, enablement, `provider.only/ignore/max_price/require_parameters`)
// and ordering (variant / `provider.sort`, `provider.order`, cooling-down endpoints last).
import { BadRequestError, PermissionError, ProviderUnavailableError } from "../errors/gateway-error";
import { enablingVariable, getProvider, providerConfig } from "../providers/registry";
import { estCost, fail, supports, type Cand, type Ctx, type Selection } from "./candidates";
import { getEndpointStats, isCoolingDown, endpointKey } from "./health";
import { cmp, stableSort, uniq, uniqBy } from "./list-utils";
import type { Endpoint } from "./types";
import type { Variant } from "./variants";

/** Key permission, provider enablement, provider preferences and size filters (no ordering). */
export function applyProviderFilters(ctx: Ctx, cands: Cand[], label: string): Selection {
  const { env, prefs, features } = ctx;
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
  // Likewise endpoints whose output limit allows max_tokens (the others would lower it to their maximum).
  const out = features.maxOutputTokens;
  if (out !== undefined) {
    const fits = cands.filter((c) => !c.ep.maxOutputTokens || out <= c.ep.maxOutputTokens);
    if (fits.length) cands = fits;
  }
  return { ok: true, cands };
}

/** Sorting (variant / provider.sort), provider.order, then cooling-down endpoints last. */
export async function order(ctx: Ctx, cands: Cand[], variant: Variant | undefined, label: string): Promise<Endpoint[]> {
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
