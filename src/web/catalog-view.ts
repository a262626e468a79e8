// What the website shows of the catalog: only models this deployment can serve (an endpoint of an
// enabled provider), each with its usable endpoints, the measured speed of each endpoint (the
// routing health stats, shared through KV) and the figures the browser filters and sorts by.
import { getCatalog } from "../catalog/catalog";
import type { CatalogEndpoint, CatalogModel, PricingStrings } from "../catalog/types";
import type { Env } from "../env";
import { getProvider, providerConfig } from "../providers/registry";
import { endpointKey, getEndpointStats, isCoolingDown, type EndpointStats } from "../routing/health";

export interface EndpointView {
  endpoint: CatalogEndpoint;
  providerId: string;
  providerName: string;
  /** The id a caller sends to reach this model (`:free` for zero-price variant endpoints). */
  callId: string;
  stats?: EndpointStats;
  coolingDown: boolean;
}

export interface ModelView {
  model: CatalogModel;
  endpoints: EndpointView[];
  providers: string[];
  inputModalities: string[];
  outputModalities: string[];
  parameters: string[];
  contextLength: number;
  maxOutput: number | null;
  /** Cheapest known USD per token of prompt and completion over the paid endpoints (null = unpriced). */
  promptPrice: number | null;
  completionPrice: number | null;
  /** Best measured throughput over the endpoints (tokens/s). */
  throughput: number | null;
  free: boolean;
}

export interface CatalogView {
  models: ModelView[];
  /** Enabled providers that serve at least one model, as [id, name]. */
  providers: [string, string][];
  refreshedAt?: string;
}

const num = (s: string | undefined): number | null => {
  if (s === undefined) return null;
  const n = Number(s);
  return Number.isFinite(n) ? n : null;
};

/** The lowest of one per-unit price field across endpoints (tiered fields such as per_image are not compared). */
function cheapest(eps: EndpointView[], field: keyof PricingStrings): number | null {
  let best: number | null = null;
  for (const e of eps) {
    const raw = e.endpoint.pricing?.[field];
    const v = typeof raw === "string" ? num(raw) : null;
    if (v !== null && (best === null || v < best)) best = v;
  }
  return best;
}

/** The deployment's servable catalog with live endpoint stats. */
export async function catalogView(env: Env): Promise<CatalogView> {
  const catalog = await getCatalog(env);
  const enabled = new Map<string, string | null>();
  const providerOk = (id: string): string | null => {
    let name = enabled.get(id);
    if (name === undefined) {
      const p = getProvider(id);
      name = p && providerConfig(env, p) ? p.name : null;
      enabled.set(id, name);
    }
    return name;
  };

  const pending: { model: CatalogModel; eps: CatalogEndpoint[] }[] = [];
  for (const model of catalog.models) {
    const eps = model.endpoints.filter((e) => providerOk(e.provider) !== null);
    if (eps.length) pending.push({ model, eps });
  }
  const refs = pending.flatMap((p) => p.eps.map((e) => ({ provider: { id: e.provider }, upstreamModel: e.upstream_model })));
  const stats = await getEndpointStats(env, refs);

  const models = pending.map(({ model, eps }) => {
    const endpoints: EndpointView[] = eps.map((endpoint) => {
      const ref = { provider: { id: endpoint.provider }, upstreamModel: endpoint.upstream_model };
      return {
        endpoint,
        providerId: getProvider(endpoint.provider)?.id ?? endpoint.provider,
        providerName: providerOk(endpoint.provider) ?? endpoint.provider,
        callId: endpoint.variant === "free" ? `${model.id}:free` : model.id,
        stats: stats.get(endpointKey(ref)),
        coolingDown: isCoolingDown(ref),
      };
    });
    return toModelView(model, endpoints);
  });

  const providers = new Map<string, string>();
  for (const m of models) for (const e of m.endpoints) providers.set(e.providerId, e.providerName);
  return {
    models,
    providers: [...providers].sort((a, b) => a[1].localeCompare(b[1])),
    refreshedAt: catalog.refreshedAt,
  };
}

export function toModelView(model: CatalogModel, endpoints: EndpointView[]): ModelView {
  const paid = endpoints.filter((e) => e.endpoint.variant !== "free");
  const priced = paid.length ? paid : endpoints;
  const throughputs = endpoints.map((e) => e.stats?.throughput).filter((t): t is number => typeof t === "number");
  const params = new Set<string>(model.supported_parameters);
  for (const e of endpoints) for (const p of e.endpoint.supported_parameters) params.add(p);
  const promptPrice = cheapest(priced, "prompt");
  const completionPrice = cheapest(priced, "completion");
  return {
    model,
    endpoints,
    providers: [...new Set(endpoints.map((e) => e.providerId))],
    inputModalities: model.architecture.input_modalities,
    outputModalities: model.architecture.output_modalities,
    parameters: [...params],
    contextLength: Math.max(model.context_length ?? 0, ...endpoints.map((e) => e.endpoint.context_length ?? 0)),
    maxOutput: model.top_provider.max_completion_tokens ?? endpoints.find((e) => e.endpoint.max_completion_tokens)?.endpoint.max_completion_tokens ?? null,
    promptPrice,
    completionPrice,
    throughput: throughputs.length ? Math.max(...throughputs) : null,
    free: endpoints.some((e) => e.endpoint.variant === "free") || (promptPrice === 0 && completionPrice === 0),
  };
}

/** One model by id (or `id:free`), among the servable ones. */
export function findModel(view: CatalogView, id: string): ModelView | undefined {
  const base = id.endsWith(":free") ? id.slice(0, -":free".length) : id;
  return view.models.find((m) => m.model.id === base || m.model.canonical_slug === base || m.model.aliases?.includes(base));
}
