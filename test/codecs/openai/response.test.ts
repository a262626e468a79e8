import { describe, expect, it } from "vitest";
import type { CanonicalResponse } from "../../../src/canonical/types";
import { openaiCodec, openaiResponseSchema } from "../../../src/codecs/openai";
import { UpstreamError } from "../../../src/errors/gateway-error";
import deepseek from "../../fixtures/openai/deepseek-reasoning.json";
import mistral from "../../fixtures/openai/mistral-thinking.json";
import openrouter from "../../fixtures/openai/openrouter-reasoning.json";
import parallel from "../../fixtures/openai/parallel-tool-calls.json";
import text from "../../fixtures/openai/text.json";
import xai from "../../fixtures/openai/xai-reasoning.json";
import { ctx } from "./helpers";

describe("openai decodeResponse", () => {
  it("decodes a text completion with cache read and write tokens", () => {
    expect(openaiCodec.decodeResponse(text)).toEqual({
      id: "chatcmpl-Dq3nZ1cV4bN7mK0lP9oI8uY6tR5eW",
      model: "gpt-4.1-mini-2025-04-14",
      content: [{ type: "text", text: "Hello! The capital of France is Paris." }],
      finishReason: "stop",
      nativeFinishReason: "stop",
      usage: { inputTokens: 4020, outputTokens: 9, cachedInputTokens: 4000, cacheWriteTokens: 12 },
      created: 1771002215,
    });
  });

  it("decodes parallel tool calls", () => {
    const res = openaiCodec.decodeResponse(parallel);
    expect(res.content).toEqual([
      { type: "tool-call", id: "call_Kx8dR2mQ7vT1nB4wZ9yL3pA6", name: "get_weather", arguments: '{"city": "Paris", "unit": "c"}' },
      { type: "tool-call", id: "call_Fh5jN0sW3eU8iO2qC7rX1tY4", name: "get_weather", arguments: '{"city": "Tokyo", "unit": "c"}' },
    ]);
    expect(res.finishReason).toBe("tool_calls");
    expect(res.usage).toEqual({ inputTokens: 82, outputTokens: 51, cachedInputTokens: 64 });
  });

  it("decodes reasoning_content (DeepSeek) with prompt_cache_hit_tokens", () => {
    const res = openaiCodec.decodeResponse(deepseek);
    expect(res.content).toEqual([
      { type: "reasoning", text: "Count the letters: s-t-r-a-w-b-e-r-r-y. r appears at positions 3, 8 and 9." },
      { type: "text", text: 'There are three r\'s in "strawberry".' },
    ]);
    expect(res.usage).toEqual({ inputTokens: 18, outputTokens: 120, reasoningTokens: 101 });
  });

  it("adds xAI reasoning tokens that completion_tokens leaves out", () => {
    const res = openaiCodec.decodeResponse(xai);
    expect(res.usage).toEqual({ inputTokens: 12, outputTokens: 202, cachedInputTokens: 11, reasoningTokens: 200 });
    expect(res.content[0]).toEqual({ type: "reasoning", text: "The user says hi." });
  });

  it("decodes Mistral thinking content parts", () => {
    const res = openaiCodec.decodeResponse(mistral);
    expect(res.content).toEqual([
      { type: "reasoning", text: "17 times 23 is 391." },
      { type: "text", text: "391" },
    ]);
  });

  it("decodes OpenRouter reasoning_details with signatures and encrypted blocks", () => {
    const res = openaiCodec.decodeResponse(openrouter);
    expect(res.content).toEqual([
      { type: "reasoning", text: "The tool said sunny.", signature: "ErUBCkYIBRgCIkB7q/Zx==" },
      { type: "reasoning", text: "", redactedData: "EmwKAhgBEgy3Zr9Qx4Lm==" },
      { type: "text", text: "It is sunny in Oslo." },
    ]);
    expect(res.usage).toEqual({ inputTokens: 1700, outputTokens: 40, cachedInputTokens: 1500, reasoningTokens: 12 });
    expect(res.finishReason).toBe("stop");
    expect(res.nativeFinishReason).toBe("end_turn");
  });

  it("throws UpstreamError for error bodies, missing choices and invalid shapes", () => {
    expect(() => openaiCodec.decodeResponse({ error: { code: 400, message: "filtered" } })).toThrow(UpstreamError);
    try {
      openaiCodec.decodeResponse({ error: { code: 429, message: "slow down" } });
    } catch (e) {
      expect((e as UpstreamError).upstreamStatus).toBe(429);
      expect((e as UpstreamError).message).toBe("slow down");
    }
    expect(() => openaiCodec.decodeResponse({ id: "x", choices: [] })).toThrow("no choices");
    expect(() => openaiCodec.decodeResponse({ id: 5, choices: [] })).toThrow("id: expected string");
    expect(() => openaiCodec.decodeResponse("nope")).toThrow(UpstreamError);
  });
});

