import { describe, expect, it } from "vitest";
import type { CanonicalRequest } from "../../../src/canonical/types";
import { anthropicCodec } from "../../../src/codecs/anthropic";

const encode = (req: Partial<CanonicalRequest>) =>
  anthropicCodec.encodeRequest({ model: "anthropic/claude", messages: [{ role: "user", content: [{ type: "text", text: "Hi" }] }], stream: false, ...req }, "claude-sonnet-4-5-20250929");

describe("anthropic encodeRequest", () => {
  it("maps the basic parameters and drops what Anthropic cannot express", () => {
    const body = encode({
      system: [{ type: "text", text: "Be nice.", cacheControl: { type: "ephemeral" } }, { type: "text", text: "" }],
      maxTokens: 500,
      temperature: 1.4,
      topK: 5,
      stop: ["###"],
      user: "u-1",
      seed: 42,
      frequencyPenalty: 0.5,
      presencePenalty: 0.5,
      stream: true,
    });
    expect(body).toEqual({
      model: "claude-sonnet-4-5-20250929",
      max_tokens: 500,
      system: [{ type: "text", text: "Be nice.", cache_control: { type: "ephemeral" } }],
      messages: [{ role: "user", content: [{ type: "text", text: "Hi" }] }],
      temperature: 1,
      top_k: 5,
      stop_sequences: ["###"],
      metadata: { user_id: "u-1" },
      stream: true,
    });
  });

  it("defaults max_tokens and sends top_p only without temperature", () => {
    expect(encode({ topP: 0.8 })).toMatchObject({ max_tokens: 4096, top_p: 0.8 });
    const both = encode({ temperature: 0.3, topP: 0.8 });
    expect(both.temperature).toBe(0.3);
    expect(both.top_p).toBeUndefined();
  });

  it("converts messages: merges roles, tool results first, drops unsigned reasoning", () => {
    const body = encode({
      messages: [
        { role: "user", content: [{ type: "text", text: "Weather?" }] },
        { role: "user", content: [{ type: "text", text: "In Paris." }] },
        {
          role: "assistant",
          content: [
            { type: "reasoning", text: "from deepseek, unsigned" },
            { type: "reasoning", text: "signed", signature: "sig" },
            { type: "reasoning", text: "", redactedData: "opaque" },
            { type: "text", text: "" },
            { type: "tool-call", id: "call.1", name: "get_weather", arguments: '{"city":"Paris"}', thoughtSignature: "gemini-sig" },
            { type: "tool-call", id: "call_2", name: "broken", arguments: "{not json" },
            { type: "tool-call", id: "call_3", name: "array", arguments: "[1,2]" },
          ],
        },
        { role: "user", content: [{ type: "text", text: "while you work…" }] },
        {
          role: "tool",
          content: [
            { type: "tool-result", toolCallId: "call.1", name: "get_weather", content: [{ type: "text", text: "Sunny" }] },
            { type: "tool-result", toolCallId: "call_2", content: [{ type: "text", text: "a" }, { type: "image", source: { kind: "url", url: "https://x/y.png" } }], isError: true },
            { type: "tool-result", toolCallId: "call_3", content: [] },
          ],
        },
        { role: "user", content: [{ type: "text", text: "Thanks" }] },
        { role: "assistant", content: [{ type: "text", text: "The answer is  \n" }] },
      ],
    });
    expect(body.messages).toEqual([
      { role: "user", content: [{ type: "text", text: "Weather?" }, { type: "text", text: "In Paris." }] },
      {
        role: "assistant",
        content: [
          { type: "thinking", thinking: "signed", signature: "sig" },
          { type: "redacted_thinking", data: "opaque" },
          { type: "tool_use", id: "call_1", name: "get_weather", input: { city: "Paris" } },
          { type: "tool_use", id: "call_2", name: "broken", input: {} },
          { type: "tool_use", id: "call_3", name: "array", input: {} },
        ],
      },
      {
        role: "user",
        content: [
          { type: "tool_result", tool_use_id: "call_1", content: "Sunny" },
          { type: "tool_result", tool_use_id: "call_2", content: [{ type: "text", text: "a" }, { type: "image", source: { type: "url", url: "https://x/y.png" } }], is_error: true },
          { type: "tool_result", tool_use_id: "call_3" },
          { type: "text", text: "while you work…" },
          { type: "text", text: "Thanks" },
        ],
      },
      // A prefill cannot end with whitespace.
      { role: "assistant", content: [{ type: "text", text: "The answer is" }] },
    ]);
  });

  it("converts media: data URLs, PDFs, text files, images given as files", () => {
    const body = encode({
      messages: [
        {
          role: "user",
          content: [
            { type: "image", source: { kind: "url", url: "data:image/png;base64,iVBORw0KGgo=" }, detail: "high" },
            { type: "image", source: { kind: "base64", mediaType: "image/jpeg", data: "/9j/" }, cacheControl: { type: "ephemeral" } },
            { type: "file", source: { kind: "base64", mediaType: "application/pdf", data: "JVBERi0x" }, filename: "a.pdf" },
            { type: "file", source: { kind: "url", url: "https://example.com/b.pdf" } },
            { type: "file", source: { kind: "base64", mediaType: "text/markdown", data: "aMOpbGxv" } },
            { type: "file", source: { kind: "url", url: "data:image/gif;base64,R0lG" } },
            { type: "file", source: { kind: "base64", mediaType: "audio/wav", data: "UklG" } },
          ],
        },
      ],
    });
    expect(body.messages).toEqual([
      {
        role: "user",
        content: [
          { type: "image", source: { type: "base64", media_type: "image/png", data: "iVBORw0KGgo=" } },
          { type: "image", source: { type: "base64", media_type: "image/jpeg", data: "/9j/" }, cache_control: { type: "ephemeral" } },
          { type: "document", source: { type: "base64", media_type: "application/pdf", data: "JVBERi0x" }, title: "a.pdf" },
          { type: "document", source: { type: "url", url: "https://example.com/b.pdf" } },
          { type: "document", source: { type: "text", media_type: "text/plain", data: "héllo" } },
          { type: "image", source: { type: "base64", media_type: "image/gif", data: "R0lG" } },
        ],
      },
    ]);
  });

  it("maps tools and tool choice", () => {
    const tools = [
      { name: "f", description: "does f", parameters: { type: "object", properties: {} }, strict: true, cacheControl: { type: "ephemeral" as const } },
      { name: "g", parameters: {} },
    ];
    const body = encode({ tools, toolChoice: { type: "required" }, parallelToolCalls: false });
    expect(body.tools).toEqual([
      { name: "f", description: "does f", input_schema: { type: "object", properties: {} }, strict: true, cache_control: { type: "ephemeral" } },
      { name: "g", input_schema: { type: "object", properties: {} } },
    ]);
    expect(body.tool_choice).toEqual({ type: "any", disable_parallel_tool_use: true });
    expect(encode({ tools, toolChoice: { type: "tool", name: "g" } }).tool_choice).toEqual({ type: "tool", name: "g" });
    expect(encode({ tools, toolChoice: { type: "none" } }).tool_choice).toEqual({ type: "none" });
    expect(encode({ tools, parallelToolCalls: false }).tool_choice).toEqual({ type: "auto", disable_parallel_tool_use: true });
    expect(encode({ tools }).tool_choice).toBeUndefined();
    // No tools: no tool_choice (Anthropic rejects it).
    expect(encode({ toolChoice: { type: "required" } }).tool_choice).toBeUndefined();
  });

  describe("thinking", () => {
    it.each([
      [{ effort: "minimal" as const }, 1024],
      [{ effort: "low" as const }, 2048],
      [{ effort: "medium" as const }, 8192],
      [{ effort: "high" as const }, 16384],
      [{ effort: "xhigh" as const }, 32000],
      [{ enabled: true }, 8192],
      [{ maxTokens: 500 }, 1024],
      [{ effort: "low" as const, maxTokens: 3000 }, 3000],
    ])("%j → budget %i", (reasoning, budget) => {
      expect(encode({ reasoning }).thinking).toEqual({ type: "enabled", budget_tokens: budget });
    });

    it("is off when disabled, effort none or nothing is asked; exclude still reasons", () => {
      expect(encode({ reasoning: { enabled: false, effort: "high" } }).thinking).toBeUndefined();
      expect(encode({ reasoning: { effort: "none" } }).thinking).toBeUndefined();
      expect(encode({ reasoning: {} }).thinking).toBeUndefined();
      expect(encode({ reasoning: { exclude: true } }).thinking).toEqual({ type: "enabled", budget_tokens: 8192 });
    });

    it("raises max_tokens above the budget and drops what thinking forbids", () => {
      const tools = [{ name: "f", parameters: { type: "object" } }];
      const body = encode({ reasoning: { effort: "high" }, maxTokens: 2000, temperature: 0.2, topK: 3, topP: 0.5, tools, toolChoice: { type: "required" } });
      expect(body).toMatchObject({ thinking: { type: "enabled", budget_tokens: 16384 }, max_tokens: 16384 + 4096 });
      for (const k of ["temperature", "top_k", "top_p", "tool_choice"]) expect(body[k]).toBeUndefined();
      expect(encode({ reasoning: { maxTokens: 2048 }, maxTokens: 10000 }).max_tokens).toBe(10000);
      expect(encode({ reasoning: { enabled: true }, topP: 0.97 }).top_p).toBe(0.97);
      expect(encode({ reasoning: { enabled: true }, tools, toolChoice: { type: "tool", name: "f" }, parallelToolCalls: false }).tool_choice).toEqual({
        type: "auto",
        disable_parallel_tool_use: true,
      });
    });
  });

  it("maps response formats", () => {
    const schema = { type: "object", properties: { a: { type: "string" } } };
    expect(encode({ responseFormat: { type: "json_schema", name: "x", schema, strict: true } }).output_config).toEqual({ format: { type: "json_schema", schema } });
    const obj = encode({ system: [{ type: "text", text: "S" }], responseFormat: { type: "json_object" } });
    expect(obj.system).toEqual([{ type: "text", text: "S" }, { type: "text", text: expect.stringContaining("JSON object") }]);
    expect(obj.output_config).toBeUndefined();
    expect(encode({ responseFormat: { type: "text" } }).output_config).toBeUndefined();
  });

  it("merges extensions verbatim, raw messages and tools winning over canonical ones", () => {
    const rawMessages = [{ role: "user", content: [{ type: "container_upload", file_id: "f" }] }];
    const rawTools = [{ type: "web_search_20250305", name: "web_search" }];
    const body = encode({
      system: [{ type: "text", text: "canonical system" }],
      tools: [{ name: "ignored", parameters: { type: "object" } }],
      responseFormat: { type: "json_schema", schema: { type: "object" } },
      reasoning: { effort: "low" },
      extensions: {
        anthropic: { messages: rawMessages, system: "raw system", tools: rawTools, service_tier: "auto", output_config: { effort: "low" } },
        openai: { logprobs: true },
      },
    });
    expect(body.messages).toBe(rawMessages);
    expect(body.system).toBe("raw system");
    expect(body.tools).toBe(rawTools);
    expect(body.service_tier).toBe("auto");
    expect(body.logprobs).toBeUndefined();
    expect(body.output_config).toEqual({ format: { type: "json_schema", schema: { type: "object" } }, effort: "low" });
    // A native Anthropic effort does not switch extended thinking on.
    expect(body.thinking).toBeUndefined();
    // Raw messages without a raw system: their own system-role messages carry it.
    expect(encode({ system: [{ type: "text", text: "x" }], extensions: { anthropic: { messages: rawMessages } } }).system).toBeUndefined();
  });

  it("sends the caller's own thinking config (adaptive) and applies thinking rules to it", () => {
    const body = encode({ reasoning: { enabled: true }, temperature: 0.5, extensions: { anthropic: { thinking: { type: "adaptive" } } } });
    expect(body.thinking).toEqual({ type: "adaptive" });
    expect(body.temperature).toBeUndefined();
  });

  it("round-trips a native Anthropic request through the canonical model", () => {
    const native = {
      model: "claude-sonnet-4-5-20250929",
      max_tokens: 8192,
      system: [{ type: "text", text: "You are helpful.", cache_control: { type: "ephemeral" } }],
      messages: [
        { role: "user", content: [{ type: "text", text: "Weather in Paris?" }, { type: "document", source: { type: "text", media_type: "text/plain", data: "notes" }, title: "n.txt" }] },
        {
          role: "assistant",
          content: [
            { type: "thinking", thinking: "Use the tool.", signature: "sig" },
            { type: "tool_use", id: "toolu_01", name: "get_weather", input: { city: "Paris" } },
          ],
        },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_01", content: "Sunny", is_error: true }, { type: "text", text: "Thanks" }] },
      ],
      tools: [{ name: "get_weather", description: "Weather", input_schema: { type: "object", properties: { city: { type: "string" } } } }],
      tool_choice: { type: "auto", disable_parallel_tool_use: true },
      thinking: { type: "enabled", budget_tokens: 2048 },
      stop_sequences: ["STOP"],
      metadata: { user_id: "u" },
      stream: true,
      service_tier: "auto",
    };
    const canonical = anthropicCodec.decodeRequest(native);
    const encoded = anthropicCodec.encodeRequest(canonical, native.model);
    expect(encoded).toEqual(native);
    expect(anthropicCodec.decodeRequest(encoded)).toEqual(canonical);
  });

  it("round-trips a canonical request: decode(encode(x)) == x", () => {
    const x: CanonicalRequest = {
      model: "claude-sonnet-4-5-20250929",
      maxTokens: 1000,
      stream: false,
      system: [{ type: "text", text: "S" }],
      messages: [
        { role: "user", content: [{ type: "text", text: "Q" }, { type: "image", source: { kind: "url", url: "https://x/i.png" } }] },
        { role: "assistant", content: [{ type: "text", text: "Calling" }, { type: "tool-call", id: "toolu_1", name: "f", arguments: '{"a":1}' }] },
        { role: "tool", content: [{ type: "tool-result", toolCallId: "toolu_1", name: "f", content: [{ type: "text", text: "r" }] }] },
      ],
      tools: [{ name: "f", parameters: { type: "object" } }],
      toolChoice: { type: "tool", name: "f" },
      temperature: 0.2,
      topK: 10,
      stop: ["x"],
      user: "u",
      responseFormat: { type: "json_schema", schema: { type: "object" } },
    };
    expect(anthropicCodec.decodeRequest(anthropicCodec.encodeRequest(x, x.model))).toEqual(x);
  });
});
