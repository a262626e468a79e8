// Media pricing: image, audio and speech units in micro-USD (src/catalog/media-pricing.ts) and their
// part in costMicros / worstCaseMicros, with the catalog's own media models.
import { describe, expect, it } from "vitest";
import { shippedCatalogData } from "../../src/catalog/catalog";
import { imagePriceMicros, mediaCostMicros, mediaWorstCaseMicros } from "../../src/catalog/media-pricing";
import { costMicros, toPricingMicros, toPricingStrings, worstCaseMicros } from "../../src/catalog/pricing";
import type { PricingMicros } from "../../src/catalog/types";

const priced = (id: string, provider?: string): PricingMicros => {
  const m = shippedCatalogData().models.find((x) => x.id === id)!;
  const e = provider ? m.endpoints.find((x) => x.provider === provider)! : m.endpoints[0];
  return toPricingMicros(e.pricing)!;
};

describe("media price conversion", () => {
  it("reads every media unit from the catalog strings and writes them back", () => {
    const image = priced("openai/gpt-image-1");
    expect(image).toMatchObject({ prompt: 5, imageInputToken: 10, imageOutputToken: 40, inputCacheRead: 1.25 });
    expect(image.perImage).toMatchObject({ "low|1024x1024": 11_000, "high|1024x1536": 250_000 });
    expect(priced("openai/tts-1").character).toBe(15);
    expect(priced("openai/whisper-1").audioSecond).toBe(100);
    expect(priced("openai/gpt-audio")).toMatchObject({ audioInput: 32, audioOutput: 64 });
    expect(priced("black-forest-labs/flux-1-schnell", "cloudflare")).toMatchObject({ imageStep: 105.6 });
    const back = toPricingStrings(image);
    expect(back).toMatchObject({ image_token: "0.00001", image_output: "0.00004" });
    expect(back.per_image!["medium|1536x1024"]).toBe("0.063");
    expect(toPricingMicros(back)).toEqual(image);
  });
});

describe("imagePriceMicros", () => {
  const dalle: PricingMicros = { prompt: 0, completion: 0, perImage: { "standard|1024x1024": 40_000, "standard|1792x1024": 80_000, "hd|1024x1024": 80_000, "hd|1792x1024": 120_000, "*|256x256": 16_000 } };

  it("prices an exact tier, a wildcard tier, and bounds an unspecified quality or size by the dearest match", () => {
    expect(imagePriceMicros(dalle, "hd", "1024x1024")).toBe(80_000);
    expect(imagePriceMicros(dalle, "HD", "1792X1024")).toBe(120_000);
    expect(imagePriceMicros(dalle, "standard", "256x256")).toBe(16_000);
    expect(imagePriceMicros(dalle, undefined, "1024x1024")).toBe(80_000);
    expect(imagePriceMicros(dalle, "standard", undefined)).toBe(80_000);
    expect(imagePriceMicros(dalle)).toBe(120_000);
    expect(imagePriceMicros({ prompt: 0, completion: 0, perImage: { "*|*": 40_000 } }, "ultra", "2048x2048")).toBe(40_000);
    expect(imagePriceMicros({ prompt: 1, completion: 1 })).toBeUndefined();
  });
});

