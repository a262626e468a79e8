/**
 * The official `openai` SDK, unchanged, reads what the Responses encoders write: its fetch is
 * answered here by decoding the SDK's own request with the Responses codec (so the answer echoes
 * it and renders calls from its tool table, as the surface will) and encoding scripted canonical
 * events or responses. responses.stream() must accumulate the final response exactly.
 */
import OpenAI from "openai";
import { describe, expect, it } from "vitest";
import { wrapCustomInput } from "../../../src/canonical/tools";
import type { CanonicalRequest, CanonicalResponse, StreamEvent } from "../../../src/canonical/types";
import { codec, ctx, encodeEvents } from "./helpers";

type Answer = { events: StreamEvent[] } | { response: CanonicalResponse };

function client(answer: Answer, seen: CanonicalRequest[] = []) {
  const fetch = async (_url: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const req = codec.decodeRequest(JSON.parse(String(init?.body)));
    seen.push(req);
    const c = ctx({ request: req });
    if ("events" in answer) return new Response(await encodeEvents(answer.events, c), { headers: { "content-type": "text/event-stream; charset=utf-8" } });
    return Response.json(codec.encodeResponse(answer.response, c));
  };
  return new OpenAI({ apiKey: "lr_live_test", baseURL: "http://gateway.test/v1", fetch, maxRetries: 0 });
}

const patch = '*** Begin Patch\n*** Add File: a.txt\n+"hello" 😀\n*** End Patch';
const events: StreamEvent[] = [
  { type: "keep-alive" },
  { type: "start", model: "claude-sonnet-4-6" },
  { type: "reasoning-delta", text: "I should " },
  { type: "reasoning-delta", text: "patch." },
  { type: "reasoning-signature", signature: "sig-1" },
  { type: "text-delta", text: "Patching " },
  { type: "text-delta", text: "now." },
  { type: "tool-call-start", index: 0, id: "toolu_1", name: "apply_patch" },
  ...[...wrapCustomInput(patch)].map((ch): StreamEvent => ({ type: "tool-call-delta", index: 0, argumentsDelta: ch })),
  { type: "tool-call-start", index: 1, id: "toolu_2", name: "exec_command" },
  { type: "tool-call-delta", index: 1, argumentsDelta: '{"cmd":' },
  { type: "tool-call-delta", index: 1, argumentsDelta: '"ls"}' },
  { type: "finish", finishReason: "tool_calls", nativeFinishReason: "tool_use" },
  { type: "usage", usage: { inputTokens: 120, outputTokens: 30, cachedInputTokens: 100, reasoningTokens: 8 } },
];
const tools: OpenAI.Responses.Tool[] = [
  { type: "function", name: "exec_command", parameters: { type: "object", properties: { cmd: { type: "string" } } }, strict: false },
  { type: "custom", name: "apply_patch", format: { type: "grammar", syntax: "lark", definition: "start: /.+/" } },
];

describe("official openai SDK reads the Responses encoders' output", () => {
  it("responses.stream() accumulates the final response: reasoning (with its payload), text, custom and function calls", async () => {
    const seen: CanonicalRequest[] = [];
    const stream = client({ events }, seen).responses.stream({
      model: "anthropic/claude-sonnet-4.6",
      input: "Create a.txt",
      tools,
      reasoning: { summary: "auto" },
      include: ["reasoning.encrypted_content"],
      store: false,
    });
    const types: string[] = [];
    stream.on("event", (e) => types.push(e.type));
    const final = await stream.finalResponse();
    expect(seen[0].tools?.map((t) => t.name)).toEqual(["exec_command", "apply_patch"]);
    expect(final).toMatchObject({
      id: ctx().id,
      status: "completed",
      model: "claude-sonnet-4-6",
      store: false,
      output_text: "Patching now.",
      usage: { input_tokens: 120, input_tokens_details: { cached_tokens: 100 }, output_tokens: 30, output_tokens_details: { reasoning_tokens: 8 }, total_tokens: 150 },
    });
    // toMatchObject: the SDK adds its own `parsed` / `parsed_arguments` fields.
    expect(final.output).toMatchObject([
      { id: expect.stringMatching(/^rs_/), type: "reasoning", encrypted_content: expect.stringMatching(/^arouter:v1:/), summary: [{ type: "summary_text", text: "I should patch." }] },
      { id: expect.stringMatching(/^msg_/), type: "message", status: "completed", role: "assistant", content: [{ type: "output_text", text: "Patching now.", annotations: [], logprobs: [] }] },
      { id: expect.stringMatching(/^ctc_/), type: "custom_tool_call", status: "completed", call_id: "toolu_1", name: "apply_patch", input: patch },
      { id: expect.stringMatching(/^fc_/), type: "function_call", status: "completed", call_id: "toolu_2", name: "exec_command", arguments: '{"cmd":"ls"}' },
    ]);
    expect(types).toContain("response.custom_tool_call_input.delta");
    expect(types.at(-1)).toBe("response.completed");
  });

  it("responses.create({stream: true}) yields every event; the next turn sends the reasoning back intact", async () => {
    const sdk = client({ events });
    const out: OpenAI.Responses.ResponseStreamEvent[] = [];
    for await (const e of await sdk.responses.create({ model: "m", input: "x", tools, include: ["reasoning.encrypted_content"], stream: true })) out.push(e);
    const completed = out.at(-1) as OpenAI.Responses.ResponseCompletedEvent;
    expect(completed.type).toBe("response.completed");
    expect(out.map((e) => e.sequence_number)).toEqual(out.map((_, i) => i));
    // What Codex does with store:false: replay the output items as the next input.
    const next = codec.decodeRequest({ model: "m", input: [{ role: "user", content: "x" }, ...completed.response.output, { type: "custom_tool_call_output", call_id: "toolu_1", output: "ok" }] });
    expect(next.messages[1]).toEqual({
      role: "assistant",
      content: [
        { type: "reasoning", text: "I should patch.", signature: "sig-1" },
        { type: "text", text: "Patching now." },
        { type: "tool-call", id: "toolu_1", name: "apply_patch", arguments: wrapCustomInput(patch), custom: true },
        { type: "tool-call", id: "toolu_2", name: "exec_command", arguments: '{"cmd":"ls"}' },
      ],
    });
  });

  it("an in-band error rejects the stream with the message", async () => {
    const failing: StreamEvent[] = [{ type: "start" }, { type: "text-delta", text: "par" }, { type: "error", status: 429, message: "Rate limit reached, try again in 2s", errorType: "rate_limit" }];
    await expect(client({ events: failing }).responses.stream({ model: "m", input: "x" }).finalResponse()).rejects.toThrow(/Rate limit reached/);
  });

  it("responses.parse() reads a non-streamed answer and parses its json_schema text", async () => {
    const response: CanonicalResponse = {
      id: "up",
      model: "gemini-2.5-flash",
      content: [{ type: "text", text: '{"city":"Paris","temp":21}' }],
      finishReason: "stop",
      usage: { inputTokens: 10, outputTokens: 8 },
    };
    const parsed = await client({ response }).responses.parse({
      model: "google/gemini-2.5-flash",
      input: "Weather?",
      text: { format: { type: "json_schema", name: "weather", schema: { type: "object", properties: { city: { type: "string" }, temp: { type: "number" } }, required: ["city", "temp"], additionalProperties: false }, strict: true } },
    });
    expect(parsed.output_text).toBe('{"city":"Paris","temp":21}');
    expect(parsed.output_parsed).toEqual({ city: "Paris", temp: 21 });
    expect(parsed.text?.format).toMatchObject({ type: "json_schema", name: "weather", strict: true });
  });
});
