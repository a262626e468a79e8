/**
 * OpenAI's image-capable chat models (openai/gpt-5-image*) on OpenAI itself: the base chat model
 * over the Responses API with the image_generation tool the gateway adds for image output. The
 * tool's image is billed as gpt-image-1 image output tokens (OpenAI leaves them out of usage; the
 * fake makes a medium 1024×1024 image = 1056 tokens), bounded per image on a key with a limit.
 */
import { describe, expect, it } from "vitest";
import { jsonPost } from "../helpers/gateway";
import { CODECS } from "../../src/codecs";
import { PNG_1X1, prices, setup } from "./helpers";

const DATA_URL = `data:image/png;base64,${PNG_1X1}`;
const IMAGE_TOKENS = 1056;
const ASK = { model: "openai/gpt-5-image", modalities: ["image", "text"], messages: [{ role: "user", content: "Draw a boat" }], provider: { only: ["openai"] } };

function chunks(sse: string): any[] {
  return sse.split("\n\n").map((f) => f.trim()).filter((f) => f.startsWith("data: ") && f !== "data: [DONE]").map((f) => JSON.parse(f.slice(6)));
}

describe("Responses codec: the image_generation tool for image output", () => {
  const codec = CODECS.responses;
  const user = [{ role: "user" as const, content: [{ type: "text" as const, text: "Draw" }] }];

  it("added once, with max_tool_calls, only when image output is asked; a caller's own tool is kept as sent", () => {
    const asked = codec.encodeRequest({ model: "m", stream: false, messages: user, outputModalities: ["image", "text"] }, "gpt-5") as any;
    expect(asked.tools).toEqual([{ type: "image_generation" }]);
    expect(asked.max_tool_calls).toBe(4);
    expect((codec.encodeRequest({ model: "m", stream: false, messages: user }, "gpt-5") as any).tools).toBeUndefined();
    const own = codec.decodeRequest({ model: "m", input: "Draw", tools: [{ type: "image_generation", quality: "low" }] });
    const sent = codec.encodeRequest({ ...own, outputModalities: ["image", "text"] }, "gpt-5") as any;
    expect(sent.tools).toEqual([{ type: "image_generation", quality: "low" }]);
    expect(sent.max_tool_calls).toBeUndefined();
  });

  it("unseen costs: the added tool's images as image tokens; a caller's own tool stays unpriceable", () => {
    expect(codec.unseenCosts!({ model: "m", stream: false, messages: user, outputModalities: ["image"] }).imageOutputTokens).toBe(4 * 6240);
    expect(codec.unseenCosts!({ model: "m", stream: false, messages: user }).imageOutputTokens).toBe(0);
    const own = codec.decodeRequest({ model: "m", input: "Draw", tools: [{ type: "image_generation" }] });
    const unseen = codec.unseenCosts!({ ...own, outputModalities: ["image"] });
    expect(unseen.imageOutputTokens).toBe(0);
    expect(unseen.unpriceable).toEqual(["image_generation (billed per image)"]);
  });

  it("decoding counts each image by its quality and size (OpenAI leaves them out of usage)", () => {
    const item = (quality: string, size: string) => ({ id: "ig", type: "image_generation_call", status: "completed", output_format: "png", quality, size, result: PNG_1X1 });
    const res = codec.decodeResponse({
      id: "r", object: "response", status: "completed", model: "gpt-5",
      output: [item("low", "1024x1024"), item("high", "1536x1024"), item("auto", "?")],
      usage: { input_tokens: 10, output_tokens: 20 },
    });
    expect(res.media).toHaveLength(3);
    expect(res.usage).toMatchObject({ outputTokens: 20 + 272 + 6208 + 6240, imageOutputTokens: 272 + 6208 + 6240 });
  });
});

