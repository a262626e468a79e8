import { spawn } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

// `npm run deploy` (scripts/deploy.mjs) against a stub wrangler that records every call and keeps
// a tiny fake account (databases, secrets) in a JSON file, so the first deploy, a re-run and the
// failure paths are checked without Cloudflare.
const ROOT = fileURLToPath(new URL("../..", import.meta.url).href);

const STUB = `#!/usr/bin/env node
const fs = require("node:fs");
const state = JSON.parse(fs.readFileSync(process.env.STUB_STATE, "utf8"));
const args = process.argv.slice(2);
let stdin = "";
try { stdin = fs.readFileSync(0, "utf8"); } catch {}
fs.appendFileSync(process.env.STUB_LOG, JSON.stringify({ args, stdin, account: process.env.CLOUDFLARE_ACCOUNT_ID ?? null }) + "\\n");
const save = () => fs.writeFileSync(process.env.STUB_STATE, JSON.stringify(state));
const cmd = args.slice(0, 2).join(" ");
if (args[0] === "whoami") {
  if (!state.loggedIn) { console.log(JSON.stringify({ loggedIn: false })); process.exit(1); }
  console.log(JSON.stringify({ loggedIn: true, email: "dev@example.com", accounts: state.accounts }));
} else if (cmd === "d1 list") {
  console.log(JSON.stringify(state.databases.map((name, i) => ({ uuid: "db-" + i, name }))));
} else if (cmd === "d1 migrations") {
  if (!state.databases.includes("arouter")) { console.error("Couldn't find a D1 DB with the name or binding 'DB'"); process.exit(1); }
  state.migrated = (state.migrated ?? 0) + 1; save();
  console.log("Migrations applied");
} else if (args[0] === "deploy") {
  if (state.deployFails) { console.error("deploy failed"); process.exit(1); }
  if (!state.databases.includes("arouter")) state.databases.push("arouter");
  state.deployed = (state.deployed ?? 0) + 1; save();
  console.log("Uploaded arouter\\nDeployed arouter triggers\\n  https://arouter.dev-example.workers.dev\\n");
} else if (cmd === "secret list") {
  console.log(JSON.stringify(state.secrets.map((name) => ({ name, type: "secret_text" })), null, "  "));
} else if (cmd === "secret put") {
  state.secrets.push(args[2]); state.secretValues = { ...(state.secretValues ?? {}), [args[2]]: stdin }; save();
  console.log("Success! Uploaded secret " + args[2]);
} else { console.error("stub: unexpected " + args.join(" ")); process.exit(2); }
`;

interface State {
  loggedIn: boolean;
  accounts: { id: string; name: string }[];
  databases: string[];
  secrets: string[];
  deployFails?: boolean;
  secretValues?: Record<string, string>;
  deployed?: number;
  migrated?: number;
}

describe("npm run deploy (scripts/deploy.mjs)", () => {
  let dir: string;
  const paths = () => ({ stub: join(dir, "wrangler"), state: join(dir, "state.json"), log: join(dir, "calls.jsonl") });

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "arouter-deploy-"));
    writeFileSync(paths().stub, STUB);
    chmodSync(paths().stub, 0o755);
    writeFileSync(paths().log, "");
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const setState = (s: State) => writeFileSync(paths().state, JSON.stringify(s));
  const state = (): State => JSON.parse(readFileSync(paths().state, "utf8"));
  const calls = () =>
    readFileSync(paths().log, "utf8")
      .trim()
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { args: string[]; stdin: string; account: string | null });

  function deploy(extraEnv: Record<string, string> = {}, args: string[] = []): Promise<{ code: number | null; out: string }> {
    const env: Record<string, string | undefined> = { ...process.env, AROUTER_WRANGLER: paths().stub, STUB_STATE: paths().state, STUB_LOG: paths().log, ...extraEnv };
    delete env.CLOUDFLARE_ACCOUNT_ID;
    Object.assign(env, extraEnv);
    const child = spawn(process.execPath, [join(ROOT, "scripts/deploy.mjs"), ...args], { cwd: ROOT, env, stdio: ["pipe", "pipe", "pipe"] });
    child.stdin.end();
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    return new Promise((resolve) => child.on("close", (code) => resolve({ code, out })));
  }

  it("first deploy: provisions by deploying, then migrates, then generates and stores a management key shown once", async () => {
    setState({ loggedIn: true, accounts: [{ id: "acc1", name: "Mine" }], databases: [], secrets: [] });
    const { code, out } = await deploy({}, ["--minify"]);
    expect(code).toBe(0);
    const seq = calls().map((c) => c.args.slice(0, 2).join(" "));
    expect(seq).toEqual(["whoami --json", "d1 list", "deploy --minify", "d1 migrations", "secret list", "secret put"]);
    expect(calls().find((c) => c.args[0] === "d1" && c.args[1] === "migrations")!.args).toEqual(["d1", "migrations", "apply", "DB", "--remote"]);
    // The only account is chosen for every call, so wrangler never prompts.
    expect(calls().slice(1).every((c) => c.account === "acc1")).toBe(true);

    const key = state().secretValues!.MANAGEMENT_KEY;
    expect(key).toMatch(/^lr_mgmt_[A-Za-z0-9_-]{32}$/);
    expect(out.split(key).length - 1).toBe(1);
    expect(out).toContain("https://arouter.dev-example.workers.dev/console");
    expect(state().migrated).toBe(1);
  });

  it("re-run: migrates before deploying, keeps the existing management key", async () => {
    setState({ loggedIn: true, accounts: [{ id: "acc1", name: "Mine" }], databases: ["arouter"], secrets: ["MANAGEMENT_KEY"] });
    const { code, out } = await deploy();
    expect(code).toBe(0);
    expect(calls().map((c) => c.args.slice(0, 2).join(" "))).toEqual(["whoami --json", "d1 list", "d1 migrations", "deploy", "secret list"]);
    expect(state().secretValues).toBeUndefined();
    expect(out).toContain("MANAGEMENT_KEY: already set (unchanged)");
    expect(out).not.toMatch(/lr_mgmt_/);
  });

  it("stops with the login hint when wrangler is not logged in, before touching anything", async () => {
    setState({ loggedIn: false, accounts: [], databases: [], secrets: [] });
    const { code, out } = await deploy();
    expect(code).toBe(1);
    expect(out).toContain("npx wrangler login");
    expect(calls().map((c) => c.args[0])).toEqual(["whoami"]);
  });

  it("asks for CLOUDFLARE_ACCOUNT_ID when the login has several accounts and nobody can answer a prompt; uses it when set", async () => {
    setState({ loggedIn: true, accounts: [{ id: "a1", name: "One" }, { id: "a2", name: "Two" }], databases: [], secrets: [] });
    const refused = await deploy();
    expect(refused.code).toBe(1);
    expect(refused.out).toContain("CLOUDFLARE_ACCOUNT_ID");
    expect(calls().length).toBe(1);

    const ok = await deploy({ CLOUDFLARE_ACCOUNT_ID: "a2" });
    expect(ok.code).toBe(0);
    expect(calls().slice(1).every((c) => c.account === "a2")).toBe(true);
  });

  it("a failed deploy stores no secret", async () => {
    setState({ loggedIn: true, accounts: [{ id: "acc1", name: "Mine" }], databases: [], secrets: [], deployFails: true });
    const { code, out } = await deploy();
    expect(code).toBe(1);
    expect(out).toContain("wrangler deploy failed");
    expect(calls().some((c) => c.args[0] === "secret")).toBe(false);
  });
});
