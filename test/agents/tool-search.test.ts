/**
 * Anthropic's server-side tool search (tool_search_tool_regex / _bm25 with deferred tools) for
 * models that have none: the gateway offers the search as a function, answers the model's call
 * with the blocks Anthropic would send (server_tool_use + tool_search_tool_result, pause_turn),
 * and on the turn sent back offers the tools found. The catalog is Claude Code's own recorded
 * tools, all deferred.
 */
import { expect, it } from "vitest";
import { CODECS } from "../../src/codecs";
import { anthropicStreamChunkSchema } from "../../src/codecs/anthropic";
import { findToolSearch, runToolSearch } from "../../src/codecs/anthropic/gateway-tool-search";
import { describeWithSharedFixtures, type FakeStep } from "../helpers/fake-upstream";
import { readSse } from "../helpers/gateway";
import { agentRig, offeredTools, recorded, type AgentRequest } from "./helpers";

const CC = "claude-code-2.1.332.messages.openai-gpt-4o.first-turn";

/** Claude Code's tools, every one deferred behind a server-side search (but Read, kept loaded). */
function catalogRequest(rec: AgentRequest, variant: "regex" | "bm25", model: string, stream: boolean): Record<string, any> {
  const tools = rec.body.tools
    .filter((t: { name: string }) => t.name !== "DeferredToolPlaceholder" && t.name !== "ToolSearch")
    .map((t: { name: string }) => (t.name === "Read" ? t : { ...t, defer_loading: true }));
  return {
    model,
    max_tokens: 4096,
    stream,
    system: "You are a coding agent.",
    tools: [{ type: `tool_search_tool_${variant}_20251119`, name: `tool_search_tool_${variant}` }, ...tools],
    messages: [{ role: "user", content: "Run `ls` in a shell." }],
  };
}

