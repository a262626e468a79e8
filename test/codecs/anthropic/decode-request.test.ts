import { describe, expect, it } from "vitest";
import { anthropicCodec } from "../../../src/codecs/anthropic";
import { packToolCallId } from "../../../src/canonical/tool-call-id";
import { BadRequestError } from "../../../src/errors/gateway-error";

const decode = (body: unknown) => anthropicCodec.decodeRequest(body);
const base = { model: "claude-sonnet-4-5", max_tokens: 1024 };
const b64 = (s: string) => btoa(s);

function badRequest(body: unknown): string {
  try {
    decode(body);
  } catch (e) {
    expect(e).toBeInstanceOf(BadRequestError);
    expect((e as BadRequestError).status).toBe(400);
    return (e as Error).message;
  }
  throw new Error("expected a BadRequestError");
}

describe("anthropic decodeRequest", () => {
  it("maps the scalar parameters", () => {
    const req = decode({
      ...base,
      system: "You are terse.",
      messages: [{ role: "user", content: "Hi" }],
      temperature: 0.5,
      top_p: 0.9,
      top_k: 40,
      stop_sequences: ["END"],
      metadata: { user_id: "user-123" },
      stream: true,
    });
    expect(req).toEqual({
      model: "claude-sonnet-4-5",
      maxTokens: 1024,
      stream: true,
      system: [{ type: "text", text: "You are terse." }],
      messages: [{ role: "user", content: [{ type: "text", text: "Hi" }] }],
      temperature: 0.5,
      topP: 0.9,
      topK: 40,
      stop: ["END"],
      user: "user-123",
    });
  });

  it("keeps cache_control on system, text, tools and tool results", () => {
    const req = decode({
      ...base,
      system: [
        { type: "text", text: "Long context", cache_control: { type: "ephemeral", ttl: "1h" } },
        { type: "text", text: "More", citations: null },
      ],
      tools: [{ name: "f", description: "d", input_schema: { type: "object" }, cache_control: { type: "ephemeral" }, strict: true }],
      messages: [
        { role: "user", content: [{ type: "text", text: "cached", cache_control: { type: "ephemeral" } }] },
        { role: "assistant", content: [{ type: "tool_use", id: "toolu_1", name: "f", input: { a: 1 }, cache_control: { type: "ephemeral" } }] },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_1", content: "ok", cache_control: { type: "ephemeral" } }] },
      ],
    });
    expect(req.system).toEqual([
      { type: "text", text: "Long context", cacheControl: { type: "ephemeral", ttl: "1h" } },
      { type: "text", text: "More" },
    ]);
    expect(req.tools).toEqual([{ name: "f", description: "d", parameters: { type: "object" }, strict: true, cacheControl: { type: "ephemeral" } }]);
    expect(req.messages).toEqual([
      { role: "user", content: [{ type: "text", text: "cached", cacheControl: { type: "ephemeral" } }] },
      { role: "assistant", content: [{ type: "tool-call", id: "toolu_1", name: "f", arguments: '{"a":1}', cacheControl: { type: "ephemeral" } }] },
      { role: "tool", content: [{ type: "tool-result", toolCallId: "toolu_1", name: "f", content: [{ type: "text", text: "ok" }], cacheControl: { type: "ephemeral" } }] },
    ]);
    expect(req.extensions).toBeUndefined();
  });

  it("decodes images and documents", () => {
    const req = decode({
      ...base,
      messages: [
        {
          role: "user",
          content: [
            { type: "image", source: { type: "base64", media_type: "image/png", data: "iVBORw0KGgo=" } },
            { type: "image", source: { type: "url", url: "https://example.com/cat.jpg" } },
            { type: "document", source: { type: "base64", media_type: "application/pdf", data: "JVBERi0x" }, title: "report.pdf" },
            { type: "document", source: { type: "url", url: "https://example.com/a.pdf" } },
            { type: "document", source: { type: "text", media_type: "text/plain", data: "héllo" } },
          ],
        },
      ],
    });
    expect(req.messages[0].content).toEqual([
      { type: "image", source: { kind: "base64", mediaType: "image/png", data: "iVBORw0KGgo=" } },
      { type: "image", source: { kind: "url", url: "https://example.com/cat.jpg" } },
      { type: "file", source: { kind: "base64", mediaType: "application/pdf", data: "JVBERi0x" }, mediaType: "application/pdf", filename: "report.pdf" },
      { type: "file", source: { kind: "url", url: "https://example.com/a.pdf" }, mediaType: "application/pdf" },
      { type: "file", source: { kind: "base64", mediaType: "text/plain", data: "aMOpbGxv" }, mediaType: "text/plain" },
    ]);
    expect(req.extensions).toBeUndefined();
  });

  it("unpacks tool ids, recovers names and splits tool results from user text in order", () => {
    const packed = packToolCallId("call_abc", "c2lnbmF0dXJlKw==");
    const req = decode({
      ...base,
      messages: [
        { role: "user", content: "Weather?" },
        {
          role: "assistant",
          content: [
            { type: "thinking", thinking: "Need tools.", signature: "sig1" },
            { type: "redacted_thinking", data: "opaque" },
            { type: "text", text: "Calling." },
            { type: "tool_use", id: packed, name: "get_weather", input: { city: "Paris" } },
            { type: "tool_use", id: "toolu_2", name: "get_time", input: {} },
          ],
        },
        {
          role: "user",
          content: [
            { type: "text", text: "before" },
            { type: "tool_result", tool_use_id: packed, content: [{ type: "text", text: "Sunny" }, { type: "image", source: { type: "url", url: "https://x/y.png" } }] },
            { type: "tool_result", tool_use_id: "toolu_2", content: "12:00", is_error: true },
            { type: "text", text: "Thanks" },
          ],
        },
      ],
    });
    expect(req.messages).toEqual([
      { role: "user", content: [{ type: "text", text: "Weather?" }] },
      {
        role: "assistant",
        content: [
          { type: "reasoning", text: "Need tools.", signature: "sig1" },
          { type: "reasoning", text: "", redactedData: "opaque" },
          { type: "text", text: "Calling." },
          { type: "tool-call", id: "call_abc", name: "get_weather", arguments: '{"city":"Paris"}', thoughtSignature: "c2lnbmF0dXJlKw==" },
          { type: "tool-call", id: "toolu_2", name: "get_time", arguments: "{}" },
        ],
      },
      { role: "user", content: [{ type: "text", text: "before" }] },
      {
        role: "tool",
        content: [
          { type: "tool-result", toolCallId: "call_abc", name: "get_weather", content: [{ type: "text", text: "Sunny" }, { type: "image", source: { kind: "url", url: "https://x/y.png" } }] },
          { type: "tool-result", toolCallId: "toolu_2", name: "get_time", content: [{ type: "text", text: "12:00" }], isError: true },
        ],
      },
      { role: "user", content: [{ type: "text", text: "Thanks" }] },
    ]);
  });

  it("keeps Anthropic-only blocks in extensions and drops them from the canonical messages", () => {
    const messages = [
      { role: "user", content: [{ type: "text", text: "News?" }, { type: "container_upload", file_id: "file_1" }] },
      {
        role: "assistant",
        content: [
          { type: "server_tool_use", id: "srvtoolu_1", name: "web_search", input: { query: "news" } },
          { type: "web_search_tool_result", tool_use_id: "srvtoolu_1", content: [] },
          { type: "text", text: "Here.", citations: [{ type: "web_search_result_location", url: "u" }] },
        ],
      },
      { role: "user", content: [{ type: "image", source: { type: "file", file_id: "file_2" } }, { type: "text", text: "And this?" }] },
    ];
    const req = decode({ ...base, system: "S", messages });
    expect(req.messages).toEqual([
      { role: "user", content: [{ type: "text", text: "News?" }] },
      { role: "assistant", content: [{ type: "text", text: "Here." }] },
      { role: "user", content: [{ type: "text", text: "And this?" }] },
    ]);
    expect(req.extensions?.anthropic).toEqual({ messages, system: "S" });
  });

  it("folds leading system-role messages into the system prompt and later ones into system-reminder user text", () => {
    const messages = [
      { role: "system", content: "Be brief." },
      { role: "user", content: "Hi" },
      { role: "system", content: [{ type: "text", text: "Now be verbose." }] },
      { role: "assistant", content: "Hello" },
    ];
    const req = decode({ ...base, messages });
    expect(req.system).toEqual([{ type: "text", text: "Be brief." }]);
    expect(req.messages).toEqual([
      { role: "user", content: [{ type: "text", text: "Hi" }, { type: "text", text: "<system-reminder>\nNow be verbose.\n</system-reminder>" }] },
      { role: "assistant", content: [{ type: "text", text: "Hello" }] },
    ]);
    expect(req.extensions?.anthropic).toEqual({ messages });
  });

  it("splits custom tools from server tools, which stay in extensions", () => {
    const tools = [
      { name: "get_weather", input_schema: { type: "object", properties: { city: { type: "string" } } } },
      { type: "web_search_20250305", name: "web_search", max_uses: 3 },
      { type: "bash_20250124", name: "bash" },
    ];
    const req = decode({ ...base, messages: [{ role: "user", content: "x" }], tools, tool_choice: { type: "auto" } });
    expect(req.tools).toEqual([{ name: "get_weather", parameters: tools[0].input_schema }]);
    expect(req.toolChoice).toEqual({ type: "auto" });
    expect(req.extensions?.anthropic).toEqual({ tools });
  });

  it.each([
    [{ type: "auto" }, { toolChoice: { type: "auto" } }],
    [{ type: "any" }, { toolChoice: { type: "required" } }],
    [{ type: "tool", name: "f" }, { toolChoice: { type: "tool", name: "f" } }],
    [{ type: "none" }, { toolChoice: { type: "none" } }],
    [{ type: "any", disable_parallel_tool_use: true }, { toolChoice: { type: "required" }, parallelToolCalls: false }],
  ])("maps tool_choice %j", (toolChoice, expected) => {
    const req = decode({ ...base, messages: [{ role: "user", content: "x" }], tools: [{ name: "f", input_schema: { type: "object" } }], tool_choice: toolChoice });
    expect({ toolChoice: req.toolChoice, ...(req.parallelToolCalls === undefined ? {} : { parallelToolCalls: req.parallelToolCalls }) }).toEqual(expected);
  });

  it("maps thinking configurations", () => {
    const msg = { messages: [{ role: "user", content: "x" }] };
    expect(decode({ ...base, ...msg, thinking: { type: "enabled", budget_tokens: 2048 } })).toMatchObject({ reasoning: { enabled: true, maxTokens: 2048 } });
    expect(decode({ ...base, ...msg, thinking: { type: "disabled" } }).reasoning).toEqual({ enabled: false });
    const adaptive = decode({ ...base, ...msg, thinking: { type: "adaptive" } });
    expect(adaptive.reasoning).toEqual({ enabled: true });
    expect(adaptive.extensions?.anthropic).toEqual({ thinking: { type: "adaptive" } });
    const display = decode({ ...base, ...msg, thinking: { type: "enabled", budget_tokens: 4000, display: "omitted" } });
    expect(display.extensions?.anthropic).toEqual({ thinking: { type: "enabled", budget_tokens: 4000, display: "omitted" } });
  });

  it("maps structured output (GA output_config and beta output_format) and effort", () => {
    const schema = { type: "object", properties: { a: { type: "string" } }, required: ["a"], additionalProperties: false };
    const msg = { messages: [{ role: "user", content: "x" }] };
    const ga = decode({ ...base, ...msg, output_config: { format: { type: "json_schema", schema }, effort: "max" } });
    expect(ga.responseFormat).toEqual({ type: "json_schema", schema });
    expect(ga.reasoning).toEqual({ effort: "xhigh" });
    expect(ga.extensions?.anthropic).toEqual({ output_config: { effort: "max" } });
    const beta = decode({ ...base, ...msg, output_format: { type: "json_schema", schema } });
    expect(beta.responseFormat).toEqual({ type: "json_schema", schema });
    expect(beta.extensions).toBeUndefined();
  });

  it("keeps Anthropic-only top-level fields in extensions", () => {
    const extra = {
      service_tier: "auto",
      container: "container_1",
      mcp_servers: [{ type: "url", url: "https://mcp.example.com", name: "ex" }],
      context_management: { edits: [{ type: "clear_tool_uses_20250919" }] },
      cache_control: { type: "ephemeral" },
      inference_geo: "us",
      speed: "fast",
    };
    const req = decode({ ...base, messages: [{ role: "user", content: "x" }], ...extra });
    expect(req.extensions).toEqual({ anthropic: extra });
  });

  describe("bad input", () => {
    const ok = { ...base, messages: [{ role: "user", content: "x" }] };
    it.each<[string, unknown, string]>([
      ["missing max_tokens", { model: "m", messages: [{ role: "user", content: "x" }] }, "max_tokens: Field required"],
      ["unknown top-level field", { ...ok, frequency_penalty: 1 }, "frequency_penalty: Extra inputs are not permitted"],
      ["content of a wrong type", { ...base, messages: [{ role: "user", content: "a" }, { role: "assistant", content: 5 }] }, "messages[1].content: expected string or array of content blocks"],
      ["block missing a field", { ...base, messages: [{ role: "user", content: [{ type: "text", text: "a" }, { type: "text" }] }] }, "messages[0].content[1].text: Field required"],
      ["bad role", { ...base, messages: [{ role: "bot", content: "x" }] }, "messages[0].role"],
      ["empty messages", { ...base, messages: [] }, "messages"],
      ["thinking budget below 1024", { ...ok, thinking: { type: "enabled", budget_tokens: 100 } }, "thinking.enabled.budget_tokens"],
      ["tool without input_schema", { ...ok, tools: [{ name: "f" }] }, "tools[0].input_schema: Field required"],
      ["tool_use input id type", { ...base, messages: [{ role: "assistant", content: [{ type: "tool_use", id: 1, name: "f", input: {} }] }] }, "messages[0].content[0].id"],
      ["bad image source", { ...base, messages: [{ role: "user", content: [{ type: "image", source: { type: "base64" } }] }] }, "messages[0].content[0].source"],
      ["temperature out of range", { ...ok, temperature: 1.5 }, "temperature"],
      ["tool_choice tool without name", { ...ok, tool_choice: { type: "tool" } }, "tool_choice.name: Field required"],
    ])("%s", (_name, body, expected) => {
      expect(badRequest(body)).toContain(expected);
    });

    it("rejects a non-object body", () => {
      expect(badRequest([1, 2])).toContain("body");
      expect(badRequest("hi")).toContain("body");
    });
  });
});
