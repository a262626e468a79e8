// Setting up what the benchmark measures: the Worker bundle (wrangler dry-run), the fake upstream
// (own process), and one Miniflare/workerd runtime hosting the gateway, the pass-through and the
// floor Worker, each on its own loopback socket.
import { fork, spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { findWorkerdPids } from "./proc.mjs";

const tail = (s, lines = 40) => s.split("\n").slice(-lines).join("\n");

/** Runs a command with a time limit; resolves {code, out}. */
function run(cmd, args, { cwd, env, timeoutMs }) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    const add = (d) => {
      out += d;
      if (out.length > 200_000) out = out.slice(-100_000);
    };
    child.stdout.on("data", add);
    child.stderr.on("data", add);
    const timer = setTimeout(() => {
      out += `\n[bench] timed out after ${timeoutMs} ms, killing pid ${child.pid}\n`;
      child.kill("SIGKILL");
    }, timeoutMs);
    child.on("error", (e) => {
      clearTimeout(timer);
      resolve({ code: -1, out: out + String(e) });
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, out });
    });
  });
}

/** `wrangler deploy --dry-run --outdir <outDir>`; returns the entry module's path. */
export async function buildGateway({ root, outDir, skip }) {
  if (!skip) {
    fs.rmSync(outDir, { recursive: true, force: true });
    fs.mkdirSync(outDir, { recursive: true });
    const wrangler = path.join(root, "node_modules", "wrangler", "bin", "wrangler.js");
    if (!fs.existsSync(wrangler)) throw new Error(`wrangler not found at ${wrangler} (npm install?)`);
    const t0 = Date.now();
    const r = await run(process.execPath, [wrangler, "deploy", "--dry-run", "--outdir", outDir], {
      cwd: root,
      env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: process.env.CI ?? "true", NO_COLOR: "1", FORCE_COLOR: "0" },
      timeoutMs: 180_000,
    });
    if (r.code !== 0) throw new Error(`gateway build failed (wrangler deploy --dry-run exited ${r.code}):\n${tail(r.out)}`);
    console.log(`[bench] built the Worker bundle in ${((Date.now() - t0) / 1000).toFixed(1)} s → ${path.relative(root, outDir)}`);
  }
  const candidates = ["index.js", "index.mjs", "worker.js"].map((f) => path.join(outDir, f));
  const entry = candidates.find((f) => fs.existsSync(f)) ?? fs.readdirSync(outDir).filter((f) => /\.m?js$/.test(f)).map((f) => path.join(outDir, f))[0];
  if (!entry) throw new Error(`no bundle found in ${outDir}${skip ? " (drop --no-build)" : ""}`);
  return entry;
}

/** compatibility_date / compatibility_flags from wrangler.toml (the runtime must match the build). */
export function readCompat(root) {
  const toml = fs.readFileSync(path.join(root, "wrangler.toml"), "utf8");
  const date = /^\s*compatibility_date\s*=\s*"([^"]+)"/m.exec(toml)?.[1];
  const flagsRaw = /^\s*compatibility_flags\s*=\s*\[([^\]]*)\]/m.exec(toml)?.[1] ?? "";
  const flags = [...flagsRaw.matchAll(/"([^"]+)"/g)].map((m) => m[1]);
  if (!date) throw new Error("wrangler.toml has no compatibility_date");
  return { date, flags };
}

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

/**
 * One Miniflare instance (one workerd process) with three Workers:
 *   gateway     — the wrangler bundle, bindings as in wrangler.toml (DB, CATALOG, SPEND)
 *   passthrough — bench/passthrough-worker.js
 *   floor       — bench/floor-worker.js (pass-through + two DO RPCs + reads every byte in JS)
 * Each gets a direct loopback socket, so requests skip Miniflare's entry Worker.
 */
