import { describe, expect, it } from "vitest";
import type { CanonicalResponse } from "../../../src/canonical/types";
import { unpackToolCallId } from "../../../src/canonical/tool-call-id";
import { anthropicCodec, anthropicResponseSchema } from "../../../src/codecs/anthropic";
import { UpstreamError } from "../../../src/errors/gateway-error";
import cacheJson from "../../fixtures/anthropic/cache.json?raw";
import errorJson from "../../fixtures/anthropic/error-invalid-request.json?raw";
import refusalJson from "../../fixtures/anthropic/refusal.json?raw";
import textJson from "../../fixtures/anthropic/text.json?raw";
import thinkingJson from "../../fixtures/anthropic/thinking.json?raw";
import toolJson from "../../fixtures/anthropic/tool-use.json?raw";
import webSearchJson from "../../fixtures/anthropic/web-search.json?raw";
import { ctx } from "./helpers";

const decode = (text: string) => anthropicCodec.decodeResponse(JSON.parse(text));

describe("anthropic decodeResponse", () => {
  it("decodes a text message", () => {
    expect(decode(textJson)).toEqual({
      id: "msg_01VdEjxAP5ahtHKrrRdNBteQ",
      model: "claude-sonnet-4-5-20250929",
      content: [{ type: "text", text: "Hello! I'm doing well, thanks for asking. How are you doing today? Is there anything I can help you with?" }],
      finishReason: "stop",
      nativeFinishReason: "end_turn",
      usage: { inputTokens: 12, outputTokens: 29 },
    });
  });

  it("decodes parallel tool calls (legacy usage without cache fields)", () => {
    const res = decode(toolJson);
    expect(res.content).toEqual([
      { type: "text", text: "Certainly! Let's use the available tools." },
      { type: "tool-call", id: "toolu_012r6TBCWjRHG71j6zruYyUL", name: "get_weather", arguments: '{"location":"New York, NY","unit":"fahrenheit"}' },
      { type: "tool-call", id: "toolu_01SkeBKkLCNYWNuivqFerGDd", name: "get_time", arguments: '{"timezone":"America/New_York"}' },
    ]);
    expect(res).toMatchObject({ finishReason: "tool_calls", nativeFinishReason: "tool_use", usage: { inputTokens: 514, outputTokens: 152 } });
  });

  it("decodes thinking with signature, redacted thinking and thinking tokens", () => {
    const res = decode(thinkingJson);
    expect(res.content.map((p) => p.type)).toEqual(["reasoning", "reasoning", "text"]);
    expect(res.content[0]).toMatchObject({ type: "reasoning", text: "This is a straightforward question about pedestrian safety.", signature: expect.stringMatching(/^Eq8CCkYI/) });
    expect(res.content[1]).toEqual({ type: "reasoning", text: "", redactedData: "EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qyPB2gCgFs8G03oJ9Yv" });
    expect(res.usage).toEqual({ inputTokens: 43, outputTokens: 321, reasoningTokens: 200 });
  });

  it("converts cache usage and max_tokens", () => {
    expect(decode(cacheJson)).toMatchObject({
      finishReason: "length",
      usage: { inputTokens: 4 + 1165 + 200, outputTokens: 50, cachedInputTokens: 1165, cacheWriteTokens: 200 },
    });
  });

  it("decodes a refusal", () => {
    expect(decode(refusalJson)).toMatchObject({ content: [], finishReason: "content_filter", nativeFinishReason: "refusal", usage: { inputTokens: 18, outputTokens: 5 } });
  });

  it("ignores server tool blocks and citations", () => {
    expect(decode(webSearchJson).content).toEqual([
      { type: "text", text: "Here is today's tech news: " },
      { type: "text", text: "Apple released new developer tools." },
    ]);
  });

  it.each([
    ["model_context_window_exceeded", "length"],
    ["pause_turn", "stop"],
    ["stop_sequence", "stop"],
  ])("maps stop_reason %s → %s", (reason, expected) => {
    const body = { ...JSON.parse(textJson), stop_reason: reason };
    expect(anthropicCodec.decodeResponse(body).finishReason).toBe(expected);
  });

  it("throws UpstreamError for error bodies and garbage", () => {
    expect(() => decode(errorJson)).toThrow(UpstreamError);
    expect(() => decode(errorJson)).toThrow(/unexpected `tool_use_id`/);
    expect(() => anthropicCodec.decodeResponse({ id: "x", content: "nope" })).toThrow(/content/);
    expect(() => anthropicCodec.decodeResponse("hello")).toThrow(UpstreamError);
  });
});