describe("costMicros with media usage", () => {
  it("bills images per image, and token-billed images by their tokens only", () => {
    const imagen = priced("google/imagen-4.0-generate-001");
    expect(costMicros(imagen, { inputTokens: 0, outputTokens: 0 }, { images: { count: 3 } })).toBe(120_000);
    const image = priced("openai/gpt-image-1");
    // 50 prompt tokens, 4160 image output tokens (a high-quality square image): tokens, not the per-image figure.
    const usage = { inputTokens: 50, outputTokens: 4160 };
    expect(costMicros(image, usage, { outputImageTokens: 4160, images: { count: 1, quality: "high", size: "1024x1024" } })).toBe(50 * 5 + 4160 * 40);
    // Without token counts the per-image price applies.
    expect(costMicros(image, { inputTokens: 0, outputTokens: 0 }, { images: { count: 2, quality: "low", size: "1024x1536" } })).toBe(32_000);
  });

  it("bills audio and image tokens as parts of the token counts at their own rates", () => {
    const audio = priced("openai/gpt-audio");
    const usage = { inputTokens: 1000, outputTokens: 500 };
    const cost = costMicros(audio, usage, { inputAudioTokens: 400, outputAudioTokens: 300 });
    expect(cost).toBe(600 * 2.5 + 400 * 32 + 200 * 10 + 300 * 64);
    // Counts larger than the usage's are clamped, never billed twice.
    expect(costMicros(audio, { inputTokens: 10, outputTokens: 0 }, { inputAudioTokens: 50 })).toBe(10 * 32);
    // Without media usage, plain token pricing.
    expect(costMicros(audio, usage)).toBe(1000 * 2.5 + 500 * 10);
  });

  it("bills speech-to-text per second, text-to-speech per character, FLUX per megapixel and step", () => {
    expect(costMicros(priced("openai/whisper-1"), { inputTokens: 0, outputTokens: 0 }, { audioSeconds: 90 })).toBe(9_000);
    expect(costMicros(priced("openai/whisper-large-v3", "groq"), { inputTokens: 0, outputTokens: 0 }, { audioSeconds: 3600 })).toBe(111_000);
    expect(costMicros(priced("openai/tts-1"), { inputTokens: 0, outputTokens: 0 }, { characters: 1000 })).toBe(15_000);
    const flux = priced("black-forest-labs/flux-1-schnell", "cloudflare");
    // 1024×1024 = 1.048576 MP (four 512×512 tiles) and 4 steps: 4 × 52.8 + 4 × 105.6 µUSD.
    expect(costMicros(flux, { inputTokens: 0, outputTokens: 0 }, { megapixels: 1.048576, steps: 4 })).toBe(Math.ceil(4 * 52.8 + 4 * 105.6));
    expect(mediaCostMicros(priced("black-forest-labs/flux-1-schnell", "together"), { megapixels: 2 })).toBe(5_400);
  });
});

describe("worst case before the call", () => {
  it("bounds media units from the request, and says when it cannot", () => {
    const imagen = priced("google/imagen-4.0-ultra-generate-001");
    expect(mediaWorstCaseMicros(imagen, { images: { count: 4 } })).toBe(240_000);
    expect(mediaWorstCaseMicros(imagen, {})).toBeUndefined();
    const whisper = priced("openai/whisper-1");
    expect(mediaWorstCaseMicros(whisper, { audioSeconds: 600 })).toBe(60_000);
    expect(mediaWorstCaseMicros(whisper, {})).toBeUndefined(); // length of the upload unknown
    expect(mediaWorstCaseMicros(priced("openai/tts-1-hd"), { characters: 4096 })).toBe(4096 * 30);
    const flux = priced("black-forest-labs/flux-1-schnell", "cloudflare");
    expect(mediaWorstCaseMicros(flux, { megapixels: 1.048576 })).toBeUndefined(); // steps unknown
    // gpt-image-1 bills tokens: its per-image figures are not a unit of its own; tokens bound it.
    expect(mediaWorstCaseMicros(priced("openai/gpt-image-1"), {})).toBe(0);
  });

  it("takes the dearest token rate when a model bills audio or image tokens", () => {
    expect(worstCaseMicros(priced("openai/gpt-audio"), 100, 100)).toBe(100 * 32 + 100 * 64);
    expect(worstCaseMicros(priced("openai/gpt-image-1"), 10, 1000)).toBe(10 * 10 + 1000 * 40);
    // Text models are unchanged.
    expect(worstCaseMicros({ prompt: 3, completion: 15 }, 100, 10)).toBe(450);
  });
});
