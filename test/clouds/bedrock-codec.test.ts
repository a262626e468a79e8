/**
 * The Bedrock Converse codec (src/codecs/bedrock): canonical → Converse request, Converse JSON →
 * canonical, ConverseStream bytes → canonical events. Stream bytes come from the fake upstream,
 * whose event-stream encoder is written independently of the gateway's decoder.
 */
import { describe, expect, it } from "vitest";
import type { CanonicalRequest, StreamEvent } from "../../src/canonical/types";
import { bedrockCodec } from "../../src/codecs/bedrock";
import { bedrockFamily } from "../../src/codecs/bedrock/encode-request";
import { BadRequestError, UpstreamError } from "../../src/errors/gateway-error";
import { fakeSession, type FakeStep } from "../helpers/fake-upstream";
import { collect, fromArray } from "../helpers/streams";

const MODEL = "anthropic.claude-3-5-haiku-20241022-v1:0";
const base = (over: Partial<CanonicalRequest> = {}): CanonicalRequest => ({ model: "m", stream: false, messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }], ...over });

describe("encodeRequest", () => {
  it("merges same-role turns, puts tool results first, and keeps ids Bedrock accepts", () => {
    const body = bedrockCodec.encodeRequest(
      base({
        system: [{ type: "text", text: "sys", cacheControl: { type: "ephemeral" } }],
        messages: [
          { role: "user", content: [{ type: "text", text: "weather?" }] },
          { role: "assistant", content: [{ type: "text", text: "checking " }, { type: "tool-call", id: "call.1:x", name: "get_weather", arguments: '{"city":"Paris"}' }] },
          { role: "tool", content: [{ type: "tool-result", toolCallId: "call.1:x", content: [{ type: "text", text: "sunny" }] }] },
          { role: "user", content: [{ type: "text", text: "and tomorrow?" }] },
        ],
        tools: [{ name: "get_weather", parameters: {} }],
        toolChoice: { type: "required" },
      }),
      MODEL,
    );
    expect(body.system).toEqual([{ text: "sys" }, { cachePoint: { type: "default" } }]);
    expect(body.messages).toEqual([
      { role: "user", content: [{ text: "weather?" }] },
      { role: "assistant", content: [{ text: "checking " }, { toolUse: { toolUseId: "call_1_x", name: "get_weather", input: { city: "Paris" } } }] },
      { role: "user", content: [{ toolResult: { toolUseId: "call_1_x", content: [{ text: "sunny" }] } }, { text: "and tomorrow?" }] },
    ]);
    expect(body.toolConfig).toEqual({ tools: [{ toolSpec: { name: "get_weather", inputSchema: { json: { type: "object", properties: {} } } } }], toolChoice: { any: {} } });
    expect(body).not.toHaveProperty("model");
  });

  it("maps sampling to inferenceConfig and drops what Converse cannot express", () => {
    const body = bedrockCodec.encodeRequest(base({ maxTokens: 100, temperature: 0.2, topP: 0.9, topK: 5, stop: ["END"], seed: 1, frequencyPenalty: 1, user: "u" }), MODEL);
    expect(body.inferenceConfig).toEqual({ maxTokens: 100, temperature: 0.2, topP: 0.9, stopSequences: ["END"] });
    expect(body.additionalModelRequestFields).toEqual({ top_k: 5 });
    const llama = bedrockCodec.encodeRequest(base({ topK: 5 }), "meta.llama3-3-70b-instruct-v1:0");
    expect(llama.additionalModelRequestFields).toBeUndefined();
  });

  it("turns reasoning into each family's own field", () => {
    const claude = bedrockCodec.encodeRequest(base({ maxTokens: 1000, temperature: 0.5, reasoning: { maxTokens: 2048 } }), `us.${MODEL}`);
    expect(claude.additionalModelRequestFields).toEqual({ thinking: { type: "enabled", budget_tokens: 2048 } });
    // maxTokens must exceed the budget; temperature is not allowed with thinking.
    expect(claude.inferenceConfig).toEqual({ maxTokens: 2048 + 4096 });
    expect(bedrockCodec.encodeRequest(base({ reasoning: { effort: "high" } }), "openai.gpt-oss-120b-1:0").additionalModelRequestFields).toEqual({ reasoning_effort: "high" });
    expect(bedrockCodec.encodeRequest(base({ reasoning: { effort: "low" } }), "amazon.nova-2-lite-v1:0").additionalModelRequestFields).toEqual({
      reasoningConfig: { type: "enabled", maxReasoningEffort: "low" },
    });
    expect(bedrockCodec.encodeRequest(base({ reasoning: { effort: "high" } }), "meta.llama3-3-70b-instruct-v1:0").additionalModelRequestFields).toBeUndefined();
    expect(bedrockCodec.encodeRequest(base({ reasoning: { enabled: false } }), MODEL).additionalModelRequestFields).toBeUndefined();
  });

  it("leaves thinking off when the tool call being answered lost its signed thinking", () => {
    const messages: CanonicalRequest["messages"] = [
      { role: "user", content: [{ type: "text", text: "q" }] },
      { role: "assistant", content: [{ type: "tool-call", id: "t1", name: "f", arguments: "{}" }] },
      { role: "tool", content: [{ type: "tool-result", toolCallId: "t1", content: [{ type: "text", text: "r" }] }] },
    ];
    const unsigned = bedrockCodec.encodeRequest(base({ messages, tools: [{ name: "f", parameters: { type: "object" } }], reasoning: { effort: "high" } }), MODEL);
    expect(unsigned.additionalModelRequestFields).toBeUndefined();
    const signed = structuredClone(messages);
    signed[1] = { role: "assistant", content: [{ type: "reasoning", text: "think", signature: "sig" }, ...(messages[1].content as never[])] };
    const body = bedrockCodec.encodeRequest(base({ messages: signed, tools: [{ name: "f", parameters: { type: "object" } }], reasoning: { effort: "high" } }), MODEL);
    expect(body.additionalModelRequestFields).toEqual({ thinking: { type: "enabled", budget_tokens: 16384 } });
    expect((body.messages as any[])[1].content[0]).toEqual({ reasoningContent: { reasoningText: { text: "think", signature: "sig" } } });
  });

  it("sends images and documents as bytes, and refuses URL media with a 400", () => {
    const body = bedrockCodec.encodeRequest(
      base({
        messages: [
          {
            role: "user",
            content: [
              { type: "image", source: { kind: "base64", mediaType: "image/png", data: "iVBORw0KGgo=" } },
              { type: "file", source: { kind: "base64", mediaType: "application/pdf", data: "JVBERi0=" }, filename: "q3 report.pdf" },
            ],
          },
        ],
      }),
      MODEL,
    );
    expect((body.messages as any[])[0].content).toEqual([
      { image: { format: "png", source: { bytes: "iVBORw0KGgo=" } } },
      { document: { format: "pdf", name: "q3 report", source: { bytes: "JVBERi0=" } } },
    ]);
    const url = base({ messages: [{ role: "user", content: [{ type: "image", source: { kind: "url", url: "https://x/y.png" } }] }] });
    expect(() => bedrockCodec.encodeRequest(url, MODEL)).toThrow(BadRequestError);
  });

  it("uses outputConfig for a JSON schema and drops json_object", () => {
    const schema = { type: "object", properties: { a: { type: "string" } } };
    const body = bedrockCodec.encodeRequest(base({ responseFormat: { type: "json_schema", name: "r", schema } }), MODEL);
    expect(body.outputConfig).toEqual({ textFormat: { type: "json_schema", structure: { jsonSchema: { schema: JSON.stringify(schema), name: "r" } } } });
    expect(bedrockCodec.encodeRequest(base({ responseFormat: { type: "json_object" } }), MODEL)).not.toHaveProperty("outputConfig");
  });

  it("knows model families behind inference-profile prefixes", () => {
    expect(bedrockFamily("us.anthropic.claude-sonnet-4-5-20250929-v1:0")).toBe("anthropic");
    expect(bedrockFamily("global.anthropic.claude-sonnet-4-5-20250929-v1:0")).toBe("anthropic");
    expect(bedrockFamily("openai.gpt-oss-20b-1:0")).toBe("openai");
    expect(bedrockFamily("eu.amazon.nova-pro-v1:0")).toBe("nova");
    expect(bedrockFamily("deepseek.r1-v1:0")).toBe("other");
  });
});

