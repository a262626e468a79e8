// Prices of image, audio and speech usage, in integer micro-USD, on top of the token prices in
// pricing.ts. The media endpoints (images, audio speech/transcriptions) and chat answers with
// audio or image output price their calls here:
//   before the call   mediaWorstCaseMicros(pricing, bound)  → what to reserve (undefined: unbounded)
//   after the call    costMicros(pricing, usage, media)     → what to settle (pricing.ts)
import type { Usage } from "../canonical/types";
import type { PricingMicros } from "./types";

/**
 * What a call consumed beyond text tokens. Token counts are parts of Usage.inputTokens /
 * outputTokens (as OpenAI and Gemini report them: `prompt_tokens_details.audio_tokens`…), billed
 * at their own rates instead of the text rate.
 */
export interface MediaUsage {
  /** Of Usage.inputTokens: audio tokens, cached audio tokens, image tokens. */
  inputAudioTokens?: number;
  cachedInputAudioTokens?: number;
  inputImageTokens?: number;
  /** Of Usage.outputTokens: audio tokens, image tokens. */
  outputAudioTokens?: number;
  outputImageTokens?: number;
  /**
   * Generated images with the quality and size asked for ("hd", "1024x1792"; omitted = the
   * provider's default). Billed per image only when the model has a per-image price and the
   * usage reports no image output tokens (token-billed models report tokens; their per-image
   * figures then only bound the worst case).
   */
  images?: { count: number; quality?: string; size?: string };
  /** Megapixels and diffusion steps generated in total (FLUX hosts). */
  megapixels?: number;
  steps?: number;
  /** Seconds of input audio (speech-to-text). */
  audioSeconds?: number;
  /** Characters of input text (text-to-speech). */
  characters?: number;
}

/** What a call may consume at most, known before it runs (the request's n, size, steps, input length…). */
export type MediaBound = Pick<MediaUsage, "images" | "megapixels" | "steps" | "audioSeconds" | "characters">;

const n = (x: number | undefined) => Math.max(0, x ?? 0);

/**
 * The micro-USD of one image at a quality and size, from a `"<quality>|<size>"` table: the exact
 * entry, else `quality|*`, `*|size`, `*|*`; when quality or size is not given, the dearest entry
 * that matches the rest (a reservation must not fall short). undefined: no per-image price.
 */
export function imagePriceMicros(pricing: PricingMicros, quality?: string, size?: string): number | undefined {
  const table = pricing.perImage;
  if (!table) return undefined;
  const q = quality?.toLowerCase();
  const s = size?.toLowerCase();
  for (const k of [`${q}|${s}`, `${q}|*`, `*|${s}`]) if (q !== undefined && s !== undefined && table[k] !== undefined) return table[k];
  if (q === undefined || s === undefined) {
    let max: number | undefined;
    for (const [k, v] of Object.entries(table)) {
      const [kq, ks] = k.split("|");
      if ((q === undefined || kq === q || kq === "*") && (s === undefined || ks === s || ks === "*")) max = Math.max(max ?? 0, v);
    }
    if (max !== undefined) return max;
  }
  return table["*|*"];
}

/** The audio / image token part of a cost, and how many tokens it took out of the text counts. */
export function mediaTokenCost(pricing: PricingMicros, usage: Usage, media: MediaUsage): { micros: number; inputTokens: number; outputTokens: number } {
  const audioIn = Math.min(n(media.inputAudioTokens), n(usage.inputTokens));
  const audioCached = Math.min(n(media.cachedInputAudioTokens), n(usage.inputTokens) - audioIn);
  const imageIn = Math.min(n(media.inputImageTokens), n(usage.inputTokens) - audioIn - audioCached);
  const audioOut = Math.min(n(media.outputAudioTokens), n(usage.outputTokens));
  const imageOut = Math.min(n(media.outputImageTokens), n(usage.outputTokens) - audioOut);
  const audioInRate = pricing.audioInput ?? pricing.prompt;
  const micros =
    audioIn * audioInRate +
    audioCached * (pricing.audioCacheRead ?? audioInRate) +
    imageIn * (pricing.imageInputToken ?? pricing.prompt) +
    audioOut * (pricing.audioOutput ?? pricing.completion) +
    imageOut * (pricing.imageOutputToken ?? pricing.completion);
  return { micros, inputTokens: audioIn + audioCached + imageIn, outputTokens: audioOut + imageOut };
}

/** Micro-USD of the non-token units (images, megapixels, steps, audio seconds, characters); not rounded. */
export function mediaCostMicros(pricing: PricingMicros, media: MediaUsage): number {
  let total = 0;
  if (media.images && n(media.images.count) > 0 && !n(media.outputImageTokens)) {
    total += n(media.images.count) * (imagePriceMicros(pricing, media.images.quality, media.images.size) ?? 0);
  }
  total += n(media.megapixels) * (pricing.imageMegapixel ?? 0);
  total += n(media.steps) * (pricing.imageStep ?? 0);
  total += n(media.audioSeconds) * (pricing.audioSecond ?? 0);
  total += n(media.characters) * (pricing.character ?? 0);
  return total;
}

/**
 * Upper bound (micro-USD, not rounded) of a media call's unit cost before it runs, or undefined
 * when the model bills a unit the bound does not give (e.g. audio seconds of an upload whose length
 * is unknown): such a call cannot be bounded, and a key with a spend limit must refuse it.
 * Token-billed parts are bounded with worstCaseMicros (pricing.ts).
 */
export function mediaWorstCaseMicros(pricing: PricingMicros, bound: MediaBound): number | undefined {
  let total = 0;
  if (pricing.perImage && !pricing.imageOutputToken) {
    if (!bound.images) return undefined;
    total += n(bound.images.count) * (imagePriceMicros(pricing, bound.images.quality, bound.images.size) ?? 0);
  }
  const units: [number | undefined, number | undefined][] = [
    [pricing.imageMegapixel, bound.megapixels],
    [pricing.imageStep, bound.steps],
    [pricing.audioSecond, bound.audioSeconds],
    [pricing.character, bound.characters],
  ];
  for (const [price, qty] of units) {
    if (!price) continue;
    if (qty === undefined) return undefined;
    total += n(qty) * price;
  }
  return total;
}
