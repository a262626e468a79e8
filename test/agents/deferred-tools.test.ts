/**
 * Which of Claude Code's tools another model is offered, decided from the request alone (the
 * Anthropic codec, convert-deferred-tools.ts): deferred tools once loaded — by a tool_reference
 * (what Claude Code sends for Claude models), by its own `<functions>` text (what it sends for
 * other models), by a mid-conversation tool_addition — and never the placeholder. And where a
 * role:"system" message goes for a Claude model that has no such role.
 */
import { expect, it } from "vitest";
import { CODECS } from "../../src/codecs";
import { acceptsMidConversationSystem } from "../../src/codecs/anthropic/anthropic-models";
import { describeWithSharedFixtures } from "../helpers/fake-upstream";
import { recorded, type AgentRequest } from "./helpers";

const decode = (body: Record<string, unknown>) => CODECS.anthropic.decodeRequest(body);
const names = (body: Record<string, unknown>) => (decode(body).tools ?? []).map((t) => t.name);

/** A tool Claude Code defers (its schema is fetched by ToolSearch), as it sends one once fetched. */
const WEB_FETCH = {
  name: "WebFetch",
  description: "Fetches a URL and returns its content.",
  input_schema: { type: "object", properties: { url: { type: "string", description: "The URL" } }, required: ["url"] },
  defer_loading: true,
};

