// The load generator (bench/client.mjs) as a child process with IPC: `call(type, job, timeoutMs)`
// runs an autocannon or probe job there, so its CPU never mixes with the runtime's.
import { fork } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const HERE = path.dirname(fileURLToPath(import.meta.url));

export function startClient() {
  const child = fork(path.join(HERE, "..", "client.mjs"), [], { stdio: ["ignore", "inherit", "inherit", "ipc"], execArgv: [] });
  const pending = new Map();
  let seq = 0;
  child.on("message", (m) => {
    if (m && m.id !== undefined && pending.has(m.id)) {
      const p = pending.get(m.id);
      pending.delete(m.id);
      clearTimeout(p.timer);
      m.ok ? p.resolve(m.result) : p.reject(new Error(m.error));
    }
  });
  child.on("exit", (code) => {
    for (const p of pending.values()) {
      clearTimeout(p.timer);
      p.reject(new Error(`load generator exited (${code})`));
    }
    pending.clear();
  });
  const ready = new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error("load generator did not start")), 15_000);
    child.once("message", (m) => {
      clearTimeout(t);
      m?.ready ? resolve() : reject(new Error("unexpected first message from load generator"));
    });
  });
  const call = (type, job, timeoutMs) =>
    new Promise((resolve, reject) => {
      const id = ++seq;
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error(`${type} job timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      pending.set(id, { resolve, reject, timer });
      child.send({ id, type, job });
    });
  return { child, ready, call };
}
