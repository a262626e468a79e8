import { describe, expect, it } from "vitest";
import { customToolParameters, wrapCustomInput } from "../../../src/canonical/tools";
import { packToolCallId } from "../../../src/canonical/tool-call-id";
import type { CanonicalRequest } from "../../../src/canonical/types";
import { CODECS } from "../../../src/codecs";
import { codec } from "./helpers";

const grammar = { type: "grammar", syntax: "lark", definition: "start: begin_patch" } as const;

/** A Codex-like turn: tools of every kind, a custom call and its output, reasoning from two families. */
const codexTurn = () =>
  codec.decodeRequest({
    model: "m",
    instructions: "You are Codex.",
    input: [
      { type: "message", role: "developer", content: [{ type: "input_text", text: "Sandbox rules." }] },
      { type: "message", role: "user", content: [{ type: "input_text", text: "Add a file" }] },
      { type: "reasoning", summary: [{ type: "summary_text", text: "OpenAI thought" }], encrypted_content: "gAAAAABopenai==" },
      { type: "custom_tool_call", call_id: "call_p", name: "apply_patch", input: '*** Begin Patch\n+"x"\n*** End Patch' },
      { type: "custom_tool_call_output", call_id: "call_p", output: "Success." },
      { type: "function_call", call_id: packToolCallId("call_s", "c2ln"), name: "spawn_agent", namespace: "multi_agent_v1", arguments: '{"task":"t"}' },
      { type: "function_call_output", call_id: packToolCallId("call_s", "c2ln"), output: "spawned" },
      { role: "assistant", content: "Done." },
    ],
    tools: [
      { type: "function", name: "exec_command", parameters: { type: "object", properties: { cmd: { type: "string" } } } },
      { type: "custom", name: "apply_patch", description: "Edit files", format: grammar },
      { type: "namespace", name: "multi_agent_v1", description: "Agents", tools: [{ type: "function", name: "spawn_agent", parameters: { type: "object", properties: { task: { type: "string" } } } }] },
      { type: "web_search", external_web_access: false },
    ],
    tool_choice: "auto",
    reasoning: { effort: "high", summary: "auto" },
    include: ["reasoning.encrypted_content"],
    store: false,
    stream: true,
    prompt_cache_key: "thread-1",
    client_metadata: { a: "b" },
  });

