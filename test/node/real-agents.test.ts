// The real Claude Code and Gemini CLI, pointed at `npm start` (demo upstream) the way the README says,
// each running a multi-turn, tool-using session to models of several providers: the model (the demo
// upstream, asked about the weather) calls the agent's first tool, the agent runs it for real, sends
// the result back, and the model answers. Every request is the agent's own, unmodified.
// Opt-in (the programs are ~480 MB): `npm run test:agent-clis`; see agent-clis.ts.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agentClis, agentWorkspace, CLAUDE_CODE_VERSION, GEMINI_CLI_VERSION, runCli, type CliEvent } from "./agent-clis";
import { cleanCheckout, freePort, killLeftovers, npmStart, removeCheckout, type Started } from "./first-run-harness";

const clis = await agentClis();

const FAKE_TEXT: Record<string, string> = {
  "openai/gpt-4o": "Hello from fake openai (gpt-4o)",
  "anthropic/claude-sonnet-4.6": "Hello from fake anthropic (claude-sonnet-4-6)",
  "google/gemini-2.5-flash": "Hello from fake gemini (gemini-2.5-flash)",
  "gemini-2.5-flash": "Hello from fake gemini (gemini-2.5-flash)",
  "deepseek/deepseek-v4-flash": "Hello from fake deepseek (deepseek-v4-flash)",
};

type Block = { type: string; name?: string; text?: string; content?: unknown; is_error?: boolean };
const blocks = (events: CliEvent[], role: "assistant" | "user"): Block[] =>
  events.filter((e) => e.type === role).flatMap((e) => (e.message as { content: Block[] }).content);

describe.skipIf(!clis)("the real agents through npm start", () => {
  const dirs: string[] = [];
  let started: Started | undefined;
  let base = "";
  let key = "";

  beforeAll(async () => {
    const dir = cleanCheckout();
    dirs.push(dir);
    const port = await freePort();
    started = await npmStart(dir, ["--port", String(port)]);
    base = `http://127.0.0.1:${port}`;
    key = started.banner.apiKey!;
    expect(key).toMatch(/^lr_live_/);
  });

  afterAll(async () => {
    await started?.interrupt();
    await killLeftovers(dirs);
    dirs.forEach(removeCheckout);
  });

  // Either way the README gives: the key as x-api-key (ANTHROPIC_API_KEY) and --model, or as a
  // Bearer token (ANTHROPIC_AUTH_TOKEN) with the model in ANTHROPIC_MODEL.
  const claudeRuns: Array<{ model: string; byEnv?: true }> = [
    { model: "openai/gpt-4o" },
    { model: "anthropic/claude-sonnet-4.6" },
    { model: "google/gemini-2.5-flash" },
    { model: "deepseek/deepseek-v4-flash", byEnv: true },
  ];
  for (const { model, byEnv } of claudeRuns) {
    it(`Claude Code ${CLAUDE_CODE_VERSION}, ${byEnv ? "ANTHROPIC_AUTH_TOKEN, ANTHROPIC_MODEL=" : "ANTHROPIC_API_KEY, --model "}${model}: calls Read, gets the file, answers`, async () => {
      const { home, project } = agentWorkspace();
      const env = {
        HOME: home,
        ANTHROPIC_BASE_URL: base,
        ...(byEnv ? { ANTHROPIC_AUTH_TOKEN: key, ANTHROPIC_MODEL: model } : { ANTHROPIC_API_KEY: key }),
        DISABLE_TELEMETRY: "1",
        DISABLE_AUTOUPDATER: "1",
        CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
      };
      const args = ["-p", "What is the weather like?", ...(byEnv ? [] : ["--model", model]), "--tools", "Read", "--output-format", "stream-json", "--verbose"];
      const { events, stdout } = await runCli(clis!.claude, args, { cwd: project, env });
      const calls = blocks(events, "assistant").filter((b) => b.type === "tool_use");
      expect(calls.map((c) => c.name), stdout.slice(-2000)).toEqual(["Read"]);
      const results = blocks(events, "user").filter((b) => b.type === "tool_result");
      expect(results).toHaveLength(1);
      expect(results[0].is_error).toBeFalsy();
      expect(JSON.stringify(results[0].content)).toContain("sunny, 21 degrees");
      const result = events.find((e) => e.type === "result");
      expect(result, stdout.slice(-2000)).toMatchObject({ subtype: "success", is_error: false, result: FAKE_TEXT[model] });
    });
  }

  // Gemini → Gemini is the same-format stream; Gemini → Claude and → GPT translated ones.
  for (const model of ["gemini-2.5-flash", "anthropic/claude-sonnet-4.6", "openai/gpt-4o"]) {
    it(`Gemini CLI ${GEMINI_CLI_VERSION} -m ${model}: calls a tool, sends its result, answers`, async () => {
      const { home, project } = agentWorkspace();
      const env = { HOME: home, GOOGLE_GEMINI_BASE_URL: base, GEMINI_API_KEY: key, GEMINI_CLI_TRUST_WORKSPACE: "true" };
      const args = [clis!.gemini, "-p", "What is the weather like?", "-m", model, "--yolo", "-o", "stream-json"];
      const { events, stdout } = await runCli(process.execPath, args, { cwd: project, env });
      const uses = events.filter((e) => e.type === "tool_use");
      expect(uses.map((e) => e.tool_name), stdout.slice(-2000)).toEqual(["update_topic"]);
      expect(events.filter((e) => e.type === "tool_result").map((e) => e.status)).toEqual(["success"]);
      const answer = events.filter((e) => e.type === "message" && e.role === "assistant").map((e) => e.content).join("");
      expect(answer.endsWith(FAKE_TEXT[model]), answer).toBe(true); // Claude's fake says a word before its tool call
      expect(events.find((e) => e.type === "result"), stdout.slice(-2000)).toMatchObject({ status: "success" });
    });
  }
});
