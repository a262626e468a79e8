import { describe, expect, it } from "vitest";
import customTool from "../../fixtures/responses/custom-tool.sse?raw";
import errorSse from "../../fixtures/responses/error.sse?raw";
import incomplete from "../../fixtures/responses/incomplete.sse?raw";
import reasoningToolCall from "../../fixtures/responses/reasoning-tool-call.sse?raw";
import text from "../../fixtures/responses/text.sse?raw";
import truncated from "../../fixtures/responses/truncated.sse?raw";
import type { StreamEvent } from "../../../src/canonical/types";
import { decodeSse, summarize } from "./helpers";

/** Event types with consecutive deltas of one kind merged (split-independent). */
const shape = (events: StreamEvent[]) => events.map((e) => e.type).filter((t, i, all) => !(t.endsWith("-delta") && all[i - 1] === t));

/** Data-only framing (OpenRouter, the vercel recordings): one JSON event per `data:` line. */
const dataOnly = (lines: unknown[]) => lines.map((l) => `data: ${JSON.stringify(l)}\n\n`).join("") + "data: [DONE]\n\n";

describe("responses decodeStream", () => {
  it("text, split at every byte (UTF-8 sequences cut)", async () => {
    const events = await decodeSse(text, 1);
    expect(shape(events)).toEqual(["start", "text-delta", "finish", "usage"]);
    expect(events[0]).toEqual({ type: "start", id: "resp_0a1text0001", model: "gpt-4.1-nano-2025-04-14" });
    expect(summarize(events).text).toBe("Once upon a time, a café served naïve robots ☕");
    expect(events.slice(-2)).toEqual([
      { type: "finish", finishReason: "stop", nativeFinishReason: "completed" },
      { type: "usage", usage: { inputTokens: 18, outputTokens: 12 } },
    ]);
  });

  it("reasoning summary parts joined by a blank line, the done item's encrypted content, a function call", async () => {
    const events = await decodeSse(reasoningToolCall, 3);
    expect(shape(events)).toEqual(["start", "reasoning-delta", "reasoning-encrypted", "tool-call-start", "tool-call-delta", "finish", "usage"]);
    const s = summarize(events);
    expect(s.reasoning).toBe("**Planning**\n\nI will call the calculator.\n\n**Checking**\n\nThe weather tool fits.");
    // The payload of output_item.done wins over the one output_item.added carried.
    expect(s.payloads).toEqual([{ type: "reasoning-encrypted", origin: "openai", data: "gAAAAABpPDIUph8czEXzDePCV2lJ27wm7TsbCvazrvHSn0yW_done==" }]);
    expect(s.tools).toEqual({ 0: { id: "call_Zl5vIMnD7dVAjgU6", name: "get_weather", args: '{"location":"Paris","unit":"c"}' } });
    expect(events.at(-1)).toEqual({ type: "usage", usage: { inputTokens: 315, outputTokens: 96, cachedInputTokens: 128, reasoningTokens: 64 } });
  });

  it("a custom tool call's raw input becomes the canonical {input} arguments", async () => {
    const events = await decodeSse(customTool, 5);
    const s = summarize(events);
    expect(s.tools[0]).toMatchObject({ id: "call_custom_patch_001", name: "apply_patch", custom: true });
    expect(JSON.parse(s.tools[0].args)).toEqual({ input: '*** Begin Patch\n*** Add File: hello.txt\n+Hello "world" \\o/\n*** End Patch\n' });
    expect(events.find((e) => e.type === "finish")).toEqual({ type: "finish", finishReason: "tool_calls", nativeFinishReason: "completed" });
  });

  it("an in-band error event, then response.failed: one error event with the upstream's message", async () => {
    const events = await decodeSse(errorSse, 4);
    expect(events).toEqual([
      { type: "start", id: "resp_0d4error0004", model: "gpt-5-nano-2025-08-07" },
      {
        type: "error",
        status: 429,
        message: "Upstream error: You exceeded your current quota, please check your plan and billing details.",
        errorType: "insufficient_quota",
        fromUpstream: true,
      },
    ]);
  });

  it("response.incomplete is a length stop; a stream that just stops is an error", async () => {
    const cut = await decodeSse(incomplete, 2);
    expect(summarize(cut).text).toBe("The answer is");
    expect(cut.find((e) => e.type === "finish")).toEqual({ type: "finish", finishReason: "length", nativeFinishReason: "max_output_tokens" });
    const stopped = await decodeSse(truncated, 2);
    expect(stopped.at(-1)).toMatchObject({ type: "error", status: 502, message: expect.stringContaining("ended before completion") });
    expect(stopped.filter((e) => e.type === "error")).toHaveLength(1);
  });

  it("takes content a server sent only in done events from them, and keys items by output index", async () => {
    const events = await decodeSse(
      dataOnly([
        { type: "response.created", response: { id: "r1", model: "lmstudio", output: [] } },
        { type: "response.output_item.added", output_index: 0, item: { id: "a1", type: "reasoning", summary: [] } },
        { type: "response.reasoning_text.delta", item_id: "a2", output_index: 0, content_index: 0, delta: "Hmm" },
        { type: "response.output_item.done", output_index: 0, item: { id: "a3", type: "reasoning", summary: [], content: [{ type: "reasoning_text", text: "Hmm, ok" }] } },
        { type: "response.output_item.added", output_index: 1, item: { id: "a4", type: "message", content: [] } },
        { type: "response.output_text.delta", item_id: "a5", output_index: 1, content_index: 0, delta: "Hel" },
        { type: "response.output_text.delta", item_id: "a5", output_index: 1, content_index: 0, delta: "lo" },
        // A done event that disagrees with its deltas (a sanitized recording): the deltas were sent.
        { type: "response.output_item.done", output_index: 1, item: { id: "a6", type: "message", content: [{ type: "output_text", text: "Hello there" }, { type: "output_text", text: "!" }] } },
        { type: "response.output_item.added", output_index: 2, item: { id: "a7", type: "function_call", call_id: "c1", name: "f", arguments: "" } },
        { type: "response.function_call_arguments.done", item_id: "a8", output_index: 2, arguments: '{"x":1}' },
        { type: "response.output_item.done", output_index: 2, item: { id: "a9", type: "function_call", call_id: "c1", name: "f", arguments: '{"x":1}' } },
        { type: "response.completed", response: { status: "completed", usage: { input_tokens: 3, output_tokens: 4 } } },
      ]),
      6,
    );
    const s = summarize(events);
    expect(s.reasoning).toBe("Hmm");
    expect(s.text).toBe("Hello!");
    expect(s.tools[0]).toEqual({ id: "c1", name: "f", args: '{"x":1}' });
    expect(events.at(-2)).toEqual({ type: "finish", finishReason: "tool_calls", nativeFinishReason: "completed" });
  });

  it("turns a payload this gateway tagged back into its own family's event", async () => {
    const { codec, ctx, encodeEvents, request } = await import("./helpers");
    const sse = await encodeEvents(
      [
        { type: "start", model: "claude" },
        { type: "reasoning-delta", text: "signed thought" },
        { type: "reasoning-signature", signature: "sigZ" },
        { type: "reasoning-redacted", data: "opaque" },
        { type: "text-delta", text: "answer" },
        { type: "finish", finishReason: "stop" },
      ],
      ctx({ request: request({ include: ["reasoning.encrypted_content"] }) }),
    );
    expect(codec.name).toBe("responses");
    const s = summarize(await decodeSse(sse, 9));
    expect(s.reasoning).toBe("signed thought");
    expect(s.payloads).toEqual([
      { type: "reasoning-signature", signature: "sigZ" },
      { type: "reasoning-redacted", data: "opaque" },
    ]);
    expect(s.text).toBe("answer");
  });

  it("never throws on garbage: malformed JSON and non-objects are one error event", async () => {
    for (const body of ['event: response.created\ndata: {"type":"response.created","response":{}}\n\ndata: {oops\n\n', "data: [1,2]\n\n"]) {
      const events = await decodeSse(body, 1);
      expect(events.at(-1)).toMatchObject({ type: "error", status: 502 });
      expect(events.filter((e) => e.type === "error")).toHaveLength(1);
    }
  });
});
