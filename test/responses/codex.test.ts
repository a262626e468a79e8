/**
 * Codex through the gateway, as Codex 0.171 really talks (`wire_api = "responses"`, `store: false`,
 * the whole input replayed each turn, encrypted reasoning asked for and sent back): the recorded
 * first-turn requests (../shared/fixtures/agents/codex-*) replayed to every provider, then a
 * constructed multi-turn session — a function call and its output, an apply_patch custom tool call
 * and its output — where each turn replays the previous answer's output items exactly as Codex does
 * (reasoning items with their encrypted_content included) and must be answered correctly.
 */
import { describe, expect, it } from "vitest";
import { azureEnv } from "../helpers/cloud-env";
import { readSharedFixtureJson, sharedFixturesAvailable, type FakeSession, type RecordedRequest } from "../helpers/fake-upstream";
import { readStream, setup, type Rec } from "./helpers";

const CODEX_GPT = "agents/codex-0.171.0.responses.openai-gpt-4o.first-turn.request.json";
const CODEX_CLAUDE = "agents/codex-0.171.0.responses.anthropic-claude-sonnet-4.6.first-turn.request.json";

interface Target {
  model: string;
  /** Path prefix of the upstream call. */
  path: string;
  /** Whether the upstream runs OpenAI's built-in tools (web_search reaches it). */
  builtins: boolean;
  /** Whether reasoning comes back with a payload (encrypted_content) for a reasoning request. */
  reasons: boolean;
  env?: (up: FakeSession) => Record<string, string>;
}

const TARGETS: Target[] = [
  { model: "openai/gpt-4o", path: "/openai/v1/responses", builtins: true, reasons: false },
  { model: "openai/gpt-5", path: "/openai/v1/responses", builtins: true, reasons: true },
  { model: "anthropic/claude-sonnet-4.6", path: "/anthropic/v1/messages", builtins: false, reasons: true },
  // Gemini's thought signature rides in the call id (canonical/tool-call-id.ts), not in a reasoning item.
  { model: "google/gemini-2.5-flash", path: "/gemini/v1beta/models/gemini-2.5-flash:streamGenerateContent", builtins: false, reasons: false },
  // DeepSeek's reasoning is plain text: a summary, no payload to carry.
  { model: "deepseek/deepseek-v4-flash", path: "/deepseek/v1/chat/completions", builtins: false, reasons: false },
  // Not in the catalog, so nothing says it takes no reasoning: the (fake) upstream reasons.
  { model: "azure/gpt-5", path: "/azure/openai/v1/responses", builtins: true, reasons: true, env: (up) => azureEnv(up) },
];

const APPLY_PATCH = {
  type: "custom",
  name: "apply_patch",
  description: "Use the `apply_patch` tool to edit files.",
  format: { type: "grammar", syntax: "lark", definition: 'start: begin_patch hunk+ end_patch\nbegin_patch: "*** Begin Patch" LF\nend_patch: "*** End Patch" LF?\nhunk: /(.|\\n)+/\n%import common.LF' },
};

const user = (text: string): Rec => ({ type: "message", role: "user", content: [{ type: "input_text", text }] });

/** The item types and names Codex would see in an answer. */
const shape = (final: Rec) => ((final.output ?? []) as Rec[]).map((i) => (i.name ? `${i.type}:${i.name}` : String(i.type)));

function upstreamText(sent: RecordedRequest): string {
  return JSON.stringify(sent.body);
}