/** The recorded first turn, then a ToolSearch call for WebFetch answered with `result`. */
function afterToolSearch(rec: AgentRequest, result: unknown): Record<string, unknown> {
  return {
    ...rec.body,
    tools: [...rec.body.tools, WEB_FETCH],
    messages: [
      ...rec.body.messages,
      { role: "assistant", content: [{ type: "tool_use", id: "toolu_search", name: "ToolSearch", input: { query: "select:WebFetch" } }] },
      { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_search", content: result }] },
    ],
  };
}

describeWithSharedFixtures("deferred tools and system messages in Claude Code's requests", () => {
  it("the recorded turns: every tool but the never-loaded placeholder; Anthropic keeps Claude Code's own tool list", async () => {
    for (const name of ["claude-code-2.1.332.messages.openai-gpt-4o.first-turn", "claude-code-2.1.332.messages.gemini-2.5-flash.deferred-tool-placeholder-turn"]) {
      const rec = await recorded(name);
      const req = decode(rec.body);
      expect(req.tools!.map((t) => t.name)).toEqual(rec.body.tools.map((t: { name: string }) => t.name).filter((n: string) => n !== "DeferredToolPlaceholder"));
      expect(req.extensions?.anthropic?.tools).toEqual(rec.body.tools);
      expect(CODECS.anthropic.encodeRequest(req, "claude-sonnet-4-6").tools).toEqual(rec.body.tools);
    }
  });

  it("a tool_reference loads the tool and reaches the model as its definition (Claude Code's <functions> form)", async () => {
    const rec = await recorded("claude-code-2.1.332.messages.claude-sonnet-4.first-turn");
    expect(names({ ...rec.body, tools: [...rec.body.tools, WEB_FETCH] })).not.toContain("WebFetch");
    const body = afterToolSearch(rec, [{ type: "tool_reference", tool_name: "WebFetch" }]);
    expect(names(body)).toContain("WebFetch");
    expect(names(body)).not.toContain("DeferredToolPlaceholder");
    const req = decode(body);
    const result = req.messages.at(-1)!;
    expect(result).toEqual({
      role: "tool",
      content: [
        {
          type: "tool-result",
          toolCallId: "toolu_search",
          name: "ToolSearch",
          content: [{ type: "text", text: `<functions>\n<function>${JSON.stringify({ description: WEB_FETCH.description, name: "WebFetch", parameters: WEB_FETCH.input_schema })}</function>\n</functions>` }],
        },
      ],
    });
    // Anthropic still receives the tool_reference itself.
    expect(JSON.stringify(CODECS.anthropic.encodeRequest(req, "claude-sonnet-4-6").messages)).toContain('"type":"tool_reference"');
  });

  it("Claude Code's own text rendering of the reference (what it sends for models it does not know) loads the tool too", async () => {
    const rec = await recorded("claude-code-2.1.332.messages.openai-gpt-4o.first-turn");
    const line = JSON.stringify({ description: WEB_FETCH.description, name: "WebFetch", parameters: WEB_FETCH.input_schema });
    expect(names(afterToolSearch(rec, `<functions>\n<function>${line}</function>\n</functions>`))).toContain("WebFetch");
    expect(names(afterToolSearch(rec, [{ type: "text", text: `<functions>\n<function>${line}</function>\n</functions>` }]))).toContain("WebFetch");
    // Anything else in a tool result loads nothing.
    expect(names(afterToolSearch(rec, "<function>not json</function> WebFetch"))).not.toContain("WebFetch");
  });

  it("mid-conversation tool changes: added by name (loads a deferred tool), added by value, removed", async () => {
    const rec = await recorded("claude-code-2.1.332.messages.openai-gpt-4o.first-turn");
    const change = (content: unknown[]) => ({
      ...rec.body,
      tools: [...rec.body.tools, WEB_FETCH],
      messages: [...rec.body.messages, { role: "user", content: "go on" }, { role: "system", content }],
    });
    const added = change([
      { type: "text", text: "Tools changed." },
      { type: "tool_addition", tool: { type: "tool_reference", name: "WebFetch" } },
      { type: "tool_addition", tool: { type: "tool_definition", definition: { name: "mcp__docs__search", description: "Search the docs", input_schema: { type: "object", properties: {} } } } },
      { type: "tool_removal", tool: { type: "tool_reference", name: "Workflow" } },
    ]);
    const tools = names(added);
    expect(tools).toEqual(expect.arrayContaining(["WebFetch", "mcp__docs__search", "Bash"]));
    expect(tools).not.toContain("Workflow");
    expect(tools).not.toContain("DeferredToolPlaceholder");
    const req = decode(added);
    // The system message's text ends the user turn before it.
    expect(req.messages.at(-1)).toEqual({ role: "user", content: [{ type: "text", text: "go on" }, { type: "text", text: "<system-reminder>\nTools changed.\n</system-reminder>" }] });
    // An Anthropic upstream gets the tools and the tool changes exactly as sent.
    const up = CODECS.anthropic.encodeRequest(req, "claude-opus-4-8");
    expect(up.tools).toEqual(added.tools);
    expect(up.messages).toEqual(added.messages);
  });

  it("a system message shown only until the next user message is dropped once there is one", async () => {
    const rec = await recorded("claude-code-2.1.332.messages.openai-gpt-4o.first-turn");
    const body = {
      ...rec.body,
      messages: [
        { role: "user", content: "first" },
        { role: "system", content: "only for the first question", clear_at: "next_user_message" },
        { role: "assistant", content: "ok" },
        { role: "user", content: "second" },
      ],
    };
    expect(JSON.stringify(decode(body).messages)).not.toContain("only for the first question");
    expect(JSON.stringify(decode({ ...body, messages: body.messages.slice(0, 2) }).messages)).toContain("only for the first question");
  });

  it("Claude models before Opus 4.8 (and Sonnet 5) get the system message as a reminder, in place; later ones get it as sent", async () => {
    expect(["claude-sonnet-4-20250514", "claude-sonnet-4-6", "claude-opus-4-7", "claude-sonnet-4-5@20250929", "claude-3-7-sonnet-latest", "claude-sonnet-5"].map(acceptsMidConversationSystem)).toEqual([false, false, false, false, false, false]);
    expect(["claude-opus-4-8", "claude-opus-5", "claude-sonnet-5-5", "claude-haiku-5-5", "claude-fable-5-1", "claude-future-9"].map(acceptsMidConversationSystem)).toEqual([true, true, true, true, true, true]);

    const rec = await recorded("claude-code-2.1.332.messages.gemini-2.5-flash.deferred-tool-placeholder-turn");
    const older = CODECS.anthropic.passthroughRequest!(rec.body, "claude-sonnet-4-6", true);
    const roles = (older.messages as Array<{ role: string }>).map((m) => m.role);
    expect(roles).toEqual(["user", "assistant", "user"]); // the system message joined the user turn before it
    const firstTurn = (older.messages as Array<{ content: Array<{ text?: string }> }>)[0].content;
    expect(firstTurn.at(-1)!.text).toMatch(/^<system-reminder>\n# Environment[\s\S]*\n<\/system-reminder>$/);
    expect(older.tools).toEqual(rec.body.tools);
    const newer = CODECS.anthropic.passthroughRequest!(rec.body, "claude-opus-4-8", true);
    expect(newer.messages).toEqual(rec.body.messages);
  });
});
