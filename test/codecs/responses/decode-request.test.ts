import { describe, expect, it } from "vitest";
import { customToolParameters, wrapCustomInput } from "../../../src/canonical/tools";
import { packToolCallId } from "../../../src/canonical/tool-call-id";
import { readResponsesExtensions } from "../../../src/codecs/responses";
import { BadRequestError } from "../../../src/errors/gateway-error";
import { codec } from "./helpers";

const decode = (body: unknown) => codec.decodeRequest(body);
const base = { model: "openai/gpt-5.1-codex", input: "Hi" };

function badRequest(body: unknown): string {
  try {
    decode(body);
  } catch (e) {
    expect(e).toBeInstanceOf(BadRequestError);
    return (e as BadRequestError).message;
  }
  throw new Error("expected a BadRequestError");
}

describe("responses decodeRequest: input", () => {
  it("takes a string input as one user message, instructions as the first system part", () => {
    const req = decode({ ...base, instructions: "Be brief." });
    expect(req).toMatchObject({ model: base.model, stream: false, system: [{ type: "text", text: "Be brief." }] });
    expect(req.messages).toEqual([{ role: "user", content: [{ type: "text", text: "Hi" }] }]);
    expect(readResponsesExtensions(req).instructions).toBe("Be brief.");
  });

  it("hoists system and developer messages, merges consecutive assistant items and tool outputs", () => {
    const req = decode({
      model: "m",
      input: [
        { type: "message", role: "developer", content: [{ type: "input_text", text: "Dev A" }, { type: "input_text", text: "Dev B" }] },
        { role: "system", content: "Sys" },
        { role: "user", content: [{ type: "input_text", text: "Weather?", prompt_cache_breakpoint: { mode: "explicit" } }] },
        { type: "reasoning", id: "rs_1", summary: [{ type: "summary_text", text: "Part 1" }, { type: "summary_text", text: "Part 2" }] },
        { type: "message", role: "assistant", id: "msg_1", phase: "commentary", content: [{ type: "output_text", text: "Checking." }] },
        { type: "function_call", id: "fc_1", call_id: "call_1", name: "get_weather", arguments: '{"city":"Paris"}' },
        { type: "function_call", call_id: "call_2", name: "spawn_agent", namespace: "multi_agent_v1", arguments: "{}" },
        { type: "function_call_output", call_id: "call_1", output: "Sunny" },
        { type: "function_call_output", call_id: "call_2", output: [{ type: "input_text", text: "ok" }, { type: "input_image", image_url: "https://x.test/a.png" }] },
        { role: "assistant", content: "Sunny in Paris." },
      ],
    });
    expect(req.system).toEqual([
      { type: "text", text: "Dev A" },
      { type: "text", text: "Dev B" },
      { type: "text", text: "Sys" },
    ]);
    expect(req.messages).toEqual([
      { role: "user", content: [{ type: "text", text: "Weather?", cacheControl: { type: "ephemeral" } }] },
      {
        role: "assistant",
        content: [
          { type: "reasoning", text: "Part 1\n\nPart 2" },
          { type: "text", text: "Checking." },
          { type: "tool-call", id: "call_1", name: "get_weather", arguments: '{"city":"Paris"}' },
          { type: "tool-call", id: "call_2", name: "multi_agent_v1__spawn_agent", arguments: "{}" },
        ],
      },
      {
        role: "tool",
        content: [
          { type: "tool-result", toolCallId: "call_1", name: "get_weather", content: [{ type: "text", text: "Sunny" }] },
          {
            type: "tool-result",
            toolCallId: "call_2",
            name: "multi_agent_v1__spawn_agent",
            content: [
              { type: "text", text: "ok" },
              { type: "image", source: { kind: "url", url: "https://x.test/a.png" } },
            ],
          },
        ],
      },
      { role: "assistant", content: [{ type: "text", text: "Sunny in Paris." }] },
    ]);
  });

  it("reads custom tool calls as one-string function calls, and unpacks Gemini signatures from call ids", () => {
    const patch = '*** Begin Patch\n+"quoted"\n*** End Patch';
    const req = decode({
      model: "m",
      input: [
        { role: "user", content: "Patch it" },
        { type: "custom_tool_call", call_id: packToolCallId("call_9", "c2lnbmF0dXJl"), name: "apply_patch", input: patch },
        { type: "custom_tool_call_output", call_id: packToolCallId("call_9", "c2lnbmF0dXJl"), output: "Done!" },
      ],
    });
    expect(req.messages[1]).toEqual({
      role: "assistant",
      content: [{ type: "tool-call", id: "call_9", name: "apply_patch", arguments: wrapCustomInput(patch), custom: true, thoughtSignature: "c2lnbmF0dXJl" }],
    });
    expect(JSON.parse((req.messages[1].content[0] as { arguments: string }).arguments)).toEqual({ input: patch });
    expect(req.messages[2]).toEqual({ role: "tool", content: [{ type: "tool-result", toolCallId: "call_9", name: "apply_patch", content: [{ type: "text", text: "Done!" }] }] });
  });

  it("converts images and files, and keeps OpenAI's encrypted reasoning tagged with its origin", () => {
    const req = decode({
      model: "m",
      input: [
        {
          role: "user",
          content: [
            { type: "input_image", image_url: "data:image/png;base64,iVBORw0KGgo=", detail: "low" },
            { type: "input_file", filename: "a.pdf", file_data: "data:application/pdf;base64,JVBERi0=" },
            { type: "input_file", file_url: "https://x.test/report.pdf" },
          ],
        },
        { type: "reasoning", summary: [{ type: "summary_text", text: "Thought" }], encrypted_content: "gAAAAABopaque==" },
      ],
    });
    expect(req.messages[0].content).toEqual([
      { type: "image", source: { kind: "base64", mediaType: "image/png", data: "iVBORw0KGgo=" }, detail: "low" },
      { type: "file", source: { kind: "base64", mediaType: "application/pdf", data: "JVBERi0=" }, mediaType: "application/pdf", filename: "a.pdf" },
      { type: "file", source: { kind: "url", url: "https://x.test/report.pdf" }, mediaType: "application/pdf" },
    ]);
    expect(req.messages[1].content).toEqual([{ type: "reasoning", text: "Thought", encrypted: { origin: "openai", data: "gAAAAABopaque==" } }]);
  });

  it("keeps items only OpenAI can use out of the canonical messages, and counts them", () => {
    const req = decode({
      model: "m",
      input: [
        { role: "user", content: "Search" },
        { type: "web_search_call", id: "ws_1", status: "completed", action: { type: "search", query: "x" } },
        { role: "assistant", content: "Found it." },
      ],
    });
    expect(req.messages.map((m) => m.role)).toEqual(["user", "assistant"]);
    expect(req.nativeFeatures).toBeUndefined();
  });

  it("marks a compaction or an item reference as something only OpenAI can honour", () => {
    const req = decode({
      model: "m",
      input: [
        { type: "compaction", id: "cmp_1", encrypted_content: "gAAAAB==" },
        { type: "item_reference", id: "msg_9" },
        { role: "user", content: "Go on" },
      ],
    });
    expect(req.messages).toEqual([{ role: "user", content: [{ type: "text", text: "Go on" }] }]);
    expect(req.nativeFeatures).toEqual([
      { format: "responses", name: "input item compaction", required: true },
      { format: "responses", name: "input item item_reference", required: true },
    ]);
  });
});