describe.skipIf(!sharedFixturesAvailable())("Codex on the Responses surface", () => {
  for (const fixture of [CODEX_GPT, CODEX_CLAUDE]) {
    for (const t of TARGETS) {
      it(`${fixture.split("/")[1].split(".")[3]} first turn, replayed to ${t.model}`, async () => {
        const rec = await readSharedFixtureJson<{ body: Rec; headers: Record<string, string> }>(fixture);
        const s = await setup("codex-first", t.env ?? {});
        const headers = { "session-id": rec.headers["session-id"], originator: rec.headers.originator, accept: "text/event-stream" };
        const res = await s.post({ ...rec.body, model: t.model }, headers);
        const { final, types } = await readStream(res);
        expect(final.status).toBe("completed");
        expect(types).toContain("response.output_text.delta");
        expect(final.store).toBe(false);
        const sent = (await s.up.lastRequest())!;
        expect(sent.path.startsWith(t.path)).toBe(true);
        const text = upstreamText(sent);
        expect(text).toContain("exec_command");
        expect(text).toContain("spawn_agent");
        expect(text.includes('"web_search"')).toBe(t.builtins);
        expect(res.headers.get("x-arouter-dropped") ?? "").toContain(t.builtins ? "" : "tool web_search");
        // Nothing is stored for store:false.
        expect((await s.get(`/v1/responses/${String(final.id)}`)).status).toBe(404);
      });
    }
  }

  for (const t of TARGETS) {
    it(`a multi-turn session with exec_command and apply_patch, state replayed by the client (${t.model})`, async () => {
      const rec = await readSharedFixtureJson<{ body: Rec }>(CODEX_CLAUDE);
      const s = await setup("codex-turns", t.env ?? {});
      const base: Rec = { ...rec.body, model: t.model, reasoning: { effort: "medium", summary: "auto" } };
      const codexTools = rec.body.tools as Rec[];
      let input = [...(rec.body.input as Rec[]).slice(0, -1), user("What's the weather like? Look around with ls first.")];

      // Turn 1: a function call (exec_command), with encrypted reasoning where the model reasons.
      const turn1 = await readStream(await s.post({ ...base, input, tools: [...codexTools, APPLY_PATCH] }));
      expect(shape(turn1.final).filter((x) => x.startsWith("function_call"))).toEqual(["function_call:exec_command"]);
      const reasoning1 = (turn1.final.output as Rec[]).filter((i) => i.type === "reasoning");
      if (t.reasons) {
        expect(reasoning1.length).toBe(1);
        expect(reasoning1[0].encrypted_content).toEqual(expect.any(String));
      } else expect(reasoning1.filter((r) => "encrypted_content" in r)).toEqual([]);
      const call1 = (turn1.final.output as Rec[]).find((i) => i.type === "function_call")!;
      expect(JSON.parse(call1.arguments as string)).toHaveProperty("cmd");

      // Turn 2: Codex replays everything and adds the command's output; the model answers.
      input = [...input, ...(turn1.final.output as Rec[]), { type: "function_call_output", call_id: call1.call_id, output: "Chunk ID: 1\nOutput:\nREADME.md\n" }];
      const turn2 = await readStream(await s.post({ ...base, input, tools: [...codexTools, APPLY_PATCH] }));
      expectReplayed(t, (await s.up.lastRequest())!, call1, reasoning1[0]);
      expect(shape(turn2.final).filter((x) => x !== "reasoning")).toEqual(["message"]);

      // Turn 3: the user asks for an edit: an apply_patch (custom tool) call.
      input = [...input, ...(turn2.final.output as Rec[]), user("Now update the weather notes with apply_patch.")];
      const turn3 = await readStream(await s.post({ ...base, input, tools: [APPLY_PATCH, ...codexTools] }));
      const patch = (turn3.final.output as Rec[]).find((i) => i.type === "custom_tool_call")!;
      expect(patch).toMatchObject({ name: "apply_patch", input: expect.any(String), call_id: expect.any(String) });
      expect(turn3.types).toContain("response.custom_tool_call_input.delta");

      // Turn 4: the patch's output; the model answers in text, the patch call paired with its output upstream.
      input = [...input, ...(turn3.final.output as Rec[]), { type: "custom_tool_call_output", call_id: patch.call_id, output: "Success. Updated the following files:\nM notes.md\n" }];
      const turn4 = await readStream(await s.post({ ...base, input, tools: [APPLY_PATCH, ...codexTools] }));
      expect(turn4.final.status).toBe("completed");
      expect(shape(turn4.final).filter((x) => x !== "reasoning")).toEqual(["message"]);
      expectPatchReplayed(t, (await s.up.lastRequest())!, patch);
    });
  }

  for (const t of TARGETS) {
    it(`the same tool loop with store: true, continued by previous_response_id, streamed (${t.model})`, async () => {
      const rec = await readSharedFixtureJson<{ body: Rec }>(CODEX_CLAUDE);
      const s = await setup("codex-stored", t.env ?? {});
      const base: Rec = { ...rec.body, model: t.model, store: true, stream: true, reasoning: { effort: "medium", summary: "auto" }, tools: [...(rec.body.tools as Rec[]), APPLY_PATCH] };
      const first = [...(rec.body.input as Rec[]).slice(0, -1), user("What's the weather like? Look around with ls first.")];

      const turn1 = await readStream(await s.post({ ...base, input: first }));
      expect(turn1.final.store).toBe(true);
      const call1 = (turn1.final.output as Rec[]).find((i) => i.type === "function_call")!;
      expect(call1).toMatchObject({ name: "exec_command" });
      const reasoning1 = (turn1.final.output as Rec[]).find((i) => i.type === "reasoning" && "encrypted_content" in i);
      if (t.reasons) expect(reasoning1).toBeDefined();

      // Only the new item goes up; the gateway brings back turn 1 (reasoning payload included, asked for or not).
      const turn2 = await readStream(await s.post({ ...base, previous_response_id: turn1.final.id, input: [{ type: "function_call_output", call_id: call1.call_id, output: "Chunk ID: 1\nOutput:\nREADME.md\n" }] }));
      expect(turn2.final).toMatchObject({ status: "completed", previous_response_id: turn1.final.id });
      expectReplayed(t, (await s.up.lastRequest())!, call1, t.reasons ? reasoning1 : undefined);
      expect(JSON.stringify((await s.up.lastRequest())!.body)).toContain("Look around with ls first.");

      // Turn 3 continues turn 2 (a chain of two stored responses): the apply_patch call, then its output.
      const turn3 = await readStream(await s.post({ ...base, previous_response_id: turn2.final.id, input: [user("Now update the weather notes with apply_patch.")] }));
      const patch = (turn3.final.output as Rec[]).find((i) => i.type === "custom_tool_call")!;
      expect(patch).toMatchObject({ name: "apply_patch", input: expect.any(String) });
      const turn4 = await readStream(await s.post({ ...base, previous_response_id: turn3.final.id, input: [{ type: "custom_tool_call_output", call_id: patch.call_id, output: "Success. Updated the following files:\nM notes.md\n" }] }));
      expect(turn4.final.status).toBe("completed");
      expectPatchReplayed(t, (await s.up.lastRequest())!, patch);

      // What the client can read back: the stored answer, and every item turn 4 was generated from.
      const got = (await (await s.get(`/v1/responses/${String(turn4.final.id)}`)).json()) as Rec;
      expect(got).toMatchObject({ id: turn4.final.id, status: "completed", previous_response_id: turn3.final.id });
      const listed = (await (await s.get(`/v1/responses/${String(turn4.final.id)}/input_items?order=asc&limit=100`)).json()) as { data: Rec[] };
      const types = listed.data.map((i) => String(i.type));
      expect(types.filter((x) => x !== "reasoning" && x !== "message")).toEqual(["function_call", "function_call_output", "custom_tool_call", "custom_tool_call_output"]);
    });
  }
});

