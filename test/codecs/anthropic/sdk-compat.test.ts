/**
 * The official Anthropic SDK's own SSE parser and message accumulator read what our encoder
 * writes (narrow imports: the SDK root pulls every resource and is slow to transform).
 */
import { Stream } from "@anthropic-ai/sdk/core/streaming";
import { MessageStream } from "@anthropic-ai/sdk/lib/MessageStream";
import { describe, expect, it } from "vitest";
import type { StreamEvent } from "../../../src/canonical/types";
import { ctx, encodeEvents } from "./helpers";

async function sdkFinalMessage(sse: string) {
  const response = new Response(sse, { headers: { "content-type": "text/event-stream; charset=utf-8" } });
  const events = Stream.fromSSEResponse(response, new AbortController());
  // The SDK types its stream with its own ReadableStream shim; at runtime it is the platform one.
  const readable = events.toReadableStream() as unknown as ReadableStream;
  return MessageStream.fromReadableStream(readable).finalMessage();
}

describe("official Anthropic SDK reads our stream output", () => {
  it("accumulates an encoded stream into the expected final message", async () => {
    const events: StreamEvent[] = [
      { type: "keep-alive" }, // before message_start: the gateway is still waiting for the upstream
      { type: "start", model: "gpt-5", usage: { inputTokens: 50, outputTokens: 0, cachedInputTokens: 20 } },
      { type: "reasoning-delta", text: "Hmm." },
      { type: "reasoning-signature", signature: "sig" },
      { type: "text-delta", text: "Hello " },
      { type: "keep-alive" },
      { type: "text-delta", text: "there." },
      { type: "tool-call-start", index: 0, id: "call_1", name: "lookup" },
      { type: "tool-call-delta", index: 0, argumentsDelta: '{"q":' },
      { type: "tool-call-delta", index: 0, argumentsDelta: '"x"}' },
      { type: "finish", finishReason: "tool_calls" },
      { type: "usage", usage: { inputTokens: 50, outputTokens: 12, cachedInputTokens: 20 } },
    ];
    const final = await sdkFinalMessage(await encodeEvents(events));
    expect(final).toMatchObject({
      id: ctx.id,
      model: "gpt-5",
      role: "assistant",
      content: [
        { type: "thinking", thinking: "Hmm.", signature: "sig" },
        { type: "text", text: "Hello there." },
        { type: "tool_use", id: "call_1", name: "lookup", input: { q: "x" } },
      ],
      stop_reason: "tool_use",
      usage: { input_tokens: 30, cache_read_input_tokens: 20, output_tokens: 12 },
    });
  });

  it("surfaces an in-band error event as an SDK error", async () => {
    const sse = await encodeEvents([{ type: "start" }, { type: "text-delta", text: "x" }, { type: "error", status: 503, message: "Overloaded", errorType: "overloaded_error" }]);
    await expect(sdkFinalMessage(sse)).rejects.toThrow(/Overloaded/);
  });
});