export async function startRuntime({ root, entry, compat, fakeUrl, managementKey, diskStorage = false, inspector = false }) {
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
  const vars = {
    MANAGEMENT_KEY: managementKey,
    OPENAI_BASE_URL: `${fakeUrl}/openai/v1`,
    OPENAI_API_KEY: "sk-fake-openai",
    ANTHROPIC_BASE_URL: `${fakeUrl}/anthropic`,
    ANTHROPIC_API_KEY: "sk-ant-fake",
    GEMINI_BASE_URL: `${fakeUrl}/gemini`,
    GEMINI_API_KEY: "fake-gemini-key",
  };
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
        durableObjects: { SPEND: { className: "SpendCounter", useSQLite: true } },
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
  const gatewayUrl = (await mf.unsafeGetDirectURL("gateway")).origin;
  const passthroughUrl = (await mf.unsafeGetDirectURL("passthrough")).origin;
  const floorUrl = (await mf.unsafeGetDirectURL("floor")).origin;
  const workerdPids = findWorkerdPids(process.pid);
  return {
    mf,
    gatewayUrl,
    passthroughUrl,
    floorUrl,
    workerdPids,
    logStats,
    storage: storageDir ?? "miniflare default (temporary directory on disk)",
    dispose: () => mf.dispose().finally(removeStorage),
  };
}

/** Splits a SQL file into statements (quotes, comments and CREATE TRIGGER … END aware). */
export function splitSql(sql) {
  const out = [];
  let cur = "";
  let i = 0;
  let depth = 0; // BEGIN … END nesting inside triggers
  const n = sql.length;
  while (i < n) {
    const c = sql[i];
    if (c === "-" && sql[i + 1] === "-") {
      const e = sql.indexOf("\n", i);
      i = e === -1 ? n : e + 1;
      cur += "\n";
      continue;
    }
    if (c === "/" && sql[i + 1] === "*") {
      const e = sql.indexOf("*/", i + 2);
      i = e === -1 ? n : e + 2;
      cur += " ";
      continue;
    }
    if (c === "'" || c === '"' || c === "`" || c === "[") {
      const close = c === "[" ? "]" : c;
      let j = i + 1;
      while (j < n) {
        if (sql[j] === close) {
          if (close !== "]" && sql[j + 1] === close) j += 2;
          else break;
        } else j++;
      }
      cur += sql.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    if (/[A-Za-z_]/.test(c) && !/[A-Za-z0-9_]/.test(sql[i - 1] ?? "")) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(sql.slice(i, i + 64));
      const word = m[0].toUpperCase();
      if (/^\s*CREATE\s+(TEMP\s+|TEMPORARY\s+)?TRIGGER/i.test(cur + m[0] + sql.slice(i + m[0].length, i + 40))) {
        if (word === "BEGIN" || word === "CASE") depth++;
        else if (word === "END" && depth > 0) depth--;
      }
      cur += m[0];
      i += m[0].length;
      continue;
    }
    if (c === ";" && depth === 0) {
      if (cur.trim()) out.push(cur.trim());
      cur = "";
      i++;
      continue;
    }
    cur += c;
    i++;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

/** Applies migrations/*.sql in order to the gateway's D1 database. */
export async function applyMigrations(mf, root) {
  const dir = path.join(root, "migrations");
  const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith(".sql")).sort() : [];
  const db = await mf.getD1Database("DB", "gateway");
  let count = 0;
  for (const f of files) {
    const statements = splitSql(fs.readFileSync(path.join(dir, f), "utf8"));
    for (const s of statements) {
      try {
        await db.prepare(s).run();
      } catch (e) {
        throw new Error(`migration ${f} failed on: ${s.slice(0, 200)}\n${e?.message ?? e}`);
      }
      count++;
    }
  }
  return { files, statements: count };
}

/** POST /api/v1/keys with the management key; returns the new API key (no spend limit). */
export async function createApiKey(gatewayUrl, managementKey) {
  let lastErr;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const r = await fetch(`${gatewayUrl}/api/v1/keys`, {
        method: "POST",
        headers: { authorization: `Bearer ${managementKey}`, "content-type": "application/json" },
        body: JSON.stringify({ name: "bench" }),
        signal: AbortSignal.timeout(15_000),
      });
      const text = await r.text();
      let j = null;
      try {
        j = JSON.parse(text);
      } catch {}
      const key = j?.key ?? j?.data?.key;
      if (r.ok && typeof key === "string" && key) return key;
      lastErr = new Error(`POST /api/v1/keys → ${r.status}: ${text.slice(0, 500)}`);
      if (r.status < 500) break;
    } catch (e) {
      lastErr = e;
    }
    await new Promise((res) => setTimeout(res, 300));
  }
  throw new Error(`could not create an API key: ${lastErr?.message ?? lastErr}`);
}
