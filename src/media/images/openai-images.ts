// OpenAI's Images API (/images/generations JSON, /images/edits multipart): gpt-image-* bill
// text and image tokens (usage in the answer), dall-e-* a price per image by quality and size.
import { imagePriceMicros } from "../../catalog/media-pricing";
import { worstCaseMicros } from "../../catalog/pricing";
import type { Endpoint } from "../../routing/types";
import { isRecord } from "../../streams/json";
import type { GeneratedImages, ImagesRequest } from "./types";
import { nowSec, parseSize, type ImagesWire, type PreparedImages } from "./wire";

/**
 * Output tokens of one image when the catalog has no per-image table to derive them from:
 * OpenAI's largest published figure for gpt-image-1 (high quality, 1536×1024: 6,240 tokens),
 * scaled by pixels for larger sizes.
 */
const MAX_TOKENS_PER_IMAGE = 6240;
const MAX_TABLE_PIXELS = 1536 * 1024;
/** Input tokens an uploaded image may cost at most (high input fidelity). */
const MAX_TOKENS_PER_INPUT_IMAGE = 6240;

const str = (v: unknown) => (typeof v === "string" ? v : undefined);
const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : 0);

export const openaiImagesWire: ImagesWire = {
  prepare(req, endpoint) {
    const bound = boundMicros(req, endpoint);
    if (req.edit) {
      // The caller's own form goes on (every field OpenAI knows survives), with the upstream's model id.
      const form = new FormData();
      for (const [k, v] of req.edit.form.entries()) if (k !== "model") form.append(k, v);
      form.set("model", endpoint.upstreamModel);
      return { op: "image_edits", bodies: [form], bound };
    }
    const body: Record<string, unknown> = { model: endpoint.upstreamModel, prompt: req.prompt };
    if (req.n !== 1) body.n = req.n;
    const fields: [string, unknown][] = [
      ["size", req.size], ["quality", req.quality], ["background", req.background], ["output_format", req.outputFormat],
      ["output_compression", req.outputCompression], ["style", req.style], ["moderation", req.moderation], ["user", req.user],
    ];
    for (const [k, v] of fields) if (v !== undefined) body[k] = v;
    // gpt-image models always answer base64 and reject response_format; dall-e takes it.
    if (req.responseFormat && !endpoint.upstreamModel.startsWith("gpt-image")) body.response_format = req.responseFormat;
    return { op: "images", bodies: [body], bound };
  },
  decode(answers, req) {
    const a = answers[0];
    if (!isRecord(a) || !Array.isArray(a.data)) throw new Error("expected {data: [...]}");
    const u = isRecord(a.usage) ? a.usage : undefined;
    const details = u && isRecord(u.input_tokens_details) ? u.input_tokens_details : undefined;
    const inputTokens = num(u?.input_tokens);
    const outputTokens = num(u?.output_tokens);
    const images = a.data.filter(isRecord).map((d) => ({ b64: str(d.b64_json), url: str(d.url), revisedPrompt: str(d.revised_prompt) }));
    const outputFormat = str(a.output_format) ?? req.outputFormat;
    const out: GeneratedImages = {
      created: num(a.created) || nowSec(),
      images: images.map((i) => ({ ...i, mediaType: `image/${outputFormat === "jpeg" || outputFormat === "webp" ? outputFormat : "png"}` })),
      usage: { inputTokens, outputTokens, imageInputTokens: num(details?.image_tokens) || undefined, imageOutputTokens: outputTokens || undefined },
      media: {
        inputImageTokens: num(details?.image_tokens),
        outputImageTokens: outputTokens,
        images: { count: images.length, quality: str(a.quality) ?? req.quality, size: str(a.size) ?? req.size },
      },
      size: str(a.size), quality: str(a.quality), background: str(a.background), outputFormat: str(a.output_format),
    };
    return out;
  },
};

/**
 * The most an OpenAI image call may cost. Per-image-priced models (dall-e): n × the price of the
 * quality and size asked (the dearest entry when not said). Token-priced ones (gpt-image): the
 * prompt at the dearest input rate, uploads, and n images' output tokens (from the per-image
 * table when the catalog has one: price ÷ token rate; else MAX_TOKENS_PER_IMAGE scaled by size).
 */
function boundMicros(req: ImagesRequest, endpoint: Endpoint): number | null {
  const p = endpoint.pricing;
  if (!p) return null;
  const perImage = imagePriceMicros(p, req.quality === "auto" ? undefined : req.quality, req.size === "auto" ? undefined : req.size);
  if (!p.imageOutputToken) {
    if (perImage === undefined) return null;
    return req.n * perImage + (p.request ?? 0);
  }
  const wh = parseSize(req.size);
  const tokensPerImage =
    // The published per-image prices are rounded (low 1024×1536: $0.016 for 408 tokens at $40/M): 10% headroom.
    perImage !== undefined ? Math.ceil((perImage * 1.1) / p.imageOutputToken) : Math.ceil(MAX_TOKENS_PER_IMAGE * Math.max(1, wh ? (wh[0] * wh[1]) / MAX_TABLE_PIXELS : 1));
  const uploads = (req.edit?.images.length ?? 0) + (req.edit?.mask ? 1 : 0);
  const inputTokens = Math.ceil(new TextEncoder().encode(req.prompt).length / 2) + uploads * MAX_TOKENS_PER_INPUT_IMAGE;
  return worstCaseMicros(p, inputTokens, req.n * tokensPerImage);
}