const openaiCall = (name: string, args: object): FakeStep => {
  const head = (delta: object, finish: string | null = null) =>
    `data: ${JSON.stringify({ id: "chatcmpl-s", object: "chat.completion.chunk", created: 1, model: "gpt-4o", choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
  return {
    chunks: [
      head({ role: "assistant", content: null, tool_calls: [{ index: 0, id: "call_search1", type: "function", function: { name, arguments: "" } }] }),
      head({ tool_calls: [{ index: 0, function: { arguments: JSON.stringify(args).slice(0, 5) } }] }),
      head({ tool_calls: [{ index: 0, function: { arguments: JSON.stringify(args).slice(5) } }] }),
      head({}, "tool_calls"),
      `data: ${JSON.stringify({ id: "chatcmpl-s", object: "chat.completion.chunk", created: 1, model: "gpt-4o", choices: [], usage: { prompt_tokens: 100, completion_tokens: 9, total_tokens: 109 } })}\n\n`,
      "data: [DONE]\n\n",
    ],
  };
};

const geminiCall = (name: string, args: object, thoughtSignature: string): FakeStep => ({
  chunks: [
    `data: ${JSON.stringify({
      candidates: [{ content: { role: "model", parts: [{ functionCall: { name, args }, thoughtSignature }] }, finishReason: "STOP", index: 0 }],
      usageMetadata: { promptTokenCount: 100, candidatesTokenCount: 9, totalTokenCount: 109 },
      modelVersion: "gemini-2.5-flash",
    })}\r\n\r\n`,
  ],
});

describeWithSharedFixtures("the gateway runs Anthropic's tool search for other models", () => {
  it("searches Claude Code's tools by regex (case-insensitive, Python's (?i) accepted) and by BM25 keywords", async () => {
    const rec = await recorded(CC);
    const regex = findToolSearch(catalogRequest(rec, "regex", "m", false).tools)!;
    expect(regex.tools.map((t) => t.name)).not.toContain("Read"); // only deferred tools are searched
    const names = (content: Record<string, any>) => content.tool_references.map((r: { tool_name: string }) => r.tool_name);
    expect(names(runToolSearch(regex, { pattern: "^bash$" }))).toEqual(["Bash"]);
    expect(names(runToolSearch(regex, { pattern: "(?i)WRITE" }))).toContain("Write");
    // Parameter names are searched too: Edit's `old_string`.
    expect(names(runToolSearch(regex, { pattern: "old_string" }))).toEqual(["Edit"]);
    expect(names(runToolSearch(regex, { pattern: "e", limit: 2 }))).toHaveLength(2);
    expect(runToolSearch(regex, { pattern: "(" })).toMatchObject({ type: "tool_search_tool_result_error", error_code: "invalid_tool_input" });
    expect(runToolSearch(regex, { pattern: "a".repeat(201) })).toMatchObject({ type: "tool_search_tool_result_error" });
    expect(runToolSearch(regex, {})).toMatchObject({ type: "tool_search_tool_result_error" });

    const bm25 = findToolSearch(catalogRequest(rec, "bm25", "m", false).tools)!;
    expect(names(runToolSearch(bm25, { query: "run a shell command" }))[0]).toBe("Bash");
    expect(names(runToolSearch(bm25, { query: "replace a string in a file" }))[0]).toBe("Edit");
    expect(names(runToolSearch(bm25, { query: "zzzz qqqq" }))).toEqual([]);
  });

  it("OpenAI: the model sees only the search and the loaded tools; its search call comes back as Anthropic's blocks, paused; the next turn offers what it found", async () => {
    const rig = await agentRig("tool-search-openai");
    const rec = await recorded(CC);
    const body = catalogRequest(rec, "regex", "openai/gpt-4o", true);
    await rig.up.script(openaiCall("tool_search_tool_regex", { pattern: "bash|shell" }));
    const res = await rig.send(rec, body);
    expect(res.status).toBe(200);
    const sent = (await rig.sent()).body;
    expect(offeredTools("openai", sent)).toEqual(["Read", "tool_search_tool_regex"]);
    const searchFn = sent.tools.find((t: any) => t.function.name === "tool_search_tool_regex").function;
    expect(searchFn.description).toMatch(/^9 more tools are available/);

    const { events } = await readSse(res);
    const data = events.map((e) => JSON.parse(e.data));
    for (const d of data) expect(anthropicStreamChunkSchema.safeParse(d).success, JSON.stringify(d)).toBe(true);
    const starts = data.filter((d) => d.type === "content_block_start").map((d) => d.content_block);
    expect(starts.map((b) => b.type)).toEqual(["server_tool_use", "tool_search_tool_result"]);
    const input = JSON.parse(data.filter((d) => d.type === "content_block_delta").map((d) => d.delta.partial_json).join(""));
    expect(input).toEqual({ pattern: "bash|shell" });
    expect(starts[0]).toMatchObject({ name: "tool_search_tool_regex", id: expect.stringMatching(/^srvtoolu_call_search1$/) });
    expect(starts[1]).toEqual({
      type: "tool_search_tool_result",
      tool_use_id: starts[0].id,
      content: { type: "tool_search_tool_search_result", tool_references: [{ type: "tool_reference", tool_name: "Bash" }] },
    });
    expect(data.find((d) => d.type === "message_delta").delta.stop_reason).toBe("pause_turn");

    // pause_turn: the client sends the turn back as it got it; the model goes on with Bash loaded.
    const turn = { role: "assistant", content: [{ ...starts[0], input }, starts[1]] };
    const again = await rig.send(rec, { ...body, messages: [...body.messages, turn] });
    expect(again.status).toBe(200);
    await again.text();
    const next = (await rig.sent()).body;
    expect(offeredTools("openai", next)).toEqual(["Bash", "Read", "tool_search_tool_regex"]); // in the catalog's order
    const [assistant, toolMsg] = next.messages.slice(-2);
    expect(assistant.tool_calls).toEqual([{ id: "srvtoolu_call_search1", type: "function", function: { name: "tool_search_tool_regex", arguments: '{"pattern":"bash|shell"}' } }]);
    expect(toolMsg).toMatchObject({ role: "tool", tool_call_id: "srvtoolu_call_search1" });
    expect(toolMsg.content).toContain('<function>{"description":');
    expect(toolMsg.content).toContain('"name":"Bash"');
  });

  it("Gemini, not streamed: the thought signature of the search call survives the round trip through the server_tool_use id", async () => {
    const rig = await agentRig("tool-search-gemini");
    const rec = await recorded(CC);
    const body = catalogRequest(rec, "bm25", "google/gemini-2.5-flash", false);
    const sig = "CiQBsearchSignatureZmFrZQ==";
    const step = geminiCall("tool_search_tool_bm25", { query: "edit files" }, sig);
    await rig.up.script({ body: JSON.parse(step.chunks![0].slice(6)) });
    const res = await rig.send(rec, body);
    expect(res.status).toBe(200);
    const answer = (await res.json()) as any;
    expect(answer.stop_reason).toBe("pause_turn");
    expect(answer.content.map((b: { type: string }) => b.type)).toEqual(["server_tool_use", "tool_search_tool_result"]);
    const found = answer.content[1].content.tool_references.map((r: { tool_name: string }) => r.tool_name);
    expect(found).toContain("Edit");

    await rig.send(rec, { ...body, messages: [...body.messages, { role: "assistant", content: answer.content }] }).then((r) => r.text());
    const next = (await rig.sent()).body;
    const catalog = body.tools.slice(1).map((t: { name: string }) => t.name);
    expect(offeredTools("gemini", next)).toEqual([...catalog.filter((n: string) => n === "Read" || found.includes(n)), "tool_search_tool_bm25"]);
    const call = next.contents.find((c: any) => c.role === "model").parts[0];
    expect(call).toMatchObject({ functionCall: { name: "tool_search_tool_bm25", args: { query: "edit files" } }, thoughtSignature: sig });
  });

  it("Anthropic: the request goes through untouched (Anthropic runs its own search)", async () => {
    const rig = await agentRig("tool-search-anthropic");
    const rec = await recorded(CC);
    const body = catalogRequest(rec, "regex", "anthropic/claude-sonnet-4.6", false);
    const res = await rig.send(rec, body);
    expect(res.status).toBe(200);
    expect((await rig.sent()).body.tools).toEqual(body.tools);
  });

  it("costs the model a fraction of the catalog: what OpenAI receives with the search vs. every deferred tool as an ordinary tool", async () => {
    const rec = await recorded(CC);
    const body = catalogRequest(rec, "regex", "openai/gpt-4o", false);
    const withSearch = JSON.stringify(CODECS.openai.encodeRequest(CODECS.anthropic.decodeRequest(body), "gpt-4o").tools).length;
    const undeferred = { ...body, tools: body.tools.slice(1).map(({ defer_loading: _d, ...t }: Record<string, unknown>) => t) };
    const everything = JSON.stringify(CODECS.openai.encodeRequest(CODECS.anthropic.decodeRequest(undeferred), "gpt-4o").tools).length;
    // Read (~2 KB) plus the search function, against all ten of Claude Code's tools (~40 KB).
    expect(withSearch).toBeLessThan(everything / 8);
  });
});