describe("decodeResponse", () => {
  it("reads content, stop reason and usage (cache tokens counted in the input)", () => {
    const res = bedrockCodec.decodeResponse({
      output: {
        message: {
          role: "assistant",
          content: [
            { reasoningContent: { reasoningText: { text: "hmm", signature: "sig" } } },
            { reasoningContent: { redactedContent: "cmVkYWN0ZWQ=" } },
            { text: "Hi" },
            { toolUse: { toolUseId: "tooluse_1", name: "f", input: { a: 1 } } },
          ],
        },
      },
      stopReason: "tool_use",
      usage: { inputTokens: 10, outputTokens: 5, totalTokens: 45, cacheReadInputTokens: 20, cacheWriteInputTokens: 10 },
    });
    expect(res.content).toEqual([
      { type: "reasoning", text: "hmm", signature: "sig" },
      { type: "reasoning", text: "", redactedData: "cmVkYWN0ZWQ=" },
      { type: "text", text: "Hi" },
      { type: "tool-call", id: "tooluse_1", name: "f", arguments: '{"a":1}' },
    ]);
    expect(res.finishReason).toBe("tool_calls");
    expect(res.nativeFinishReason).toBe("tool_use");
    expect(res.usage).toEqual({ inputTokens: 40, outputTokens: 5, cachedInputTokens: 20, cacheWriteTokens: 10 });
  });

  it.each([
    ["max_tokens", "length"],
    ["guardrail_intervened", "content_filter"],
    ["stop_sequence", "stop"],
  ])("maps stopReason %s to %s", (native, canonical) => {
    const res = bedrockCodec.decodeResponse({ output: { message: { role: "assistant", content: [{ text: "x" }] } }, stopReason: native, usage: { inputTokens: 1, outputTokens: 1 } });
    expect(res.finishReason).toBe(canonical);
  });

  it("rejects a body that is not a Converse response as the upstream's fault", () => {
    expect(() => bedrockCodec.decodeResponse({ choices: [] })).toThrow(UpstreamError);
  });

  it("reads AWS error bodies", () => {
    expect(bedrockCodec.decodeError(400, '{"message":"Malformed input request"}').message).toBe("Malformed input request");
    expect(bedrockCodec.decodeError(403, '{"Message":"User is not authorized"}').message).toBe("User is not authorized");
    expect(bedrockCodec.decodeError(502, "<html>bad gateway</html>").message).toBe("<html>bad gateway</html>");
  });
});

