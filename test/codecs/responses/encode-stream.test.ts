import { describe, expect, it } from "vitest";
import { wrapCustomInput } from "../../../src/canonical/tools";
import type { StreamEvent } from "../../../src/canonical/types";
import { responsesStreamChunkSchema } from "../../../src/codecs/responses";
import { ctx, decodeSse, encodeEvents, request, summarize, wireEvents, type WireEvent } from "./helpers";

const usage = { inputTokens: 50, outputTokens: 20, cachedInputTokens: 10, reasoningTokens: 5 };

/** Checks what every Responses stream must hold, whatever its content. */
function checkStream(events: WireEvent[]): void {
  events.forEach((e, i) => {
    expect(e.sequence_number, `event ${i} (${e.type})`).toBe(i);
    const r = responsesStreamChunkSchema.safeParse(e);
    expect(r.success, `${e.type}: ${JSON.stringify(r.error?.issues.slice(0, 2))}`).toBe(true);
  });
  expect(events.slice(0, 2).map((e) => e.type)).toEqual(["response.created", "response.in_progress"]);
  // Every item added is done before the end, with the text its deltas built.
  const added = events.filter((e) => e.type === "response.output_item.added");
  const done = events.filter((e) => e.type === "response.output_item.done");
  expect(done.map((e) => e.item.id)).toEqual(added.map((e) => e.item.id));
  for (const d of done) {
    const deltas = events.filter((e) => e.type.endsWith(".delta") && e.output_index === d.output_index).map((e) => e.delta).join("");
    const item = d.item;
    const whole = item.type === "message" ? item.content[0].text : item.type === "reasoning" ? (item.summary[0]?.text ?? "") : item.type === "function_call" ? item.arguments : item.input;
    expect(deltas, `${item.type} ${item.id}`).toBe(whole);
  }
  const last = events.at(-1)!;
  if (last.type === "response.completed" || last.type === "response.incomplete") expect(last.response.output).toEqual(done.map((e) => e.item));
}

