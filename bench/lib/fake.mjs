// The fake upstream (scripts/fake-upstream.mjs) in its own process, so its CPU never mixes with
// the runtime's.
import { fork } from "node:child_process";
import path from "node:path";

/** The fake upstream in its own process (bench/fake-upstream-proc.mjs, forked with IPC). */
export async function startFakeUpstream({ root }) {
  const child = fork(path.join(root, "bench", "fake-upstream-proc.mjs"), [], { cwd: root, stdio: ["ignore", "pipe", "pipe", "ipc"], execArgv: [] });
  let log = "";
  const keep = (d) => {
    log += d;
    if (log.length > 50_000) log = log.slice(-20_000);
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  let exited = false;
  child.on("exit", () => (exited = true));
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`fake upstream did not start within 15 s:\n${log}`)), 15_000);
    child.once("message", (m) => {
      clearTimeout(timer);
      if (m && typeof m.url === "string") resolve(m.url);
      else reject(new Error(`fake upstream sent ${JSON.stringify(m)}`));
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`fake upstream exited (${code}) before listening:\n${log}`));
    });
  });
  return {
    url,
    pid: child.pid,
    get exited() {
      return exited;
    },
    get log() {
      return log;
    },
    /** Resets the fake's default session and sets its config ({chunks, chunkDelayMs, …}). */
    async configure(cfg) {
      await fetch(`${url}/__control/default`, { method: "DELETE", signal: AbortSignal.timeout(5000) });
      const r = await fetch(`${url}/__control/default/config`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ record: false, ...cfg }),
        signal: AbortSignal.timeout(5000),
      });
      if (!r.ok) throw new Error(`fake upstream config failed: ${r.status} ${await r.text()}`);
    },
    close() {
      return new Promise((resolve) => {
        if (exited) return resolve();
        const t = setTimeout(() => {
          if (!exited) child.kill("SIGKILL");
          resolve();
        }, 3000);
        child.once("exit", () => {
          clearTimeout(t);
          resolve();
        });
        child.kill("SIGTERM");
      });
    },
  };
}