/** The fake's ConverseStream bytes for a request (or a scripted step). */
async function streamBytes(body: unknown, step?: FakeStep): Promise<Uint8Array> {
  const up = fakeSession("bedrock-bytes");
  if (step) await up.script(step);
  const res = await fetch(`${up.baseUrl}/bedrock/model/${encodeURIComponent(MODEL)}/converse-stream`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: "Bearer fake-key" },
    body: JSON.stringify(body),
  });
  expect(res.headers.get("content-type")).toBe("application/vnd.amazon.eventstream");
  return new Uint8Array(await res.arrayBuffer());
}

async function decode(bytes: Uint8Array, size: number): Promise<StreamEvent[]> {
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.slice(i, i + size));
  return collect(fromArray(chunks).pipeThrough(bedrockCodec.decodeStream()));
}

const weatherTools = { tools: [{ toolSpec: { name: "get_weather", inputSchema: { json: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } } } }] };

describe("decodeStream", () => {
  it("decodes text, reasoning with its signature, usage and the stop reason, at any chunking", async () => {
    const bytes = await streamBytes({
      messages: [{ role: "user", content: [{ text: "hello" }] }],
      inferenceConfig: { maxTokens: 9000 },
      additionalModelRequestFields: { thinking: { type: "enabled", budget_tokens: 2048 } },
    });
    const whole = await decode(bytes, bytes.length);
    expect(await decode(bytes, 1)).toEqual(whole);
    expect(await decode(bytes, 7)).toEqual(whole);
    const text = whole.filter((e) => e.type === "text-delta").map((e) => (e as { text: string }).text).join("");
    expect(text).toBe(`Hello from fake bedrock (${MODEL})`);
    expect(whole.filter((e) => e.type === "reasoning-delta").map((e) => (e as { text: string }).text).join("")).toBe("Thinking about the request step by step.");
    expect(whole.filter((e) => e.type === "reasoning-signature")).toHaveLength(1);
    expect(whole[0]).toEqual({ type: "start" });
    const finishAt = whole.findIndex((e) => e.type === "finish");
    expect(whole[finishAt]).toEqual({ type: "finish", finishReason: "stop", nativeFinishReason: "end_turn" });
    // Bedrock sends usage (metadata) after messageStop.
    expect(whole.at(-1)).toMatchObject({ type: "usage", usage: { outputTokens: expect.any(Number), inputTokens: expect.any(Number) } });
    expect(whole.some((e) => e.type === "error")).toBe(false);
  });

  it("decodes parallel tool calls with streamed arguments", async () => {
    const bytes = await streamBytes({ messages: [{ role: "user", content: [{ text: "weather in parallel" }] }], toolConfig: weatherTools });
    const events = await decode(bytes, 3);
    const starts = events.filter((e) => e.type === "tool-call-start");
    expect(starts.map((e) => (e as { index: number; name: string }).index)).toEqual([0, 1]);
    const args = [0, 1].map((i) =>
      events
        .filter((e) => e.type === "tool-call-delta" && e.index === i)
        .map((e) => (e as { argumentsDelta: string }).argumentsDelta)
        .join(""),
    );
    expect(args.map((a) => JSON.parse(a))).toEqual([{ city: "San Francisco" }, { city: "Boston" }]);
    expect(events.find((e) => e.type === "finish")).toMatchObject({ finishReason: "tool_calls" });
  });

  it("gives a call without arguments '{}'", async () => {
    const bytes = await streamBytes({ messages: [{ role: "user", content: [{ text: "x" }] }] }, {
      events: [
        { type: "messageStart", payload: { role: "assistant" } },
        { type: "contentBlockStart", payload: { contentBlockIndex: 0, start: { toolUse: { toolUseId: "t1", name: "list" } } } },
        { type: "contentBlockDelta", payload: { contentBlockIndex: 0, delta: { toolUse: { input: "" } } } },
        { type: "contentBlockStop", payload: { contentBlockIndex: 0 } },
        { type: "messageStop", payload: { stopReason: "tool_use" } },
      ],
    });
    const events = await decode(bytes, 5);
    expect(events.filter((e) => e.type === "tool-call-delta")).toEqual([{ type: "tool-call-delta", index: 0, argumentsDelta: "{}" }]);
  });

  it("turns an in-stream exception into one error event with AWS's status", async () => {
    const bytes = await streamBytes({}, {
      events: [
        { type: "messageStart", payload: { role: "assistant" } },
        { type: "contentBlockDelta", payload: { contentBlockIndex: 0, delta: { text: "Hel" } } },
        { exception: "throttlingException", message: "Too many requests, please wait before trying again." },
        { type: "contentBlockDelta", payload: { contentBlockIndex: 0, delta: { text: "lo" } } },
      ],
    });
    const events = await decode(bytes, 4);
    expect(events.filter((e) => e.type === "text-delta")).toEqual([{ type: "text-delta", text: "Hel" }]);
    expect(events.at(-1)).toEqual({
      type: "error",
      status: 429,
      message: "Bedrock throttlingException: Too many requests, please wait before trying again.",
      errorType: "throttlingException",
      fromUpstream: true,
    });
  });

  it("reports a corrupt frame and a cut stream as errors, never a throw", async () => {
    const corrupt = await streamBytes({}, { events: [{ type: "messageStart", payload: { role: "assistant" } }, { corrupt: true }] });
    const a = await decode(corrupt, 9);
    expect(a.at(-1)).toMatchObject({ type: "error", status: 502, message: expect.stringMatching(/Malformed event stream from Bedrock: .*checksum/i) });

    const truncated = await streamBytes({}, { events: [{ type: "messageStart", payload: { role: "assistant" } }, { type: "contentBlockDelta", payload: { contentBlockIndex: 0, delta: { text: "Hi" } } }] });
    expect((await decode(truncated, 6)).at(-1)).toMatchObject({ type: "error", status: 502, message: "Bedrock stream ended before messageStop (truncated)" });

    // Cut inside a frame: the bytes left over are reported, not waited for forever.
    const full = await streamBytes({ messages: [{ role: "user", content: [{ text: "hello" }] }] });
    const cut = await decode(full.slice(0, full.length - 5), 50);
    expect(cut.at(-1)).toMatchObject({ type: "error", message: expect.stringMatching(/ended inside a frame/) });
  });
});
