// The real agent programs, as users install them from npm: Claude Code 2.1.332 (a native binary) and
// Gemini CLI 0.61.0 (a Node bundle). Together ~480 MB, so they are not devDependencies and the suite
// is opt-in: `npm run test:agent-clis` (AGENT_CLI_TESTS=1) installs them once into a cache shared by
// every checkout (~/.cache/arouter-agent-clis/<versions>; a fresh install from the npm registry took
// ~40 s here) and runs it; plain `npm test` skips it. CLAUDE_CODE_BIN and GEMINI_CLI_JS point at
// copies of your own instead.
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export const CLAUDE_CODE_VERSION = "2.1.332";
export const GEMINI_CLI_VERSION = "0.61.0";

export interface AgentClis {
  claude: string;
  gemini: string;
}

/** The installed programs (installed first when missing); undefined unless AGENT_CLI_TESTS=1. */
export async function agentClis(): Promise<AgentClis | undefined> {
  if (process.env.AGENT_CLI_TESTS !== "1") return undefined;
  const cache = join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "arouter-agent-clis", `claude-code-${CLAUDE_CODE_VERSION}-gemini-cli-${GEMINI_CLI_VERSION}`);
  const claude = process.env.CLAUDE_CODE_BIN ?? join(cache, "node_modules", ".bin", "claude");
  const gemini = process.env.GEMINI_CLI_JS ?? join(cache, "node_modules", "@google", "gemini-cli", "bundle", "gemini.js");
  if (!existsSync(claude) || !existsSync(gemini)) {
    const pkgs = [`@anthropic-ai/claude-code@${CLAUDE_CODE_VERSION}`, `@google/gemini-cli@${GEMINI_CLI_VERSION}`];
    mkdirSync(cache, { recursive: true });
    // Outside the project (its .npmrc refuses unreviewed install scripts) and with no install
    // scripts but the one needed: Claude Code's postinstall puts its platform's native binary in
    // place; Gemini CLI's native extras (keytar, node-pty) are optional.
    const flags = ["--no-save", "--no-audit", "--no-fund", "--ignore-scripts", "--prefix", cache];
    await run("npm", ["install", ...flags, ...pkgs], { cwd: cache, timeout: 600_000 });
    await run(process.execPath, ["install.cjs"], { cwd: join(cache, "node_modules", "@anthropic-ai", "claude-code"), timeout: 120_000 });
  }
  for (const [what, version, args] of [[claude, CLAUDE_CODE_VERSION, []], [process.execPath, GEMINI_CLI_VERSION, [gemini]]] as const) {
    const out = (await run(what, [...args, "--version"], { timeout: 60_000 })).stdout;
    if (!out.includes(version)) throw new Error(`${what} ${args.join(" ")} --version printed ${out}, expected ${version}`);
  }
  return { claude, gemini };
}

/** A scratch project (its own HOME, so no user settings leak in) with one file the agent can read. */
export function agentWorkspace(): { home: string; project: string } {
  const root = mkdtempSync(join(tmpdir(), "arouter-agents-"));
  const home = join(root, "home");
  const project = join(root, "project");
  mkdirSync(join(home, ".gemini"), { recursive: true });
  mkdirSync(project);
  // A base URL alone makes Gemini CLI pick an auth type its own validation rejects.
  writeFileSync(join(home, ".gemini", "settings.json"), JSON.stringify({ security: { auth: { selectedType: "gemini-api-key" } } }));
  // The demo upstream asks for the file its example arguments name.
  writeFileSync(join(project, "fake-file_path"), "sunny, 21 degrees\n");
  return { home, project };
}

export interface CliEvent {
  type: string;
  [key: string]: unknown;
}

/** Runs a CLI with exactly the given environment (plus a PATH to node) and parses its JSON-lines output. */
export async function runCli(command: string, args: string[], opts: { cwd: string; env: Record<string, string> }): Promise<{ events: CliEvent[]; stdout: string }> {
  const env = { PATH: `${dirname(process.execPath)}:/usr/bin:/bin`, TERM: "dumb", ...opts.env };
  const { stdout } = await run(command, args, { cwd: opts.cwd, env, timeout: 120_000, maxBuffer: 64 * 1024 * 1024 });
  const events: CliEvent[] = [];
  for (const line of stdout.split("\n")) {
    if (!line.startsWith("{")) continue;
    try {
      events.push(JSON.parse(line) as CliEvent);
    } catch {
      // a log line that happens to start with a brace
    }
  }
  return { events, stdout };
}
