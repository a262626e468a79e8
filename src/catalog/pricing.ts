import type { Usage } from "../canonical/types";
import type { PricingMicros } from "../routing/types";
import type { PricingStrings } from "./types";

/** Drops float noise below a billionth of a micro-USD so exact prices stay exact. */
const clean = (x: number) => Math.round(x * 1e9) / 1e9;

/**
 * A USD-per-token price ("0.000003") in micro-USD per token (3).
 * undefined for a missing, unparsable or negative value (OpenRouter uses "-1" for "varies").
 */
export function usdPerTokenToMicros(value: string | number | null | undefined): number | undefined {
  if (value === null || value === undefined || value === "") return undefined;
  const n = typeof value === "number" ? value : Number(value);
  if (!Number.isFinite(n) || n < 0) return undefined;
  return clean(n * 1e6);
}

/** Micro-USD per token (3) as a USD-per-token decimal string ("0.000003"). */
export function microsToUsdPerToken(micros: number): string {
  if (micros === 0) return "0";
  const s = (micros / 1e6).toFixed(15).replace(/0+$/, "").replace(/\.$/, "");
  return s === "" || s === "-0" ? "0" : s;
}

/** USD per million tokens (what price pages quote) as a USD-per-token string. */
export function perMillionToUsdPerToken(usdPerMillion: number): string {
  return microsToUsdPerToken(usdPerMillion);
}

/** Catalog pricing (strings) → PricingMicros; undefined when the price is unknown. */
export function toPricingMicros(p: PricingStrings | null | undefined): PricingMicros | undefined {
  if (!p) return undefined;
  const prompt = usdPerTokenToMicros(p.prompt);
  const completion = usdPerTokenToMicros(p.completion);
  if (prompt === undefined || completion === undefined) return undefined;
  const out: PricingMicros = { prompt, completion };
  const opt = (v: string | undefined) => {
    const n = usdPerTokenToMicros(v);
    return n === undefined ? undefined : n;
  };
  const request = opt(p.request);
  const image = opt(p.image);
  const webSearch = opt(p.web_search);
  const internalReasoning = opt(p.internal_reasoning);
  const inputCacheRead = opt(p.input_cache_read);
  const inputCacheWrite = opt(p.input_cache_write);
  if (request) out.request = request;
  if (image) out.image = image;
  if (webSearch) out.webSearch = webSearch;
  if (internalReasoning) out.internalReasoning = internalReasoning;
  if (inputCacheRead !== undefined) out.inputCacheRead = inputCacheRead;
  if (inputCacheWrite !== undefined) out.inputCacheWrite = inputCacheWrite;
  return out;
}

/** PricingMicros → catalog pricing strings (all eight fields). */
export function toPricingStrings(p: PricingMicros): PricingStrings {
  return {
    prompt: microsToUsdPerToken(p.prompt),
    completion: microsToUsdPerToken(p.completion),
    request: microsToUsdPerToken(p.request ?? 0),
    image: microsToUsdPerToken(p.image ?? 0),
    web_search: microsToUsdPerToken(p.webSearch ?? 0),
    internal_reasoning: microsToUsdPerToken(p.internalReasoning ?? 0),
    input_cache_read: microsToUsdPerToken(p.inputCacheRead ?? p.prompt),
    input_cache_write: microsToUsdPerToken(p.inputCacheWrite ?? p.prompt),
  };
}

/** Rounds a micro-USD amount up to an integer, ignoring float noise (3.0000000001 → 3). */
function ceilMicros(x: number): number {
  return Math.max(0, Math.ceil(Math.round(x * 1e6) / 1e6));
}

/**
 * Cost of one request in micro-USD, rounded up.
 * Usage.inputTokens includes cached reads and cache writes (see src/canonical/types.ts), so:
 * (input − cached − cacheWrite) × prompt + cached × cacheRead + cacheWrite × cacheWrite
 * + output × completion + request + web searches × web_search. Missing cache prices fall back
 * to the prompt price.
 */
export function costMicros(pricing: PricingMicros, usage: Usage): number {
  const cached = Math.max(0, usage.cachedInputTokens ?? 0);
  const written = Math.max(0, usage.cacheWriteTokens ?? 0);
  const uncached = Math.max(0, usage.inputTokens - cached - written);
  const total =
    uncached * pricing.prompt +
    cached * (pricing.inputCacheRead ?? pricing.prompt) +
    written * (pricing.inputCacheWrite ?? pricing.prompt) +
    Math.max(0, usage.outputTokens) * pricing.completion +
    (pricing.request ?? 0) +
    Math.max(0, usage.webSearchRequests ?? 0) * (pricing.webSearch ?? 0);
  return ceilMicros(total);
}

/**
 * Upper bound of a request's cost before it runs: every input token at the dearest input rate
 * (a cache write can cost more than a plain prompt token), the whole output budget, the request fee.
 */
export function worstCaseMicros(pricing: PricingMicros, estInputTokens: number, maxOutputTokens: number): number {
  const inputRate = Math.max(pricing.prompt, pricing.inputCacheWrite ?? 0);
  return ceilMicros(Math.max(0, estInputTokens) * inputRate + Math.max(0, maxOutputTokens) * pricing.completion + (pricing.request ?? 0));
}
