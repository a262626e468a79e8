import { describe, expect, it } from "vitest";
import type { StreamEvent } from "../../../src/canonical/types";
import { geminiCodec, geminiStreamChunkSchema } from "../../../src/codecs/gemini";
import thinkingSse from "../../fixtures/gemini/thinking.sse?raw";
import toolCallsSse from "../../fixtures/gemini/tool-calls.sse?raw";
import { coalesce, ctx, decodeArray, decodeSse, encodeEvents } from "./helpers";

const sseCtx = { ...ctx, framing: "sse" as const };
const arrayCtx = { ...ctx, framing: "json-array" as const };

/** The data payloads of an SSE body, asserting Google's CRLF framing. */
function sseFrames(body: string): unknown[] {
  expect(body.endsWith("\r\n\r\n")).toBe(true);
  return body
    .split("\r\n\r\n")
    .filter((f) => f !== "")
    .map((f) => {
      expect(f.startsWith("data: ")).toBe(true);
      return JSON.parse(f.slice("data: ".length));
    });
}

const textEvents: StreamEvent[] = [
  { type: "start", id: "chatcmpl-1", model: "gpt-5" },
  { type: "reasoning-delta", text: "Thinking" },
  { type: "text-delta", text: "Hel" },
  { type: "text-delta", text: "lo" },
  { type: "finish", finishReason: "stop", nativeFinishReason: "stop" },
  { type: "usage", usage: { inputTokens: 10, outputTokens: 7, reasoningTokens: 3, cachedInputTokens: 4 } },
];