describe("responses encodeRequest (OpenAI's /v1/responses as the upstream)", () => {
  it("sends the caller's own tools, state off, encrypted reasoning on, no item ids", () => {
    const req = codexTurn();
    const body = codec.encodeRequest(req, "gpt-5.1-codex");
    expect(body).toMatchObject({
      model: "gpt-5.1-codex",
      instructions: "You are Codex.\n\nSandbox rules.",
      store: false,
      include: ["reasoning.encrypted_content"],
      stream: true,
      tool_choice: "auto",
      reasoning: { effort: "high", summary: "auto" },
      prompt_cache_key: "thread-1",
      client_metadata: { a: "b" },
    });
    expect(body.tools).toEqual(req.extensions?.responses?.tools);
    expect(body.input).toEqual([
      { type: "message", role: "user", content: [{ type: "input_text", text: "Add a file" }] },
      { type: "reasoning", summary: [{ type: "summary_text", text: "OpenAI thought" }], encrypted_content: "gAAAAABopenai==" },
      { type: "custom_tool_call", call_id: "call_p", name: "apply_patch", input: '*** Begin Patch\n+"x"\n*** End Patch' },
      { type: "custom_tool_call_output", call_id: "call_p", output: "Success." },
      { type: "function_call", call_id: "call_s", name: "spawn_agent", arguments: '{"task":"t"}', namespace: "multi_agent_v1" },
      { type: "function_call_output", call_id: "call_s", output: "spawned" },
      { type: "message", role: "assistant", content: [{ type: "output_text", text: "Done." }] },
    ]);
    expect(JSON.stringify(body)).not.toContain("previous_response_id");
  });

  it("builds tools from canonical ones (namespaces regrouped, strict said explicitly) when they changed", () => {
    const req = codexTurn();
    const extra = { name: "added_by_gateway", parameters: { type: "object" } };
    const changed: CanonicalRequest = { ...req, tools: [...req.tools!, extra], toolChoice: { type: "tool", name: "multi_agent_v1__spawn_agent" } };
    const body = codec.encodeRequest(changed, "gpt-5.1-codex");
    expect(body.tools).toEqual([
      { type: "function", name: "exec_command", parameters: { type: "object", properties: { cmd: { type: "string" } } }, strict: false },
      { type: "custom", name: "apply_patch", description: "Edit files", format: grammar },
      {
        type: "namespace",
        name: "multi_agent_v1",
        description: "Agents",
        tools: [{ type: "function", name: "spawn_agent", parameters: { type: "object", properties: { task: { type: "string" } } }, strict: false }],
      },
      { type: "function", name: "added_by_gateway", parameters: { type: "object" }, strict: false },
    ]);
    expect(body.tool_choice).toEqual({ type: "function", name: "spawn_agent", namespace: "multi_agent_v1" });
  });

  it("maps a chat caller's request: effort with summaries, json_schema, a 16-token floor, dropped extras", () => {
    const chat = CODECS.openai.decodeRequest({
      model: "openai/gpt-5-pro",
      messages: [
        { role: "system", content: "S" },
        { role: "user", content: [{ type: "text", text: "Look" }, { type: "image_url", image_url: { url: "https://x.test/a.png", detail: "high" } }] },
        { role: "assistant", content: null, tool_calls: [{ id: "call_1", type: "function", function: { name: "f", arguments: "{}" } }] },
        { role: "tool", tool_call_id: "call_1", content: "42" },
      ],
      tools: [{ type: "function", function: { name: "f", parameters: { type: "object", properties: {} }, strict: true } }],
      tool_choice: { type: "function", function: { name: "f" } },
      reasoning_effort: "low",
      response_format: { type: "json_schema", json_schema: { name: "out", schema: { type: "object" }, strict: true } },
      max_completion_tokens: 5,
      seed: 7,
      stop: ["x"],
    });
    const body = codec.encodeRequest(chat, "gpt-5-pro");
    expect(body).toEqual({
      model: "gpt-5-pro",
      instructions: "S",
      input: [
        { type: "message", role: "user", content: [{ type: "input_text", text: "Look" }, { type: "input_image", image_url: "https://x.test/a.png", detail: "high" }] },
        { type: "function_call", call_id: "call_1", name: "f", arguments: "{}" },
        { type: "function_call_output", call_id: "call_1", output: "42" },
      ],
      tools: [{ type: "function", name: "f", parameters: { type: "object", properties: {} }, strict: true }],
      tool_choice: { type: "function", name: "f" },
      text: { format: { type: "json_schema", name: "out", schema: { type: "object" }, strict: true } },
      reasoning: { effort: "low", summary: "auto" },
      max_output_tokens: 16,
      store: false,
      include: ["reasoning.encrypted_content"],
    });
  });

  it("sends only OpenAI's own reasoning payloads; Anthropic signatures and Gemini payloads stay out", () => {
    const req: CanonicalRequest = {
      model: "m",
      stream: false,
      messages: [
        { role: "user", content: [{ type: "text", text: "q" }] },
        {
          role: "assistant",
          content: [
            { type: "reasoning", text: "claude thinking", signature: "sig" },
            { type: "reasoning", text: "", redactedData: "redacted" },
            { type: "reasoning", text: "gemini", encrypted: { origin: "gemini", data: "ts" } },
            { type: "reasoning", text: "gpt", encrypted: { origin: "openai", data: "gAAAA1" } },
            { type: "text", text: "a" },
          ],
        },
      ],
    };
    const input = codec.encodeRequest(req, "gpt-5").input as unknown[];
    expect(input).toEqual([
      { type: "message", role: "user", content: [{ type: "input_text", text: "q" }] },
      { type: "reasoning", summary: [{ type: "summary_text", text: "gpt" }], encrypted_content: "gAAAA1" },
      { type: "message", role: "assistant", content: [{ type: "output_text", text: "a" }] },
    ]);
  });
});

