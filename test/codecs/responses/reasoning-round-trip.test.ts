/**
 * Reasoning payloads across turns of a Responses client with `store: false` (Codex): whatever
 * family produced the reasoning, its payload goes out in a reasoning item's encrypted_content (or,
 * for a Gemini call, in the call id), comes back on the next turn, and reaches only an upstream of
 * the same family, exactly as it was issued.
 */
import { describe, expect, it } from "vitest";
import geminiToolCalls from "../../fixtures/gemini/tool-calls.sse?raw";
import redactedThinking from "../../fixtures/anthropic/redacted-thinking.sse?raw";
import type { StreamEvent } from "../../../src/canonical/types";
import { CODECS } from "../../../src/codecs";
import { collect, fromArray } from "../../helpers/streams";
import { ctx, encodeEvents, wireEvents } from "./helpers";

const SIGNATURE = "EvMCCkYICxgCKkCHP2cSuEdcJK/0rFwqES/ecn+VurRpNTwI4XNyM0vnNfGsc9OmE8YYHauwBZ/uaRpmlEn2I4/kszHlcpptO82J==";
const THINKING = "The user wants the weather in Paris — I'll call get_weather.\n\nUnits: °C.";

/** An Anthropic stream in its exact wire shape: signed thinking, then a tool call. */
const anthropicSse = [
  ["message_start", { type: "message_start", message: { id: "msg_01", type: "message", role: "assistant", model: "claude-sonnet-4-6", content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 40, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 1 } } }],
  ["content_block_start", { type: "content_block_start", index: 0, content_block: { type: "thinking", thinking: "", signature: "" } }],
  ["content_block_delta", { type: "content_block_delta", index: 0, delta: { type: "thinking_delta", thinking: THINKING.slice(0, 20) } }],
  ["content_block_delta", { type: "content_block_delta", index: 0, delta: { type: "thinking_delta", thinking: THINKING.slice(20) } }],
  ["content_block_delta", { type: "content_block_delta", index: 0, delta: { type: "signature_delta", signature: SIGNATURE } }],
  ["content_block_stop", { type: "content_block_stop", index: 0 }],
  ["content_block_start", { type: "content_block_start", index: 1, content_block: { type: "tool_use", id: "toolu_01A", name: "get_weather", input: {} } }],
  ["content_block_delta", { type: "content_block_delta", index: 1, delta: { type: "input_json_delta", partial_json: '{"city": "Par' } }],
  ["content_block_delta", { type: "content_block_delta", index: 1, delta: { type: "input_json_delta", partial_json: 'is"}' } }],
  ["content_block_stop", { type: "content_block_stop", index: 1 }],
  ["message_delta", { type: "message_delta", delta: { stop_reason: "tool_use", stop_sequence: null }, usage: { output_tokens: 60 } }],
  ["message_stop", { type: "message_stop" }],
]
  .map(([event, data]) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`)
  .join("");

const firstTurn = {
  model: "anthropic/claude-sonnet-4.6",
  input: [{ role: "user", content: "Weather in Paris?" }],
  tools: [{ type: "function", name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } } } }],
  reasoning: { effort: "high", summary: "auto" },
  include: ["reasoning.encrypted_content"],
  store: false,
  stream: true,
};

async function upstreamEvents(format: "anthropic" | "gemini", sse: string): Promise<StreamEvent[]> {
  return collect(fromArray([new TextEncoder().encode(sse)]).pipeThrough(CODECS[format].decodeStream()));
}

/** One turn through the Responses surface: the output items a client like Codex keeps. */
async function surfaceTurn(body: Record<string, unknown>, events: StreamEvent[]): Promise<Record<string, unknown>[]> {
  const req = CODECS.responses.decodeRequest(body);
  const wire = wireEvents(await encodeEvents(events, ctx({ request: req })));
  return wire.filter((e) => e.type === "response.output_item.done").map((e) => e.item as Record<string, unknown>);
}

/** Codex's next request: the whole history again, the tool's output appended. */
const nextTurn = (items: Record<string, unknown>[], callId: string) => ({
  ...firstTurn,
  input: [...firstTurn.input, ...items, { type: "function_call_output", call_id: callId, output: '{"temp":21}' }],
});

describe("Anthropic signed thinking survives a multi-turn Codex session to Claude", () => {
  it("streamed: the signature and the exact thinking text come back into the thinking block", async () => {
    const items = await surfaceTurn(firstTurn, await upstreamEvents("anthropic", anthropicSse));
    expect(items.map((i) => i.type)).toEqual(["reasoning", "function_call"]);
    expect(items[0].summary).toEqual([{ type: "summary_text", text: THINKING }]);
    expect(items[0].encrypted_content).toMatch(/^arouter:v1:/);

    const req = CODECS.responses.decodeRequest(nextTurn(items, "toolu_01A"));
    const body = CODECS.anthropic.encodeRequest(req, "claude-sonnet-4-6");
    expect(body.thinking).toMatchObject({ type: "enabled" });
    expect(body.messages).toEqual([
      { role: "user", content: [{ type: "text", text: "Weather in Paris?" }] },
      {
        role: "assistant",
        content: [
          { type: "thinking", thinking: THINKING, signature: SIGNATURE },
          { type: "tool_use", id: "toolu_01A", name: "get_weather", input: { city: "Paris" } },
        ],
      },
      { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_01A", content: '{"temp":21}' }] },
    ]);
  });

  it("non-streamed, and even when the client edits or drops the summary text", async () => {
    const res = CODECS.anthropic.decodeResponse({
      id: "msg_02",
      type: "message",
      role: "assistant",
      model: "claude-sonnet-4-6",
      content: [
        { type: "thinking", thinking: THINKING, signature: SIGNATURE },
        { type: "tool_use", id: "toolu_01B", name: "get_weather", input: { city: "Paris" } },
      ],
      stop_reason: "tool_use",
      stop_sequence: null,
      usage: { input_tokens: 40, output_tokens: 60 },
    });
    const out = CODECS.responses.encodeResponse(res, ctx({ request: CODECS.responses.decodeRequest(firstTurn) })) as { output: Record<string, unknown>[] };
    const items = out.output.map((i) => (i.type === "reasoning" ? { ...i, summary: [{ type: "summary_text", text: "(edited)" }] } : i));
    const req = CODECS.responses.decodeRequest(nextTurn(items, "toolu_01B"));
    const messages = CODECS.anthropic.encodeRequest(req, "claude-sonnet-4-6").messages as Array<{ content: unknown[] }>;
    expect(messages[1].content[0]).toEqual({ type: "thinking", thinking: THINKING, signature: SIGNATURE });
  });

  it("redacted thinking comes back as the same redacted_thinking block", async () => {
    const events = await upstreamEvents("anthropic", redactedThinking);
    const redacted = events.find((e) => e.type === "reasoning-redacted");
    expect(redacted).toBeDefined();
    const items = await surfaceTurn(firstTurn, events);
    const req = CODECS.responses.decodeRequest({ ...firstTurn, input: [...firstTurn.input, ...items, { role: "user", content: "and tomorrow?" }] });
    const blocks = (CODECS.anthropic.encodeRequest(req, "claude-sonnet-4-6").messages as Array<{ content: Array<Record<string, unknown>> }>)[1].content;
    expect(blocks[0]).toEqual({ type: "redacted_thinking", data: (redacted as { data: string }).data });
  });

  it("the payload reaches no other family when the conversation moves to another model", async () => {
    const items = await surfaceTurn(firstTurn, await upstreamEvents("anthropic", anthropicSse));
    const req = CODECS.responses.decodeRequest(nextTurn(items, "toolu_01A"));
    for (const format of ["responses", "openai", "gemini"] as const) {
      const text = JSON.stringify(CODECS[format].encodeRequest(req, "other-model"));
      // (The chat format carries Anthropic signatures in OpenRouter's reasoning_details, which
      // OpenRouter hands back to Claude: that is the chat codec's existing, deliberate behaviour.)
      if (format !== "openai") expect(text, format).not.toContain(SIGNATURE);
      expect(text, format).not.toContain("arouter:v1:");
    }
    // Same-format passthrough to OpenAI leaves the foreign reasoning item out too.
    const raw = CODECS.responses.passthroughRequest!(nextTurn(items, "toolu_01A"), "gpt-5", true);
    expect(JSON.stringify(raw)).not.toContain("arouter:v1:");
  });
});

describe("Gemini thought signatures and OpenAI encrypted content across turns", () => {
  it("a Gemini call's thought signature rides in the call id and returns to Gemini", async () => {
    const events = await upstreamEvents("gemini", geminiToolCalls);
    const signature = (events.find((e) => e.type === "tool-call-start") as { thoughtSignature?: string }).thoughtSignature;
    expect(signature).toBeTruthy();
    const items = await surfaceTurn(firstTurn, events);
    const call = items.find((i) => i.type === "function_call")!;
    const req = CODECS.responses.decodeRequest(nextTurn(items, call.call_id as string));
    const contents = CODECS.gemini.encodeRequest(req, "gemini-3-flash-preview").contents as Array<{ role: string; parts: Array<Record<string, unknown>> }>;
    expect(contents[1].parts[0]).toMatchObject({ functionCall: { name: "get_weather", args: { city: "Paris", unit: "celsius" } }, thoughtSignature: signature });
    expect(contents[2].parts[0]).toMatchObject({ functionResponse: { name: "get_weather", response: { temp: 21 } } });
  });

  it("OpenAI's encrypted content returns to OpenAI verbatim and nowhere else", async () => {
    const events: StreamEvent[] = [
      { type: "start", model: "gpt-5.1-codex" },
      { type: "reasoning-delta", text: "summary" },
      { type: "reasoning-encrypted", origin: "openai", data: "gAAAAABsecret==" },
      { type: "tool-call-start", index: 0, id: "call_o", name: "get_weather" },
      { type: "tool-call-delta", index: 0, argumentsDelta: '{"city":"Paris"}' },
      { type: "finish", finishReason: "tool_calls" },
    ];
    const items = await surfaceTurn(firstTurn, events);
    expect(items[0].encrypted_content).toBe("gAAAAABsecret==");
    const req = CODECS.responses.decodeRequest(nextTurn(items, "call_o"));
    expect(JSON.stringify(CODECS.responses.encodeRequest(req, "gpt-5.1-codex"))).toContain('"encrypted_content":"gAAAAABsecret=="');
    expect(JSON.stringify(CODECS.responses.passthroughRequest!(nextTurn(items, "call_o"), "gpt-5.1-codex", true))).toContain("gAAAAABsecret==");
    for (const format of ["anthropic", "gemini"] as const) {
      expect(JSON.stringify(CODECS[format].encodeRequest(req, "m")), format).not.toContain("gAAAAABsecret");
    }
    // The chat format names it as OpenRouter does, so OpenRouter can route it back to OpenAI.
    expect(JSON.stringify(CODECS.openai.encodeRequest(req, "m"))).toContain('"data":"gAAAAABsecret==","format":"openai-responses-v1"');
  });

  it("through the chat surface: OpenRouter's reasoning_details with its format name, never taken for Anthropic's", async () => {
    const res = CODECS.responses.decodeResponse({
      id: "resp_1",
      object: "response",
      status: "completed",
      model: "gpt-5-pro",
      output: [
        { type: "reasoning", id: "rs_1", summary: [{ type: "summary_text", text: "pro thoughts" }], encrypted_content: "gAAAAABpro==" },
        { type: "message", id: "msg_1", role: "assistant", content: [{ type: "output_text", text: "42" }] },
      ],
    });
    const chat = CODECS.openai.encodeResponse(res, ctx()) as { choices: Array<{ message: Record<string, unknown> }> };
    expect(chat.choices[0].message.reasoning_details).toEqual([
      { type: "reasoning.summary", summary: "pro thoughts", format: "openai-responses-v1", index: 0 },
      { type: "reasoning.encrypted", data: "gAAAAABpro==", format: "openai-responses-v1", index: 0 },
    ]);
    // The chat client sends the message back: the payload returns to OpenAI, and only there.
    const next = CODECS.openai.decodeRequest({
      model: "m",
      messages: [{ role: "user", content: "q" }, { role: "assistant", ...chat.choices[0].message }, { role: "user", content: "and?" }],
    });
    expect(next.messages[1].content[0]).toEqual({ type: "reasoning", text: "pro thoughts", encrypted: { origin: "openai", data: "gAAAAABpro==" } });
    expect(JSON.stringify(CODECS.responses.encodeRequest(next, "gpt-5-pro"))).toContain('"encrypted_content":"gAAAAABpro=="');
    expect(JSON.stringify(CODECS.anthropic.encodeRequest(next, "claude-sonnet-4-6"))).not.toContain("gAAAAABpro");
  });
});
