/**
 * Every request Claude Code 2.1.332 was recorded sending (../shared/fixtures/agents/claude-code-*:
 * `/v1/messages?beta=true`, many anthropic-beta values, thinking enabled and adaptive,
 * context_management, output_config, a role:"system" message inside messages, cache_control,
 * deferred tools with the DeferredToolPlaceholder) replayed through the gateway to every kind of
 * provider, streamed as recorded. The answer must be a well-formed Anthropic stream (the matrix
 * reader checks the event grammar and each event's schema), and the next turn built from it (a
 * text turn, and a tool call answered with a tool_result) must work too.
 */
import { expect, it } from "vitest";
import { describeWithSharedFixtures } from "../helpers/fake-upstream";
import { readReply, type Reply } from "../helpers/surface-reply";
import { ANTHROPIC_SSE, agentRig, offeredTools, PROVIDERS, recorded, upstreamText, type AgentRequest, type Provider } from "./helpers";

const FIXTURES = [
  "claude-code-2.1.332.messages.claude-sonnet-4.first-turn",
  "claude-code-2.1.332.messages.claude-sonnet-4.tool-result-turn",
  "claude-code-2.1.332.messages.openai-gpt-4o.first-turn",
  "claude-code-2.1.332.messages.openai-gpt-4o.mcp-tool-result-turn",
  "claude-code-2.1.332.messages.gemini-2.5-flash.deferred-tool-placeholder-turn",
];
const PLACEHOLDER = "DeferredToolPlaceholder";

/** The assistant turn a client stores from a reply (thinking with its signature, text, tool calls). */
function assistantTurn(reply: Reply): Record<string, unknown> {
  const content: Record<string, unknown>[] = [];
  if (reply.signature) content.push({ type: "thinking", thinking: reply.reasoning, signature: reply.signature });
  if (reply.text) content.push({ type: "text", text: reply.text });
  for (const c of reply.calls) content.push({ type: "tool_use", id: c.id, name: c.name, input: c.args });
  return { role: "assistant", content };
}

async function turn(rig: Awaited<ReturnType<typeof agentRig>>, rec: AgentRequest, body: Record<string, any>): Promise<{ reply: Reply; res: Response }> {
  const res = await rig.send(rec, body);
  expect(res.status, await res.clone().text().then((t) => t.slice(0, 300))).toBe(200);
  return { reply: await readReply(ANTHROPIC_SSE, res), res };
}

const occurrences = (text: string, needle: string) => text.split(needle).length - 1;

/** What reached the upstream, checked against what Claude Code sent. */
function checkUpstream(p: Provider, rec: AgentRequest, upstream: { body: any; headers: Record<string, string> }): void {
  const sent = upstream.body;
  const recordedTools: string[] = rec.body.tools.map((t: { name: string }) => t.name);
  const text = upstreamText(sent);
  expect(text).toContain("You are a Claude agent"); // the system prompt
  if (p.format === "anthropic") {
    // Same format: Claude Code's tools, context_management and thinking reach Anthropic untouched.
    expect(sent.tools).toEqual(rec.body.tools);
    expect(sent.context_management).toEqual(rec.body.context_management);
    expect(sent.thinking).toEqual(rec.body.thinking);
    // Every beta Claude Code asks for (tool search, context management, effort…) reaches Anthropic.
    expect(upstream.headers["anthropic-beta"]).toBe(rec.headers["anthropic-beta"]);
  } else {
    // The never-loaded placeholder is not offered; every other tool is, in order.
    expect(offeredTools(p.format, sent)).toEqual(recordedTools.filter((n) => n !== PLACEHOLDER));
    expect(text).not.toContain("context_management");
    expect(text).not.toContain("clear_thinking");
    expect(upstream.headers["anthropic-beta"]).toBeUndefined();
  }
  if (p.format === "bedrock") {
    // Claude Code's cache breakpoints (system, last message) become Bedrock cache points, one each.
    expect(occurrences(text, '"cachePoint"')).toBe(occurrences(JSON.stringify(rec.body), '"cache_control"'));
  }
  const systemMessage = rec.body.messages.find((m: { role: string }) => m.role === "system");
  if (systemMessage) {
    // Claude Sonnet 4.x rejects role:"system" inside messages and the other providers have no such
    // message: it reaches the model as a system reminder, in place.
    const roles: string[] = (sent.messages ?? sent.contents ?? []).map((m: { role?: string }) => m.role);
    expect(roles.slice(1)).not.toContain("system");
    expect(text).toContain("<system-reminder>\\n# Environment");
  }
}

