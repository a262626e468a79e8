// Model id → ordered candidate endpoints.
//
// Accepted ids: catalog ids (`anthropic/claude-sonnet-4.6`), canonical slugs and aliases,
// provider-qualified upstream ids (`anthropic/claude-sonnet-4-6`, `groq/llama-3.3-70b-versatile`),
// bare ids (`gpt-4o`, `claude-sonnet-4-20250514`), `auto`, and ids the catalog does not know whose
// provider is clear (`openai/gpt-9`, `o7-mini`): those pass through with an unknown price.
// Variants: `:nitro` (fastest measured), `:floor` (cheapest), `:free` (zero-price endpoints only),
// `:thinking` (reasoning on). `routing.models` adds fallback models; `routing.provider` holds
// OpenRouter-style provider preferences.
//
// Parts: variants.ts (id suffixes), model-lookup.ts (id → target), select-candidates.ts and
// provider-preferences.ts (target → ordered endpoints), auto-router.ts (`auto`).
import type { CanonicalRequest } from "../canonical/types";
import { getCatalog } from "../catalog/catalog";
import type { Env } from "../env";
import { BadRequestError, GatewayError, ProviderUnavailableError } from "../errors/gateway-error";
import { getProvider } from "../providers/registry";
import { autoEndpoints } from "./auto-router";
import type { Ctx } from "./candidates";
import { endpointKey } from "./health";
import { uniq } from "./list-utils";
import { parseTarget } from "./model-lookup";
import { order } from "./provider-preferences";
import { requestFeatures } from "./request-features";
import { select } from "./select-candidates";
import type { Endpoint, ResolveOptions, RouteResolution } from "./types";
import { withThinking } from "./variants";

/** The request fields routing reads; pass the whole CanonicalRequest when you have it. */
export type RouteRequest = Pick<CanonicalRequest, "model" | "routing"> & Partial<Omit<CanonicalRequest, "model" | "routing">>;

export async function resolveRoute(env: Env, req: RouteRequest, opts: ResolveOptions): Promise<RouteResolution> {
  const catalog = await getCatalog(env);
  const routing = req.routing ?? {};
  const prefs = routing.provider ?? {};
  const allowFallbacks = prefs.allow_fallbacks !== false;
  const ctx: Ctx = {
    env,
    opts,
    features: requestFeatures(req, opts.bodyBytes),
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
