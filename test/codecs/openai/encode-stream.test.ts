import { describe, expect, it } from "vitest";
import type { StreamEvent } from "../../../src/canonical/types";
import { openaiCodec, openaiStreamChunkSchema } from "../../../src/codecs/openai";
import deepseek from "../../fixtures/openai/deepseek-reasoning-tool-call.sse?raw";
import openrouter from "../../fixtures/openai/openrouter-reasoning-tool-call.sse?raw";
import parallel from "../../fixtures/openai/parallel-tool-calls.sse?raw";
import text from "../../fixtures/openai/text.sse?raw";
import { ctx, dataPayloads, decodeSse, encodeEvents } from "./helpers";

type Chunk = {
  id: string;
  object: string;
  created: number;
  model: string;
  provider: string;
  choices: Array<{ index: number; delta: Record<string, unknown>; finish_reason: string | null; native_finish_reason: string | null }>;
  usage?: Record<string, unknown>;
  error?: Record<string, unknown>;
};

describe("openai encodeStream", () => {
  it("frames chunks with constant id/created/model/provider, then the usage chunk and [DONE]", async () => {
    const out = await encodeEvents([
      { type: "keep-alive" },
      { type: "start", id: "msg_1", model: "claude-sonnet-4-5" },
      { type: "text-delta", text: "Hi" },
      { type: "tool-call-start", index: 0, id: "toolu_1", name: "f", thoughtSignature: "c2ln" },
      { type: "tool-call-delta", index: 0, argumentsDelta: '{"a":1}' },
      { type: "usage", usage: { inputTokens: 10, outputTokens: 5, cachedInputTokens: 4 } },
      { type: "finish", finishReason: "tool_calls", nativeFinishReason: "tool_use" },
    ]);
    expect(out.startsWith(": keep-alive\n\n")).toBe(true);
    expect(out.endsWith("\n\ndata: [DONE]\n\n")).toBe(true);
    const chunks = dataPayloads(out) as Chunk[];
    for (const c of chunks) {
      expect(openaiStreamChunkSchema.safeParse(c).success).toBe(true);
      expect(c).toMatchObject({
        id: "gen-1771000000-TestTestTestTestTest",
        object: "chat.completion.chunk",
        created: 1771000000,
        model: "claude-sonnet-4-5",
        provider: "openai",
      });
    }
    expect(chunks.map((c) => c.choices[0]?.delta ?? null)).toEqual([
      { role: "assistant", content: "" },
      { content: "Hi" },
      { tool_calls: [{ index: 0, id: "toolu_1__ts_c2ln", type: "function", function: { name: "f", arguments: "" } }] },
      { tool_calls: [{ index: 0, function: { arguments: '{"a":1}' } }] },
      {},
      null,
    ]);
    expect(chunks[4].choices[0]).toMatchObject({ finish_reason: "tool_calls", native_finish_reason: "tool_use" });
    expect(chunks[5]).toMatchObject({
      choices: [],
      usage: {
        prompt_tokens: 10,
        completion_tokens: 5,
        total_tokens: 15,
        prompt_tokens_details: { cached_tokens: 4, cache_write_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: 0 },
        cost: 0.00006,
      },
    });
  });

  it("numbers reasoning_details by block and drops reasoning when excluded", async () => {
    const events: StreamEvent[] = [
      { type: "start" },
      { type: "reasoning-delta", text: "a" },
      { type: "reasoning-signature", signature: "s1" },
      { type: "reasoning-redacted", data: "r" },
      { type: "reasoning-delta", text: "b" },
      { type: "text-delta", text: "ok" },
      { type: "finish", finishReason: "stop" },
    ];
    const deltas = (dataPayloads(await encodeEvents(events)) as Chunk[]).map((c) => c.choices[0]?.delta);
    expect(deltas.slice(1, 5)).toEqual([
      { reasoning: "a", reasoning_details: [{ type: "reasoning.text", text: "a", format: "unknown", index: 0 }] },
      { reasoning_details: [{ type: "reasoning.text", signature: "s1", format: "unknown", index: 0 }] },
      { reasoning_details: [{ type: "reasoning.encrypted", data: "r", format: "unknown", index: 1 }] },
      { reasoning: "b", reasoning_details: [{ type: "reasoning.text", text: "b", format: "unknown", index: 2 }] },
    ]);

    const hidden = await encodeEvents(events, ctx({ includeReasoning: false }));
    expect(hidden).not.toContain('"reasoning"');
    expect(hidden).not.toContain("reasoning_details");
    expect((dataPayloads(hidden) as Chunk[]).map((c) => c.choices[0]?.delta)).toEqual([
      { role: "assistant", content: "" },
      { content: "ok" },
      {},
      undefined,
    ]);
  });

  it("renders an in-band error, then still ends with usage and [DONE]", async () => {
    const out = await encodeEvents([
      { type: "start" },
      { type: "text-delta", text: "par" },
      { type: "error", status: 529, message: "Overloaded", errorType: "overloaded_error" },
      { type: "text-delta", text: "ignored" },
    ]);
    const chunks = dataPayloads(out) as Chunk[];
    expect(chunks).toHaveLength(4);
    expect(chunks[2]).toMatchObject({
      error: { code: 529, message: "Overloaded", metadata: { error_type: "overloaded_error" } },
      choices: [{ index: 0, delta: { content: "" }, finish_reason: "error", native_finish_reason: "error" }],
    });
    expect(openaiStreamChunkSchema.safeParse(chunks[2]).success).toBe(true);
    expect(chunks[3]).toMatchObject({ choices: [], usage: { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 } });
    expect(out.endsWith("data: [DONE]\n\n")).toBe(true);
    expect(out).not.toContain("ignored");

    // Our own decoder reads it back as the same error.
    const back = await decodeSse(out);
    expect(back.at(-1)).toEqual({ type: "error", status: 529, message: "Upstream error: Overloaded", fromUpstream: true });
  });

  it("a gateway error in-band (errorType is its kind) carries the same OpenAI type as the HTTP body", async () => {
    const out = await encodeEvents([{ type: "error", status: 503, message: "Upstream 'google' returned 503: overloaded", errorType: "overloaded" }]);
    const err = (dataPayloads(out) as Chunk[]).find((c) => c.error)!;
    expect(err.error).toEqual({ code: 503, message: "Upstream 'google' returned 503: overloaded", type: "overloaded_error", metadata: { error_type: "overloaded" } });
    expect(openaiStreamChunkSchema.safeParse(err).success).toBe(true);
  });

  it("an empty stream still yields a well-formed response", async () => {
    const chunks = dataPayloads(await encodeEvents([])) as Chunk[];
    expect(chunks.map((c) => c.choices.length)).toEqual([1, 0]);
    expect(openaiCodec.streamContentType(ctx())).toBe("text/event-stream; charset=utf-8");
  });
});

describe("openai stream round trip: decode(encode(events)) == events", () => {
  it.each([
    ["text", text],
    ["parallel tool calls", parallel],
    ["deepseek reasoning + tool call", deepseek],
    ["openrouter reasoning + signature + tool call", openrouter],
  ])("%s", async (_name, sse) => {
    const events = await decodeSse(sse, 64);
    const encoded = await encodeEvents(events);
    for (const c of dataPayloads(encoded)) expect(openaiStreamChunkSchema.safeParse(c).success).toBe(true);
    const back = await decodeSse(encoded);
    const start = events[0].type === "start" ? events[0] : undefined;
    // id becomes the gateway id; a stream without upstream usage gains an explicit zero usage.
    const expected = events.map((e) => (e === start ? { ...start, id: ctx().id } : e));
    if (!events.some((e) => e.type === "usage")) expected.push({ type: "usage", usage: { inputTokens: 0, outputTokens: 0 } });
    expect(back).toEqual(expected);
  });
});