describeWithSharedFixtures("Claude Code's recorded requests, replayed to every provider", () => {
  for (const fixture of FIXTURES) {
    for (const p of PROVIDERS) {
      it(`${fixture.split(".").slice(3).join(".")} → ${p.name}`, async () => {
        const rig = await agentRig("cc-replay");
        const rec = await recorded(fixture);
        expect(rec.path).toBe("/v1/messages?beta=true");
        const body: Record<string, any> = { ...rec.body, model: p.model };

        // The recorded turn, as recorded (streamed).
        const first = await turn(rig, rec, body);
        expect(first.reply.text).toBe(p.text);
        expect(first.reply.finish).toBe("end_turn");
        expect(first.res.headers.get("x-arouter-provider")).toBe(p.model.split("/")[0] === "google" ? "google" : p.model.split("/")[0]);
        const upstream = await rig.sent();
        const sent = upstream.body;
        checkUpstream(p, rec, upstream);
        if (p.name === "openai") {
          // Claude Code asks unknown models for 32000 tokens; gpt-4o's ceiling is 16384.
          expect(sent.max_completion_tokens ?? sent.max_tokens).toBe(16384);
          const clamped = rec.body.max_tokens > 16384 ? `${rec.body.max_tokens}->16384` : null;
          expect(first.res.headers.get("x-arouter-max-tokens-clamped")).toBe(clamped);
          expect(sent.reasoning_effort).toBeUndefined(); // gpt-4o takes no reasoning settings
        }
        if (p.format === "gemini") {
          expect(sent.generationConfig.thinkingConfig.includeThoughts).toBe(true);
          expect(sent.generationConfig.thinkingConfig.thinkingBudget).toBeLessThanOrEqual(24576);
        }

        // The next turn, built from that answer: a question the fake answers with a tool call (the
        // first tool offered), then the call's result.
        const ask: Record<string, any> = { ...body, messages: [...body.messages, assistantTurn(first.reply), { role: "user", content: [{ type: "text", text: "What is the weather like? Use a tool." }] }] };
        const call = await turn(rig, rec, ask);
        expect(call.reply.finish).toBe("tool_use");
        expect(call.reply.calls.map((c) => c.name)).toEqual(["Agent"]);
        const id = call.reply.calls[0].id!;
        const results = { role: "user", content: [{ type: "tool_result", tool_use_id: id, content: "Agent finished: nothing to do." }] };
        const answered = await turn(rig, rec, { ...ask, messages: [...ask.messages, assistantTurn(call.reply), results] });
        expect(answered.reply.text).toBe(p.text);
        expect(answered.reply.finish).toBe("end_turn");
        const last = upstreamText((await rig.sent()).body);
        expect(last).toContain("Agent finished: nothing to do.");
        if (p.format !== "anthropic") expect(offeredTools(p.format, (await rig.sent()).body)).not.toContain(PLACEHOLDER);
      });
    }
  }

  it("a turn after a model called DeferredToolPlaceholder: the placeholder is still not offered, the history still valid", async () => {
    const rig = await agentRig("cc-placeholder");
    const rec = await recorded("claude-code-2.1.332.messages.gemini-2.5-flash.deferred-tool-placeholder-turn");
    // The recorded turn, with the model's first call made to the placeholder (what a model does
    // when it is offered a callable stub), answered by Claude Code with an error.
    const messages = structuredClone(rec.body.messages);
    const call = messages.flatMap((m: { content: unknown }) => (Array.isArray(m.content) ? m.content : [])).find((b: { type: string }) => b.type === "tool_use");
    call.name = PLACEHOLDER;
    call.input = {};
    for (const p of PROVIDERS.filter((x) => x.format !== "anthropic")) {
      const res = await rig.send(rec, { ...rec.body, model: p.model, messages });
      expect(res.status, p.name).toBe(200);
      expect((await readReply(ANTHROPIC_SSE, res)).text).toBe(p.text);
      expect(offeredTools(p.format, (await rig.sent()).body), p.name).not.toContain(PLACEHOLDER);
    }
  });
});
