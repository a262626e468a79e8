/**
 * The tests' one price oracle, read straight from the shipped catalog (data/models.json) and not
 * through the gateway's own pricing code (src/catalog/pricing.ts), so a pricing bug cannot hide
 * behind itself. Costs are computed exactly, in pico-USD (10⁻¹² $: the catalog's finest unit),
 * then rounded up to the micro-USD the gateway bills in.
 */
import catalog from "../../data/models.json";

type PricingStrings = Record<string, string | undefined>;
interface CatalogModel {
  id: string;
  pricing: PricingStrings | null;
  endpoints: Array<{ provider: string; pricing: PricingStrings | null }>;
}

/** Micro-USD per token (and per request), as numbers: for sizing limits and budgets in tests. */
export interface Prices {
  prompt: number;
  completion: number;
  /** Missing in the catalog: the prompt price. */
  cacheRead: number;
  cacheWrite: number;
  request: number;
}

/** Tokens of one answer; `input` includes cached reads and cache writes (as every surface reports it). */
export interface TokenCounts {
  input: number;
  output: number;
  cached?: number;
  cacheWrite?: number;
}

/** The pricing strings of a model's endpoint at `provider` (the model's first endpoint otherwise). */
export function pricingOf(modelId: string, provider?: string): PricingStrings {
  const m = (catalog as { models: CatalogModel[] }).models.find((x) => x.id === modelId);
  if (!m) throw new Error(`model ${modelId} not in data/models.json`);
  const p = (provider ? m.endpoints.find((e) => e.provider === provider) : undefined)?.pricing ?? m.endpoints[0]?.pricing ?? m.pricing;
  if (!p || p.prompt === undefined || p.completion === undefined) throw new Error(`model ${modelId} has no price`);
  return p;
}

const given = (s: string | undefined) => s !== undefined && s !== "";
/** A USD-per-token string in pico-USD, exactly. */
const pico = (usd: string | undefined) => BigInt(Math.round(Number(usd ?? "0") * 1e12));

function picoPrices(p: PricingStrings) {
  const prompt = pico(p.prompt);
  return {
    prompt,
    completion: pico(p.completion),
    cacheRead: given(p.input_cache_read) ? pico(p.input_cache_read) : prompt,
    cacheWrite: given(p.input_cache_write) ? pico(p.input_cache_write) : prompt,
    request: pico(p.request),
  };
}

export function catalogPrices(modelId: string, provider?: string): Prices {
  const p = picoPrices(pricingOf(modelId, provider));
  const micro = (x: bigint) => Number(x) / 1e6;
  return { prompt: micro(p.prompt), completion: micro(p.completion), cacheRead: micro(p.cacheRead), cacheWrite: micro(p.cacheWrite), request: micro(p.request) };
}

/** What the gateway must charge, in micro-USD rounded up. */
export function expectedCost(modelId: string, provider: string | undefined, t: TokenCounts): number {
  const p = picoPrices(pricingOf(modelId, provider));
  const cached = BigInt(t.cached ?? 0);
  const written = BigInt(t.cacheWrite ?? 0);
  const total = (BigInt(t.input) - cached - written) * p.prompt + cached * p.cacheRead + written * p.cacheWrite + BigInt(t.output) * p.completion + p.request;
  return Number((total + 999_999n) / 1_000_000n);
}
