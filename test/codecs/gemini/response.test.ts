import { describe, expect, it } from "vitest";
import type { CanonicalResponse } from "../../../src/canonical/types";
import { geminiCodec, geminiResponseSchema, geminiStreamChunkSchema } from "../../../src/codecs/gemini";
import { UpstreamError } from "../../../src/errors/gateway-error";
import blockedRaw from "../../fixtures/gemini/response-blocked.json?raw";
import codeExecRaw from "../../fixtures/gemini/response-code-execution.json?raw";
import maxTokensRaw from "../../fixtures/gemini/response-max-tokens.json?raw";
import textRaw from "../../fixtures/gemini/response-text.json?raw";
import toolCallsRaw from "../../fixtures/gemini/response-tool-calls.json?raw";
import { ctx } from "./helpers";

const decode = (raw: string) => geminiCodec.decodeResponse(JSON.parse(raw));

describe("gemini decodeResponse", () => {
  it("decodes parallel function calls (signature on the first) as tool_calls", () => {
    const body = JSON.parse(toolCallsRaw);
    const res = geminiCodec.decodeResponse(body);
    expect(res).toEqual({
      id: "wOd8abGuO5rgz7IP5tLEGA",
      model: "gemini-3-flash-preview",
      content: [
        {
          type: "tool-call",
          id: expect.stringMatching(/^call_/),
          name: "get_weather",
          arguments: '{"city":"Paris"}',
          thoughtSignature: body.candidates[0].content.parts[0].thoughtSignature,
        },
        { type: "tool-call", id: expect.stringMatching(/^call_/), name: "get_weather", arguments: '{"city":"Tokyo"}' },
      ],
      finishReason: "tool_calls",
      nativeFinishReason: "STOP",
      usage: { inputTokens: 83, outputTokens: 220, reasoningTokens: 190 },
    });
  });

  it("decodes thoughts, text and cached / thinking usage", () => {
    expect(decode(textRaw)).toEqual({
      id: "AfhNataCGOHxnsEPm92Q4AY",
      model: "gemini-2.5-flash",
      content: [
        { type: "reasoning", text: "**Plan**\n\nCount the letters." },
        { type: "text", text: "There are 3 r's in strawberry." },
      ],
      finishReason: "stop",
      nativeFinishReason: "STOP",
      usage: { inputTokens: 17713, outputTokens: 137, cachedInputTokens: 17379, reasoningTokens: 128 },
    });
  });

  it("drops code-execution parts and counts tool-use prompt tokens as input", () => {
    const res = decode(codeExecRaw);
    expect(res.content).toEqual([{ type: "text", text: "3 * 12390 = **37170**." }]);
    expect(res.usage).toEqual({ inputTokens: 312, outputTokens: 35 });
  });

  it("decodes a MAX_TOKENS answer with no parts", () => {
    const res = decode(maxTokensRaw);
    expect(res.content).toEqual([]);
    expect(res.finishReason).toBe("length");
    expect(res.usage).toEqual({ inputTokens: 12, outputTokens: 63, reasoningTokens: 63 });
  });

  it("decodes a blocked prompt as content_filter", () => {
    const res = decode(blockedRaw);
    expect(res).toMatchObject({ content: [], finishReason: "content_filter", nativeFinishReason: "PROHIBITED_CONTENT" });
    expect(res.usage).toEqual({ inputTokens: 9, outputTokens: 0 });
  });

  it("throws UpstreamError on error or malformed bodies", () => {
    expect(() => geminiCodec.decodeResponse({ error: { code: 500, message: "Internal", status: "INTERNAL" } })).toThrow(UpstreamError);
    expect(() => geminiCodec.decodeResponse({ candidates: "x" })).toThrow(UpstreamError);
    expect(() => geminiCodec.decodeResponse({ usageMetadata: {} })).toThrow(/no candidates/);
    expect(() => geminiCodec.decodeResponse("text")).toThrow(UpstreamError);
  });
});

describe("gemini response schemas", () => {
  it("accept real bodies and reject empty or mistyped ones", () => {
    for (const raw of [toolCallsRaw, textRaw, codeExecRaw, maxTokensRaw, blockedRaw]) {
      expect(geminiResponseSchema.safeParse(JSON.parse(raw)).success).toBe(true);
    }
    expect(geminiResponseSchema.safeParse({}).success).toBe(false);
    expect(geminiResponseSchema.safeParse({ candidates: [{ content: { parts: [{ text: 1 }] } }] }).success).toBe(false);
    expect(geminiStreamChunkSchema.safeParse({ error: { code: 503, message: "x", status: "UNAVAILABLE" } }).success).toBe(true);
    expect(geminiStreamChunkSchema.safeParse({ error: { message: "x" } }).success).toBe(false);
  });
});

