// Google's image APIs: Imagen on `:predict` (priced per image) and Gemini's image models on
// generateContent with IMAGE output (priced per token: text in, image tokens out).
import { imagePriceMicros } from "../../catalog/media-pricing";
import { worstCaseMicros } from "../../catalog/pricing";
import { geminiMediaTokens } from "../../codecs/gemini/media-usage";
import { BadRequestError } from "../../errors/gateway-error";
import { isRecord } from "../../streams/json";
import type { GeneratedImage } from "./types";
import { aspectRatioOf, nowSec, type ImagesWire } from "./wire";

const IMAGEN_MAX_N = 4;
const GEMINI_MAX_N = 4;
/**
 * Output tokens one Gemini image answer may take: Google's tables give 1,290 tokens per image for
 * gemini-2.5-flash-image and up to 2,000 for a 4K image of the 3.x image models, plus the text
 * the model writes beside it.
 */
const GEMINI_IMAGE_OUTPUT_BOUND = 4096;

const str = (v: unknown) => (typeof v === "string" ? v : undefined);

/** Imagen: `{instances: [{prompt}], parameters: {sampleCount, aspectRatio}}` → `{predictions: [{bytesBase64Encoded, mimeType}]}`. */
export const imagenWire: ImagesWire = {
  prepare(req, endpoint) {
    if (req.edit) throw new BadRequestError("Imagen models do not edit images through this API; use a Gemini image model or an OpenAI one.");
    if (req.n > IMAGEN_MAX_N) throw new BadRequestError(`'n' must be at most ${IMAGEN_MAX_N} for Imagen models.`);
    const parameters: Record<string, unknown> = { sampleCount: req.n };
    const ratio = aspectRatioOf(req);
    if (ratio) parameters.aspectRatio = ratio;
    if (req.outputFormat === "jpeg" || req.outputFormat === "png") parameters.outputOptions = { mimeType: `image/${req.outputFormat}` };
    const p = endpoint.pricing;
    const each = p ? imagePriceMicros(p, undefined, undefined) : undefined;
    return { op: "images", bodies: [{ instances: [{ prompt: req.prompt }], parameters }], bound: p && each !== undefined ? req.n * each + (p.request ?? 0) : null };
  },
  decode(answers) {
    const a = answers[0];
    if (!isRecord(a)) throw new Error("expected a JSON object");
    // Images the safety filters removed are simply absent (or carry raiFilteredReason only).
    const preds = Array.isArray(a.predictions) ? a.predictions.filter(isRecord) : [];
    const images = preds.filter((p) => str(p.bytesBase64Encoded)).map((p) => ({ b64: str(p.bytesBase64Encoded), mediaType: str(p.mimeType) ?? "image/png" }));
    return { created: nowSec(), images, usage: { inputTokens: 0, outputTokens: 0 }, media: { images: { count: images.length } } };
  },
};

/** Gemini image models: one generateContent call per image asked for (they answer one at a time). */
export const geminiImagesWire: ImagesWire = {
  prepare(req, endpoint) {
    if (req.n > GEMINI_MAX_N) throw new BadRequestError(`'n' must be at most ${GEMINI_MAX_N} for Gemini image models.`);
    const parts: Record<string, unknown>[] = [{ text: req.prompt }];
    for (const img of req.edit?.images ?? []) parts.push({ inlineData: { mimeType: img.mediaType, data: img.base64 } });
    const generationConfig: Record<string, unknown> = { responseModalities: ["TEXT", "IMAGE"] };
    const ratio = aspectRatioOf(req);
    if (ratio) generationConfig.imageConfig = { aspectRatio: ratio };
    const body = { contents: [{ role: "user", parts }], generationConfig };
    const p = endpoint.pricing;
    const promptTokens = Math.ceil(new TextEncoder().encode(req.prompt).length / 2) + (req.edit?.images.length ?? 0) * 1600;
    const bound = p ? req.n * worstCaseMicros(p, promptTokens, GEMINI_IMAGE_OUTPUT_BOUND) : null;
    return { op: "images", bodies: Array.from({ length: req.n }, () => body), bound };
  },
  decode(answers) {
    const images: GeneratedImage[] = [];
    const texts: string[] = [];
    let inputTokens = 0;
    let outputTokens = 0;
    let imageIn = 0;
    let imageOut = 0;
    for (const a of answers) {
      if (!isRecord(a)) throw new Error("expected a JSON object");
      const cand = Array.isArray(a.candidates) && isRecord(a.candidates[0]) ? a.candidates[0] : undefined;
      const content = cand && isRecord(cand.content) ? cand.content : undefined;
      for (const part of Array.isArray(content?.parts) ? content.parts.filter(isRecord) : []) {
        const inline = isRecord(part.inlineData) ? part.inlineData : undefined;
        if (inline && typeof inline.data === "string" && str(inline.mimeType)?.startsWith("image/")) images.push({ b64: inline.data, mediaType: str(inline.mimeType) });
        else if (typeof part.text === "string" && part.thought !== true) texts.push(part.text);
      }
      const u = isRecord(a.usageMetadata) ? a.usageMetadata : undefined;
      const t = geminiMediaTokens(u);
      inputTokens += t.inputTokens;
      outputTokens += t.outputTokens;
      imageIn += t.imageInputTokens ?? 0;
      imageOut += t.imageOutputTokens ?? 0;
    }
    return {
      created: nowSec(), images, text: texts.join("") || undefined,
      usage: { inputTokens, outputTokens, imageInputTokens: imageIn || undefined, imageOutputTokens: imageOut || undefined },
      media: { inputImageTokens: imageIn, outputImageTokens: imageOut, images: { count: images.length } },
    };
  },
};
