import { describe, expect, it } from "vitest";
import jsonArray from "../../fixtures/gemini/json-array.jsonstream?raw";
import streamErrorSse from "../../fixtures/gemini/stream-error.sse?raw";
import textSse from "../../fixtures/gemini/text.sse?raw";
import thinkingSse from "../../fixtures/gemini/thinking.sse?raw";
import toolCallsSse from "../../fixtures/gemini/tool-calls.sse?raw";
import truncatedSse from "../../fixtures/gemini/truncated.sse?raw";
import vertexSse from "../../fixtures/gemini/vertex-partial-args.sse?raw";
import { coalesce, decodeArray, decodeSse } from "./helpers";

const callId = expect.stringMatching(/^call_[A-Za-z0-9]{24}$/);

describe("gemini decodeStream (alt=sse)", () => {
  it("decodes a Gemini 3 text stream byte by byte; the empty signature chunk adds nothing", async () => {
    for (const size of [1, 5, 4096]) {
      expect(await decodeSse(textSse, size)).toEqual([
        { type: "start", id: "bH6LaZW8Fp_3nsEPqtaSwQ4", model: "gemini-3-pro-preview" },
        { type: "text-delta", text: "There are **3**" },
        { type: "usage", usage: { inputTokens: 9, outputTokens: 190, reasoningTokens: 185 } },
        { type: "text-delta", text: ' "r"s in strawberry.\n\nst**r**awbe**rr**y' },
        { type: "usage", usage: { inputTokens: 9, outputTokens: 208, reasoningTokens: 185 } },
        { type: "usage", usage: { inputTokens: 9, outputTokens: 208, reasoningTokens: 185 } },
        { type: "finish", finishReason: "stop", nativeFinishReason: "STOP" },
      ]);
    }
  });

  it("turns thought parts into reasoning deltas (multi-byte characters split across chunks)", async () => {
    const events = await decodeSse(thinkingSse, 1);
    expect(events).toEqual([
      { type: "start", id: "beHBaJfEMIi-qtsP3769-Q8", model: "gemini-2.5-pro" },
      {
        type: "reasoning-delta",
        text: "**Clarifying the question**\n\nThe user wants the boiling point of water at sea level.\n\n\n",
      },
      { type: "usage", usage: { inputTokens: 34, outputTokens: 68, reasoningTokens: 68 } },
      { type: "reasoning-delta", text: "**Answering**\n\nIt is 100 °C, or 212 °F.\n\n\n" },
      { type: "usage", usage: { inputTokens: 34, outputTokens: 140, reasoningTokens: 140 } },
      { type: "text-delta", text: "Water boils at **100 °C**" },
      { type: "usage", usage: { inputTokens: 34, outputTokens: 147, reasoningTokens: 140 } },
      { type: "text-delta", text: " (212 °F) at sea level." },
      { type: "usage", usage: { inputTokens: 34, outputTokens: 155, reasoningTokens: 140 } },
      { type: "finish", finishReason: "stop", nativeFinishReason: "STOP" },
    ]);
  });

  it("emits whole parallel function calls with the signature on the first, and finishes with tool_calls", async () => {
    const events = await decodeSse(toolCallsSse, 3);
    expect(events).toEqual([
      { type: "start", id: "wOd8abGuO5rgz7IP5tLEGA", model: "gemini-3-flash-preview" },
      {
        type: "tool-call-start",
        index: 0,
        id: callId,
        name: "get_weather",
        thoughtSignature: expect.stringMatching(/^EpwICpkIAXLI2nxl.*3C$/),
      },
      { type: "tool-call-delta", index: 0, argumentsDelta: '{"city":"Paris","unit":"celsius"}' },
      { type: "tool-call-start", index: 1, id: callId, name: "get_weather" },
      { type: "tool-call-delta", index: 1, argumentsDelta: '{"city":"Tokyo","unit":"celsius"}' },
      { type: "tool-call-start", index: 2, id: callId, name: "get_time" },
      { type: "tool-call-delta", index: 2, argumentsDelta: "{}" },
      { type: "usage", usage: { inputTokens: 83, outputTokens: 220, reasoningTokens: 190 } },
      { type: "usage", usage: { inputTokens: 83, outputTokens: 220, reasoningTokens: 190 } },
      { type: "finish", finishReason: "tool_calls", nativeFinishReason: "STOP" },
    ]);
    const ids = events.flatMap((e) => (e.type === "tool-call-start" ? [e.id] : []));
    expect(new Set(ids).size).toBe(3);
  });

  it("keeps an upstream function-call id", async () => {
    const sse = `data: {"candidates": [{"content": {"parts": [{"functionCall": {"name": "f","args": {"a": 1},"id": "PPik6Btt"}}],"role": "model"},"finishReason": "STOP","index": 0}],"usageMetadata": {"promptTokenCount": 3,"candidatesTokenCount": 2,"totalTokenCount": 5},"modelVersion": "gemini-3.1-flash-lite","responseId": "r1"}\r\n\r\n`;
    const events = await decodeSse(sse);
    expect(events[1]).toEqual({ type: "tool-call-start", index: 0, id: "PPik6Btt", name: "f" });
  });

  it("assembles Vertex streamed arguments (partialArgs) into one delta per call", async () => {
    const events = await decodeSse(vertexSse, 1);
    expect(events).toEqual([
      { type: "start", id: "dqHOab6xGLzWodAPkPuViA4", model: "gemini-3.1-pro-preview" },
      { type: "tool-call-start", index: 0, id: callId, name: "cookRecipe", thoughtSignature: expect.any(String) },
      {
        type: "tool-call-delta",
        index: 0,
        argumentsDelta: JSON.stringify({
          recipe: { name: "Lasagna", ingredients: [{ amount: "16 oz" }], servings: 6, vegetarian: false },
        }),
      },
      { type: "tool-call-start", index: 1, id: callId, name: "getWeather" },
      { type: "tool-call-delta", index: 1, argumentsDelta: '{"location":"Boston"}' },
      { type: "usage", usage: { inputTokens: 26, outputTokens: 155, reasoningTokens: 132 } },
      { type: "finish", finishReason: "tool_calls", nativeFinishReason: "STOP" },
    ]);
  });

  it("reports a stream that ends without a finishReason as truncated", async () => {
    const events = await decodeSse(truncatedSse, 2);
    expect(coalesce(events).map((e) => e.type)).toEqual(["start", "text-delta", "usage", "text-delta", "usage", "error"]);
    expect(events[events.length - 1]).toEqual({
      type: "error",
      status: 502,
      message: "Gemini stream ended without a finishReason (truncated)",
    });
  });

  it("turns an in-band error chunk into an error event with Google's code and status", async () => {
    const events = await decodeSse(streamErrorSse, 1);
    expect(events.slice(1)).toEqual([
      { type: "text-delta", text: "Once upon" },
      { type: "usage", usage: { inputTokens: 8, outputTokens: 2 } },
      { type: "error", status: 503, message: "The model is overloaded. Please try again later.", errorType: "UNAVAILABLE", fromUpstream: true },
    ]);
  });

  it("turns malformed JSON into one error event and ignores the rest", async () => {
    const sse = 'data: {"candidates": [\r\n\r\ndata: {"candidates": []}\r\n\r\n';
    const events = await decodeSse(sse);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: "error", status: 502 });
    expect((events[0] as { message: string }).message).toMatch(/^Malformed JSON in Gemini stream/);
  });

  it("rejects a chunk of the wrong shape without throwing", async () => {
    const events = await decodeSse('data: {"candidates": "nope"}\r\n\r\n');
    expect(events).toEqual([{ type: "error", status: 502, message: expect.stringMatching(/^Invalid Gemini stream chunk/) }]);
  });

  it("finishes a blocked prompt (promptFeedback, no candidates) with content_filter", async () => {
    const sse =
      'data: {"promptFeedback": {"blockReason": "SAFETY"},"usageMetadata": {"promptTokenCount": 7,"totalTokenCount": 7},"modelVersion": "gemini-2.5-flash","responseId": "b1"}\r\n\r\n';
    expect(await decodeSse(sse)).toEqual([
      { type: "start", id: "b1", model: "gemini-2.5-flash" },
      { type: "usage", usage: { inputTokens: 7, outputTokens: 0 } },
      { type: "finish", finishReason: "content_filter", nativeFinishReason: "SAFETY" },
    ]);
  });

  it("maps abnormal finish reasons", async () => {
    const frame = (reason: string) =>
      `data: {"candidates": [{"content": {"parts": [{"text": "x"}],"role": "model"},"finishReason": "${reason}","index": 0}]}\r\n\r\n`;
    const finish = async (reason: string) => (await decodeSse(frame(reason), 64)).find((e) => e.type === "finish");
    expect(await finish("MAX_TOKENS")).toEqual({ type: "finish", finishReason: "length", nativeFinishReason: "MAX_TOKENS" });
    expect(await finish("RECITATION")).toEqual({ type: "finish", finishReason: "content_filter", nativeFinishReason: "RECITATION" });
    expect(await finish("MALFORMED_FUNCTION_CALL")).toEqual({
      type: "finish",
      finishReason: "error",
      nativeFinishReason: "MALFORMED_FUNCTION_CALL",
    });
  });

  it("accepts LF-only framing and skips non-zero candidates", async () => {
    const sse =
      'data: {"candidates": [{"content": {"parts": [{"text": "other"}]},"index": 1},{"content": {"parts": [{"text": "mine"}]},"finishReason": "STOP","index": 0}]}\n\n';
    expect(coalesce(await decodeSse(sse))).toEqual([
      { type: "start" },
      { type: "text-delta", text: "mine" },
      { type: "finish", finishReason: "stop", nativeFinishReason: "STOP" },
    ]);
  });
});

