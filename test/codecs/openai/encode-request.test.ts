import { describe, expect, it } from "vitest";
import type { CanonicalRequest } from "../../../src/canonical/types";
import { createOpenAICodec, encodeOpenAIRequest, openaiCodec } from "../../../src/codecs/openai";

const convo: CanonicalRequest = {
  model: "openai/gpt-4.1",
  system: [{ type: "text", text: "Be terse." }],
  messages: [
    {
      role: "user",
      content: [
        { type: "text", text: "What is in these?" },
        { type: "image", source: { kind: "base64", mediaType: "image/png", data: "iVBORw0KGgo=" }, detail: "low" },
        { type: "image", source: { kind: "url", url: "https://example.com/cat.jpg" } },
        { type: "file", source: { kind: "base64", mediaType: "application/pdf", data: "JVBERi0=" }, mediaType: "application/pdf", filename: "a.pdf" },
      ],
    },
    {
      role: "assistant",
      content: [
        { type: "reasoning", text: "Look closely.", signature: "sig-A" },
        { type: "text", text: "Checking." },
        { type: "tool-call", id: "call_1", name: "zoom", arguments: '{"level":2}' },
      ],
    },
    { role: "tool", content: [{ type: "tool-result", toolCallId: "call_1", name: "zoom", content: [{ type: "text", text: "a cat" }] }] },
    { role: "user", content: [{ type: "text", text: "Thanks" }] },
  ],
  tools: [{ name: "zoom", description: "Zoom in", parameters: { type: "object", properties: { level: { type: "number" } } }, strict: true }],
  toolChoice: { type: "auto" },
  parallelToolCalls: true,
  responseFormat: { type: "json_object" },
  maxTokens: 256,
  temperature: 0.5,
  topP: 0.8,
  stop: ["END"],
  seed: 3,
  frequencyPenalty: 0.2,
  presencePenalty: 0.1,
  user: "u-9",
  reasoning: { effort: "low" },
  stream: false,
};