describe("openai encodeResponse", () => {
  const res: CanonicalResponse = {
    id: "msg_123",
    model: "claude-sonnet-4-5",
    content: [
      { type: "reasoning", text: "Think", signature: "sig" },
      { type: "reasoning", text: "", redactedData: "red" },
      { type: "text", text: "Hello " },
      { type: "text", text: "world" },
      { type: "tool-call", id: "call_9", name: "f", arguments: "{}", thoughtSignature: "c2ln" },
    ],
    finishReason: "tool_calls",
    nativeFinishReason: "tool_use",
    usage: { inputTokens: 100, outputTokens: 50, cachedInputTokens: 80, cacheWriteTokens: 10, reasoningTokens: 20 },
  };

  it("renders an OpenRouter-style chat.completion", () => {
    const body = openaiCodec.encodeResponse(res, ctx({ provider: "anthropic" }));
    expect(body).toEqual({
      id: "gen-1771000000-TestTestTestTestTest",
      object: "chat.completion",
      created: 1771000000,
      model: "claude-sonnet-4-5",
      provider: "anthropic",
      choices: [
        {
          index: 0,
          message: {
            role: "assistant",
            content: "Hello world",
            refusal: null,
            reasoning: "Think",
            reasoning_details: [
              { type: "reasoning.text", text: "Think", signature: "sig", format: "unknown", index: 0 },
              { type: "reasoning.encrypted", data: "red", format: "unknown", index: 1 },
            ],
            tool_calls: [{ id: "call_9__ts_c2ln", type: "function", function: { name: "f", arguments: "{}" } }],
          },
          logprobs: null,
          finish_reason: "tool_calls",
          native_finish_reason: "tool_use",
        },
      ],
      usage: {
        prompt_tokens: 100,
        completion_tokens: 50,
        total_tokens: 150,
        prompt_tokens_details: { cached_tokens: 80, cache_write_tokens: 10 },
        completion_tokens_details: { reasoning_tokens: 20 },
        cost: 0.0006,
      },
    });
    expect(openaiResponseSchema.safeParse(body).success).toBe(true);
  });

  it("drops reasoning when excluded, uses ctx.model, zero usage and null content when needed", () => {
    const body = openaiCodec.encodeResponse(
      { id: "x", model: "", content: [{ type: "reasoning", text: "secret" }], finishReason: "length", nativeFinishReason: "MAX_TOKENS", usage: { inputTokens: 0, outputTokens: 0 } },
      ctx({ includeReasoning: false, cost: undefined }),
    ) as { model: string; choices: Array<{ message: Record<string, unknown>; finish_reason: string; native_finish_reason: string }>; usage: Record<string, unknown> };
    expect(body.model).toBe("openai/gpt-4.1-mini");
    expect(body.choices[0].message).toEqual({ role: "assistant", content: null, refusal: null });
    expect(body.choices[0].finish_reason).toBe("length");
    expect(body.choices[0].native_finish_reason).toBe("MAX_TOKENS");
    expect(body.usage.cost).toBeUndefined();
    expect(openaiResponseSchema.safeParse(body).success).toBe(true);
  });

  it("round trips: decode(encode(x)) keeps content, finish reason and usage", () => {
    for (const fixture of [text, parallel, deepseek, openrouter]) {
      const canonical = openaiCodec.decodeResponse(fixture);
      const again = openaiCodec.decodeResponse(openaiCodec.encodeResponse(canonical, ctx()));
      expect(again).toEqual({ ...canonical, id: ctx().id, created: ctx().created });
    }
    // Consecutive text parts merge into one `content` string: the only loss.
    const again = openaiCodec.decodeResponse(openaiCodec.encodeResponse(res, ctx()));
    expect(again).toEqual({
      ...res,
      content: [res.content[0], res.content[1], { type: "text", text: "Hello world" }, res.content[4]],
      id: ctx().id,
      created: ctx().created,
    });
  });
});