describe("anthropic encodeResponse", () => {
  const res: CanonicalResponse = {
    id: "chatcmpl-9",
    model: "gpt-5",
    content: [
      { type: "reasoning", text: "thinking…" },
      { type: "reasoning", text: "", redactedData: "opaque" },
      { type: "text", text: "Let me check." },
      { type: "tool-call", id: "call_1", name: "get_weather", arguments: '{"city":"Paris"}' },
      { type: "tool-call", id: "fc:1", name: "get_time", arguments: "not json", thoughtSignature: "c2ln+/==" },
    ],
    finishReason: "tool_calls",
    nativeFinishReason: "tool_calls",
    usage: { inputTokens: 1000, outputTokens: 200, cachedInputTokens: 600, cacheWriteTokens: 100 },
  };

  it("writes an Anthropic Message", () => {
    const body = anthropicCodec.encodeResponse(res, ctx) as Record<string, unknown>;
    expect(anthropicResponseSchema.safeParse(body).success).toBe(true);
    expect(body).toEqual({
      id: ctx.id,
      type: "message",
      role: "assistant",
      model: "gpt-5",
      content: [
        { type: "thinking", thinking: "thinking…", signature: "" },
        { type: "redacted_thinking", data: "opaque" },
        { type: "text", text: "Let me check." },
        { type: "tool_use", id: "call_1", name: "get_weather", input: { city: "Paris" } },
        { type: "tool_use", id: expect.stringMatching(/^fc_1__ts_[A-Za-z0-9_-]+$/), name: "get_time", input: {} },
      ],
      stop_reason: "tool_use",
      stop_sequence: null,
      usage: { input_tokens: 300, output_tokens: 200, cache_creation_input_tokens: 100, cache_read_input_tokens: 600 },
    });
    const content = body.content as Array<{ id?: string }>;
    expect(unpackToolCallId(content[4].id!)).toEqual({ id: "fc_1", thoughtSignature: "c2ln+/==" });
  });

  it("uses ctx.model when the upstream gave none and drops reasoning when excluded", () => {
    const body = anthropicCodec.encodeResponse({ ...res, model: "" }, { ...ctx, includeReasoning: false }) as { model: string; content: Array<{ type: string }> };
    expect(body.model).toBe(ctx.model);
    expect(body.content.map((c) => c.type)).toEqual(["text", "tool_use", "tool_use"]);
  });

  it.each([
    ["stop", "STOP", [], "end_turn"],
    ["length", "MAX_TOKENS", [], "max_tokens"],
    ["content_filter", "SAFETY", [], "refusal"],
    ["error", undefined, [], "end_turn"],
    ["stop", "stop_sequence", [], "stop_sequence"],
    ["stop", "pause_turn", [], "pause_turn"],
    ["stop", "STOP", [{ type: "tool-call", id: "a", name: "f", arguments: "{}" }], "tool_use"],
  ] as const)("finish %s (native %s) → %s", (finishReason, native, content, expected) => {
    const body = anthropicCodec.encodeResponse(
      { id: "x", model: "m", content: [...content], finishReason, nativeFinishReason: native, usage: { inputTokens: 0, outputTokens: 0 } },
      ctx,
    ) as { stop_reason: string };
    expect(body.stop_reason).toBe(expected);
  });

  it("round-trips: decode(encode(x)) == x", () => {
    for (const fixture of [textJson, toolJson, thinkingJson, cacheJson, refusalJson]) {
      const x = decode(fixture);
      const again = anthropicCodec.decodeResponse(anthropicCodec.encodeResponse(x, ctx));
      expect(again).toEqual({ ...x, id: ctx.id });
    }
  });
});
