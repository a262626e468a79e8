// The OpenAI Images API as the caller speaks it (`POST /v1/images/generations` JSON,
// `POST /v1/images/edits` multipart): request decoding and the answer's shape.
import { z } from "zod";
import { formatZodError } from "../../codecs/openai/zod-error";
import { decodeRoutingOptions, providerPreferencesSchema } from "../../codecs/routing-options";
import { BadRequestError } from "../../errors/gateway-error";
import { bytesToBase64 } from "../bytes";
import { formFiles, formNumber, formText } from "../multipart";
import type { GeneratedImages, ImagesRequest, InputImage } from "./types";

const MAX_N = 10;

/** Fields of api.openai.com's image requests, plus the FLUX hosts' knobs and OpenRouter's routing fields. */
const generationSchema = z.looseObject({
  model: z.string({ error: (iss) => (iss.input === undefined ? "required (e.g. 'openai/gpt-image-1')" : "expected a string") }).min(1, "must not be empty"),
  prompt: z.string({ error: (iss) => (iss.input === undefined ? "required" : "expected a string") }).min(1, "must not be empty"),
  n: z.number().int().min(1).max(MAX_N).nullish(),
  size: z.string().nullish(),
  quality: z.string().nullish(),
  background: z.string().nullish(),
  output_format: z.enum(["png", "jpeg", "webp"]).nullish(),
  output_compression: z.number().int().min(0).max(100).nullish(),
  response_format: z.enum(["b64_json", "url"]).nullish(),
  style: z.string().nullish(),
  moderation: z.string().nullish(),
  user: z.string().nullish(),
  steps: z.number().int().min(1).max(100).nullish(),
  seed: z.number().int().nullish(),
  aspect_ratio: z.string().nullish(),
  negative_prompt: z.string().nullish(),
  stream: z.boolean().nullish(),
  provider: providerPreferencesSchema.nullish(),
  models: z.array(z.string()).nullish(),
});

type Fields = z.infer<typeof generationSchema>;

function toRequest(f: Fields): ImagesRequest {
  if (f.stream) throw new BadRequestError("stream: streamed image generation (partial images) is not supported; omit 'stream'.");
  const u = <T>(v: T | null | undefined) => v ?? undefined;
  return {
    model: f.model, prompt: f.prompt, n: f.n ?? 1, size: u(f.size), quality: u(f.quality), background: u(f.background),
    outputFormat: u(f.output_format), outputCompression: u(f.output_compression), responseFormat: u(f.response_format),
    style: u(f.style), moderation: u(f.moderation), user: u(f.user), steps: u(f.steps), seed: u(f.seed),
    aspectRatio: u(f.aspect_ratio), negativePrompt: u(f.negative_prompt),
    routing: decodeRoutingOptions({ provider: f.provider, models: f.models }),
  };
}

export function decodeImagesGeneration(body: unknown): ImagesRequest {
  const parsed = generationSchema.safeParse(body);
  if (!parsed.success) throw new BadRequestError(formatZodError(parsed.error));
  return toRequest(parsed.data);
}

/** An edit's multipart form: the same fields as text parts, `image` / `image[]` files and an optional `mask`. */
export async function decodeImagesEdit(form: FormData): Promise<ImagesRequest> {
  const fields: Record<string, unknown> = {};
  for (const k of ["model", "prompt", "size", "quality", "background", "output_format", "response_format", "user", "input_fidelity"]) {
    const v = formText(form, k);
    if (v !== undefined) fields[k] = v;
  }
  for (const k of ["n", "output_compression", "seed", "steps"]) {
    const v = formNumber(form, k);
    if (v !== undefined) fields[k] = v;
  }
  const req = decodeImagesGeneration(fields);
  const files = formFiles(form, "image");
  if (files.length === 0) throw new BadRequestError("image: required (one or more image files to edit, as multipart file parts).");
  const mask = formFiles(form, "mask")[0];
  return { ...req, edit: { images: await Promise.all(files.map(readImage)), mask: mask ? await readImage(mask) : undefined, form } };
}

async function readImage(f: File): Promise<InputImage> {
  const bytes = new Uint8Array(await f.arrayBuffer());
  if (bytes.length === 0) throw new BadRequestError(`image: the file '${f.name}' is empty.`);
  return { base64: bytesToBase64(bytes), mediaType: f.type && f.type !== "application/octet-stream" ? f.type : sniffImageType(bytes) };
}

/** The image type from its first bytes (SDKs often send uploads as application/octet-stream). */
function sniffImageType(b: Uint8Array): string {
  if (b[0] === 0x89 && b[1] === 0x50) return "image/png";
  if (b[0] === 0xff && b[1] === 0xd8) return "image/jpeg";
  if (b[0] === 0x52 && b[1] === 0x49 && b[8] === 0x57) return "image/webp";
  if (b[0] === 0x47 && b[1] === 0x49) return "image/gif";
  throw new BadRequestError("image: the upload is not a PNG, JPEG, WEBP or GIF image.");
}

/** OpenAI's images answer, with the gateway's usage.cost (USD). */
export function encodeImagesResponse(g: GeneratedImages, costUsd: number | undefined): Record<string, unknown> {
  const body: Record<string, unknown> = {
    created: g.created,
    data: g.images.map((i) => {
      const d: Record<string, unknown> = {};
      if (i.b64 !== undefined) d.b64_json = i.b64;
      if (i.url !== undefined) d.url = i.url;
      if (i.revisedPrompt !== undefined) d.revised_prompt = i.revisedPrompt;
      return d;
    }),
  };
  if (g.background) body.background = g.background;
  if (g.outputFormat) body.output_format = g.outputFormat;
  if (g.quality) body.quality = g.quality;
  if (g.size) body.size = g.size;
  const u = g.usage;
  const usage: Record<string, unknown> = {
    input_tokens: u.inputTokens,
    input_tokens_details: { image_tokens: u.imageInputTokens ?? 0, text_tokens: Math.max(0, u.inputTokens - (u.imageInputTokens ?? 0)) },
    output_tokens: u.outputTokens,
    total_tokens: u.inputTokens + u.outputTokens,
  };
  if (costUsd !== undefined) usage.cost = costUsd;
  body.usage = usage;
  return body;
}
