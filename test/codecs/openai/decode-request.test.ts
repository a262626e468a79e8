import { describe, expect, it } from "vitest";
import { BadRequestError } from "../../../src/errors/gateway-error";
import { openaiCodec } from "../../../src/codecs/openai";
import { packToolCallId } from "../../../src/canonical/tool-call-id";

const decode = (body: unknown) => openaiCodec.decodeRequest(body);
const base = { model: "openai/gpt-4.1", messages: [{ role: "user", content: "Hi" }] };

function badRequest(body: unknown): string {
  try {
    decode(body);
  } catch (e) {
    expect(e).toBeInstanceOf(BadRequestError);
    return (e as BadRequestError).message;
  }
  throw new Error("expected a BadRequestError");
}

describe("openai decodeRequest: messages", () => {
  it("hoists system and developer messages, in order, wherever they are", () => {
    const req = decode({
      model: "m",
      messages: [
        { role: "system", content: "A" },
        { role: "user", content: "Hi" },
        { role: "developer", content: [{ type: "text", text: "B", cache_control: { type: "ephemeral", ttl: "1h" } }] },
        { role: "assistant", content: "Hello" },
      ],
    });
    expect(req.system).toEqual([
      { type: "text", text: "A" },
      { type: "text", text: "B", cacheControl: { type: "ephemeral", ttl: "1h" } },
    ]);
    expect(req.messages).toEqual([
      { role: "user", content: [{ type: "text", text: "Hi" }] },
      { role: "assistant", content: [{ type: "text", text: "Hello" }] },
    ]);
    expect(req.stream).toBe(false);
    expect(req.model).toBe("m");
  });

  it("converts user parts: text, https and data-URL images, audio, files, cache markers", () => {
    const req = decode({
      model: "m",
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "Look", prompt_cache_breakpoint: { mode: "explicit" } },
            { type: "image_url", image_url: { url: "https://example.com/a.png", detail: "high" } },
            { type: "image_url", image_url: { url: "data:image/jpeg;base64,/9j/4AAQ" }, cache_control: { type: "ephemeral" } },
            { type: "input_audio", input_audio: { data: "UklGRg==", format: "wav" } },
            { type: "file", file: { filename: "doc.pdf", file_data: "data:application/pdf;base64,JVBERi0=" } },
            { type: "file", file: { filename: "notes.txt", file_data: "aGVsbG8=" } },
          ],
        },
      ],
    });
    expect(req.messages[0]).toEqual({
      role: "user",
      content: [
        { type: "text", text: "Look", cacheControl: { type: "ephemeral" } },
        { type: "image", source: { kind: "url", url: "https://example.com/a.png" }, detail: "high" },
        { type: "image", source: { kind: "base64", mediaType: "image/jpeg", data: "/9j/4AAQ" }, cacheControl: { type: "ephemeral" } },
        { type: "file", source: { kind: "base64", mediaType: "audio/wav", data: "UklGRg==" }, mediaType: "audio/wav" },
        {
          type: "file",
          source: { kind: "base64", mediaType: "application/pdf", data: "JVBERi0=" },
          mediaType: "application/pdf",
          filename: "doc.pdf",
        },
        { type: "file", source: { kind: "base64", mediaType: "text/plain", data: "aGVsbG8=" }, mediaType: "text/plain", filename: "notes.txt" },
      ],
    });
  });

  it("converts assistant history: reasoning_details, tool calls (unpacked), refusal; tool results get their names", () => {
    const packed = packToolCallId("call_gem_1", "c2lnbmF0dXJl");
    const req = decode({
      model: "m",
      messages: [
        { role: "user", content: "Weather?" },
        {
          role: "assistant",
          content: null,
          reasoning: "Need the tool.",
          reasoning_details: [
            { type: "reasoning.text", text: "Need the tool.", signature: "sig-1", format: "anthropic-claude-v1", index: 0 },
            { type: "reasoning.encrypted", data: "opaque==", index: 1 },
            { type: "reasoning.unknown-kind", index: 2 },
          ],
          tool_calls: [
            { id: packed, type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } },
            { id: "call_2", type: "function", function: { name: "get_time", arguments: { tz: "CET" } } },
          ],
        },
        { role: "tool", tool_call_id: packed, content: "sunny" },
        { role: "tool", tool_call_id: "call_2", content: [{ type: "text", text: "12:00" }] },
        { role: "assistant", content: [{ type: "text", text: "Sunny" }, { type: "refusal", refusal: "no more" }] },
        { role: "assistant", content: null, refusal: "I can't", reasoning_content: "policy" },
      ],
    });
    expect(req.messages[1]).toEqual({
      role: "assistant",
      content: [
        { type: "reasoning", text: "Need the tool.", signature: "sig-1" },
        { type: "reasoning", text: "", redactedData: "opaque==" },
        { type: "tool-call", id: "call_gem_1", name: "get_weather", arguments: '{"city":"Paris"}', thoughtSignature: "c2lnbmF0dXJl" },
        { type: "tool-call", id: "call_2", name: "get_time", arguments: '{"tz":"CET"}' },
      ],
    });
    expect(req.messages[2]).toEqual({
      role: "tool",
      content: [
        { type: "tool-result", toolCallId: "call_gem_1", name: "get_weather", content: [{ type: "text", text: "sunny" }] },
        { type: "tool-result", toolCallId: "call_2", name: "get_time", content: [{ type: "text", text: "12:00" }] },
      ],
    });
    expect(req.messages[3]).toEqual({
      role: "assistant",
      content: [
        { type: "text", text: "Sunny" },
        { type: "text", text: "no more" },
      ],
    });
    expect(req.messages[4]).toEqual({
      role: "assistant",
      content: [
        { type: "reasoning", text: "policy" },
        { type: "text", text: "I can't" },
      ],
    });
  });

  it("merges reasoning_details replayed delta by delta into one signed block", () => {
    const req = decode({
      model: "m",
      messages: [
        { role: "user", content: "Hi" },
        {
          role: "assistant",
          content: "Hello",
          reasoning_details: [
            { type: "reasoning.text", text: "", signature: "", index: 0 },
            { type: "reasoning.text", text: "The user", index: 0 },
            { type: "reasoning.text", text: " greets me.", index: 0 },
            { type: "reasoning.text", signature: "sig-x", index: 0 },
            { type: "reasoning.text", text: "Second block", index: 1 },
          ],
        },
      ],
    });
    expect(req.messages[1].content).toEqual([
      { type: "reasoning", text: "The user greets me.", signature: "sig-x" },
      { type: "reasoning", text: "Second block" },
      { type: "text", text: "Hello" },
    ]);
  });

  it("pairs legacy function_call / function messages", () => {
    const req = decode({
      model: "m",
      messages: [
        { role: "user", content: "Hi" },
        { role: "assistant", content: null, function_call: { name: "lookup", arguments: "{}" } },
        { role: "function", name: "lookup", content: "42" },
      ],
      functions: [{ name: "lookup", parameters: { type: "object" } }],
      function_call: { name: "lookup" },
    });
    const call = req.messages[1].content[0];
    const result = req.messages[2].content[0];
    expect(call).toMatchObject({ type: "tool-call", name: "lookup", arguments: "{}" });
    expect(result).toMatchObject({ type: "tool-result", name: "lookup", content: [{ type: "text", text: "42" }] });
    expect(call.type === "tool-call" && result.type === "tool-result" && call.id === result.toolCallId).toBe(true);
    expect(req.tools).toEqual([{ name: "lookup", parameters: { type: "object" } }]);
    expect(req.toolChoice).toEqual({ type: "tool", name: "lookup" });
  });
});