describe("openai encodeRequest", () => {
  it("encodes every field in the chat-completions shape", () => {
    const body = openaiCodec.encodeRequest(convo, "gpt-4.1-2025-04-14");
    expect(body).toEqual({
      model: "gpt-4.1-2025-04-14",
      messages: [
        { role: "system", content: "Be terse." },
        {
          role: "user",
          content: [
            { type: "text", text: "What is in these?" },
            { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=", detail: "low" } },
            { type: "image_url", image_url: { url: "https://example.com/cat.jpg" } },
            { type: "file", file: { filename: "a.pdf", file_data: "data:application/pdf;base64,JVBERi0=" } },
          ],
        },
        {
          role: "assistant",
          content: "Checking.",
          tool_calls: [{ id: "call_1", type: "function", function: { name: "zoom", arguments: '{"level":2}' } }],
          reasoning: "Look closely.",
          reasoning_details: [{ type: "reasoning.text", text: "Look closely.", signature: "sig-A", format: "unknown", index: 0 }],
        },
        { role: "tool", tool_call_id: "call_1", content: "a cat" },
        { role: "user", content: "Thanks" },
      ],
      tools: [
        {
          type: "function",
          function: { name: "zoom", description: "Zoom in", parameters: { type: "object", properties: { level: { type: "number" } } }, strict: true },
        },
      ],
      tool_choice: "auto",
      parallel_tool_calls: true,
      response_format: { type: "json_object" },
      max_tokens: 256,
      temperature: 0.5,
      top_p: 0.8,
      stop: ["END"],
      seed: 3,
      frequency_penalty: 0.2,
      presence_penalty: 0.1,
      user: "u-9",
      reasoning_effort: "low",
    });
  });

  it("streams with include_usage, drops top_k and cache markers by default, merges extensions", () => {
    const body = openaiCodec.encodeRequest(
      {
        model: "x",
        system: [
          { type: "text", text: "A", cacheControl: { type: "ephemeral" } },
          { type: "text", text: "B" },
        ],
        messages: [{ role: "user", content: [{ type: "text", text: "Hi", cacheControl: { type: "ephemeral" } }] }],
        topK: 5,
        stream: true,
        extensions: { openai: { logprobs: true, top_logprobs: 2, service_tier: "flex", model: "must-not-win" }, anthropic: { x: 1 } },
      },
      "up",
    );
    expect(body).toEqual({
      logprobs: true,
      top_logprobs: 2,
      service_tier: "flex",
      model: "up",
      messages: [
        { role: "system", content: "A\n\nB" },
        { role: "user", content: "Hi" },
      ],
      stream: true,
      stream_options: { include_usage: true },
    });
  });

  it("honours the provider options", () => {
    const req: CanonicalRequest = {
      model: "x",
      system: [{ type: "text", text: "S", cacheControl: { type: "ephemeral", ttl: "1h" } }],
      messages: [
        { role: "user", content: [{ type: "text", text: "Hi", cacheControl: { type: "ephemeral" } }] },
        { role: "assistant", content: [{ type: "reasoning", text: "think" }, { type: "text", text: "ok" }] },
      ],
      maxTokens: 1000,
      topK: 20,
      reasoning: { maxTokens: 800, exclude: true },
      stream: false,
    };
    const openrouter = createOpenAICodec({ reasoningParam: "openrouter", cacheControl: "cache_control", sendTopK: true });
    expect(openrouter.encodeRequest(req, "m")).toEqual({
      model: "m",
      messages: [
        { role: "system", content: [{ type: "text", text: "S", cache_control: { type: "ephemeral", ttl: "1h" } }] },
        { role: "user", content: [{ type: "text", text: "Hi", cache_control: { type: "ephemeral" } }] },
        {
          role: "assistant",
          content: "ok",
          reasoning: "think",
          reasoning_details: [{ type: "reasoning.text", text: "think", format: "unknown", index: 0 }],
        },
      ],
      max_tokens: 1000,
      top_k: 20,
      reasoning: { max_tokens: 800, exclude: true },
    });

    const openai = createOpenAICodec({ maxTokensField: "max_completion_tokens", cacheControl: "prompt_cache_breakpoint", reasoningHistory: "none" });
    const body = openai.encodeRequest(req, "gpt-5");
    expect(body.max_completion_tokens).toBe(1000);
    expect(body.max_tokens).toBeUndefined();
    expect(body.top_k).toBeUndefined();
    // 800 of 1000 tokens for thinking is a "high" effort.
    expect(body.reasoning_effort).toBe("high");
    expect(body.messages).toEqual([
      { role: "system", content: [{ type: "text", text: "S", prompt_cache_breakpoint: { mode: "explicit" } }] },
      { role: "user", content: [{ type: "text", text: "Hi", prompt_cache_breakpoint: { mode: "explicit" } }] },
      { role: "assistant", content: "ok" },
    ]);

    const deepseek = createOpenAICodec({ reasoningHistory: "reasoning_content" });
    expect((deepseek.encodeRequest(req, "deepseek-reasoner").messages as unknown[])[2]).toEqual({
      role: "assistant",
      content: "ok",
      reasoning_content: "think",
    });
  });

  it("sends plain tool-call ids, redacted reasoning, tool images as a follow-up user message, audio as input_audio", () => {
    const body = encodeOpenAIRequest(
      {
        model: "x",
        messages: [
          { role: "user", content: [{ type: "file", source: { kind: "base64", mediaType: "audio/mpeg", data: "SUQz" }, mediaType: "audio/mpeg" }] },
          {
            role: "assistant",
            content: [
              { type: "reasoning", text: "", redactedData: "enc==" },
              { type: "tool-call", id: "fc_1", name: "snap", arguments: "{}", thoughtSignature: "c2ln" },
            ],
          },
          {
            role: "tool",
            content: [
              {
                type: "tool-result",
                toolCallId: "fc_1",
                content: [
                  { type: "text", text: "here" },
                  { type: "image", source: { kind: "url", url: "https://x/y.png" } },
                ],
                isError: true,
              },
            ],
          },
        ],
        toolChoice: { type: "tool", name: "snap" },
        responseFormat: { type: "json_schema", schema: { type: "object" } },
        stream: false,
      },
      "m",
    );
    expect(body.messages).toEqual([
      { role: "user", content: [{ type: "input_audio", input_audio: { data: "SUQz", format: "mp3" } }] },
      {
        role: "assistant",
        content: null,
        tool_calls: [{ id: "fc_1", type: "function", function: { name: "snap", arguments: "{}" } }],
        reasoning_details: [{ type: "reasoning.encrypted", data: "enc==", format: "unknown", index: 0 }],
      },
      { role: "tool", tool_call_id: "fc_1", content: "here" },
      { role: "user", content: [{ type: "image_url", image_url: { url: "https://x/y.png" } }] },
    ]);
    // tool_choice without tools is rejected by OpenAI, so it is dropped.
    expect(body.tool_choice).toBeUndefined();
    expect(body.response_format).toEqual({ type: "json_schema", json_schema: { name: "response", schema: { type: "object" } } });
  });

  it("sends OpenAI cache breakpoints back when the caller uses explicit prompt caching", () => {
    const req = openaiCodec.decodeRequest({
      model: "gpt-5.6",
      prompt_cache_options: { mode: "explicit", ttl: "30m" },
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "Long prefix", prompt_cache_breakpoint: { mode: "explicit" } },
            { type: "text", text: "Question" },
          ],
        },
      ],
    });
    expect(openaiCodec.encodeRequest(req, "gpt-5.6")).toEqual({
      prompt_cache_options: { mode: "explicit", ttl: "30m" },
      model: "gpt-5.6",
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "Long prefix", prompt_cache_breakpoint: { mode: "explicit" } },
            { type: "text", text: "Question" },
          ],
        },
      ],
    });
  });

  it("derives reasoning_effort from a thinking budget", () => {
    const effort = (reasoning: CanonicalRequest["reasoning"], maxTokens?: number) =>
      encodeOpenAIRequest({ model: "x", messages: [], reasoning, maxTokens, stream: false }, "m").reasoning_effort;
    expect(effort({ maxTokens: 1024 })).toBe("low");
    expect(effort({ maxTokens: 8000 })).toBe("medium");
    expect(effort({ maxTokens: 32000 })).toBe("high");
    expect(effort({ maxTokens: 500 }, 1000)).toBe("medium");
    expect(effort({ enabled: true })).toBe("medium");
    expect(effort({ enabled: false })).toBeUndefined();
    expect(effort({ effort: "none" })).toBe("none");
  });
});

