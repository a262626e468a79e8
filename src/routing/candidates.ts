// Candidate endpoints: the shared types of selection and ordering, and per-endpoint helpers.
import type { RoutingOptions } from "../canonical/types";
import { isEmbeddingModel } from "../catalog/catalog";
import { toPricingMicros } from "../catalog/pricing";
import type { CatalogEndpoint, CatalogModel } from "../catalog/types";
import type { Env } from "../env";
import type { GatewayError } from "../errors/gateway-error";
import { getProvider } from "../providers/registry";
import type { RequestFeatures } from "./request-features";
import type { Endpoint, ResolveOptions } from "./types";

export type ProviderPrefs = NonNullable<RoutingOptions["provider"]>;

/** Output tokens assumed when a request sets no max_tokens (for price comparisons only). */
const DEFAULT_OUTPUT_ESTIMATE = 1000;

export interface Cand {
  ep: Endpoint;
  free: boolean;
  model?: CatalogModel;
}

export function toEndpoint(model: CatalogModel, ce: CatalogEndpoint): Endpoint | undefined {
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
  if (ce.variant === "free") ep.freeTier = true;
  if (ce.wire) ep.wire = ce.wire;
  ep.outputModalities = model.architecture.output_modalities;
  return ep;
}

export const isZeroPrice = (e: Endpoint) => !!e.pricing && e.pricing.prompt === 0 && e.pricing.completion === 0 && !e.pricing.request;
export const supports = (e: Endpoint, p: string) => !e.supportedParameters || e.supportedParameters.includes(p);

export interface Ctx {
  env: Env;
  opts: ResolveOptions;
  features: RequestFeatures;
  prefs: ProviderPrefs;
  allowFallbacks: boolean;
  allowed: Set<string> | null;
}

/** Endpoints of one target, or a lazily built error saying why there are none. */
export type Selection = { ok: true; cands: Cand[] } | { ok: false; error: () => GatewayError };

export function fail(make: () => GatewayError): Selection {
  return { ok: false, error: make };
}

/** Estimated cost (micro-USD) of the request on an endpoint; Infinity when the price is unknown. */
export function estCost(e: Endpoint, f: RequestFeatures): number {
  const p = e.pricing;
  if (!p) return Infinity;
  const out = Math.min(f.maxOutputTokens ?? DEFAULT_OUTPUT_ESTIMATE, e.maxOutputTokens ?? Infinity);
  return Math.max(f.estInputTokens, 1) * p.prompt + out * p.completion + (p.request ?? 0);
}
