import { describe, expect, it } from "vitest";
import type { StreamEvent } from "../../../src/canonical/types";
import azure from "../../fixtures/openai/azure-text.sse?raw";
import deepseek from "../../fixtures/openai/deepseek-reasoning-tool-call.sse?raw";
import groq from "../../fixtures/openai/groq-reasoning.sse?raw";
import mistralThinking from "../../fixtures/openai/mistral-thinking.sse?raw";
import mistralTools from "../../fixtures/openai/mistral-tool-call.sse?raw";
import orError from "../../fixtures/openai/openrouter-mid-stream-error.sse?raw";
import openrouter from "../../fixtures/openai/openrouter-reasoning-tool-call.sse?raw";
import parallel from "../../fixtures/openai/parallel-tool-calls.sse?raw";
import text from "../../fixtures/openai/text.sse?raw";
import truncated from "../../fixtures/openai/truncated.sse?raw";
import xai from "../../fixtures/openai/xai-reasoning.sse?raw";
import { decodeSse, kinds, summarize } from "./helpers";

const texts = (...t: string[]): StreamEvent[] => t.map((x) => ({ type: "text-delta", text: x }));
const thoughts = (...t: string[]): StreamEvent[] => t.map((x) => ({ type: "reasoning-delta", text: x }));
const args = (index: number, ...a: string[]): StreamEvent[] => a.map((x) => ({ type: "tool-call-delta", index, argumentsDelta: x }));