describe("gemini JSON-array stream (no alt=sse)", () => {
  it("decodes the pretty-printed array framing byte by byte", async () => {
    for (const size of [1, 13, 65536]) {
      expect(await decodeArray(jsonArray, size)).toEqual([
        { type: "start", id: "IopyaseNCL-s-8YP7urOoAY", model: "gemini-3.6-flash" },
        { type: "reasoning-delta", text: "**Considering the Constraint**\n\nJust a name, nothing else.\n\n\n" },
        { type: "usage", usage: { inputTokens: 11, outputTokens: 0 } },
        { type: "text-delta", text: "Scoop" },
        { type: "usage", usage: { inputTokens: 11, outputTokens: 293, reasoningTokens: 291 } },
        { type: "usage", usage: { inputTokens: 11, outputTokens: 293, reasoningTokens: 291 } },
        { type: "finish", finishReason: "stop", nativeFinishReason: "STOP" },
      ]);
    }
  });

  it("reports an array cut before its finish chunk as truncated", async () => {
    const cut = jsonArray.slice(0, jsonArray.indexOf("\n,\r\n", jsonArray.indexOf("Scoop")));
    const events = await decodeArray(cut, 7);
    expect(events[events.length - 1]).toMatchObject({ type: "error", status: 502 });
  });
});
