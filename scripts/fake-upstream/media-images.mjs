// Image generation APIs for the fake upstream, as the providers document them:
// - OpenAI (and any OpenAI-format provider): POST …/images/generations (JSON), …/images/edits
//   (multipart); gpt-image-* answer b64_json with token usage, dall-e-* url or b64_json.
// - Together: POST …/images/generations with width/height/steps → {id, model, object, data}.
// - Fireworks FLUX workflows: POST …/workflows/<model>/text_to_image → {id, base64: [...], finishReason, seed}
//   with `Accept: application/json`, else the image bytes.
// - Workers AI: POST …/ai/run/<model> → {result: {image}, success, errors, messages}.
// - Google Imagen: POST …/models/<imagen-…>:predict → {predictions: [{bytesBase64Encoded, mimeType}]}.
import { J, errorPlan, nowSec, rid } from "../fake-upstream.mjs";
import { parseMultipart } from "./multipart.mjs";

// A 1×1 PNG and JPEG: real images, so clients that decode them can.
export const PNG_1X1 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";
export const JPEG_1X1 =
  "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsLDBkSEw8UHRofHh0aHBwgJC4nICIsIxwcKDcpLDAxNDQ0Hyc5PTgyPC4zNDL/wAALCAABAAEBAREA/8QAFAABAAAAAAAAAAAAAAAAAAAACf/EABQQAQAAAAAAAAAAAAAAAAAAAAD/2gAIAQEAAD8AKp//2Q==";

// OpenAI's output tokens per image (gpt-image-1 pricing guide): quality × size.
const GPT_IMAGE_TOKENS = {
  low: { "1024x1024": 272, "1024x1536": 408, "1536x1024": 400 },
  medium: { "1024x1024": 1056, "1024x1536": 1584, "1536x1024": 1568 },
  high: { "1024x1024": 4160, "1024x1536": 6240, "1536x1024": 6208 },
};

const json = (body, status = 200) => ({ status, headers: { "content-type": "application/json" }, chunks: [J(body)], single: true });
const bearer = (ctx) => ctx.cfg.auth === false || /^Bearer \S+/.test(ctx.headers.authorization ?? "");
const noKey = () => errorPlan("openai", 401, "You didn't provide an API key.");

function openaiImages(ctx, edit) {
  if (!bearer(ctx)) return noKey();
  let b = ctx.body;
  let uploads = 0;
  if (edit) {
    const form = parseMultipart(ctx.rawBytes, ctx.headers["content-type"]);
    if (!form) return errorPlan("openai", 400, "Invalid multipart body.");
    b = { ...form.fields, n: form.fields.n ? Number(form.fields.n) : undefined };
    uploads = (form.files.image?.length ?? 0) + (form.files["image[]"]?.length ?? 0);
    if (!uploads) return errorPlan("openai", 400, "Missing required parameter: 'image'.");
  }
  if (!b || typeof b.model !== "string") return errorPlan("openai", 400, "you must provide a model parameter");
  if (typeof b.prompt !== "string" || !b.prompt) return errorPlan("openai", 400, "Missing required parameter: 'prompt'.");
  const n = Number(b.n ?? 1);
  const gptImage = b.model.startsWith("gpt-image");
  if (gptImage && b.response_format !== undefined) return errorPlan("openai", 400, "Unknown parameter: 'response_format'.");
  const promptTokens = Math.max(1, Math.ceil(b.prompt.length / 4));
  if (ctx.provider === "together") {
    if (typeof b.width !== "number" || typeof b.height !== "number") return errorPlan("openai", 400, "width and height are required");
    const data = Array.from({ length: n }, (_, index) => (b.response_format === "url" ? { index, url: `https://fake.together/${rid("img_")}.jpg` } : { index, b64_json: JPEG_1X1 }));
    return json({ id: rid("img-"), model: b.model, object: "list", data });
  }
  if (!gptImage) {
    const data = Array.from({ length: n }, () => (b.response_format === "b64_json" ? { b64_json: PNG_1X1 } : { url: `https://fake.openai/${rid("img_")}.png` }));
    return json({ created: nowSec(), data: data.map((d) => ({ ...d, revised_prompt: `Revised: ${b.prompt}` })) });
  }
  const quality = b.quality && b.quality !== "auto" ? b.quality : "high";
  const size = b.size && b.size !== "auto" ? b.size : "1024x1024";
  const perImage = GPT_IMAGE_TOKENS[quality]?.[size] ?? 4160;
  const imageTokens = uploads * 323;
  return json({
    created: nowSec(),
    background: b.background && b.background !== "auto" ? b.background : "opaque",
    data: Array.from({ length: n }, () => ({ b64_json: PNG_1X1 })),
    output_format: b.output_format ?? "png",
    quality,
    size,
    usage: {
      input_tokens: promptTokens + imageTokens,
      input_tokens_details: { image_tokens: imageTokens, text_tokens: promptTokens },
      output_tokens: n * perImage,
      total_tokens: promptTokens + imageTokens + n * perImage,
    },
  });
}