describe("openai request round trip: decode(encode(x)) == x", () => {
  it("keeps a full conversation", () => {
    const roundTripped = openaiCodec.decodeRequest(openaiCodec.encodeRequest(convo, convo.model));
    expect(roundTripped).toEqual(convo);
  });

  it("keeps streaming requests and extensions", () => {
    const req: CanonicalRequest = {
      model: "m",
      messages: [{ role: "user", content: [{ type: "text", text: "Hi" }] }],
      stream: true,
      extensions: { openai: { logprobs: true, metadata: { k: "v" } } },
    };
    expect(openaiCodec.decodeRequest(openaiCodec.encodeRequest(req, "m"))).toEqual(req);
  });

  it("keeps packed Gemini signatures when a client echoes encoded ids", () => {
    const body = openaiCodec.decodeRequest({
      model: "m",
      messages: [
        { role: "user", content: "x" },
        { role: "assistant", content: null, tool_calls: [{ id: "a__ts_c2ln", type: "function", function: { name: "f", arguments: "{}" } }] },
        { role: "tool", tool_call_id: "a__ts_c2ln", content: "ok" },
      ],
    });
    expect(body.messages[1].content[0]).toEqual({ type: "tool-call", id: "a", name: "f", arguments: "{}", thoughtSignature: "c2ln" });
    expect(body.messages[2].content[0]).toMatchObject({ toolCallId: "a", name: "f" });
  });
});