describe("gemini encodeResponse", () => {
  const res: CanonicalResponse = {
    id: "msg_1",
    model: "claude-sonnet-4-5",
    content: [
      { type: "reasoning", text: "Let me think.", signature: "anthropic" },
      { type: "reasoning", text: "", redactedData: "opaque" },
      { type: "text", text: "Calling." },
      { type: "tool-call", id: "toolu_1", name: "f", arguments: '{"x":1}' },
      { type: "tool-call", id: "call_2", name: "g", arguments: "{}", thoughtSignature: "c2ln" },
    ],
    finishReason: "tool_calls",
    nativeFinishReason: "tool_use",
    usage: { inputTokens: 100, outputTokens: 50, cachedInputTokens: 80, reasoningTokens: 20 },
  };

  it("encodes a canonical response field by field", () => {
    const body = geminiCodec.encodeResponse(res, ctx);
    expect(body).toEqual({
      candidates: [
        {
          content: {
            role: "model",
            parts: [
              { text: "Let me think.", thought: true },
              { text: "Calling." },
              { functionCall: { id: "toolu_1", name: "f", args: { x: 1 } } },
              { functionCall: { id: "call_2", name: "g", args: {} }, thoughtSignature: "c2ln" },
            ],
          },
          finishReason: "STOP",
          index: 0,
        },
      ],
      usageMetadata: {
        promptTokenCount: 100,
        candidatesTokenCount: 30,
        totalTokenCount: 150,
        cachedContentTokenCount: 80,
        thoughtsTokenCount: 20,
      },
      modelVersion: "claude-sonnet-4-5",
      responseId: "gen-1700000000-abc",
    });
    expect(geminiResponseSchema.safeParse(body).success).toBe(true);
  });

  it("drops reasoning when excluded, and fills empty answers like Google does", () => {
    const body = geminiCodec.encodeResponse(res, { ...ctx, includeReasoning: false }) as {
      candidates: Array<{ content: { parts: unknown[] } }>;
    };
    expect(JSON.stringify(body)).not.toContain("thought\"");
    const empty = geminiCodec.encodeResponse(
      { id: "x", model: "", content: [], finishReason: "content_filter", usage: { inputTokens: 3, outputTokens: 0 } },
      ctx,
    );
    expect(empty).toEqual({
      candidates: [{ content: { role: "model", parts: [{ text: "" }] }, finishReason: "SAFETY", index: 0 }],
      usageMetadata: { promptTokenCount: 3, candidatesTokenCount: 0, totalTokenCount: 3 },
      modelVersion: "google/gemini-2.5-flash",
      responseId: "gen-1700000000-abc",
    });
  });

  it("keeps a native Gemini finish reason verbatim and maps the others", () => {
    const finish = (finishReason: CanonicalResponse["finishReason"], nativeFinishReason?: string) =>
      (geminiCodec.encodeResponse({ ...res, finishReason, nativeFinishReason }, ctx) as {
        candidates: Array<{ finishReason: string }>;
      }).candidates[0].finishReason;
    expect(finish("content_filter", "RECITATION")).toBe("RECITATION");
    expect(finish("error", "MALFORMED_FUNCTION_CALL")).toBe("MALFORMED_FUNCTION_CALL");
    expect(finish("length", "length")).toBe("MAX_TOKENS");
    expect(finish("stop", "end_turn")).toBe("STOP");
    expect(finish("error")).toBe("OTHER");
  });

  it("round-trips: decode(encode(x)) == x", () => {
    for (const raw of [toolCallsRaw, textRaw]) {
      const decoded = decode(raw);
      const again = geminiCodec.decodeResponse(geminiCodec.encodeResponse(decoded, { ...ctx, id: decoded.id }));
      expect(again).toEqual(decoded);
    }
    const canonical: CanonicalResponse = {
      id: "gen-1700000000-abc",
      model: "gpt-5",
      content: [{ type: "text", text: "hi" }, { type: "tool-call", id: "call_9", name: "f", arguments: '{"a":"b"}' }],
      finishReason: "tool_calls",
      nativeFinishReason: "STOP",
      usage: { inputTokens: 10, outputTokens: 5, reasoningTokens: 2, cachedInputTokens: 3 },
    };
    expect(geminiCodec.decodeResponse(geminiCodec.encodeResponse(canonical, ctx))).toEqual(canonical);
  });
});
