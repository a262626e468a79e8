import type { Usage } from "../canonical/types";
import { mediaCostMicros, mediaTokenCost, type MediaUsage } from "./media-pricing";
import type { PricingMicros, PricingStrings } from "./types";

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

/** String field → PricingMicros field, for the optional per-unit prices (all but per_image). */
const OPTIONAL: [keyof PricingStrings, keyof PricingMicros][] = [
  ["request", "request"],
  ["image", "image"],
  ["web_search", "webSearch"],
  ["internal_reasoning", "internalReasoning"],
  ["input_cache_read", "inputCacheRead"],
  ["input_cache_write", "inputCacheWrite"],
  ["audio", "audioInput"],
  ["audio_output", "audioOutput"],
  ["input_audio_cache", "audioCacheRead"],
  ["image_token", "imageInputToken"],
  ["image_output", "imageOutputToken"],
  ["image_megapixel", "imageMegapixel"],
  ["image_step", "imageStep"],
  ["audio_second", "audioSecond"],
  ["character", "character"],
];
/** Fields kept when zero: a zero cache price is a real price, not "absent". */
const KEEP_ZERO = new Set<keyof PricingMicros>(["inputCacheRead", "inputCacheWrite"]);

/** Catalog pricing (strings) → PricingMicros; undefined when the price is unknown. */
export function toPricingMicros(p: PricingStrings | null | undefined): PricingMicros | undefined {
  if (!p) return undefined;
  const prompt = usdPerTokenToMicros(p.prompt);
  const completion = usdPerTokenToMicros(p.completion);
  if (prompt === undefined || completion === undefined) return undefined;
  const out: PricingMicros = { prompt, completion };
  for (const [from, to] of OPTIONAL) {
    const n = usdPerTokenToMicros(p[from] as string | undefined);
    if (n === undefined || (n === 0 && !KEEP_ZERO.has(to))) continue;
    (out as unknown as Record<string, number>)[to] = n;
  }
  if (p.per_image) {
    const table: Record<string, number> = {};
    for (const [k, v] of Object.entries(p.per_image)) {
      const n = usdPerTokenToMicros(v);
      if (n !== undefined) table[k] = n;
    }
    if (Object.keys(table).length) out.perImage = table;
  }
  return out;
}

/** PricingMicros → catalog pricing strings (the eight token fields always; media fields when set). */
export function toPricingStrings(p: PricingMicros): PricingStrings {
  const out: PricingStrings = {
    prompt: microsToUsdPerToken(p.prompt),
    completion: microsToUsdPerToken(p.completion),
    request: microsToUsdPerToken(p.request ?? 0),
    image: microsToUsdPerToken(p.image ?? 0),
    web_search: microsToUsdPerToken(p.webSearch ?? 0),
    internal_reasoning: microsToUsdPerToken(p.internalReasoning ?? 0),
    input_cache_read: microsToUsdPerToken(p.inputCacheRead ?? p.prompt),
    input_cache_write: microsToUsdPerToken(p.inputCacheWrite ?? p.prompt),
  };
  for (const [to, from] of OPTIONAL.slice(6)) {
    const v = p[from] as number | undefined;
    if (v !== undefined) (out as unknown as Record<string, string>)[to] = microsToUsdPerToken(v);
  }
  if (p.perImage) out.per_image = Object.fromEntries(Object.entries(p.perImage).map(([k, v]) => [k, microsToUsdPerToken(v)]));
  return out;
}

/** Rounds a micro-USD amount up to an integer, ignoring float noise (3.0000000001 → 3). */
export function ceilMicros(x: number): number {
  return Math.max(0, Math.ceil(Math.round(x * 1e6) / 1e6));
}

/**
 * Cost of one request in micro-USD, rounded up.
 * Usage.inputTokens includes cached reads and cache writes (see src/canonical/types.ts), so:
 * (input − cached − cacheWrite) × prompt + cached × cacheRead + cacheWrite × cacheWrite
 * + output × completion + request + web searches × web_search. Missing cache prices fall back
 * to the prompt price.
 * `media` adds what image, audio and speech calls consume (MediaUsage): its audio and image
 * token counts are parts of usage.inputTokens / outputTokens billed at their own rates, and its
 * units (images, megapixels, steps, audio seconds, characters) at theirs.
 */
export function costMicros(pricing: PricingMicros, usage: Usage, media: MediaUsage | undefined = mediaTokensOf(usage)): number {
  const cached = Math.max(0, usage.cachedInputTokens ?? 0);
  const written = Math.max(0, usage.cacheWriteTokens ?? 0);
  const tokens = media ? mediaTokenCost(pricing, usage, media) : undefined;
  const uncached = Math.max(0, usage.inputTokens - cached - written - (tokens?.inputTokens ?? 0));
  const output = Math.max(0, usage.outputTokens - (tokens?.outputTokens ?? 0));
  const total =
    uncached * pricing.prompt +
    cached * (pricing.inputCacheRead ?? pricing.prompt) +
    written * (pricing.inputCacheWrite ?? pricing.prompt) +
    output * pricing.completion +
    (tokens?.micros ?? 0) +
    (media ? mediaCostMicros(pricing, media) : 0) +
    (pricing.request ?? 0) +
    Math.max(0, usage.webSearchRequests ?? 0) * (pricing.webSearch ?? 0);
  return ceilMicros(total);
}

/** The media token counts a Usage carries (chat answers with audio or images), as MediaUsage. */
function mediaTokensOf(u: Usage): MediaUsage | undefined {
  if (!u.audioInputTokens && !u.audioOutputTokens && !u.imageInputTokens && !u.imageOutputTokens) return undefined;
  return { inputAudioTokens: u.audioInputTokens, outputAudioTokens: u.audioOutputTokens, inputImageTokens: u.imageInputTokens, outputImageTokens: u.imageOutputTokens };
}

/**
 * Upper bound of a request's cost before it runs: every input token at the dearest input rate
 * (a cache write can cost more than a plain prompt token), the whole output budget, the request fee.
 */
export function worstCaseMicros(pricing: PricingMicros, estInputTokens: number, maxOutputTokens: number): number {
  // Audio and image tokens can be dearer than text ones: the worst case takes the dearest rate.
  const inputRate = Math.max(pricing.prompt, pricing.inputCacheWrite ?? 0, pricing.audioInput ?? 0, pricing.imageInputToken ?? 0);
  const outputRate = Math.max(pricing.completion, pricing.audioOutput ?? 0, pricing.imageOutputToken ?? 0);
  return ceilMicros(Math.max(0, estInputTokens) * inputRate + Math.max(0, maxOutputTokens) * outputRate + (pricing.request ?? 0));
}
