// Runs wrangler as a child in its own process group, so stopping `npm start` can end the whole tree
// wrangler dev spawns (workerd, esbuild) with one group signal, whoever sent the stop (Ctrl-C in
// a terminal reaches only the foreground group; a process manager's SIGTERM only this process).
import { spawn, spawnSync } from "node:child_process";
import { createInterface } from "node:readline";
import { join } from "node:path";

const WINDOWS = process.platform === "win32";
const wranglerBin = (root) => join(root, "node_modules", "wrangler", "bin", "wrangler.js");

/** Child environment: colours when our own output is a terminal (wrangler's output is piped through us). */
function childEnv() {
  const env = { ...process.env, WRANGLER_SEND_METRICS: process.env.WRANGLER_SEND_METRICS ?? "false" };
  if (process.stdout.isTTY && env.FORCE_COLOR === undefined && env.NO_COLOR === undefined) env.FORCE_COLOR = "1";
  return env;
}

/** A short wrangler command (e.g. migrations); its output is shown only when it fails. */
export function runWrangler(root, args) {
  const r = spawnSync(process.execPath, [wranglerBin(root), ...args], { cwd: root, env: childEnv(), encoding: "utf8" });
  return { ok: r.status === 0, output: `${r.stdout ?? ""}${r.stderr ?? ""}`, status: r.status ?? 1 };
}

/**
 * Starts `wrangler dev`. Its output goes through `filter` line by line (a line it returns false for
 * is dropped). Returns {child, alive(), exited (promise of the exit code), stop()}.
 */
export function startWranglerDev(root, args, { filter = () => true } = {}) {
  const child = spawn(process.execPath, [wranglerBin(root), "dev", ...args], {
    cwd: root,
    env: childEnv(),
    stdio: ["ignore", "pipe", "pipe"],
    detached: !WINDOWS, // own process group (see the header comment); on Windows it would open a console
  });
  let running = true;
  const exited = new Promise((resolve) => {
    child.on("exit", (code, signal) => {
      running = false;
      resolve(code ?? (signal ? 1 : 0));
    });
    child.on("error", (e) => {
      running = false;
      process.stderr.write(`could not start wrangler: ${e.message}\n`);
      resolve(1);
    });
  });
  for (const [from, to] of [
    [child.stdout, process.stdout],
    [child.stderr, process.stderr],
  ]) {
    createInterface({ input: from, crlfDelay: Infinity }).on("line", (line) => {
      if (filter(line)) to.write(line + "\n");
    });
  }

  /** SIGINT to the group (wrangler's own clean shutdown), SIGKILL to what is left after graceMs. */
  async function stop(graceMs = 5000) {
    const group = (signal) => {
      if (WINDOWS) {
        // No process groups: taskkill ends the tree (/T), forcibly on the second call (/F).
        spawnSync("taskkill", ["/pid", String(child.pid), "/T", ...(signal === "SIGKILL" ? ["/F"] : [])], { stdio: "ignore" });
        return;
      }
      try {
        process.kill(-child.pid, signal);
      } catch {
        // the group is already gone
      }
    };
    if (running) {
      group("SIGINT");
      let timer;
      await Promise.race([exited, new Promise((r) => (timer = setTimeout(r, graceMs)))]);
      clearTimeout(timer);
    }
    group("SIGKILL"); // workerd or esbuild outliving wrangler (or a wrangler that would not stop)
    await exited;
  }
  return { child, alive: () => running, exited, stop };
}