/** The apply_patch call and its output reach the upstream paired, in its own format. */
function expectPatchReplayed(t: Target, sent: RecordedRequest, patch: Rec): void {
  const callId = String(patch.call_id).split("__")[0];
  const text = JSON.stringify(sent.body);
  expect(text).toContain("Success. Updated the following files");
  if (t.path.endsWith("/responses")) {
    const input = (sent.body as { input: Rec[] }).input;
    expect(input.find((i) => i.type === "custom_tool_call")).toMatchObject({ call_id: callId, name: "apply_patch", input: patch.input });
    expect(input.find((i) => i.type === "custom_tool_call_output")).toMatchObject({ call_id: callId });
  } else {
    // Elsewhere a custom tool is a function taking one string, {"input": "<the patch>"}, paired with its result.
    expect(patchArgs(t, sent.body as Rec, callId)).toEqual({ input: patch.input });
  }
}

/** The arguments of the apply_patch call with id `callId` in a non-Responses upstream request, once it is paired with its result. */
function patchArgs(t: Target, body: Rec, callId: string): unknown {
  if (t.path.includes("/anthropic/")) {
    const parts = (body.messages as Array<{ content: Rec[] | string }>).flatMap((m) => (Array.isArray(m.content) ? m.content : []));
    expect(parts.find((p) => p.type === "tool_result" && p.tool_use_id === callId)).toBeDefined();
    return parts.find((p) => p.type === "tool_use" && p.id === callId && p.name === "apply_patch")?.input;
  }
  if (t.path.includes("/gemini/")) {
    const parts = (body.contents as Array<{ parts: Rec[] }>).flatMap((c) => c.parts);
    const response = parts.map((p) => p.functionResponse as Rec | undefined).find((r) => r?.name === "apply_patch");
    expect(response).toMatchObject({ id: callId });
    return parts.map((p) => p.functionCall as Rec | undefined).find((c) => c?.id === callId && c.name === "apply_patch")?.args;
  }
  const msgs = body.messages as Array<{ role: string; tool_calls?: Array<{ id: string; function: { name: string; arguments: string } }>; tool_call_id?: string }>;
  expect(msgs.find((m) => m.role === "tool" && m.tool_call_id === callId)).toBeDefined();
  const call = msgs.flatMap((m) => m.tool_calls ?? []).find((c) => c.id === callId && c.function.name === "apply_patch");
  return call ? JSON.parse(call.function.arguments) : undefined;
}

