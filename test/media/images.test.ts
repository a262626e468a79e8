/**
 * POST /v1/images/generations and /v1/images/edits end to end: each provider's image API on the
 * fake upstream (OpenAI, Together, Fireworks, Workers AI, Imagen, Gemini image models), the
 * request each one receives, the OpenAI-shaped answer, and the price charged from the catalog.
 */
import { describe, expect, it } from "vitest";
import { costMicros } from "../../src/catalog/pricing";
import { PNG_1X1, pngBytes, prices, setup } from "./helpers";

describe("POST /v1/images/generations", () => {
  it("OpenAI gpt-image-1: passes the options on, answers b64_json with token usage, bills the tokens", async () => {
    const s = await setup("img-openai");
    const res = await s.post("/v1/images/generations", { model: "openai/gpt-image-1", prompt: "a red fox", n: 2, size: "1024x1536", quality: "low", background: "transparent", output_format: "png" });
    expect(res.status).toBe(200);
    const sent = (await s.up.lastRequest())!;
    expect(sent.path).toBe("/openai/v1/images/generations");
    expect(sent.body).toEqual({ model: "gpt-image-1", prompt: "a red fox", n: 2, size: "1024x1536", quality: "low", background: "transparent", output_format: "png" });
    const body = (await res.json()) as any;
    expect(body.data).toEqual([{ b64_json: PNG_1X1 }, { b64_json: PNG_1X1 }]);
    expect(body.size).toBe("1024x1536");
    expect(body.usage.output_tokens).toBe(2 * 408);
    const p = prices("openai/gpt-image-1", "openai");
    const expected = costMicros(p, { inputTokens: body.usage.input_tokens, outputTokens: 816 }, { outputImageTokens: 816, images: { count: 2 } });
    // Output tokens at the image-output rate ($40/M): the same as the per-image table's low 1024x1536 price.
    expect(expected).toBe(Math.ceil(body.usage.input_tokens * p.prompt + 816 * p.imageOutputToken!));
    expect(body.usage.cost).toBe(expected / 1e6);
    expect(res.headers.get("x-arouter-cost")).toBe((expected / 1e6).toFixed(6));
    const g = await s.generation(res.headers.get("x-generation-id")!);
    expect(g).toMatchObject({ surface: "images", provider_name: "openai", cost_micros: expected, status: 200, streamed: false });
    expect(await s.usage()).toBeCloseTo(expected / 1e6, 9);
  });

  it("dall-e-style per-image prices: a URL answer passes through when asked for", async () => {
    const s = await setup("img-dalle");
    const res = await s.post("/v1/images/generations", { model: "openai/dall-e-3", prompt: "a lighthouse", response_format: "url" });
    expect(res.status).toBe(200);
    const body = (await res.json()) as any;
    expect(body.data[0].url).toMatch(/^https:\/\/fake\.openai\//);
    expect(body.data[0].revised_prompt).toBe("Revised: a lighthouse");
    expect((await s.up.lastRequest())!.body.response_format).toBe("url");
  });

  it("Together FLUX: width/height/steps from size, billed per megapixel", async () => {
    const s = await setup("img-together");
    const res = await s.post("/v1/images/generations", { model: "black-forest-labs/flux-1-schnell", prompt: "a cat", size: "1024x768", provider: { only: ["together"] } });
    expect(res.status).toBe(200);
    const sent = (await s.up.lastRequest())!;
    expect(sent.path).toBe("/together/v1/images/generations");
    expect(sent.body).toMatchObject({ model: "black-forest-labs/FLUX.1-schnell", prompt: "a cat", n: 1, width: 1024, height: 768, steps: 4, response_format: "base64" });
    const body = (await res.json()) as any;
    expect(body.data).toHaveLength(1);
    expect(typeof body.data[0].b64_json).toBe("string");
    const p = prices("black-forest-labs/flux-1-schnell", "together");
    const expected = Math.ceil((1024 * 768) / 1e6 * p.imageMegapixel!);
    expect(body.usage.cost).toBe(expected / 1e6);
  });

  it("Fireworks FLUX: one workflow call per image with Accept: application/json, billed per step", async () => {
    const s = await setup("img-fireworks");
    const res = await s.post("/v1/images/generations", { model: "black-forest-labs/flux-1-dev", prompt: "a dog", n: 2, size: "1792x1024", provider: { only: ["fireworks"] } });
    expect(res.status).toBe(200);
    const reqs = await s.up.requests();
    expect(reqs).toHaveLength(2);
    expect(reqs[0].path).toBe("/fireworks/v1/workflows/accounts/fireworks/models/flux-1-dev-fp8/text_to_image");
    expect(reqs[0].headers.accept).toBe("application/json");
    expect(reqs[0].body).toEqual({ prompt: "a dog", num_inference_steps: 28, aspect_ratio: "16:9" });
    const body = (await res.json()) as any;
    expect(body.data).toHaveLength(2);
    const p = prices("black-forest-labs/flux-1-dev", "fireworks");
    expect(body.usage.cost).toBe(Math.ceil(2 * 28 * p.imageStep!) / 1e6);
  });

  it("Workers AI FLUX schnell: /ai/run/<model>, billed per tile and step", async () => {
    const s = await setup("img-workers-ai");
    const res = await s.post("/v1/images/generations", { model: "black-forest-labs/flux-1-schnell", prompt: "a tree", steps: 6, provider: { only: ["cloudflare"] } });
    expect(res.status).toBe(200);
    const sent = (await s.up.lastRequest())!;
    expect(sent.path).toBe("/cloudflare/client/v4/accounts/fake-account/ai/run/@cf/black-forest-labs/flux-1-schnell");
    expect(sent.body).toEqual({ prompt: "a tree", steps: 6 });
    const body = (await res.json()) as any;
    expect(body.data[0].b64_json).toMatch(/^\/9j\//);
    const p = prices("black-forest-labs/flux-1-schnell", "cloudflare");
    expect(body.usage.cost).toBe(Math.ceil(1.048576 * p.imageMegapixel! + 6 * p.imageStep!) / 1e6);
  });

  it("Imagen: :predict with sampleCount and the aspect ratio of the size, billed per image", async () => {
    const s = await setup("img-imagen");
    const res = await s.post("/v1/images/generations", { model: "google/imagen-4.0-generate-001", prompt: "a bridge", n: 3, size: "1536x1024", provider: { only: ["google"] } });
    expect(res.status).toBe(200);
    const sent = (await s.up.lastRequest())!;
    expect(sent.path).toBe("/gemini/v1beta/models/imagen-4.0-generate-001:predict");
    expect(sent.headers["x-goog-api-key"]).toBe("fake-gemini-key");
    expect(sent.body).toEqual({ instances: [{ prompt: "a bridge" }], parameters: { sampleCount: 3, aspectRatio: "3:2" } });
    const body = (await res.json()) as any;
    expect(body.data).toHaveLength(3);
    expect(body.usage.cost).toBe(0.12);
  });

  it("Gemini image model: generateContent with IMAGE output, billed per image token", async () => {
    const s = await setup("img-gemini");
    const res = await s.post("/v1/images/generations", { model: "google/gemini-2.5-flash-image", prompt: "a boat", provider: { only: ["google"] } });
    expect(res.status).toBe(200);
    const sent = (await s.up.lastRequest())!;
    expect(sent.path).toBe("/gemini/v1beta/models/gemini-2.5-flash-image:generateContent");
    expect(sent.body.generationConfig).toEqual({ responseModalities: ["TEXT", "IMAGE"] });
    const body = (await res.json()) as any;
    expect(body.data).toEqual([{ b64_json: PNG_1X1 }]);
    const p = prices("google/gemini-2.5-flash-image", "google");
    const expected = Math.ceil(body.usage.input_tokens * p.prompt + 5 * p.completion + 1290 * p.imageOutputToken!);
    expect(body.usage.output_tokens).toBe(1295);
    expect(body.usage.cost).toBe(expected / 1e6);
  });

  it("refuses a model that makes no images, and bad fields, with OpenAI-shaped 400s", async () => {
    const s = await setup("img-bad");
    const chat = await s.post("/v1/images/generations", { model: "openai/gpt-4o", prompt: "x" });
    expect(chat.status).toBe(400);
    expect(((await chat.json()) as any).error.message).toMatch(/not an image generation model/);
    const noPrompt = await s.post("/v1/images/generations", { model: "openai/gpt-image-1" });
    expect(noPrompt.status).toBe(400);
    expect(((await noPrompt.json()) as any).error.message).toMatch(/^prompt: required/);
    const tooMany = await s.post("/v1/images/generations", { model: "google/imagen-4.0-generate-001", prompt: "x", n: 6 });
    expect(tooMany.status).toBe(400);
    expect((await s.up.requests())).toHaveLength(0);
  });
});

describe("POST /v1/images/edits (multipart)", () => {
  it("forwards the upload to OpenAI as multipart with the upstream model id", async () => {
    const s = await setup("img-edit-openai");
    const form = new FormData();
    form.set("model", "openai/gpt-image-1");
    form.set("prompt", "add a hat");
    form.set("quality", "low");
    form.append("image[]", new Blob([pngBytes()], { type: "image/png" }), "in.png");
    const res = await s.postForm("/v1/images/edits", form);
    expect(res.status).toBe(200);
    const sent = (await s.up.lastRequest())!;
    expect(sent.path).toBe("/openai/v1/images/edits");
    expect(sent.headers["content-type"]).toMatch(/^multipart\/form-data; boundary=/);
    expect(sent.body).toContain('name="model"\r\n\r\ngpt-image-1\r\n');
    expect(sent.body).toContain('filename="in.png"');
    const body = (await res.json()) as any;
    expect(body.data).toHaveLength(1);
    expect(body.usage.input_tokens_details.image_tokens).toBe(323);
  });

  it("sends the upload inline to a Gemini image model", async () => {
    const s = await setup("img-edit-gemini");
    const form = new FormData();
    form.set("model", "google/gemini-2.5-flash-image");
    form.set("prompt", "make it blue");
    form.set("image", new Blob([pngBytes()], { type: "application/octet-stream" }), "in.png");
    const res = await s.postForm("/v1/images/edits", form);
    expect(res.status).toBe(200);
    const sent = (await s.up.lastRequest())!;
    expect(sent.body.contents[0].parts).toEqual([{ text: "make it blue" }, { inlineData: { mimeType: "image/png", data: PNG_1X1 } }]);
  });

  it("answers a malformed multipart body, a missing image and a JSON body with 400s in OpenAI's shape", async () => {
    const s = await setup("img-edit-bad");
    const broken = await s.gw.fetch("/v1/images/edits", {
      method: "POST",
      headers: { authorization: `Bearer ${s.key}`, "content-type": "multipart/form-data; boundary=XYZ" },
      body: "--XYZ\r\nContent-Disposition: form-data; name=\"prompt\"\r\n\r\nunterminated",
    });
    expect(broken.status).toBe(400);
    expect(((await broken.json()) as any).error).toMatchObject({ type: "invalid_request_error", message: expect.stringMatching(/multipart/i) });
    const form = new FormData();
    form.set("model", "openai/gpt-image-1");
    form.set("prompt", "x");
    const noImage = await s.postForm("/v1/images/edits", form);
    expect(noImage.status).toBe(400);
    expect(((await noImage.json()) as any).error.message).toMatch(/^image: required/);
    const json = await s.post("/v1/images/edits", { model: "openai/gpt-image-1", prompt: "x" });
    expect(json.status).toBe(400);
    expect((await s.up.requests())).toHaveLength(0);
  });

  it("caps multipart bodies at MAX_BODY_BYTES (413)", async () => {
    const s = await setup("img-edit-big", {}, { MAX_BODY_BYTES: "1000" });
    const form = new FormData();
    form.set("model", "openai/gpt-image-1");
    form.set("prompt", "x");
    form.set("image", new Blob([new Uint8Array(5000)], { type: "image/png" }), "big.png");
    const res = await s.postForm("/v1/images/edits", form);
    expect(res.status).toBe(413);
  });
});

describe("images on a key with a limit", () => {
  it("reserves the per-image bound: refuses (402) what could pass the limit, serves and charges what fits", async () => {
    const s = await setup("img-limit", { limit: 0.1 });
    // Imagen 4 is $0.04 an image: 3 images ($0.12) could pass the $0.10 limit.
    const over = await s.post("/v1/images/generations", { model: "google/imagen-4.0-generate-001", prompt: "x", n: 3, provider: { only: ["google"] } });
    expect(over.status).toBe(402);
    expect(((await over.json()) as any).error.message).toMatch(/spend limit/);
    expect(await s.up.requests()).toHaveLength(0);
    const ok = await s.post("/v1/images/generations", { model: "google/imagen-4.0-generate-001", prompt: "x", n: 2, provider: { only: ["google"] } });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as any).data).toHaveLength(2);
    expect(await s.usage()).toBeCloseTo(0.08, 9);
  });

  it("refuses a model without a catalog price (its cost cannot be bounded) before the call", async () => {
    const s = await setup("img-limit-unpriced", { limit: 5 });
    const res = await s.post("/v1/images/generations", { model: "openai/dall-e-3", prompt: "x" });
    expect(res.status).toBe(402);
    expect(((await res.json()) as any).error.message).toMatch(/no known price/);
    expect(await s.up.requests()).toHaveLength(0);
  });
});