function fireworks(ctx) {
  if (!bearer(ctx)) return noKey();
  const b = ctx.body;
  if (!b || typeof b.prompt !== "string") return errorPlan("openai", 400, "prompt is required");
  if (!/application\/json/.test(ctx.headers.accept ?? "")) {
    return { status: 200, headers: { "content-type": "image/jpeg" }, chunks: [Buffer.from(JPEG_1X1, "base64")], single: true };
  }
  return json({ id: rid(""), base64: [JPEG_1X1], finishReason: "SUCCESS", seed: b.seed ?? 42 });
}

function workersAi(ctx) {
  if (ctx.cfg.auth !== false && !/^Bearer \S+/.test(ctx.headers.authorization ?? "")) {
    return json({ success: false, errors: [{ code: 10000, message: "Authentication error" }], messages: [], result: null }, 401);
  }
  const b = ctx.body;
  if (!b || typeof b.prompt !== "string") return json({ success: false, errors: [{ code: 5006, message: "Error: required properties at '/' are 'prompt'" }], messages: [], result: null }, 400);
  if (b.steps !== undefined && (b.steps < 1 || b.steps > 8)) return json({ success: false, errors: [{ code: 5006, message: "steps must be <= 8" }], messages: [], result: null }, 400);
  return json({ result: { image: JPEG_1X1 }, success: true, errors: [], messages: [] });
}

function imagen(ctx) {
  const b = ctx.body;
  if (!Array.isArray(b?.instances) || typeof b.instances[0]?.prompt !== "string") return errorPlan("gemini", 400, "instances[0].prompt is required");
  const n = b.parameters?.sampleCount ?? 4;
  if (n > 4) return errorPlan("gemini", 400, "sampleCount must be at most 4");
  const mimeType = b.parameters?.outputOptions?.mimeType ?? "image/png";
  return json({ predictions: Array.from({ length: n }, () => ({ bytesBase64Encoded: mimeType === "image/jpeg" ? JPEG_1X1 : PNG_1X1, mimeType })) });
}

export const imagesFormat = {
  name: "images",
  handles: (provider, rest, method) =>
    method === "POST" &&
    (/\/images\/(generations|edits)$/.test(rest) ||
      (provider === "fireworks" && /\/workflows\/.+\/text_to_image$/.test(rest)) ||
      (provider === "cloudflare" && /\/ai\/run\/.+$/.test(rest)) ||
      /\/models\/[^/]+:predict$/.test(rest)),
  plan(ctx) {
    if (ctx.provider === "fireworks" && /text_to_image$/.test(ctx.rest)) return fireworks(ctx);
    if (ctx.provider === "cloudflare" && /\/ai\/run\//.test(ctx.rest)) return workersAi(ctx);
    if (/:predict$/.test(ctx.rest)) return imagen(ctx);
    return openaiImages(ctx, /\/edits$/.test(ctx.rest));
  },
  errorPlan: (status, message) => errorPlan("openai", status, message),
};
