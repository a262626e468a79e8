// Optional CPU profiling of the gateway isolate inside workerd, through the runtime's V8 inspector
// (Miniflare `inspectorPort`): Profiler.start/stop over the DevTools protocol. Produces a
// standard .cpuprofile (open it in Chrome DevTools) and a self-time summary mapped back to source
// modules with the `// src/…` comments that esbuild writes into the (unminified) bundle.
import fs from "node:fs";
import { SourceMap } from "node:module";
import path from "node:path";

export async function connectInspector(mf, workerName) {
  const base = new URL((await mf.getInspectorURL()).href.replace(/^ws/, "http"));
  const list = await (await fetch(new URL("/json", base), { signal: AbortSignal.timeout(5000) })).json();
  const t = list.find((x) => x.id === `core:user:${workerName}`) ?? list.find((x) => String(x.id).endsWith(`:${workerName}`));
  if (!t) throw new Error(`no inspector target for ${workerName}: ${list.map((x) => x.id).join(", ")}`);
  const ws = new WebSocket(t.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("inspector connect timeout")), 5000);
    ws.onopen = () => {
      clearTimeout(timer);
      resolve();
    };
    ws.onerror = (e) => {
      clearTimeout(timer);
      reject(new Error(`inspector: ${e?.message ?? "connection error"}`));
    };
  });
  let seq = 0;
  const pending = new Map();
  ws.onmessage = (e) => {
    let m;
    try {
      m = JSON.parse(typeof e.data === "string" ? e.data : Buffer.from(e.data).toString("utf8"));
    } catch {
      return;
    }
    if (m.id !== undefined && pending.has(m.id)) {
      const p = pending.get(m.id);
      pending.delete(m.id);
      clearTimeout(p.timer);
      m.error ? p.reject(new Error(`${m.error.message ?? JSON.stringify(m.error)}`)) : p.resolve(m.result);
    }
  };
  const call = (method, params = {}, timeoutMs = 30_000) =>
    new Promise((resolve, reject) => {
      const id = ++seq;
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error(`${method} timed out`));
      }, timeoutMs);
      pending.set(id, { resolve, reject, timer });
      ws.send(JSON.stringify({ id, method, params }));
    });
  return { call, close: () => ws.close() };
}

/** Runs fn() with the profiler on; returns {profile, result}. */
export async function profileDuring(mf, workerName, fn, intervalUs = 200) {
  const insp = await connectInspector(mf, workerName);
  try {
    await insp.call("Profiler.enable");
    await insp.call("Profiler.setSamplingInterval", { interval: intervalUs });
    await insp.call("Profiler.start");
    let result;
    let stopped;
    try {
      result = await fn();
    } finally {
      stopped = await insp.call("Profiler.stop", {}, 60_000);
    }
    return { profile: stopped.profile, result };
  } finally {
    insp.close();
  }
}

/** Maps a bundle position (0-based line/column) to "src/file.ts:line" via the source map when present. */
function sourceMapper(bundlePath) {
  let sm = null;
  try {
    const mapFile = `${bundlePath}.map`;
    if (fs.existsSync(mapFile)) sm = new SourceMap(JSON.parse(fs.readFileSync(mapFile, "utf8")));
  } catch {
    sm = null;
  }
  const clean = (src) => src.replace(/^(\.\.\/)+/, "").replace(/^.*node_modules\//, "node_modules/");
  return (line, col) => {
    if (!sm) return null;
    try {
      const e = sm.findEntry(line, Math.max(0, col));
      if (e && e.originalSource) return { file: clean(e.originalSource), line: e.originalLine + 1 };
    } catch {}
    return null;
  };
}

/**
 * Where the gateway isolate spends CPU:
 *   functions — self time per JS function (source file:line through the bundle's source map)
 *   modules   — self time per source file, with the time of runtime built-ins ("(anonymous)",
 *               stream internals, fetch, JSON…) charged to the nearest bundle function that
 *               called them; what has no bundle caller is grouped as (program), (garbage collector)…
 */
export function summarizeProfile(profile, bundlePath, top = 15) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const map = sourceMapper(bundlePath);
  const bundleName = path.basename(bundlePath);
  const inBundle = (n) => !!n.callFrame.url && n.callFrame.url.endsWith(bundleName);
  const locCache = new Map();
  const loc = (n) => {
    if (locCache.has(n.id)) return locCache.get(n.id);
    const cf = n.callFrame;
    let r;
    if (inBundle(n)) {
      const m = map(cf.lineNumber, cf.columnNumber);
      r = m ? { file: m.file, where: `${m.file}:${m.line}` } : { file: bundleName, where: `${bundleName}:${cf.lineNumber + 1}` };
    } else if (cf.url) {
      const f = cf.url.replace(/^.*\//, "");
      r = { file: f, where: `${f}:${cf.lineNumber + 1}` };
    } else r = { file: null, where: "" };
    locCache.set(n.id, r);
    return r;
  };
  const owner = new Map(); // node id → nearest bundle ancestor (or itself)
  const ownerOf = (id) => {
    if (owner.has(id)) return owner.get(id);
    let cur = id;
    let found = null;
    for (let guard = 0; cur !== undefined && guard < 10_000; guard++) {
      const n = byId.get(cur);
      if (!n) break;
      if (inBundle(n)) {
        found = n;
        break;
      }
      cur = parent.get(cur);
    }
    owner.set(id, found);
    return found;
  };
  const fnSelf = new Map();
  const modSelf = new Map();
  let total = 0;
  let idle = 0;
  profile.samples.forEach((id, i) => {
    const dt = (profile.timeDeltas[i] ?? 0) / 1000;
    const n = byId.get(id);
    if (!n) return;
    const name = n.callFrame.functionName || "(anonymous)";
    if (name === "(idle)") {
      idle += dt;
      return;
    }
    total += dt;
    const key = `${name} ${loc(n).where}`.trim();
    fnSelf.set(key, (fnSelf.get(key) ?? 0) + dt);
    const o = ownerOf(id);
    const mod = o ? loc(o).file : /^\(/.test(name) ? name : "(runtime, no caller in the bundle)";
    modSelf.set(mod, (modSelf.get(mod) ?? 0) + dt);
  });
  const rank = (m) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, ms]) => ({ name: k, selfMs: ms, pct: total ? (100 * ms) / total : 0 }));
  return { busyMs: total, idleMs: idle, functions: rank(fnSelf), modules: rank(modSelf) };
}

/** Runs fn() while polling the isolate's JS heap (Runtime.getHeapUsage) every intervalMs. */
export async function sampleHeapDuring(mf, workerName, fn, intervalMs = 100, maxSamples = 5000) {
  const insp = await connectInspector(mf, workerName);
  const samples = [];
  let stop = false;
  const poll = (async () => {
    while (!stop && samples.length < maxSamples) {
      const t = performance.timeOrigin + performance.now();
      try {
        const h = await insp.call("Runtime.getHeapUsage", {}, 5000);
        samples.push({ t, usedKiB: h.usedSize / 1024, totalKiB: h.totalSize / 1024 });
      } catch {
        break;
      }
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  })();
  try {
    const result = await fn();
    return { result, samples };
  } finally {
    stop = true;
    await poll.catch(() => {});
    insp.close();
  }
}
