// One Miniflare/workerd runtime hosting every Worker the benchmark compares, each on its own
// loopback socket: the gateway (two environments), the pass-through, the floor and Portkey's
// gateway. Local D1/KV/DO storage on tmpfs.
import fs from "node:fs";
import path from "node:path";
import { findWorkerdPids } from "./proc.mjs";
import { allProviderEnv, baseProviderEnv } from "./provider-env.mjs";
import { portkeyWorker } from "./portkey.mjs";

/**
 * One Miniflare instance (one workerd process) with these Workers:
 *   gateway     — the wrangler bundle, bindings as in wrangler.toml (DB, CATALOG, SPEND, RESPONSES), the
 *                 OpenAI/Anthropic/Gemini providers enabled
 *   gateway-all — the same bundle with every provider enabled, sharing the gateway's D1, KV and
 *                 SpendCounter objects (one deployment, two configurations)
 *   passthrough — bench/passthrough-worker.js
 *   floor       — bench/floor-worker.js (pass-through + two DO RPCs + reads every byte in JS)
 *   portkey     — Portkey's prebuilt gateway bundle, when `portkeyBundle` is given
 * Each gets a direct loopback socket, so requests skip Miniflare's entry Worker.
 */
export async function startRuntime({ root, entry, compat, fakeUrl, managementKey, diskStorage = false, inspector = false, portkeyBundle = null }) {
  const mfmod = await import("miniflare");
  // Local D1/KV/DO storage: a fresh directory on tmpfs (/dev/shm) unless asked otherwise, so the
  // figures measure the Worker, not this machine's disk fsyncs. Removed on dispose.
  let storageDir = null;
  if (!diskStorage) {
    try {
      fs.accessSync("/dev/shm", fs.constants.W_OK);
      // Leftovers of benchmark runs that were killed (older than 6 hours).
      for (const d of fs.readdirSync("/dev/shm")) {
        if (!d.startsWith("arouter-bench-")) continue;
        const full = path.join("/dev/shm", d);
        if (Date.now() - fs.statSync(full).mtimeMs > 6 * 3600_000) fs.rmSync(full, { recursive: true, force: true });
      }
      storageDir = fs.mkdtempSync("/dev/shm/arouter-bench-");
    } catch {
      storageDir = null;
    }
  }
  const { Miniflare, Log, LogLevel } = mfmod;
  const logStats = { total: 0, byLevel: {}, samples: [] };
  const vars = { MANAGEMENT_KEY: managementKey, ...baseProviderEnv(fakeUrl) };
  const all = allProviderEnv(entry, fakeUrl);
  const buildDir = path.dirname(entry);
  const v4 = {
    host: "127.0.0.1",
    port: 0,
    enableDevRegistry: false,
    telemetry: { enabled: false },
    cf: false, // placeholder Request.cf: never fetch the real one from the network
    ...(storageDir ? { resourcePersistencePath: storageDir } : {}),
    ...(inspector ? { inspectorPort: 0 } : {}), // only for --profile (loopback)
    logRequests: false,
    log: Log && LogLevel ? new Log(LogLevel.WARN) : undefined,
    // Worker console output: counted (it costs CPU), a few samples kept for the report.
    handleStructuredLogs: (l) => {
      logStats.total++;
      logStats.byLevel[l.level] = (logStats.byLevel[l.level] ?? 0) + 1;
      if (logStats.samples.length < 5 && /error|warn/i.test(l.level)) logStats.samples.push(`${l.level}: ${String(l.message).slice(0, 300)}`);
    },
    workers: [
      {
        name: "gateway",
        modules: true,
        modulesRoot: buildDir,
        scriptPath: entry,
        compatibilityDate: compat.date,
        compatibilityFlags: compat.flags,
        bindings: vars,
        d1Databases: { DB: "bench-db" },
        kvNamespaces: { CATALOG: "bench-catalog" },
        durableObjects: { SPEND: { className: "SpendCounter", useSQLite: true }, RESPONSES: { className: "ResponseStore", useSQLite: true } },
        unsafeDirectSockets: [{ host: "127.0.0.1", port: 0 }],
      },
      {
        name: "gateway-all",
        modules: true,
        modulesRoot: buildDir,
        scriptPath: entry,
        compatibilityDate: compat.date,
        compatibilityFlags: compat.flags,
        bindings: { ...vars, ...all.env },
        d1Databases: { DB: "bench-db" },
        kvNamespaces: { CATALOG: "bench-catalog" },
        // The key lives in the gateway's SpendCounter objects: bind to those, not to a second copy.
        durableObjects: { SPEND: { className: "SpendCounter", scriptName: "gateway", useSQLite: true }, RESPONSES: { className: "ResponseStore", scriptName: "gateway", useSQLite: true } },
        unsafeDirectSockets: [{ host: "127.0.0.1", port: 0 }],
      },
      {
        name: "passthrough",
        modules: true,
        modulesRoot: path.join(root, "bench"),
        scriptPath: path.join(root, "bench", "passthrough-worker.js"),
        compatibilityDate: compat.date,
        compatibilityFlags: compat.flags,
        bindings: { UPSTREAM_URL: fakeUrl },
        unsafeDirectSockets: [{ host: "127.0.0.1", port: 0 }],
      },
      {
        name: "floor",
        modules: true,
        modulesRoot: path.join(root, "bench"),
        scriptPath: path.join(root, "bench", "floor-worker.js"),
        compatibilityDate: compat.date,
        compatibilityFlags: compat.flags,
        bindings: { UPSTREAM_URL: fakeUrl },
        // Same storage backend as the gateway's SpendCounter; the floor's object never writes to it.
        durableObjects: { COUNTER: { className: "Counter", useSQLite: true } },
        unsafeDirectSockets: [{ host: "127.0.0.1", port: 0 }],
      },
      ...(portkeyBundle ? [portkeyWorker(portkeyBundle)] : []),
    ],
  };
  const opts = typeof mfmod.convertV4MiniflareOptions === "function" ? mfmod.convertV4MiniflareOptions(v4) : v4;
  const removeStorage = () => {
    if (storageDir) fs.rmSync(storageDir, { recursive: true, force: true });
  };
  // Miniflare's own signal handling may exit the process before dispose() resolves.
  if (storageDir) process.once("exit", removeStorage);
  let mf;
  try {
    mf = new Miniflare(opts);
    await mf.ready;
  } catch (e) {
    await mf?.dispose().catch(() => {});
    removeStorage();
    throw e;
  }
  const names = ["gateway", "gateway-all", "passthrough", "floor", ...(portkeyBundle ? ["portkey"] : [])];
  const urls = {};
  for (const n of names) urls[n] = (await mf.unsafeGetDirectURL(n)).origin;
  const workerdPids = findWorkerdPids(process.pid);
  return {
    mf,
    urls,
    gatewayUrl: urls.gateway,
    allProviders: { prefixes: all.prefixes, variables: all.variables },
    workerdPids,
    logStats,
    storage: storageDir ?? "miniflare default (temporary directory on disk)",
    dispose: () => mf.dispose().finally(removeStorage),
  };
}
