import { describe, expect, it } from "vitest";
import cacheSse from "../../fixtures/anthropic/cache-usage.sse?raw";
import errorSse from "../../fixtures/anthropic/error.sse?raw";
import redactedSse from "../../fixtures/anthropic/redacted-thinking.sse?raw";
import refusalSse from "../../fixtures/anthropic/refusal.sse?raw";
import textSse from "../../fixtures/anthropic/text.sse?raw";
import thinkingSse from "../../fixtures/anthropic/thinking.sse?raw";
import toolSse from "../../fixtures/anthropic/tool-calls.sse?raw";
import truncatedSse from "../../fixtures/anthropic/truncated.sse?raw";
import webSearchSse from "../../fixtures/anthropic/web-search.sse?raw";
import { coalesce, decodeSse } from "./helpers";

/** Re-frames one-JSON-per-line payloads (vercel *.chunks.txt style) as Anthropic SSE. */
function frame(lines: object[]): string {
  return lines.map((l) => `event: ${(l as { type: string }).type}\ndata: ${JSON.stringify(l)}\n\n`).join("");
}

describe("anthropic decodeStream", () => {
  it("decodes a padded text stream byte by byte", async () => {
    const events = await decodeSse(textSse, 1);
    expect(events[0]).toEqual({
      type: "start",
      id: "msg_01QC4g3HwBThD4BaNtBckFDJ",
      model: "claude-sonnet-4-5-20250929",
      usage: { inputTokens: 12, outputTokens: 1 },
    });
    expect(events.filter((e) => e.type === "text-delta").map((e) => (e as { text: string }).text)).toEqual([
      "Hello",
      "! I",
      "'m doing well, thank you for asking",
      ". How are you doing today?",
      " Is",
      " there anything I can help you with?",
    ]);
    expect(events.slice(-2)).toEqual([
      { type: "usage", usage: { inputTokens: 12, outputTokens: 30 } },
      { type: "finish", finishReason: "stop", nativeFinishReason: "end_turn" },
    ]);
  });

  it("gives the same events whatever the chunking", async () => {
    const whole = await decodeSse(thinkingSse, 1 << 20);
    expect(await decodeSse(thinkingSse, 1)).toEqual(whole);
    expect(await decodeSse(thinkingSse, 7)).toEqual(whole);
  });

  it("decodes thinking, its signature and the thinking token count", async () => {
    const events = coalesce(await decodeSse(thinkingSse, 3));
    expect(events.map((e) => e.type)).toEqual(["start", "reasoning-delta", "reasoning-signature", "text-delta", "usage", "finish"]);
    expect(events[1]).toEqual({
      type: "reasoning-delta",
      text: "This is a straightforward question about pedestrian safety. I should provide clear, helpful advice.",
    });
    expect((events[2] as { signature: string }).signature).toMatch(/^EvMCCkYICxgCKkCHP2cS.*fQYAQ==$/);
    expect(events[4]).toEqual({ type: "usage", usage: { inputTokens: 43, outputTokens: 321, reasoningTokens: 25 } });
  });

  it("decodes parallel tool calls with a tool-call counter index", async () => {
    const raw = await decodeSse(toolSse, 1);
    // The "" first input_json_delta is not forwarded.
    expect(raw.some((e) => e.type === "tool-call-delta" && e.argumentsDelta === "")).toBe(false);
    const events = coalesce(raw);
    expect(events).toEqual([
      { type: "start", id: "msg_0138UNF3YbNp49KkqZtUBWqz", model: "claude-3-5-sonnet-20240620", usage: { inputTokens: 506, outputTokens: 5 } },
      { type: "text-delta", text: "Certainly! I'll use two tools." },
      { type: "tool-call-start", index: 0, id: "toolu_014x5X91kx3fvdhpLvwXZWE2", name: "get_weather" },
      { type: "tool-call-delta", index: 0, argumentsDelta: '{"location": "San Francisco, CA", "unit": "celsius"}' },
      { type: "tool-call-start", index: 1, id: "toolu_0121kXsENLvoDZ72LCuAnCCz", name: "get_time" },
      { type: "tool-call-delta", index: 1, argumentsDelta: '{"timezone": "America/Los_Angeles"}' },
      // A call without arguments still gets a valid JSON object.
      { type: "tool-call-start", index: 2, id: "toolu_01QE1WLsSVp5hy5Q3GmGTmjP", name: "list_issues" },
      { type: "tool-call-delta", index: 2, argumentsDelta: "{}" },
      // Legacy message_delta carries only output_tokens: input comes from message_start.
      { type: "usage", usage: { inputTokens: 506, outputTokens: 153 } },
      { type: "finish", finishReason: "tool_calls", nativeFinishReason: "tool_use" },
    ]);
  });

  it("converts cache usage (input includes cache reads and writes)", async () => {
    const events = await decodeSse(cacheSse, 5);
    expect(events[0]).toMatchObject({ type: "start", usage: { inputTokens: 18642, outputTokens: 1, cachedInputTokens: 18639 } });
    expect(events.slice(-2)).toEqual([
      { type: "usage", usage: { inputTokens: 3 + 1200 + 18639, outputTokens: 2, cachedInputTokens: 18639, cacheWriteTokens: 1200 } },
      { type: "finish", finishReason: "length", nativeFinishReason: "max_tokens" },
    ]);
  });

  it("decodes a refusal with no content blocks", async () => {
    expect(await decodeSse(refusalSse, 2)).toEqual([
      { type: "start", id: "msg_01RefusalStreamAbcdefghijk", model: "claude-fable-5", usage: { inputTokens: 18, outputTokens: 1 } },
      { type: "usage", usage: { inputTokens: 18, outputTokens: 5 } },
      { type: "finish", finishReason: "content_filter", nativeFinishReason: "refusal" },
    ]);
  });

  it("decodes redacted thinking complete in content_block_start", async () => {
    const events = coalesce(await decodeSse(redactedSse, 1));
    expect(events.map((e) => e.type)).toEqual(["start", "reasoning-redacted", "text-delta", "usage", "finish"]);
    expect(events[1]).toEqual({ type: "reasoning-redacted", data: "EqkECkYIBxgCKkA8AZ4noDfV5VcOJe/p3JTRB6Xz5297mrWhl3MbHSXDKTMfuB==" });
    expect(events[3]).toEqual({ type: "usage", usage: { inputTokens: 92, outputTokens: 140 } });
  });

  it("turns an upstream error event into a canonical error (overloaded → 503) and stops", async () => {
    const events = await decodeSse(errorSse + frame([{ type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "late" } }]), 1);
    expect(events.slice(-2)).toEqual([
      { type: "text-delta", text: "Partial answer" },
      { type: "error", status: 503, message: "Overloaded", errorType: "overloaded_error", fromUpstream: true },
    ]);
  });

  it("maps api_error to 502", async () => {
    const events = await decodeSse('event: error\ndata: {"type":"error","error":{"type":"api_error","message":"Internal server error"}}\n\n');
    expect(events).toEqual([{ type: "error", status: 502, message: "Internal server error", errorType: "api_error", fromUpstream: true }]);
  });

  it("reports a truncated stream as an error", async () => {
    const events = await decodeSse(truncatedSse, 1);
    expect(events.map((e) => e.type)).toEqual(["start", "tool-call-start", "tool-call-delta", "error"]);
    expect(events[3]).toMatchObject({ type: "error", status: 502, message: expect.stringContaining("truncated") });
  });

  it("reports malformed JSON as an error, without throwing", async () => {
    const events = await decodeSse(textSse.slice(0, 600) + "event: content_block_delta\ndata: {not json\n\n");
    expect(events[events.length - 1]).toMatchObject({ type: "error", status: 502, message: expect.stringContaining("Malformed") });
    expect(events.filter((e) => e.type === "error")).toHaveLength(1);
  });

  it("ignores server tool blocks, citations and unknown events", async () => {
    const sse = webSearchSse.replace("event: message_stop", 'event: brand_new_event\ndata: {"type":"brand_new_event"}\n\nevent: message_stop');
    const events = coalesce(await decodeSse(sse, 4));
    expect(events).toEqual([
      { type: "start", id: "msg_01WebSearch", model: "claude-sonnet-4-5-20250929", usage: { inputTokens: 2100, outputTokens: 1 } },
      { type: "text-delta", text: "Let me search.It is sunny." },
      // server_tool_use.web_search_requests: each search is billed at the model's web_search price.
      { type: "usage", usage: { inputTokens: 2100, outputTokens: 60, webSearchRequests: 1 } },
      { type: "finish", finishReason: "stop", nativeFinishReason: "end_turn" },
    ]);
  });

  it("ignores a duplicated message_start and anything after message_stop", async () => {
    const start = {
      type: "message_start",
      message: { id: "msg_dup", type: "message", role: "assistant", content: [], model: "claude-3-haiku-20240307", stop_reason: null, stop_sequence: null, usage: { input_tokens: 17, output_tokens: 1 } },
    };
    const body = [
      start,
      start,
      { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } },
      { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "Hello, World!" } },
      { type: "content_block_stop", index: 0 },
      { type: "message_delta", delta: { stop_reason: "end_turn", stop_sequence: null }, usage: { output_tokens: 227 } },
      { type: "message_stop" },
      { ...start, message: { ...start.message, id: "msg_second" } },
      { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } },
      { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "second" } },
    ];
    expect(await decodeSse(frame(body), 9)).toEqual([
      { type: "start", id: "msg_dup", model: "claude-3-haiku-20240307", usage: { inputTokens: 17, outputTokens: 1 } },
      { type: "text-delta", text: "Hello, World!" },
      { type: "usage", usage: { inputTokens: 17, outputTokens: 227 } },
      { type: "finish", finishReason: "stop", nativeFinishReason: "end_turn" },
    ]);
  });

  it("fails on a second message_start spliced into a generation", async () => {
    const start = (id: string) => ({ type: "message_start", message: { id, type: "message", role: "assistant", content: [], model: "m", stop_reason: null, usage: { input_tokens: 1, output_tokens: 1 } } });
    const events = await decodeSse(
      frame([
        start("msg_first"),
        { type: "content_block_start", index: 0, content_block: { type: "tool_use", id: "toolu_first", name: "t", input: {} } },
        { type: "content_block_delta", index: 0, delta: { type: "input_json_delta", partial_json: '{"value":"Spark' } },
        start("msg_second"),
        { type: "message_stop" },
      ]),
    );
    expect(events[events.length - 1]).toMatchObject({ type: "error", status: 502, message: expect.stringContaining("message_start") });
    // The same message id repeated mid-stream is a duplicate frame, not a new generation.
    const dup = await decodeSse(
      frame([
        start("msg_same"),
        { type: "content_block_start", index: 0, content_block: { type: "text", text: "hi" } },
        start("msg_same"),
        { type: "content_block_stop", index: 0 },
        { type: "message_delta", delta: { stop_reason: "end_turn" }, usage: { output_tokens: 2 } },
        { type: "message_stop" },
      ]),
    );
    expect(dup.map((e) => e.type)).toEqual(["start", "text-delta", "usage", "finish"]);
  });

  it("emits content that arrives already inside message_start", async () => {
    const events = await decodeSse(
      frame([
        {
          type: "message_start",
          message: {
            id: "msg_prepopulated",
            type: "message",
            role: "assistant",
            model: "claude-sonnet-4-6",
            content: [
              { type: "code_execution_tool_result", tool_use_id: "srvtoolu_1", content: { type: "code_execution_result", stdout: "x", stderr: "", return_code: 0, content: [] } },
              { type: "tool_use", id: "toolu_followup", name: "lookup_customer", input: { id: "customer_123" }, caller: { type: "code_execution_20250825", tool_id: "srvtoolu_1" } },
            ],
            stop_reason: "tool_use",
            stop_sequence: null,
            usage: { input_tokens: 0, output_tokens: 0 },
          },
        },
        { type: "message_stop" },
      ]),
    );
    expect(events).toEqual([
      { type: "start", id: "msg_prepopulated", model: "claude-sonnet-4-6", usage: { inputTokens: 0, outputTokens: 0 } },
      { type: "tool-call-start", index: 0, id: "toolu_followup", name: "lookup_customer" },
      { type: "tool-call-delta", index: 0, argumentsDelta: '{"id":"customer_123"}' },
      { type: "finish", finishReason: "tool_calls", nativeFinishReason: "tool_use" },
    ]);
  });

  it("reports a structurally malformed known event", async () => {
    const events = await decodeSse(frame([{ type: "message_start", message: { id: 5 } }]));
    expect(events).toEqual([expect.objectContaining({ type: "error", status: 502, message: expect.stringContaining("message_start") })]);
  });
});