describe("responses encodeStream: the event sequence OpenAI sends", () => {
  it("reasoning, text and a function call", async () => {
    const events: StreamEvent[] = [
      { type: "start", id: "up_1", model: "claude-sonnet-4-6" },
      { type: "reasoning-delta", text: "Let me " },
      { type: "reasoning-delta", text: "think." },
      { type: "reasoning-signature", signature: "sig1" },
      { type: "text-delta", text: "Checking " },
      { type: "text-delta", text: "the weather." },
      { type: "tool-call-start", index: 0, id: "toolu_1", name: "get_weather" },
      { type: "tool-call-delta", index: 0, argumentsDelta: '{"city":' },
      { type: "tool-call-delta", index: 0, argumentsDelta: '"Paris"}' },
      { type: "finish", finishReason: "tool_calls", nativeFinishReason: "tool_use" },
      { type: "usage", usage },
    ];
    const wire = wireEvents(await encodeEvents(events));
    checkStream(wire);
    expect(wire.map((e) => e.type)).toEqual([
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.reasoning_summary_part.added",
      "response.reasoning_summary_text.delta",
      "response.reasoning_summary_text.delta",
      "response.reasoning_summary_text.done",
      "response.reasoning_summary_part.done",
      "response.output_item.done",
      "response.output_item.added",
      "response.content_part.added",
      "response.output_text.delta",
      "response.output_text.delta",
      "response.output_text.done",
      "response.content_part.done",
      "response.output_item.done",
      "response.output_item.added",
      "response.function_call_arguments.delta",
      "response.function_call_arguments.delta",
      "response.function_call_arguments.done",
      "response.output_item.done",
      "response.completed",
    ]);
    expect(wire[0].response).toMatchObject({ id: ctx().id, status: "in_progress", model: "claude-sonnet-4-6", output: [], usage: null });
    expect(wire[16].item).toEqual({ id: "fc_gen1771000000TestTestTestTestTest_2", type: "function_call", status: "in_progress", arguments: "", call_id: "toolu_1", name: "get_weather" });
    expect(wire.at(-1)!.response).toMatchObject({
      status: "completed",
      usage: { input_tokens: 50, input_tokens_details: { cached_tokens: 10, cache_write_tokens: 0 }, output_tokens: 20, output_tokens_details: { reasoning_tokens: 5 }, total_tokens: 70, cost: (50 * 2 + 20 * 8) / 1e6 },
    });
    // No include: the signature stays out of the answer.
    expect(JSON.stringify(wire)).not.toContain("encrypted_content");
  });

  it("streams a custom tool's raw input out of JSON argument fragments, escapes and surrogate pairs split anywhere", async () => {
    // JSON.stringify escapes the control character as \u0007: a six-character escape to cut too.
    const input = '*** Begin Patch\n+say "hi" \\ tab\there \u0007 😀 done\n*** End Patch';
    const args = wrapCustomInput(input);
    const caller = request({ tools: [{ type: "custom", name: "apply_patch" }] });
    for (const size of [1, 2, 3, 7]) {
      const deltas: StreamEvent[] = [];
      for (let i = 0; i < args.length; i += size) deltas.push({ type: "tool-call-delta", index: 0, argumentsDelta: args.slice(i, i + size) });
      const wire = wireEvents(
        await encodeEvents(
          [{ type: "start" }, { type: "tool-call-start", index: 0, id: "call_p", name: "apply_patch" }, ...deltas, { type: "finish", finishReason: "tool_calls" }],
          ctx({ request: caller }),
        ),
      );
      checkStream(wire);
      const inputDeltas = wire.filter((e) => e.type === "response.custom_tool_call_input.delta").map((e) => e.delta as string);
      expect(inputDeltas.join(""), `fragments of ${size}`).toBe(input);
      if (size < 4) expect(inputDeltas.length, "streamed, not sent whole").toBeGreaterThan(5);
      for (const d of inputDeltas) expect(/[\ud800-\udbff]$/.test(d), `lone high surrogate in ${JSON.stringify(d)}`).toBe(false);
      expect(wire.find((e) => e.type === "response.custom_tool_call_input.done")!.input).toBe(input);
      expect(wire.at(-1)!.response.output).toEqual([
        { id: "ctc_gen1771000000TestTestTestTestTest_0", type: "custom_tool_call", status: "completed", call_id: "call_p", name: "apply_patch", input },
      ]);
    }
  });

  it("passes arguments of another shape on whole at the end of the call", async () => {
    const wire = wireEvents(
      await encodeEvents(
        [
          { type: "tool-call-start", index: 0, id: "c", name: "apply_patch", custom: true },
          { type: "tool-call-delta", index: 0, argumentsDelta: '{"patch":"x",' },
          { type: "tool-call-delta", index: 0, argumentsDelta: '"input":"real"}' },
          { type: "finish", finishReason: "tool_calls" },
        ],
        ctx(),
      ),
    );
    checkStream(wire);
    expect(wire.filter((e) => e.type === "response.custom_tool_call_input.delta").map((e) => e.delta)).toEqual(["real"]);
  });

  it("namespaced calls carry their namespace; Gemini signatures ride in the call id", async () => {
    const caller = request({ tools: [{ type: "namespace", name: "ns", description: "d", tools: [{ type: "function", name: "f" }] }] });
    const wire = wireEvents(
      await encodeEvents(
        [
          { type: "tool-call-start", index: 0, id: "call_1", name: "ns__f", thoughtSignature: "c2ln" },
          { type: "tool-call-delta", index: 0, argumentsDelta: "{}" },
          { type: "finish", finishReason: "tool_calls" },
        ],
        ctx({ request: caller }),
      ),
    );
    checkStream(wire);
    expect(wire.at(-1)!.response.output[0]).toMatchObject({ type: "function_call", name: "f", namespace: "ns", call_id: "call_1__ts_c2ln" });
    expect(summarize(await decodeSse(wireEventsToSse(wire))).tools[0]).toEqual({ id: "call_1", name: "ns__f", args: "{}", thoughtSignature: "c2ln" });
  });

  it("length stops end in response.incomplete; keep-alives are SSE comments", async () => {
    const sse = await encodeEvents([{ type: "keep-alive" }, { type: "start" }, { type: "text-delta", text: "cut" }, { type: "finish", finishReason: "length", nativeFinishReason: "max_tokens" }]);
    expect(sse.startsWith(": keep-alive\n\nevent: response.created\n")).toBe(true);
    const wire = wireEvents(sse);
    checkStream(wire);
    expect(wire.at(-1)!).toMatchObject({ type: "response.incomplete", response: { status: "incomplete", incomplete_details: { reason: "max_output_tokens" } } });
  });

  it("an error after content: an error event, then response.failed, nothing else", async () => {
    const wire = wireEvents(
      await encodeEvents([
        { type: "start" },
        { type: "text-delta", text: "partial" },
        { type: "error", status: 503, message: "Upstream overloaded", errorType: "overloaded" },
        { type: "text-delta", text: "ignored" },
        { type: "finish", finishReason: "stop" },
      ]),
    );
    wire.forEach((e, i) => expect(e.sequence_number).toBe(i));
    expect(wire.slice(-2)).toMatchObject([
      { type: "error", error: { type: "server_error", code: "server_is_overloaded", message: "Upstream overloaded", param: null } },
      { type: "response.failed", response: { status: "failed", error: { code: "server_is_overloaded", message: "Upstream overloaded" }, output: [] } },
    ]);
    expect(JSON.stringify(wire)).not.toContain("ignored");
  });

  it("hides reasoning text the caller excluded, and shows payloads only when include asks", async () => {
    const events: StreamEvent[] = [{ type: "start" }, { type: "reasoning-delta", text: "secret" }, { type: "reasoning-encrypted", origin: "openai", data: "gAAAAx" }, { type: "text-delta", text: "ok" }, { type: "finish", finishReason: "stop" }];
    const hidden = wireEvents(await encodeEvents(events, ctx({ includeReasoning: false, request: request({ include: ["reasoning.encrypted_content"] }) })));
    checkStream(hidden);
    expect(JSON.stringify(hidden)).not.toContain("secret");
    expect(hidden.find((e) => e.type === "response.output_item.done")!.item).toEqual({ id: expect.any(String), type: "reasoning", encrypted_content: "gAAAAx", summary: [] });
  });
});

function wireEventsToSse(events: WireEvent[]): string {
  return events.map((e) => `event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`).join("");
}
