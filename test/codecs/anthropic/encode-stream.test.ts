import { describe, expect, it } from "vitest";
import type { StreamEvent } from "../../../src/canonical/types";
import { unpackToolCallId } from "../../../src/canonical/tool-call-id";
import { anthropicStreamChunkSchema } from "../../../src/codecs/anthropic";
import thinkingSse from "../../fixtures/anthropic/thinking.sse?raw";
import toolSse from "../../fixtures/anthropic/tool-calls.sse?raw";
import cacheSse from "../../fixtures/anthropic/cache-usage.sse?raw";
import redactedSse from "../../fixtures/anthropic/redacted-thinking.sse?raw";
import { coalesce, ctx, decodeSse, encodeEvents, parseSse } from "./helpers";

function validate(frames: ReturnType<typeof parseSse>): void {
  for (const f of frames) {
    expect(f.event).toBe(f.data.type);
    const r = anthropicStreamChunkSchema.safeParse(f.data);
    expect(r.success, `${f.event}: ${JSON.stringify(r.error?.issues)}`).toBe(true);
  }
}

describe("anthropic encodeStream", () => {
  it("writes exactly the Anthropic event sequence for text, thinking and tool calls", async () => {
    const events: StreamEvent[] = [
      { type: "start", id: "chatcmpl-1", model: "gpt-5", usage: { inputTokens: 100, outputTokens: 0, cachedInputTokens: 40 } },
      { type: "reasoning-delta", text: "Let me think" },
      { type: "reasoning-delta", text: " carefully." },
      { type: "reasoning-signature", signature: "sig-abc" },
      { type: "text-delta", text: "Checking the weather." },
      { type: "tool-call-start", index: 0, id: "call_1", name: "get_weather" },
      { type: "tool-call-delta", index: 0, argumentsDelta: '{"city":' },
      { type: "tool-call-delta", index: 0, argumentsDelta: '"Paris"}' },
      { type: "tool-call-start", index: 1, id: "call.2:x", name: "get_time", thoughtSignature: "c2lnbmF0dXJl" },
      { type: "tool-call-delta", index: 1, argumentsDelta: "{}" },
      { type: "finish", finishReason: "tool_calls", nativeFinishReason: "tool_calls" },
      // Usage after finish: the final message_delta must still carry it.
      { type: "usage", usage: { inputTokens: 100, outputTokens: 50, cachedInputTokens: 40, reasoningTokens: 10 } },
    ];
    const text = await encodeEvents(events);
    const frames = parseSse(text);
    validate(frames);
    expect(frames.map((f) => f.event)).toEqual([
      "message_start",
      "content_block_start", "content_block_delta", "content_block_delta", "content_block_delta", "content_block_stop",
      "content_block_start", "content_block_delta", "content_block_stop",
      "content_block_start", "content_block_delta", "content_block_delta", "content_block_stop",
      "content_block_start", "content_block_delta", "content_block_stop",
      "message_delta",
      "message_stop",
    ]);
    expect(frames[0].data).toEqual({
      type: "message_start",
      message: {
        id: ctx.id, type: "message", role: "assistant", model: "gpt-5", content: [], stop_reason: null, stop_sequence: null,
        usage: { input_tokens: 60, cache_creation_input_tokens: 0, cache_read_input_tokens: 40, output_tokens: 0 },
      },
    });
    expect(frames[1].data).toEqual({ type: "content_block_start", index: 0, content_block: { type: "thinking", thinking: "", signature: "" } });
    // signature_delta right before the thinking block's content_block_stop
    expect(frames[4].data).toEqual({ type: "content_block_delta", index: 0, delta: { type: "signature_delta", signature: "sig-abc" } });
    expect(frames[6].data).toEqual({ type: "content_block_start", index: 1, content_block: { type: "text", text: "" } });
    expect(frames[7].data).toEqual({ type: "content_block_delta", index: 1, delta: { type: "text_delta", text: "Checking the weather." } });
    expect(frames[9].data).toEqual({ type: "content_block_start", index: 2, content_block: { type: "tool_use", id: "call_1", name: "get_weather", input: {} } });
    expect(frames[11].data).toEqual({ type: "content_block_delta", index: 2, delta: { type: "input_json_delta", partial_json: '"Paris"}' } });
    const second = frames[13].data.content_block as { id: string };
    expect(second.id).toMatch(/^[a-zA-Z0-9_-]+$/);
    expect(unpackToolCallId(second.id)).toEqual({ id: "call_2_x", thoughtSignature: "c2lnbmF0dXJl" });
    expect(frames[16].data).toEqual({
      type: "message_delta",
      delta: { stop_reason: "tool_use", stop_sequence: null },
      usage: { input_tokens: 60, output_tokens: 50, cache_creation_input_tokens: 0, cache_read_input_tokens: 40, output_tokens_details: { thinking_tokens: 10 } },
    });
    expect(text.endsWith('event: message_stop\ndata: {"type":"message_stop"}\n\n')).toBe(true);
  });

  it("synthesizes message_start when content arrives first and maps the finish reason", async () => {
    const frames = parseSse(await encodeEvents([{ type: "text-delta", text: "Hi" }, { type: "finish", finishReason: "length", nativeFinishReason: "MAX_TOKENS" }]));
    validate(frames);
    expect(frames.map((f) => f.event)).toEqual(["message_start", "content_block_start", "content_block_delta", "content_block_stop", "message_delta", "message_stop"]);
    expect((frames[0].data.message as { model: string; id: string }).model).toBe(ctx.model);
    expect(frames[4].data).toMatchObject({ delta: { stop_reason: "max_tokens", stop_sequence: null }, usage: { input_tokens: 0, output_tokens: 0 } });
  });

  it("uses tool_use as stop reason when an upstream ends a tool turn with a plain stop", async () => {
    const frames = parseSse(
      await encodeEvents([
        { type: "start" },
        { type: "tool-call-start", index: 0, id: "", name: "f" },
        { type: "tool-call-delta", index: 0, argumentsDelta: "{}" },
        { type: "finish", finishReason: "stop", nativeFinishReason: "STOP" },
      ]),
    );
    validate(frames);
    expect((frames[1].data.content_block as { id: string }).id).toMatch(/^toolu_[A-Za-z0-9]{24}$/);
    expect(frames[4].data).toMatchObject({ delta: { stop_reason: "tool_use" } });
  });

  it("renders keep-alive as ping and errors in-band, with nothing after the error", async () => {
    const text = await encodeEvents([
      { type: "keep-alive" },
      { type: "start", model: "claude-x" },
      { type: "text-delta", text: "Partial" },
      { type: "keep-alive" },
      { type: "error", status: 503, message: "Overloaded", errorType: "overloaded_error" },
      { type: "text-delta", text: "ignored" },
      { type: "finish", finishReason: "stop" },
    ]);
    const frames = parseSse(text);
    validate(frames);
    expect(text.startsWith('event: ping\ndata: {"type":"ping"}\n\n')).toBe(true);
    expect(frames.map((f) => f.event)).toEqual(["ping", "message_start", "content_block_start", "content_block_delta", "ping", "content_block_stop", "error"]);
    expect(frames[6].data).toEqual({ type: "error", error: { type: "overloaded_error", message: "Overloaded" } });
  });

  it("maps an error status to the Anthropic error type when the type is foreign", async () => {
    const frames = parseSse(await encodeEvents([{ type: "start" }, { type: "error", status: 429, message: "slow down", errorType: "RESOURCE_EXHAUSTED" }]));
    expect(frames[frames.length - 1].data).toEqual({ type: "error", error: { type: "rate_limit_error", message: "slow down" } });
  });

  it("a gateway 'overloaded' error is overloaded_error in-band; 'unavailable' (no endpoint can serve it) is api_error", async () => {
    const last = async (errorType: string) => {
      const frames = parseSse(await encodeEvents([{ type: "start" }, { type: "error", status: 503, message: "m", errorType }]));
      return frames[frames.length - 1].data;
    };
    expect(await last("overloaded")).toEqual({ type: "error", error: { type: "overloaded_error", message: "m" } });
    expect(await last("unavailable")).toEqual({ type: "error", error: { type: "api_error", message: "m" } });
  });

  it("drops reasoning when includeReasoning is false", async () => {
    const frames = parseSse(
      await encodeEvents(
        [
          { type: "start" },
          { type: "reasoning-delta", text: "secret" },
          { type: "reasoning-signature", signature: "s" },
          { type: "reasoning-redacted", data: "r" },
          { type: "text-delta", text: "answer" },
          { type: "finish", finishReason: "stop" },
        ],
        { ...ctx, includeReasoning: false },
      ),
    );
    expect(frames.map((f) => f.event)).toEqual(["message_start", "content_block_start", "content_block_delta", "content_block_stop", "message_delta", "message_stop"]);
    expect(frames[1].data).toMatchObject({ index: 0, content_block: { type: "text" } });
  });

  it("writes redacted thinking as a complete block", async () => {
    const frames = parseSse(await encodeEvents([{ type: "start" }, { type: "reasoning-redacted", data: "opaque" }, { type: "text-delta", text: "x" }]));
    validate(frames);
    expect(frames.slice(1, 4).map((f) => f.data)).toEqual([
      { type: "content_block_start", index: 0, content_block: { type: "redacted_thinking", data: "opaque" } },
      { type: "content_block_stop", index: 0 },
      { type: "content_block_start", index: 1, content_block: { type: "text", text: "" } },
    ]);
  });

  it("round-trips recorded streams: decode → encode → decode gives the same events", async () => {
    for (const sse of [thinkingSse, toolSse, cacheSse, redactedSse]) {
      const events = await decodeSse(sse, 1 << 20);
      const encoded = await encodeEvents(events);
      validate(parseSse(encoded));
      const again = await decodeSse(encoded, 13);
      const [start, ...rest] = coalesce(again);
      const [origStart, ...origRest] = coalesce(events);
      expect(start).toEqual({ ...origStart, id: ctx.id });
      expect(rest).toEqual(origRest);
    }
  });
});
