// FLUX-style diffusion models on Together (/images/generations with width/height/steps),
// Fireworks (FLUX workflows …/text_to_image) and Workers AI (/ai/run/<model>). They bill per
// megapixel and/or per diffusion step, so the gateway always sends the size and step count it
// bounds the cost with.
import { mediaWorstCaseMicros, type MediaBound } from "../../catalog/media-pricing";
import { BadRequestError } from "../../errors/gateway-error";
import type { Endpoint } from "../../routing/types";
import { isRecord } from "../../streams/json";
import { splitDataUrl } from "../bytes";
import type { GeneratedImage, ImagesRequest } from "./types";
import { aspectRatioOf, nowSec, parseSize, type ImagesWire, type PreparedImages } from "./wire";

/** Default steps of the FLUX variants (schnell is distilled for 4; dev and pro take ~28). */
const defaultSteps = (model: string) => (/schnell/i.test(model) ? 4 : 28);
/** Workers AI's flux-1-schnell takes at most 8 steps and draws 1024×1024. */
const WORKERS_AI_MAX_STEPS = 8;
const WORKERS_AI_SIZE: [number, number] = [1024, 1024];
const MAX_N = 4;

const str = (v: unknown) => (typeof v === "string" ? v : undefined);

function checkN(req: ImagesRequest, host: string): void {
  if (req.n > MAX_N) throw new BadRequestError(`'n' must be at most ${MAX_N} for ${host} image models.`);
  if (req.edit) throw new BadRequestError(`Image edits are not available for this model on ${host}; use an OpenAI or Gemini image model.`);
}

function bound(endpoint: Endpoint, b: MediaBound): number | null {
  if (!endpoint.pricing) return null;
  const units = mediaWorstCaseMicros(endpoint.pricing, b);
  return units === undefined ? null : units + (endpoint.pricing.request ?? 0);
}

const megapixels = (n: number, [w, h]: [number, number]) => (n * w * h) / 1e6;

function media(n: number, size: [number, number], steps: number) {
  return { images: { count: n }, megapixels: megapixels(n, size), steps: n * steps };
}

/** Together: one call for all n images; b64 answers asked for unless the caller wants URLs. */
export const togetherImagesWire: ImagesWire = {
  prepare(req, endpoint) {
    checkN(req, "Together");
    const size = parseSize(req.size) ?? [1024, 1024];
    const steps = req.steps ?? defaultSteps(endpoint.upstreamModel);
    const body: Record<string, unknown> = {
      model: endpoint.upstreamModel, prompt: req.prompt, n: req.n, width: size[0], height: size[1], steps,
      response_format: req.responseFormat === "url" ? "url" : "base64",
    };
    if (req.seed !== undefined) body.seed = req.seed;
    if (req.negativePrompt) body.negative_prompt = req.negativePrompt;
    if (req.outputFormat === "jpeg" || req.outputFormat === "png") body.output_format = req.outputFormat;
    return { op: "images", bodies: [body], bound: bound(endpoint, media(req.n, size, steps)) };
  },
  decode(answers, req, prepared) {
    const a = answers[0];
    if (!isRecord(a) || !Array.isArray(a.data)) throw new Error("expected {data: [...]}");
    const images = a.data.filter(isRecord).map((d) => ({ b64: str(d.b64_json), url: str(d.url), mediaType: req.outputFormat === "png" ? "image/png" : "image/jpeg" }));
    const body = prepared.bodies[0] as Record<string, number>;
    return {
      created: nowSec(), images, usage: { inputTokens: 0, outputTokens: 0 },
      media: media(images.length, [body.width, body.height], body.steps), size: `${body.width}x${body.height}`,
    };
  },
};

/** Fireworks: one image per workflow call (JSON answer with base64), n calls in parallel. */
export const fireworksImagesWire: ImagesWire = {
  prepare(req, endpoint) {
    checkN(req, "Fireworks");
    const steps = req.steps ?? defaultSteps(endpoint.upstreamModel);
    const body: Record<string, unknown> = { prompt: req.prompt, num_inference_steps: steps };
    const ratio = aspectRatioOf(req);
    if (ratio) body.aspect_ratio = ratio;
    if (req.seed !== undefined) body.seed = req.seed;
    const size = parseSize(req.size) ?? [1024, 1024];
    return { op: "images", bodies: Array.from({ length: req.n }, () => body), bound: bound(endpoint, media(req.n, size, steps)) };
  },
  decode(answers, _req, prepared) {
    const images: GeneratedImage[] = [];
    for (const a of answers) {
      if (!isRecord(a) || !Array.isArray(a.base64)) throw new Error("expected {base64: [...]}");
      if (a.finishReason !== undefined && a.finishReason !== "SUCCESS") throw new Error(`finishReason ${String(a.finishReason)}`);
      for (const b of a.base64) if (typeof b === "string") images.push(toImage(b, "image/jpeg"));
    }
    const steps = (prepared.bodies[0] as Record<string, number>).num_inference_steps;
    return { created: nowSec(), images, usage: { inputTokens: 0, outputTokens: 0 }, media: { images: { count: images.length }, steps: answers.length * steps } };
  },
};

/** Workers AI: `{prompt, steps}` → `{result: {image: <base64 JPEG>}}`, one image per call. */
export const workersAiImagesWire: ImagesWire = {
  prepare(req, endpoint) {
    checkN(req, "Workers AI");
    const steps = Math.min(req.steps ?? defaultSteps(endpoint.upstreamModel), WORKERS_AI_MAX_STEPS);
    const body: Record<string, unknown> = { prompt: req.prompt, steps };
    if (req.seed !== undefined) body.seed = req.seed;
    return { op: "images", bodies: Array.from({ length: req.n }, () => body), bound: bound(endpoint, media(req.n, WORKERS_AI_SIZE, steps)) };
  },
  decode(answers, _req, prepared) {
    const images: GeneratedImage[] = [];
    for (const a of answers) {
      const result = isRecord(a) && isRecord(a.result) ? a.result : undefined;
      const image = str(result?.image);
      if (!image) throw new Error("expected {result: {image}}");
      images.push(toImage(image, "image/jpeg"));
    }
    const steps = (prepared.bodies[0] as Record<string, number>).steps;
    return { created: nowSec(), images, usage: { inputTokens: 0, outputTokens: 0 }, media: media(images.length, WORKERS_AI_SIZE, steps), size: "1024x1024" };
  },
};

function toImage(b64OrDataUrl: string, fallbackType: string): GeneratedImage {
  const { mediaType, data } = splitDataUrl(b64OrDataUrl, fallbackType);
  return { b64: data, mediaType };
}
