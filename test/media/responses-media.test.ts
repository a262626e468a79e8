/**
 * Generated images on the Responses API: the codec as an upstream (OpenAI's image_generation
 * tool answers decode to images) and as a surface (a canonical answer's images become
 * image_generation_call items, streamed with the item's lifecycle events), then /v1/responses
 * end to end with a Gemini image model.
 */
import { describe, expect, it } from "vitest";
import type { CanonicalResponse, StreamEvent } from "../../src/canonical/types";
import { codec, ctx, decodeSse, encodeEvents, wireEvents } from "../codecs/responses/helpers";
import { PNG_1X1, prices, setup } from "./helpers";

describe("Responses surface: image output", () => {
  it("a generated image is an image_generation_call item after the message", () => {
    const res: CanonicalResponse = {
      id: "x", model: "google/gemini-2.5-flash-image", content: [{ type: "text", text: "Here it is." }],
      media: [{ type: "generated-image", mediaType: "image/png", data: PNG_1X1 }], finishReason: "stop", usage: { inputTokens: 5, outputTokens: 1295, imageOutputTokens: 1290 },
    };
    const body = codec.encodeResponse(res, ctx()) as any;
    expect(body.output.map((o: any) => o.type)).toEqual(["message", "image_generation_call"]);
    expect(body.output[1]).toEqual({ id: expect.stringMatching(/^ig_/), type: "image_generation_call", status: "completed", result: PNG_1X1, output_format: "png" });
  });

  it("streamed: output_item.added, in_progress, generating, completed, output_item.done; the image in the final response", async () => {
    const events: StreamEvent[] = [
      { type: "start", id: "x", model: "google/gemini-2.5-flash-image" },
      { type: "text-delta", text: "Here it is." },
      { type: "image", mediaType: "image/png", data: PNG_1X1 },
      { type: "finish", finishReason: "stop" },
      { type: "usage", usage: { inputTokens: 5, outputTokens: 1295 } },
    ];
    const wire = wireEvents(await encodeEvents(events));
    const ig = wire.filter((e) => e.item?.type === "image_generation_call" || e.type.startsWith("response.image_generation_call"));
    expect(ig.map((e) => e.type)).toEqual([
      "response.output_item.added", "response.image_generation_call.in_progress", "response.image_generation_call.generating",
      "response.image_generation_call.completed", "response.output_item.done",
    ]);
    expect(ig[0].item).toMatchObject({ status: "in_progress", result: null });
    expect(ig[4].item).toMatchObject({ status: "completed", result: PNG_1X1 });
    expect(new Set(ig.map((e) => e.output_index))).toEqual(new Set([1]));
    const completed = wire.find((e) => e.type === "response.completed")!;
    expect(completed.response.output.map((o: any) => o.type)).toEqual(["message", "image_generation_call"]);
    // Sequence numbers stay gapless across the new events.
    expect(wire.map((e) => e.sequence_number)).toEqual(wire.map((_, i) => i));
  });
});

describe("Responses upstream: image_generation_call items", () => {
  const item = { id: "ig_1", type: "image_generation_call", status: "completed", output_format: "webp", result: PNG_1X1 };

  it("an answer's image_generation_call is a generated image of its output format", () => {
    const res = codec.decodeResponse({
      id: "resp_1", object: "response", status: "completed", model: "gpt-5",
      output: [{ id: "msg_1", type: "message", role: "assistant", content: [{ type: "output_text", text: "Done." }] }, item],
      usage: { input_tokens: 10, output_tokens: 20 },
    });
    expect(res.content).toEqual([{ type: "text", text: "Done." }]);
    expect(res.media).toEqual([{ type: "generated-image", mediaType: "image/webp", data: PNG_1X1 }]);
  });

  it("streamed: the done item becomes one image event", async () => {
    const frame = (type: string, body: Record<string, unknown>) => `event: ${type}\ndata: ${JSON.stringify({ type, ...body })}\n\n`;
    const response = { id: "resp_1", object: "response", status: "in_progress", model: "gpt-5", output: [] };
    const sse =
      frame("response.created", { sequence_number: 0, response }) +
      frame("response.output_item.added", { sequence_number: 1, output_index: 0, item: { ...item, status: "in_progress", result: null } }) +
      frame("response.image_generation_call.completed", { sequence_number: 2, output_index: 0, item_id: "ig_1" }) +
      frame("response.output_item.done", { sequence_number: 3, output_index: 0, item }) +
      frame("response.completed", { sequence_number: 4, response: { ...response, status: "completed", output: [item], usage: { input_tokens: 10, output_tokens: 20 } } });
    const events = await decodeSse(sse, 97);
    expect(events.filter((e) => e.type === "image")).toEqual([{ type: "image", mediaType: "image/webp", data: PNG_1X1 }]);
    expect(events.find((e) => e.type === "finish")).toMatchObject({ finishReason: "stop" });
  });
});

describe("POST /v1/responses with an image model", () => {
  const body = { model: "google/gemini-2.5-flash-image", input: "Draw a boat", provider: { only: ["google"] } };

  it("answers the Gemini model's image as an image_generation_call item, billed at the image rate", async () => {
    const s = await setup("responses-route-img");
    const res = await s.post("/v1/responses", body);
    expect(res.status).toBe(200);
    const json = (await res.json()) as any;
    expect(json.output.map((o: any) => o.type)).toEqual(["message", "image_generation_call"]);
    expect(json.output[1]).toMatchObject({ status: "completed", result: PNG_1X1 });
    const p = prices("google/gemini-2.5-flash-image", "google");
    const g = await s.generation(res.headers.get("x-generation-id")!);
    expect(g.cost_micros).toBe(Math.ceil(g.tokens_prompt * p.prompt + 5 * p.completion + 1290 * p.imageOutputToken!));
  });

  it("streamed: the image_generation_call item's events, the image in the done item", async () => {
    const s = await setup("responses-route-img-stream");
    const res = await s.post("/v1/responses", { ...body, stream: true });
    expect(res.status).toBe(200);
    const wire = wireEvents(await res.text());
    const done = wire.find((e) => e.type === "response.output_item.done" && e.item.type === "image_generation_call");
    expect(done?.item).toMatchObject({ status: "completed", result: PNG_1X1 });
    expect(wire.map((e) => e.type)).toContain("response.image_generation_call.completed");
  });
});
