// The real Codex CLI (0.171, the version whose requests are recorded in ../shared/fixtures/agents)
// against `npm start` in demo mode (every provider answered by the fake upstream), configured the
// way the README says: a model provider with `base_url = <gateway>/v1` and `wire_api = "responses"`.
// Each `codex exec` is a real multi-turn task: the model calls a tool (a shell command, or
// apply_patch), Codex runs it and sends the output back, and the model answers.
//
// The binary is the npm registry's `@openai/codex@<version>-linux-x64` package, fetched once with
// `npm pack` into node_modules/.cache (CODEX_BIN points at another one). Where it cannot be had
// (another platform, no registry), the suite is skipped, saying so.
import { execFileSync, spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { cleanCheckout, freePort, killLeftovers, npmStart, removeCheckout, REPO, type Started } from "./first-run-harness";

const CODEX_VERSION = "0.171.0";

function codexBinary(): string | undefined {
  if (process.env.CODEX_BIN) return process.env.CODEX_BIN;
  if (process.platform !== "linux" || process.arch !== "x64") return undefined;
  const dir = join(REPO, "node_modules", ".cache", "arouter-codex", CODEX_VERSION);
  const bin = join(dir, "package", "vendor", "x86_64-unknown-linux-musl", "bin", "codex");
  if (existsSync(bin)) return bin;
  try {
    mkdirSync(dir, { recursive: true });
    const out = execFileSync("npm", ["pack", `@openai/codex@${CODEX_VERSION}-linux-x64`, "--pack-destination", dir, "--silent"], { encoding: "utf8", timeout: 600_000 });
    execFileSync("tar", ["xzf", join(dir, out.trim().split("\n").pop()!), "-C", dir]);
    return existsSync(bin) ? bin : undefined;
  } catch (err) {
    console.warn(`codex-cli: no Codex binary (${err instanceof Error ? err.message.split("\n")[0] : String(err)}); skipping`);
    return undefined;
  }
}

const CODEX = codexBinary();

/**
 * Codex knows nothing about gateway model ids; a model catalog (model_catalog_json) tells it each
 * one's tools, like its own models: apply_patch as a free-form (custom) tool, a shell tool.
 */
function modelCatalog(slugs: string[]): string {
  const models = slugs.map((slug, priority) => ({
    slug,
    display_name: slug,
    base_instructions: "You are a coding agent working in the user's workspace.",
    apply_patch_tool_type: "freeform",
    shell_type: "shell_command",
    supported_reasoning_levels: [{ effort: "medium", description: "Medium" }],
    visibility: "list",
    supported_in_api: true,
    priority,
    support_verbosity: false,
    truncation_policy: { mode: "tokens", limit: 10000 },
    experimental_supported_tools: [],
  }));
  return JSON.stringify({ models });
}

/** Models whose reasoning reaches Codex with a payload: Claude's signature, OpenAI's encrypted reasoning. */
const REASONS_WITH_PAYLOAD = new Set(["anthropic/claude-sonnet-4.6", "openai/gpt-5"]);

/** The response items of the Codex session run in `cwd` (its rollout file under CODEX_HOME/sessions). */
function sessionItems(home: string, cwd: string): Array<Record<string, unknown>> {
  const files = readdirSync(join(home, "sessions"), { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".jsonl"));
  for (const f of files) {
    const lines = readFileSync(join(home, "sessions", f), "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as { type: string; payload: Record<string, unknown> });
    if (lines[0]?.type !== "session_meta" || lines[0].payload.cwd !== cwd) continue;
    return lines.filter((l) => l.type === "response_item").map((l) => l.payload);
  }
  throw new Error(`no Codex session for ${cwd}`);
}

const dirs: string[] = [];
afterEach(() => killLeftovers(dirs));
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  workdir: string;
}

describe.skipIf(!CODEX)(`Codex ${CODEX_VERSION} CLI through the gateway`, () => {
  it("completes multi-turn tasks with shell and apply_patch tool calls on OpenAI, Anthropic, Gemini and OpenAI-compatible models", async () => {
    const checkout = cleanCheckout();
    dirs.push(checkout);
    const home = mkdtempSync(join(tmpdir(), "arouter-codex-home-"));
    dirs.push(home);
    let run: Started | undefined;
    try {
      run = await npmStart(checkout, ["--port", String(await freePort())]);
      const { url, apiKey } = run.banner;
      expect(apiKey).toBeTruthy();
      // OpenAI (the Responses API), Anthropic, Gemini and an OpenAI-compatible (chat completions) upstream.
      const models = ["anthropic/claude-sonnet-4.6", "google/gemini-2.5-flash", "openai/gpt-5", "deepseek/deepseek-v4-flash"];
      writeFileSync(join(home, "catalog.json"), modelCatalog(models));
      // The README's config.toml block.
      writeFileSync(
        join(home, "config.toml"),
        [
          'model_provider = "arouter"',
          `model_catalog_json = "${join(home, "catalog.json")}"`,
          "",
          "[model_providers.arouter]",
          'name = "ARouter"',
          `base_url = "${url}/v1"`,
          'env_key = "AROUTER_API_KEY"',
          'wire_api = "responses"',
          "",
        ].join("\n"),
      );
      /** `codex exec` in a fresh directory, or (`resume`) `codex exec resume --last` in the directory of an earlier run. */
      const codex = async (model: string, prompt: string, opts: { reasoning?: boolean; resume?: string } = {}): Promise<Run> => {
        const workdir = opts.resume ?? mkdtempSync(join(tmpdir(), "arouter-codex-work-"));
        if (!opts.resume) dirs.push(workdir);
        const env = { ...process.env, CODEX_HOME: home, AROUTER_API_KEY: apiKey!, NO_COLOR: "1" };
        const common = ["-m", model, "--skip-git-repo-check", ...(opts.reasoning ? ["-c", 'model_reasoning_effort="medium"'] : [])];
        // The fake model only ever runs `fake-cmd` (not found) and writes fake.txt in this directory.
        // A resumed session is the one most recently run in the working directory.
        const args = opts.resume
          ? ["exec", "resume", "--last", ...common, prompt]
          : ["exec", ...common, "--sandbox", "danger-full-access", "-C", workdir, prompt];
        // No stdin (Codex would wait to read more of the prompt from it).
        const child = spawn(CODEX!, args, { env, cwd: workdir, stdio: ["ignore", "pipe", "pipe"] });
        let stdout = "";
        let stderr = "";
        child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
        child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
        const timer = setTimeout(() => child.kill("SIGKILL"), 120_000);
        const [code] = (await once(child, "exit")) as [number | null];
        clearTimeout(timer);
        return { code: code ?? -1, stdout, stderr, workdir };
      };

      const answers: Record<string, string> = {
        "anthropic/claude-sonnet-4.6": "Hello from fake anthropic (claude-sonnet-4-6)",
        "google/gemini-2.5-flash": "Hello from fake gemini (gemini-2.5-flash)",
        "openai/gpt-5": "Hello from fake openai (gpt-5)",
        "deepseek/deepseek-v4-flash": "Hello from fake deepseek (deepseek-v4-flash)",
      };
      for (const model of models) {
        // A shell command, reasoning on: the model calls the shell tool, Codex runs it and sends the
        // output back (with the reasoning it got, encrypted_content included), the model answers.
        const shell = await codex(model, "What's the weather like? Check with a shell command.", { reasoning: true });
        expect(shell.code, shell.stderr).toBe(0);
        expect(shell.stderr).toContain("fake-cmd"); // the command Codex ran
        expect(shell.stdout.trim()).toBe(answers[model]); // the answer once the command's output went back

        // The session resumed: Codex replays all of it (the call, its output, the reasoning items) and the model answers.
        const resumed = await codex(model, "And tomorrow?", { reasoning: true, resume: shell.workdir });
        expect(resumed.code, resumed.stderr).toBe(0);
        expect(resumed.stdout.trim()).toBe(answers[model]);
        const items = sessionItems(home, shell.workdir);
        expect(items.filter((i) => i.type === "function_call").map((i) => i.name)).toEqual(["exec_command"]);
        if (REASONS_WITH_PAYLOAD.has(model)) {
          // Claude's signed thinking and OpenAI's encrypted reasoning come back to Codex as encrypted_content, every turn.
          const reasoning = items.filter((i) => i.type === "reasoning");
          expect(reasoning.length).toBeGreaterThanOrEqual(3);
          for (const r of reasoning) expect(r.encrypted_content).toEqual(expect.any(String));
        }

        // apply_patch, a free-form custom tool (a one-string function for Claude, Gemini and DeepSeek): Codex applies the patch.
        const patched = await codex(model, "What's the weather? Write it down with apply_patch.");
        expect(patched.code, patched.stderr).toBe(0);
        expect(readFileSync(join(patched.workdir, "fake.txt"), "utf8")).toBe("fake upstream\n");
        expect(patched.stdout.trim()).toBe(answers[model]);
      }

      // Every turn went through POST /v1/responses (two per task: the call, then the answer; one for the resumed turn).
      const posts = run.output().match(/POST \/v1\/responses 200/g) ?? [];
      expect(posts.length).toBeGreaterThanOrEqual(5 * models.length);
    } finally {
      await run?.interrupt();
      removeCheckout(checkout);
    }
  });
});