describe("openai decodeStream (1-byte chunks)", () => {
  it("OpenAI text with a separate usage chunk and [DONE]", async () => {
    expect(await decodeSse(text)).toEqual([
      { type: "start", id: "chatcmpl-Dq3nX8bT1uZk2LwQe9RfVj0aHs7Ym", model: "gpt-4.1-mini-2025-04-14" },
      ...texts("Hello", "!", " The", " capital", " of", " France", " is", " Paris", "."),
      { type: "finish", finishReason: "stop", nativeFinishReason: "stop" },
      { type: "usage", usage: { inputTokens: 24, outputTokens: 9 } },
    ]);
  });

  it("is independent of chunk boundaries and CRLF framing", async () => {
    const expected = await decodeSse(text, text.length);
    expect(await decodeSse(text, 7)).toEqual(expected);
    expect(await decodeSse(text.replaceAll("\n", "\r\n"), 3)).toEqual(expected);
  });

  it("parallel tool calls accumulate by index", async () => {
    const city = (c: string) => ['{"ci', 'ty": "', c, '", "unit"', ': "c"}'];
    expect(await decodeSse(parallel)).toEqual([
      { type: "start", id: "chatcmpl-9hT4kLmN2oPqRsTuVwXyZ0aB1cD2e", model: "gpt-4o-2024-05-13" },
      { type: "tool-call-start", index: 0, id: "call_Kx8dR2mQ7vT1nB4wZ9yL3pA6", name: "get_weather" },
      ...args(0, ...city("Paris")),
      { type: "tool-call-start", index: 1, id: "call_Fh5jN0sW3eU8iO2qC7rX1tY4", name: "get_weather" },
      ...args(1, ...city("Tokyo")),
      { type: "finish", finishReason: "tool_calls", nativeFinishReason: "tool_calls" },
    ]);
  });

  it("DeepSeek reasoning_content, tool call, usage on the finish chunk", async () => {
    expect(await decodeSse(deepseek)).toEqual([
      { type: "start", id: "5d1f0c3a-7b2e-4e8d-9a61-2c4b8f0e7d13", model: "deepseek-reasoner" },
      ...thoughts("The", " user", " wants", " the", " weather", "."),
      { type: "tool-call-start", index: 0, id: "call_00_q8Xw2Lk5Rt9Bn3Mv", name: "get_weather" },
      ...args(0, '{"', "city", '":', ' "', "Berlin", '"}'),
      { type: "finish", finishReason: "tool_calls", nativeFinishReason: "tool_calls" },
      { type: "usage", usage: { inputTokens: 339, outputTokens: 83, cachedInputTokens: 320, reasoningTokens: 39 } },
    ]);
  });

  it("Groq `reasoning` deltas and x_groq usage", async () => {
    const events = await decodeSse(groq);
    expect(kinds(events)).toEqual(["start", "reasoning-delta", "text-delta", "finish", "usage"]);
    expect(summarize(events)).toMatchObject({ reasoning: "Okay, two plus two.", text: "2 + 2 = 4" });
    expect(events.at(-1)).toEqual({ type: "usage", usage: { inputTokens: 17, outputTokens: 40, reasoningTokens: 30 } });
  });

  it("Mistral tool calls without index/type, usage on the finish chunk, no [DONE]", async () => {
    expect(await decodeSse(mistralTools)).toEqual([
      { type: "start", id: "b71c0e2f9a8d4c3b9e1f2a3b4c5d6e7f", model: "mistral-small-latest" },
      { type: "tool-call-start", index: 0, id: "Xk3Lq9PzR", name: "get_weather" },
      ...args(0, '{"city": "Lyon"}'),
      { type: "tool-call-start", index: 1, id: "Bv7Nw2TcM", name: "get_time" },
      ...args(1, '{"tz": "Europe/Paris"}'),
      { type: "finish", finishReason: "tool_calls", nativeFinishReason: "tool_calls" },
      { type: "usage", usage: { inputTokens: 130, outputTokens: 41 } },
    ]);
  });

  it("Mistral thinking content parts", async () => {
    expect(await decodeSse(mistralThinking)).toEqual([
      { type: "start", id: "c3d2e1f0a9b8475a8c6d5e4f3a2b1c0d", model: "magistral-small-latest" },
      ...thoughts("17 times 23", " is 391."),
      ...texts("3", "91"),
      { type: "finish", finishReason: "stop", nativeFinishReason: "stop" },
      { type: "usage", usage: { inputTokens: 28, outputTokens: 32 } },
    ]);
  });

  it("Azure: the prompt-filter chunk is neither a start nor usage", async () => {
    expect(await decodeSse(azure)).toEqual([
      { type: "start", id: "chatcmpl-CZa1b2c3d4e5f6g7h8i9j0kLmNoP", model: "gpt-5-nano-2025-08-07" },
      ...texts("Bonjour", " le monde"),
      { type: "finish", finishReason: "stop", nativeFinishReason: "stop" },
      { type: "usage", usage: { inputTokens: 11, outputTokens: 70, reasoningTokens: 64 } },
    ]);
  });

  it("xAI: completion_tokens exclude reasoning_tokens", async () => {
    const events = await decodeSse(xai);
    expect(kinds(events)).toEqual(["start", "reasoning-delta", "text-delta", "finish", "usage"]);
    expect(summarize(events)).toMatchObject({ reasoning: "The user says hi.", text: "Hi!" });
    expect(events.at(-1)).toEqual({
      type: "usage",
      usage: { inputTokens: 12, outputTokens: 202, cachedInputTokens: 11, reasoningTokens: 200 },
    });
  });

  it("OpenRouter: comments, reasoning_details signature, content-block tool index, native finish reason, cost usage", async () => {
    expect(await decodeSse(openrouter)).toEqual([
      { type: "start", id: "gen-1771100000-AbCdEfGhIjKlMnOpQrSt", model: "anthropic/claude-sonnet-4" },
      ...thoughts("I should check", " the weather."),
      { type: "reasoning-signature", signature: "EqoBCkgIBxABGAIiQL2mVh3xYz/AbC+dEf==" },
      ...texts("Let me look."),
      { type: "tool-call-start", index: 0, id: "toolu_01A2b3C4d5E6f7G8h9J0kLmN", name: "get_weather" },
      ...args(0, '{"city":', ' "Oslo"}'),
      { type: "finish", finishReason: "tool_calls", nativeFinishReason: "tool_use" },
      {
        type: "usage",
        usage: { inputTokens: 1520, outputTokens: 88, cachedInputTokens: 1024, cacheWriteTokens: 400, reasoningTokens: 20 },
      },
    ]);
  });

  it("OpenRouter mid-stream error chunk -> one error event, rest ignored", async () => {
    expect(await decodeSse(orError)).toEqual([
      { type: "start", id: "gen-1771100200-QwErTyUiOpAsDfGhJkLz", model: "google/gemini-2.5-pro" },
      ...texts("Once upon"),
      { type: "error", status: 502, message: "Upstream error: Provider disconnected unexpectedly", fromUpstream: true },
    ]);
  });

  it("truncated stream (no finish_reason, no [DONE]) -> error", async () => {
    const events = await decodeSse(truncated);
    expect(kinds(events)).toEqual(["start", "text-delta", "error"]);
    expect(events.at(-1)).toMatchObject({ type: "error", status: 502, message: expect.stringContaining("ended before completion") });
  });

  it("[DONE] without finish_reason still finishes", async () => {
    const sse = 'data: {"id":"a","model":"m","choices":[{"index":0,"delta":{"content":"x"}}]}\n\ndata: [DONE]\n\n';
    expect(await decodeSse(sse)).toEqual([
      { type: "start", id: "a", model: "m" },
      ...texts("x"),
      { type: "finish", finishReason: "stop" },
    ]);
  });

  it("malformed JSON, invalid chunks and vLLM/OpenAI error objects become error events", async () => {
    const bad = await decodeSse('data: {"id":"a","choices":[{"delta":{"content":"x"}}]}\n\ndata: {oops\n\ndata: {"id":"a"}\n\n');
    expect(bad.slice(0, 2)).toEqual([{ type: "start", id: "a" }, ...texts("x")]);
    expect(bad[2]).toMatchObject({ type: "error", status: 502, message: expect.stringContaining("malformed JSON") });
    expect(bad).toHaveLength(3);

    const invalid = await decodeSse('data: {"id":"a","choices":5}\n\n');
    expect(invalid).toEqual([{ type: "error", status: 502, message: expect.stringContaining("not a chat.completion.chunk") }]);

    // Fields of an unexpected type are ignored rather than failing the stream.
    const odd = await decodeSse('data: {"id":"a","choices":[{"index":"0","delta":{"content":"x","tool_calls":7},"finish_reason":"stop"}]}\n\n');
    expect(odd).toEqual([{ type: "start", id: "a" }, ...texts("x"), { type: "finish", finishReason: "stop", nativeFinishReason: "stop" }]);

    const vllm = await decodeSse('data: {"object":"error","message":"context too long","type":"BadRequestError","code":400}\n\n');
    expect(vllm).toEqual([{ type: "error", status: 400, message: "Upstream error: context too long", errorType: "BadRequestError", fromUpstream: true }]);

    const rateLimited = await decodeSse('data: {"error":{"message":"Rate limit reached","type":"rate_limit_error","code":429}}\n\n');
    expect(rateLimited).toEqual([{ type: "error", status: 429, message: "Upstream error: Rate limit reached", errorType: "rate_limit_error", fromUpstream: true }]);

    expect(await decodeSse("")).toEqual([expect.objectContaining({ type: "error", status: 502 })]);
  });

  it("tool-call arguments that arrive before the name are held until the call starts", async () => {
    const sse = [
      '{"id":"a","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"c1","function":{"arguments":"{\\"a\\""}}]}}]}',
      '{"id":"a","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"name":"f","arguments":":1}"}}]}}]}',
      '{"id":"a","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"name":"","arguments":""}}]},"finish_reason":"stop"}]}',
    ]
      .map((j) => `data: ${j}\n\n`)
      .join("");
    expect(await decodeSse(sse)).toEqual([
      { type: "start", id: "a" },
      { type: "tool-call-start", index: 0, id: "c1", name: "f" },
      ...args(0, '{"a":1}'),
      // "stop" after tool calls (some providers) is still a tool_calls finish canonically.
      { type: "finish", finishReason: "tool_calls", nativeFinishReason: "stop" },
    ]);
  });
});