describe("gemini encodeStream", () => {
  it("writes one CRLF SSE frame per delta and the finish chunk (with late usage) in flush", async () => {
    const body = await encodeEvents(textEvents, sseCtx);
    const zero = { promptTokenCount: 0, candidatesTokenCount: 0, totalTokenCount: 0 };
    const chunk = (parts: unknown[], usageMetadata: unknown, finishReason?: string) => ({
      candidates: [{ content: { role: "model", parts }, ...(finishReason ? { finishReason } : {}), index: 0 }],
      usageMetadata,
      modelVersion: "gpt-5",
      responseId: "gen-1700000000-abc",
    });
    expect(sseFrames(body)).toEqual([
      chunk([{ text: "Thinking", thought: true }], zero),
      chunk([{ text: "Hel" }], zero),
      chunk([{ text: "lo" }], zero),
      chunk(
        [{ text: "" }],
        {
          promptTokenCount: 10,
          candidatesTokenCount: 4,
          totalTokenCount: 17,
          cachedContentTokenCount: 4,
          thoughtsTokenCount: 3,
        },
        "STOP",
      ),
    ]);
    for (const frame of sseFrames(body)) expect(geminiStreamChunkSchema.safeParse(frame).success).toBe(true);
    expect(geminiCodec.streamContentType(sseCtx)).toBe("text/event-stream");
  });

  it("parses back with its own decoder", async () => {
    const events = await decodeSse(await encodeEvents(textEvents, sseCtx), 1);
    const zero = { type: "usage", usage: { inputTokens: 0, outputTokens: 0 } };
    expect(events).toEqual([
      { type: "start", id: "gen-1700000000-abc", model: "gpt-5" },
      { type: "reasoning-delta", text: "Thinking" },
      zero,
      { type: "text-delta", text: "Hel" },
      zero,
      { type: "text-delta", text: "lo" },
      zero,
      { type: "usage", usage: { inputTokens: 10, outputTokens: 7, reasoningTokens: 3, cachedInputTokens: 4 } },
      { type: "finish", finishReason: "stop", nativeFinishReason: "STOP" },
    ]);
  });

  it("drops reasoning when includeReasoning is false", async () => {
    const body = await encodeEvents(textEvents, { ...sseCtx, includeReasoning: false });
    expect(body).not.toContain("Thinking");
    expect(body).not.toContain('"thought"');
  });

  it("buffers argument deltas and emits each function call whole, with its signature", async () => {
    const events: StreamEvent[] = [
      { type: "start", model: "claude-sonnet-4-5" },
      { type: "text-delta", text: "Checking." },
      { type: "tool-call-start", index: 0, id: "toolu_01", name: "get_weather" },
      { type: "tool-call-delta", index: 0, argumentsDelta: '{"city":' },
      { type: "tool-call-delta", index: 0, argumentsDelta: '"Paris"}' },
      { type: "tool-call-start", index: 1, id: "call_2", name: "get_time", thoughtSignature: "c2ln" },
      { type: "usage", usage: { inputTokens: 5, outputTokens: 9 } },
      { type: "finish", finishReason: "tool_calls", nativeFinishReason: "tool_use" },
    ];
    const frames = sseFrames(await encodeEvents(events, sseCtx)) as Array<{
      candidates: Array<{ content: { parts: unknown[] }; finishReason?: string }>;
      usageMetadata: unknown;
    }>;
    expect(frames.map((f) => f.candidates[0].content.parts)).toEqual([
      [{ text: "Checking." }],
      [{ functionCall: { id: "toolu_01", name: "get_weather", args: { city: "Paris" } } }],
      [{ functionCall: { id: "call_2", name: "get_time", args: {} }, thoughtSignature: "c2ln" }],
      [{ text: "" }],
    ]);
    expect(frames[3].candidates[0].finishReason).toBe("STOP");
    expect(frames[2].usageMetadata).toEqual({ promptTokenCount: 5, candidatesTokenCount: 9, totalTokenCount: 14 });
  });

  it("round-trips a decoded Gemini tool-call stream", async () => {
    const decoded = await decodeSse(toolCallsSse, 64);
    const again = await decodeSse(await encodeEvents(decoded, sseCtx), 1);
    const strip = (evs: StreamEvent[]) => coalesce(evs.filter((e) => e.type !== "usage" && e.type !== "start"));
    expect(strip(again)).toEqual(strip(decoded));
    expect(again.filter((e) => e.type === "usage").pop()).toEqual(decoded.filter((e) => e.type === "usage").pop());
  });

  it("round-trips a decoded thinking stream", async () => {
    const decoded = await decodeSse(thinkingSse, 64);
    const again = await decodeSse(await encodeEvents(decoded, sseCtx), 1);
    const content = (evs: StreamEvent[]) =>
      coalesce(evs.filter((e) => e.type === "text-delta" || e.type === "reasoning-delta" || e.type === "finish"));
    expect(content(again)).toEqual(content(decoded));
  });

  it("writes the JSON-array framing Google uses without alt=sse", async () => {
    const body = await encodeEvents(textEvents, arrayCtx);
    expect(body.startsWith("[{")).toBe(true);
    expect(body.endsWith("}\n]")).toBe(true);
    expect(body.split("\n,\r\n")).toHaveLength(4);
    const parsed = JSON.parse(body) as unknown[];
    expect(parsed).toHaveLength(4);
    for (const el of parsed) expect(geminiStreamChunkSchema.safeParse(el).success).toBe(true);
    const events = await decodeArray(body, 1);
    expect(coalesce(events.filter((e) => e.type === "text-delta"))).toEqual([{ type: "text-delta", text: "Hello" }]);
    expect(events[events.length - 1]).toEqual({ type: "finish", finishReason: "stop", nativeFinishReason: "STOP" });
    expect(geminiCodec.streamContentType(arrayCtx)).toBe("application/json; charset=UTF-8");
    expect(geminiCodec.streamContentType(ctx)).toBe("application/json; charset=UTF-8");
  });

  it("renders keep-alives in both framings, and no SSE comment (older @google/genai reads only data: events)", async () => {
    const events: StreamEvent[] = [{ type: "keep-alive" }, { type: "keep-alive" }, { type: "text-delta", text: "x" }, { type: "comment", text: "x-arouter-cost: 0.000001" }];
    const sse = await encodeEvents(events, sseCtx);
    expect(sse.startsWith("\r\n\r\ndata: ")).toBe(true);
    expect(sse.split("\r\n").filter((line) => line.startsWith(":"))).toEqual([]);
    // @google/genai 1.x (Gemini CLI 0.61): one match per chunk, then nothing but whitespace may be left.
    const responseLineRE = /^\s*data: (.*)(?:\n\n|\r\r|\r\n\r\n)/;
    let buffer = sse;
    const chunks: unknown[] = [];
    for (let m = buffer.match(responseLineRE); m; m = buffer.match(responseLineRE)) {
      chunks.push(JSON.parse(m[1]));
      buffer = buffer.slice(m[0].length);
    }
    expect(chunks).toHaveLength(2);
    expect(buffer.trim()).toBe("");
    const array = await encodeEvents(events, arrayCtx);
    expect(array.startsWith("[\n\n{")).toBe(true);
    expect(JSON.parse(array)).toHaveLength(2);
  });

  it("renders an error in-band and ends the stream (SSE)", async () => {
    const events: StreamEvent[] = [
      { type: "text-delta", text: "partial" },
      { type: "tool-call-start", index: 0, id: "c", name: "f" },
      { type: "error", status: 429, message: "Rate limited upstream" },
      { type: "text-delta", text: "ignored" },
    ];
    const frames = sseFrames(await encodeEvents(events, sseCtx));
    expect(frames).toHaveLength(2);
    expect(frames[1]).toEqual({ error: { code: 429, message: "Rate limited upstream", status: "RESOURCE_EXHAUSTED" } });
    const decoded = await decodeSse(await encodeEvents(events, sseCtx));
    expect(decoded[decoded.length - 1]).toEqual({
      type: "error",
      status: 429,
      message: "Rate limited upstream",
      errorType: "RESOURCE_EXHAUSTED",
      fromUpstream: true,
    });
  });

  it("renders an error as the last array element and closes the array", async () => {
    const body = await encodeEvents(
      [
        { type: "text-delta", text: "a" },
        { type: "error", status: 502, message: "Upstream went away" },
      ],
      arrayCtx,
    );
    const parsed = JSON.parse(body) as unknown[];
    expect(parsed[1]).toEqual({ error: { code: 502, message: "Upstream went away", status: "UNAVAILABLE" } });
    const onlyError = JSON.parse(await encodeEvents([{ type: "error", status: 500, message: "boom" }], arrayCtx));
    expect(onlyError).toEqual([{ error: { code: 500, message: "boom", status: "INTERNAL" } }]);
  });

  it("always closes: an empty stream still yields a final chunk", async () => {
    const parsed = JSON.parse(await encodeEvents([], arrayCtx)) as Array<{ candidates: unknown[]; modelVersion: string }>;
    expect(parsed).toHaveLength(1);
    expect(parsed[0].modelVersion).toBe("google/gemini-2.5-flash");
  });

  it("maps canonical finish reasons when the native one is not Gemini's", async () => {
    const finish = async (finishReason: "length" | "content_filter" | "error", native?: string) => {
      const frames = sseFrames(await encodeEvents([{ type: "finish", finishReason, nativeFinishReason: native }], sseCtx));
      return (frames[0] as { candidates: Array<{ finishReason: string }> }).candidates[0].finishReason;
    };
    expect(await finish("length", "max_tokens")).toBe("MAX_TOKENS");
    expect(await finish("content_filter", "refusal")).toBe("SAFETY");
    expect(await finish("error")).toBe("OTHER");
    expect(await finish("content_filter", "RECITATION")).toBe("RECITATION");
  });
});