describe("chat surface → OpenAI Responses image_generation", () => {
  it("sends gpt-5 to /responses with the image_generation tool; message.images back; the image priced at the image_output rate", async () => {
    const s = await setup("chat-openai-img");
    const res = await s.post("/v1/chat/completions", ASK);
    expect(res.status).toBe(200);
    const sent = (await s.up.lastRequest())!;
    expect(sent.path).toBe("/openai/v1/responses");
    expect(sent.body.model).toBe("gpt-5");
    expect(sent.body.tools).toEqual([{ type: "image_generation" }]);
    expect(sent.body.max_tool_calls).toBe(4);
    const body = (await res.json()) as any;
    expect(body.choices[0].message.images).toEqual([{ type: "image_url", image_url: { url: DATA_URL }, index: 0 }]);
    const u = body.usage;
    expect(u.completion_tokens_details.image_tokens).toBe(IMAGE_TOKENS);
    const p = prices("openai/gpt-5-image", "openai");
    expect(p.imageOutputToken).toBe(40);
    const expected = Math.ceil(u.prompt_tokens * p.prompt + (u.completion_tokens - IMAGE_TOKENS) * p.completion + IMAGE_TOKENS * p.imageOutputToken!);
    expect(u.cost).toBe(expected / 1e6);
    const g = await s.generation(res.headers.get("x-generation-id")!);
    expect(g.cost_micros).toBe(expected);
    expect(await s.usage()).toBeCloseTo(expected / 1e6, 9);
  });

  it("streamed: the image arrives as delta.images, usage with its tokens", async () => {
    const s = await setup("chat-openai-img-stream");
    const res = await s.post("/v1/chat/completions", { ...ASK, stream: true, stream_options: { include_usage: true } });
    expect(res.status).toBe(200);
    const all = chunks(await res.text());
    const sent = (await s.up.lastRequest())!;
    expect(sent.body.stream).toBe(true);
    expect(sent.body.tools).toEqual([{ type: "image_generation" }]);
    const deltas = all.flatMap((c) => c.choices.map((ch: any) => ch.delta));
    expect(deltas.flatMap((d) => d.images ?? []).map((i: any) => i.image_url.url)).toEqual([DATA_URL]);
    const u = all.at(-1).usage;
    expect(u.completion_tokens_details.image_tokens).toBe(IMAGE_TOKENS);
    const p = prices("openai/gpt-5-image", "openai");
    const expected = Math.ceil(u.prompt_tokens * p.prompt + (u.completion_tokens - IMAGE_TOKENS) * p.completion + IMAGE_TOKENS * p.imageOutputToken!);
    expect(await s.usage()).toBeCloseTo(expected / 1e6, 9);
  });

  it("a text-only request to the plain model gets no image tool", async () => {
    const s = await setup("chat-openai-img-none");
    const res = await s.post("/v1/chat/completions", { ...ASK, modalities: undefined });
    expect(res.status).toBe(200);
    expect((await s.up.lastRequest())!.body.tools).toBeUndefined();
  });

  it("a key with a limit reserves the images: refused when 4 dearest images could pass it, served when they cannot", async () => {
    // 4 × 6240 tokens × $40/M ≈ $1.00 of images on top of the output budget.
    const low = await setup("chat-openai-img-limit-low", { limit: 0.5 });
    const refused = await low.post("/v1/chat/completions", { ...ASK, max_tokens: 100 });
    expect(refused.status).toBe(402);
    expect(await low.up.requests()).toHaveLength(0);
    const high = await setup("chat-openai-img-limit-high", { limit: 1.5 });
    const ok = await high.post("/v1/chat/completions", { ...ASK, max_tokens: 100 });
    expect(ok.status).toBe(200);
  });
});

describe("other surfaces", () => {
  it("the Gemini surface gets the image as an inlineData part, streamed and not", async () => {
    const s = await setup("gemini-surface-openai-img", {}, { OPENROUTER_API_KEY: "" });
    const gemini = (action: string) =>
      s.gw.fetch(`/v1beta/models/openai/gpt-5-image:${action}`, jsonPost({
        contents: [{ role: "user", parts: [{ text: "Draw" }] }], generationConfig: { responseModalities: ["TEXT", "IMAGE"] },
      }, { "x-goog-api-key": s.key }));
    const res = await gemini("generateContent");
    expect(res.status).toBe(200);
    const sent = (await s.up.lastRequest())!;
    expect(sent.path).toBe("/openai/v1/responses");
    expect(sent.body.tools).toEqual([{ type: "image_generation" }]);
    const body = (await res.json()) as any;
    expect(body.candidates[0].content.parts).toContainEqual({ inlineData: { mimeType: "image/png", data: PNG_1X1 } });
    const stream = await gemini("streamGenerateContent?alt=sse");
    const parts = (await stream.text()).split("\r\n\r\n").filter((f) => f.startsWith("data: ")).flatMap((f) => JSON.parse(f.slice(6)).candidates[0].content.parts);
    expect(parts).toContainEqual({ inlineData: { mimeType: "image/png", data: PNG_1X1 } });
  });

  it("the Responses surface with its own image_generation tool: the tool reaches OpenAI as sent, the item comes back, the image is charged", async () => {
    const s = await setup("responses-surface-openai-img");
    const res = await s.post("/v1/responses", { model: "openai/gpt-5-image", input: "Draw", tools: [{ type: "image_generation", quality: "low" }], provider: { only: ["openai"] } });
    expect(res.status).toBe(200);
    const sent = (await s.up.lastRequest())!;
    expect(sent.path).toBe("/openai/v1/responses");
    expect(sent.body.tools).toEqual([{ type: "image_generation", quality: "low" }]);
    const json = (await res.json()) as any;
    expect(json.output.find((o: any) => o.type === "image_generation_call")).toMatchObject({ status: "completed", result: PNG_1X1 });
    const p = prices("openai/gpt-5-image", "openai");
    const g = await s.generation(res.headers.get("x-generation-id")!);
    // A low 1024×1024 image: 272 image tokens.
    expect(g.cost_micros).toBe(Math.ceil(g.tokens_prompt * p.prompt + (g.tokens_completion - 272) * p.completion + 272 * p.imageOutputToken!));
  });

  it("the Anthropic surface answers 400 for the image model and calls no upstream", async () => {
    const s = await setup("anthropic-surface-openai-img");
    const res = await s.gw.fetch("/v1/messages", jsonPost(
      { model: "openai/gpt-5-image", max_tokens: 100, messages: [{ role: "user", content: "Draw" }] },
      { "x-api-key": s.key, "anthropic-version": "2023-06-01" },
    ));
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).error.type).toBe("invalid_request_error");
    expect(await s.up.requests()).toHaveLength(0);
  });
});
