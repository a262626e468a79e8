// Starts the gateway as a user does, `npm start`, against the repo's fake upstream, on free ports,
// in a copy of the checkout (a developer's .dev.vars and local data are never touched), and stops
// every process it started.
import { spawn, type ChildProcess } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { cleanCheckout, freePort, killLeftovers, npmStart, removeCheckout, type Started } from "../first-run-harness";

const ROOT = fileURLToPath(new URL("../../..", import.meta.url).href);
export const MANAGEMENT_KEY = "lr_mgmt_browser_test_key_000000000000";

export interface GatewayProcess {
  url: string;
  /** The fake upstream's base URL (control API: POST /__control/default/config). */
  fakeUrl: string;
  managementKey: string;
  stop(): Promise<void>;
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

/**
 * `npm start` in a fresh copy of the checkout (no web-dist/, no .wrangler state: the web build and
 * the local migrations run as on a clean clone), with a .dev.vars that points three providers at
 * our own fake upstream (so the built-in demo stays off and the test controls the upstream).
 */
export async function startGateway(): Promise<GatewayProcess> {
  const env: Record<string, string | undefined> = { ...process.env, WRANGLER_SEND_METRICS: "false" };
  const children: ChildProcess[] = [];
  let checkout: string | undefined;
  let started: Started | undefined;
  const stop = async () => {
    await started?.interrupt().catch(() => undefined);
    if (checkout) await killLeftovers([checkout]);
    await Promise.all(children.map(stopGroup));
    if (checkout) removeCheckout(checkout);
  };
  try {
    const fake = spawn(process.execPath, [join(ROOT, "scripts/fake-upstream.mjs"), "--port", "0"], { cwd: ROOT, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    children.push(fake);
    const [, fakeUrl] = await waitFor(fake, /listening on (http:\/\/\S+)/, "fake upstream", 30_000);

    checkout = cleanCheckout();
    writeFileSync(
      join(checkout, ".dev.vars"),
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
    started = await npmStart(checkout, ["--port", String(await freePort())]);
    return { url: started.banner.url.replace(/\/$/, ""), fakeUrl, managementKey: MANAGEMENT_KEY, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