describe("responses decodeRequest: tools and settings", () => {
  it("maps function, custom and namespace tools, and lists built-in tools as native features", () => {
    const grammar = { type: "grammar", syntax: "lark", definition: "start: /.+/" } as const;
    const tools = [
      { type: "function", name: "exec_command", description: "Run", strict: false, parameters: { type: "object", properties: { cmd: { type: "string" } } } },
      { type: "custom", name: "apply_patch", description: "Patch files", format: grammar },
      {
        type: "namespace",
        name: "multi_agent_v1",
        description: "Sub-agents",
        tools: [{ type: "function", name: "spawn_agent", parameters: { type: "object", properties: {} } }, { type: "custom", name: "note" }],
      },
      { type: "web_search", external_web_access: false },
      { type: "image_generation" },
    ];
    const req = decode({ ...base, tools, tool_choice: { type: "custom", name: "apply_patch" }, parallel_tool_calls: false });
    expect(req.tools).toEqual([
      { name: "exec_command", description: "Run", strict: false, parameters: { type: "object", properties: { cmd: { type: "string" } } } },
      { name: "apply_patch", description: "Patch files", parameters: customToolParameters(grammar), custom: { format: grammar } },
      { name: "multi_agent_v1__spawn_agent", parameters: { type: "object", properties: {} }, namespace: { name: "multi_agent_v1", description: "Sub-agents" } },
      { name: "multi_agent_v1__note", parameters: customToolParameters(undefined), custom: {}, namespace: { name: "multi_agent_v1", description: "Sub-agents" } },
    ]);
    // The grammar reaches models without custom tools through the stand-in parameter's description.
    expect(JSON.stringify(req.tools?.[1].parameters)).toContain("start: /.+/");
    expect(req.toolChoice).toEqual({ type: "tool", name: "apply_patch" });
    expect(req.parallelToolCalls).toBe(false);
    expect(req.nativeFeatures).toEqual([
      { format: "responses", name: "tool web_search", required: false },
      { format: "responses", name: "tool image_generation", required: false },
    ]);
    const ext = readResponsesExtensions(req);
    expect(ext.tools).toEqual(tools);
    expect(ext.toolCount).toBe(4);
  });

  it("marks a built-in tool forced by tool_choice as required, and keeps that choice for OpenAI", () => {
    const req = decode({ ...base, tools: [{ type: "web_search_preview_2025_03_11" }], tool_choice: { type: "web_search_preview" } });
    expect(req.nativeFeatures).toEqual([{ format: "responses", name: "tool web_search_preview_2025_03_11", required: true }]);
    expect(req.toolChoice).toBeUndefined();
    expect(readResponsesExtensions(req).toolChoice).toEqual({ type: "web_search_preview" });
  });

  it("maps allowed_tools to its mode", () => {
    const req = decode({ ...base, tools: [{ type: "function", name: "f" }], tool_choice: { type: "allowed_tools", mode: "required", tools: [{ type: "function", name: "f" }] } });
    expect(req.toolChoice).toEqual({ type: "required" });
    expect(readResponsesExtensions(req).toolChoice).toMatchObject({ type: "allowed_tools" });
  });

  it("maps reasoning, text format, limits and sampling; keeps the rest for a Responses upstream", () => {
    const req = decode({
      ...base,
      stream: true,
      reasoning: { effort: "max", summary: "detailed" },
      text: { format: { type: "json_schema", name: "answer", schema: { type: "object" }, strict: true }, verbosity: "low" },
      max_output_tokens: 500,
      temperature: 0.2,
      top_p: 0.9,
      user: "u-1",
      metadata: { k: "v" },
      store: false,
      previous_response_id: "resp_prev",
      include: ["reasoning.encrypted_content"],
      prompt_cache_key: "session-1",
      safety_identifier: "sid",
      service_tier: "flex",
      truncation: "auto",
      client_metadata: { "x-codex-installation-id": "abc" },
    });
    expect(req).toMatchObject({
      stream: true,
      reasoning: { effort: "xhigh", exclude: false },
      responseFormat: { type: "json_schema", name: "answer", schema: { type: "object" }, strict: true },
      maxTokens: 500,
      temperature: 0.2,
      topP: 0.9,
      user: "u-1",
      routing: { sessionId: "session-1" },
    });
    expect(readResponsesExtensions(req)).toEqual({
      reasoning: { effort: "max", summary: "detailed" },
      verbosity: "low",
      include: ["reasoning.encrypted_content"],
      store: false,
      previousResponseId: "resp_prev",
      fields: {
        metadata: { k: "v" },
        safety_identifier: "sid",
        service_tier: "flex",
        truncation: "auto",
        prompt_cache_key: "session-1",
        client_metadata: { "x-codex-installation-id": "abc" },
      },
    });
  });

  it("reads OpenRouter's routing fields like the chat surface; session_id wins over prompt_cache_key", () => {
    const req = decode({ ...base, models: ["a/x", "b/y"], provider: { order: ["openai"], allow_fallbacks: false }, session_id: "s-1", prompt_cache_key: "k" });
    expect(req.routing).toEqual({ models: ["a/x", "b/y"], provider: { order: ["openai"], allow_fallbacks: false }, sessionId: "s-1" });
    expect(JSON.stringify(codec.encodeRequest(req, "gpt-5"))).not.toMatch(/"models"|"provider"|session_id/);
  });

  it("does not switch reasoning on for a summary alone; effort none stays explicit", () => {
    expect(decode({ ...base, reasoning: { summary: "auto" } }).reasoning).toEqual({ exclude: false });
    expect(decode({ ...base, reasoning: { effort: "none" } }).reasoning).toEqual({ effort: "none" });
    expect(decode({ ...base, reasoning: {} }).reasoning).toBeUndefined();
  });
});