/** Turn 2's upstream request carries turn 1 as each provider needs it. */
function expectReplayed(t: Target, sent: RecordedRequest, call: Rec, reasoning: Rec | undefined): void {
  const body = sent.body as Rec;
  const callId = String(call.call_id).split("__")[0];
  if (t.path.includes("/anthropic/")) {
    const msgs = body.messages as Array<{ role: string; content: Rec[] }>;
    const i = msgs.findIndex((m) => m.role === "assistant");
    // Claude's signed thinking comes back first in the turn it belongs to.
    expect(msgs[i].content[0]).toMatchObject({ type: "thinking", signature: expect.any(String) });
    expect(msgs[i].content.find((p) => p.type === "tool_use")).toMatchObject({ id: callId, name: "exec_command" });
    expect(msgs[i + 1].content[0]).toMatchObject({ type: "tool_result", tool_use_id: callId });
  } else if (t.path.includes("/gemini/")) {
    const contents = body.contents as Array<{ role: string; parts: Rec[] }>;
    const model = contents.find((c) => c.role === "model")!;
    const fc = model.parts.find((p) => p.functionCall)!;
    expect(fc.functionCall).toMatchObject({ name: "exec_command" });
    expect(fc.thoughtSignature).toEqual(expect.any(String));
  } else if (t.path.endsWith("/responses")) {
    const input = body.input as Rec[];
    expect(body.store).toBe(false);
    const r = input.filter((i) => i.type === "reasoning");
    if (reasoning) expect(r.map((i) => i.encrypted_content)).toEqual([reasoning.encrypted_content]);
    else expect(r).toEqual([]);
    expect(input.find((i) => i.type === "function_call")).toMatchObject({ call_id: callId, name: "exec_command" });
    expect(input.find((i) => i.type === "function_call_output")).toMatchObject({ call_id: callId });
  } else {
    const msgs = body.messages as Array<{ role: string; tool_calls?: Rec[]; tool_call_id?: string }>;
    const a = msgs.find((m) => m.role === "assistant" && m.tool_calls)!;
    expect(a.tool_calls![0]).toMatchObject({ id: callId, function: { name: "exec_command" } });
    expect(msgs.find((m) => m.role === "tool")).toMatchObject({ tool_call_id: callId });
  }
}