describe("openai decodeRequest: parameters", () => {
  it("maps every canonical parameter", () => {
    const req = decode({
      ...base,
      tools: [
        { type: "function", function: { name: "f", description: "d", parameters: { type: "object", properties: {} }, strict: true } },
        { type: "function", function: { name: "g" } },
      ],
      tool_choice: { type: "function", function: { name: "f" } },
      parallel_tool_calls: false,
      response_format: { type: "json_schema", json_schema: { name: "out", description: "x", schema: { type: "object" }, strict: true } },
      stop: "END",
      max_completion_tokens: 300,
      max_tokens: 100,
      temperature: 0.2,
      top_p: 0.9,
      top_k: 40,
      seed: 7,
      frequency_penalty: 0.1,
      presence_penalty: -0.1,
      user: "u-1",
      reasoning: { max_tokens: 2048, exclude: true },
      reasoning_effort: "high",
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(req).toEqual({
      model: "openai/gpt-4.1",
      messages: [{ role: "user", content: [{ type: "text", text: "Hi" }] }],
      stream: true,
      tools: [
        { name: "f", description: "d", parameters: { type: "object", properties: {} }, strict: true },
        { name: "g", parameters: { type: "object", properties: {} } },
      ],
      toolChoice: { type: "tool", name: "f" },
      parallelToolCalls: false,
      responseFormat: { type: "json_schema", name: "out", description: "x", schema: { type: "object" }, strict: true },
      maxTokens: 300,
      temperature: 0.2,
      topP: 0.9,
      topK: 40,
      stop: ["END"],
      seed: 7,
      frequencyPenalty: 0.1,
      presencePenalty: -0.1,
      user: "u-1",
      reasoning: { effort: "high", maxTokens: 2048, exclude: true },
    });
  });

  it("accepts string tool_choice and max_tokens alone", () => {
    expect(decode({ ...base, tool_choice: "required", max_tokens: 5 })).toMatchObject({ toolChoice: { type: "required" }, maxTokens: 5 });
    expect(decode({ ...base, reasoning: { effort: "low", enabled: true } }).reasoning).toEqual({ effort: "low", enabled: true });
    expect(decode({ ...base, include_reasoning: false }).reasoning).toEqual({ exclude: true });
  });

  it("routes OpenRouter fields to routing and ignores route/transforms/usage/plugins", () => {
    const req = decode({
      ...base,
      models: ["a/b", "c/d"],
      provider: { order: ["x"], allow_fallbacks: false, sort: { by: "price" }, max_price: { prompt: 1 }, data_collection: "deny" },
      session_id: "s-1",
      route: "fallback",
      transforms: ["middle-out"],
      usage: { include: true },
      plugins: [{ id: "web" }],
    });
    expect(req.routing).toEqual({
      models: ["a/b", "c/d"],
      sessionId: "s-1",
      provider: { order: ["x"], allow_fallbacks: false, sort: "price", max_price: { prompt: 1 } },
    });
    expect(req.extensions).toBeUndefined();
  });

  it("keeps documented fields without a canonical slot verbatim in extensions.openai", () => {
    const ext = {
      n: 1,
      logprobs: true,
      top_logprobs: 3,
      logit_bias: { "50256": -100 },
      modalities: ["text"],
      service_tier: "flex",
      store: false,
      metadata: { a: "b" },
      web_search_options: { search_context_size: "low" },
      verbosity: "low",
      prompt_cache_key: "k",
      prompt_cache_options: { mode: "explicit", ttl: "30m" },
      safety_identifier: "hash",
      prediction: { type: "content", content: "x" },
      min_p: 0.1,
      top_a: 0.2,
      repetition_penalty: 1.1,
    };
    expect(decode({ ...base, ...ext }).extensions).toEqual({ openai: ext });
  });
});

describe("openai decodeRequest: bad input", () => {
  it.each([
    [{ ...base, foo: 1 }, "Unrecognized request argument supplied: foo"],
    [{ ...base, n: 2 }, "n > 1 is not supported"],
    [{ model: "m", messages: [] }, "messages: must contain at least one message"],
    [{ messages: base.messages }, "model: expected string, received undefined"],
    [{ model: "m", messages: [{ role: "user", content: 5 }] }, "messages[0].content: expected string or array of content parts"],
    [{ model: "m", messages: [{ role: "robot", content: "x" }] }, "messages[0].role: expected role system, developer, user, assistant, tool or function"],
    [
      { model: "m", messages: [{ role: "user", content: [{ type: "text", text: "a" }, { type: "image_url", image_url: { url: 3 } }] }] },
      "messages[0].content[1].image_url.url: expected string, received number",
    ],
    [
      { model: "m", messages: [{ role: "user", content: [{ type: "video", url: "x" }] }] },
      "messages[0].content[0].type: expected a content part of type text, image_url, input_audio or file",
    ],
    [
      { model: "m", messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: "ftp://x/y.png" } }] }] },
      "messages[0].content[0].image_url.url: expected an http(s) URL or a base64 data URL",
    ],
    [
      { model: "m", messages: [{ role: "user", content: [{ type: "file", file: { file_id: "file-abc" } }] }] },
      "messages[0].content[0].file.file_id: uploaded file ids are not supported, send the content in file_data",
    ],
    [{ model: "m", messages: [{ role: "tool", content: "x" }] }, "messages[0].tool_call_id: expected string, received undefined"],
    [{ ...base, tools: [{ type: "custom", custom: { name: "x" } }] }, 'tools[0].type: only tools of type "function" are supported'],
    [{ ...base, temperature: "hot" }, "temperature: expected number, received string"],
    [{ ...base, reasoning_effort: "max" }, "reasoning_effort:"],
    [{ ...base, tool_choice: "sometimes" }, "tool_choice: expected"],
    [[1, 2], "Request body must be a JSON object"],
  ])("%j -> 400", (body, message) => {
    expect(badRequest(body)).toContain(message);
  });
});
