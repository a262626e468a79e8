// Starts the gateway the way `npm start` does (local D1 migrations, then `wrangler dev`, which
// runs the web build first) against the repo's fake upstream, on free ports, with its own state
// directory and env file (so a developer's .dev.vars and local data are never touched), and
// stops every process it started.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../..", import.meta.url).href);
const WRANGLER = join(ROOT, "node_modules/.bin/wrangler");
export const MANAGEMENT_KEY = "lr_mgmt_browser_test_key_000000000000";

export interface GatewayProcess {
  url: string;
  /** The fake upstream's base URL (control API: POST /__control/default/config). */
  fakeUrl: string;
  managementKey: string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once("error", rej);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => res(port));
    });
  });
}

/** Resolves with the first stdout match; rejects if the process exits first or time runs out. */
function waitFor(child: ChildProcess, re: RegExp, what: string, ms: number): Promise<RegExpMatchArray> {
  return new Promise((res, rej) => {
    let out = "";
    const timer = setTimeout(() => rej(new Error(`${what} not ready after ${ms} ms:\n${out.slice(-3000)}`)), ms);
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = out.match(re);
      if (m) {
        clearTimeout(timer);
        res(m);
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", (d: Buffer) => (out += d.toString()));
    child.once("exit", (code) => {
      clearTimeout(timer);
      rej(new Error(`${what} exited (${code}) before it was ready:\n${out.slice(-3000)}`));
    });
  });
}

/** Kills a process group (wrangler dev spawns workerd) and waits for the leader to exit. */
async function stopGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || !child.pid) return;
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  try {
    process.kill(-child.pid, "SIGTERM");
  } catch {
    return;
  }
  const timeout = new Promise<"timeout">((r) => setTimeout(() => r("timeout"), 10_000));
  if ((await Promise.race([exited, timeout])) === "timeout") {
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {
      // already gone
    }
    await exited;
  }
}

export async function startGateway(): Promise<GatewayProcess> {
  const dir = mkdtempSync(join(tmpdir(), "arouter-browser-"));
  const env: Record<string, string | undefined> = { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "1", NO_COLOR: "1", FORCE_COLOR: "0" };
  delete env.CLOUDFLARE_INCLUDE_PROCESS_ENV;
  const children: ChildProcess[] = [];
  const stop = async () => {
    await Promise.all(children.map(stopGroup));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const fake = spawn(process.execPath, [join(ROOT, "scripts/fake-upstream.mjs"), "--port", "0"], { cwd: ROOT, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    children.push(fake);
    const [, fakeUrl] = await waitFor(fake, /listening on (http:\/\/\S+)/, "fake upstream", 30_000);

    // The gateway's secrets, as .dev.vars would hold them: three providers on the fake upstream.
    const envFile = join(dir, "gateway.env");
    writeFileSync(
      envFile,
      [
        `MANAGEMENT_KEY=${MANAGEMENT_KEY}`,
        "OPENAI_API_KEY=fake",
        `OPENAI_BASE_URL=${fakeUrl}/openai/v1`,
        "ANTHROPIC_API_KEY=fake",
        `ANTHROPIC_BASE_URL=${fakeUrl}/anthropic`,
        "GEMINI_API_KEY=fake",
        `GEMINI_BASE_URL=${fakeUrl}/gemini`,
        "",
      ].join("\n"),
    );
    const state = join(dir, "state");
    const migrate = spawnSync(WRANGLER, ["d1", "migrations", "apply", "DB", "--local", "--persist-to", state], { cwd: ROOT, env, encoding: "utf8" });
    if (migrate.status !== 0) throw new Error(`migrations failed:\n${migrate.stdout}\n${migrate.stderr}`);

    const port = await freePort();
    const dev = spawn(
      WRANGLER,
      ["dev", "--ip", "127.0.0.1", "--port", String(port), "--inspector-port", String(await freePort()), "--persist-to", state, "--env-file", envFile, "--show-interactive-dev-session=false"],
      { cwd: ROOT, env, detached: true, stdio: ["ignore", "pipe", "pipe"] },
    );
    children.push(dev);
    await waitFor(dev, /Ready on http:\/\/\S+/, "wrangler dev", 150_000);
    const url = `http://127.0.0.1:${port}`;
    // "Ready" precedes the first request being served; one round trip makes sure.
    for (let i = 0; i < 50; i++) {
      const ok = await fetch(`${url}/health`).then((r) => r.ok).catch(() => false);
      if (ok) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    return { url, fakeUrl, managementKey: MANAGEMENT_KEY, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