describe("responses decodeRequest: bad input is a 400 naming the field", () => {
  it.each([
    [{ ...base, foo: 1 }, /Unrecognized request argument supplied: foo/],
    [{ input: "x" }, /^model: /],
    [{ ...base, input: 5 }, /^input: expected string or array of input items/],
    [{ ...base, input: [{ role: "robot", content: "x" }] }, /^input\[0\]\.role: expected role user, assistant, system or developer/],
    [{ ...base, input: [{ role: "user", content: [{ type: "image_url", url: "x" }] }] }, /^input\[0\]\.content\[0\]\.type: expected a content part of type input_text, input_image, input_file/],
    [{ ...base, input: [{ type: "function_call", call_id: "c", name: "f" }] }, /^input\[0\]\.arguments: /],
    [{ ...base, input: [{ type: "bogus_item" }] }, /^input\[0\]\.type: expected a message \(\{role, content\}\) or an input item with a known type/],
    [{ ...base, input: [{ content: "no role" }] }, /^input\[0\]\.type: expected a message/],
    [{ ...base, input: [{ role: "user", content: [{ type: "input_image", file_id: "file-1" }] }] }, /input\[0\]\.content\[0\]\.file_id: uploaded file ids are not supported/],
    [{ ...base, input: [{ role: "user", content: [{ type: "input_image", image_url: "data:image/png;base64,%%%" }] }] }, /not valid base64/],
    [{ ...base, input: [{ role: "user", content: [{ type: "input_file", file_url: "ftp://x" }] }] }, /file_url: expected an http\(s\) URL/],
    [{ ...base, input: [{ type: "reasoning", summary: [], encrypted_content: "arouter:v1:!!!" }] }, /input\[0\]\.encrypted_content: not a reasoning payload this gateway issued/],
    [{ ...base, tools: [{ type: "function" }] }, /^tools\[0\]\.name: /],
    [{ ...base, tools: [{ type: "namespace", name: "n", tools: [{ type: "web_search" }] }] }, /^tools\[0\]\.tools\[0\]/],
    [{ ...base, tools: [{ type: "custom", name: "c", format: { type: "grammar", syntax: "ebnf", definition: "x" } }] }, /^tools\[0\]\.format\.syntax: /],
    [{ ...base, tool_choice: 7 }, /^tool_choice: /],
    [{ ...base, reasoning: { effort: "extreme" } }, /^reasoning\.effort: /],
    [{ ...base, max_output_tokens: -1 }, /^max_output_tokens: /],
    [{ ...base, text: { format: { type: "xml" } } }, /^text\.format\.type: expected type text, json_object or json_schema/],
    [{ ...base, background: true }, /^background: background responses are not supported/],
    [{ ...base, conversation: "conv_1" }, /^conversation: conversations are not supported/],
    [{ model: "m", input: [] }, /^input: must contain at least one message or item/],
    ["not json", /must be a JSON object/],
  ])("%j", (body, message) => {
    expect(badRequest(body)).toMatch(message);
  });

  it("accepts an empty input when it continues a previous response", () => {
    expect(decode({ model: "m", previous_response_id: "resp_1" }).messages).toEqual([]);
  });
});