describe("a Responses request encoded for every other upstream format", () => {
  it("custom tools become one-string functions and namespaced tools qualified functions, everywhere", () => {
    const req = codexTurn();
    const anthropic = CODECS.anthropic.encodeRequest(req, "claude-sonnet-4-6");
    expect(anthropic.tools).toEqual([
      { name: "exec_command", input_schema: { type: "object", properties: { cmd: { type: "string" } } } },
      { name: "apply_patch", description: "Edit files", input_schema: customToolParameters(grammar) },
      { name: "multi_agent_v1__spawn_agent", input_schema: { type: "object", properties: { task: { type: "string" } } } },
    ]);
    const messages = anthropic.messages as Array<{ role: string; content: Array<Record<string, unknown>> }>;
    const toolUses = messages.flatMap((m) => m.content.filter((b) => b.type === "tool_use"));
    expect(toolUses).toEqual([
      { type: "tool_use", id: "call_p", name: "apply_patch", input: { input: '*** Begin Patch\n+"x"\n*** End Patch' } },
      { type: "tool_use", id: "call_s", name: "multi_agent_v1__spawn_agent", input: { task: "t" } },
    ]);

    const chat = CODECS.openai.encodeRequest(req, "gpt-4o");
    expect((chat.tools as Array<{ function: { name: string } }>).map((t) => t.function.name)).toEqual(["exec_command", "apply_patch", "multi_agent_v1__spawn_agent"]);
    const calls = (chat.messages as Array<Record<string, unknown>>).flatMap((m) => (m.tool_calls as unknown[] | undefined) ?? []);
    expect(calls).toEqual([
      { id: "call_p", type: "function", function: { name: "apply_patch", arguments: wrapCustomInput('*** Begin Patch\n+"x"\n*** End Patch') } },
      { id: "call_s", type: "function", function: { name: "multi_agent_v1__spawn_agent", arguments: '{"task":"t"}' } },
    ]);

    const gemini = CODECS.gemini.encodeRequest(req, "gemini-3-pro-preview");
    const decls = (gemini.tools as Array<{ functionDeclarations?: Array<{ name: string; parametersJsonSchema: unknown }> }>)[0].functionDeclarations!;
    expect(decls.map((d) => d.name)).toEqual(["exec_command", "apply_patch", "multi_agent_v1__spawn_agent"]);
    expect(decls[1].parametersJsonSchema).toEqual(customToolParameters(grammar));
    const parts = (gemini.contents as Array<{ parts: Array<Record<string, any>> }>).flatMap((c) => c.parts);
    expect(parts.filter((p) => p.functionCall).map((p) => [p.functionCall.name, p.functionCall.args, p.thoughtSignature])).toEqual([
      ["apply_patch", { input: '*** Begin Patch\n+"x"\n*** End Patch' }, "skip_thought_signature_validator"],
      ["multi_agent_v1__spawn_agent", { task: "t" }, "c2ln"],
    ]);
  });

  it("OpenAI's encrypted reasoning reaches no other family; built-in tools and Responses extras stay home", () => {
    const req = codexTurn();
    for (const name of ["anthropic", "openai", "gemini"] as const) {
      const text = JSON.stringify(CODECS[name].encodeRequest(req, "some-model"));
      expect(text, name).not.toContain("gAAAABopenai==");
      expect(text, name).not.toContain("web_search");
      expect(text, name).not.toContain("client_metadata");
      expect(text, name).not.toContain("encrypted_content");
    }
  });
});

describe("responses passthroughRequest (Responses → OpenAI)", () => {
  it("keeps the body, forces store:false, drops previous_response_id, cleans the input", () => {
    const raw = {
      model: "openai/gpt-5.1-codex",
      store: true,
      previous_response_id: "gen-1",
      stream: true,
      stream_options: { include_obfuscation: false },
      include: ["web_search_call.results"],
      tools: [{ type: "web_search" }],
      input: [
        { role: "user", content: "hi" },
        { type: "reasoning", id: "rs_1", summary: [], encrypted_content: "gAAAAB1" },
        { type: "reasoning", id: "rs_2", summary: [{ type: "summary_text", text: "from claude" }], encrypted_content: "arouter:v1:eyJvIjoiYW50aHJvcGljIn0" },
        { type: "reasoning", id: "rs_3", summary: [] },
        { type: "function_call", call_id: packToolCallId("call_1", "c2ln"), name: "f", arguments: "{}" },
        { type: "function_call_output", call_id: "call_1", output: "ok" },
        { type: "web_search_call", id: "ws_1", status: "completed" },
      ],
    };
    const body = codec.passthroughRequest!(raw, "gpt-5.1-codex", false);
    expect(body).toEqual({
      model: "gpt-5.1-codex",
      store: false,
      include: ["web_search_call.results"],
      tools: [{ type: "web_search" }],
      input: [raw.input[0], raw.input[1], { type: "function_call", call_id: "call_1", name: "f", arguments: "{}" }, raw.input[5], raw.input[6]],
    });
    // Items that need no change are passed as they are, not copied.
    expect((body.input as unknown[])[3]).toBe(raw.input[5]);
  });

  it("leaves include alone (a stored request is never passed through)", () => {
    const body = codec.passthroughRequest!({ model: "m", input: "x", store: false, include: [] }, "gpt-5", true);
    expect(body).toEqual({ model: "gpt-5", input: "x", store: false, include: [], stream: true });
  });
});
