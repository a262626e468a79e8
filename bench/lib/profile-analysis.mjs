// Reading V8 profiles of the gateway isolate: where its CPU time and its allocations go, by
// function (mapped to src/…:line through the bundle's source map), by source file and by
// category (codecs, pipeline, the spend Durable Object, auth, routing, libraries, GC, runtime).
import fs from "node:fs";
import { SourceMap } from "node:module";
import path from "node:path";

/** Maps a bundle position (0-based line/column) to {file, line} via the source map when present. */
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

const CATEGORIES = [
  [/^src\/codecs\//, "codecs (src/codecs)"],
  [/^src\/streams\//, "stream plumbing (src/streams)"],
  [/^src\/spend\/spend-counter/, "SpendCounter DO (incl. its SQLite)"],
  [/^src\/(spend|usage)\//, "spend client, usage records"],
  [/^src\/(auth|keys)\//, "auth, keys"],
  [/^src\/(routing|catalog|providers)\//, "routing, catalog, providers"],
  [/^src\/gateway\//, "gateway pipeline (src/gateway)"],
  [/^src\//, "routes, app, canonical, errors"],
  [/node_modules\/hono\//, "hono"],
  [/node_modules\/zod\//, "zod"],
  [/node_modules\/drizzle-orm\//, "drizzle-orm"],
  [/node_modules\//, "other libraries"],
];
const NATIVE = { "(garbage collector)": "GC (main thread)", "(program)": "runtime native, no JS frame" };

export function categoryOf(file, name) {
  if (file) for (const [re, cat] of CATEGORIES) if (re.test(file)) return cat;
  if (NATIVE[name]) return NATIVE[name];
  return file ? "bundle (unmapped)" : "runtime JS, no caller in the bundle";
}

/** Stack matchers for inclusive time: any frame on the stack in these files / functions. */
export const INCLUSIVE = {
  "SpendCounter DO methods": (f) => /^src\/spend\/spend-counter/.test(f.file ?? ""),
  "usage flush to D1 (DO side)": (f) => /^(flushPending|insertUsageRecords|alarm)$/.test(f.name) && /^src\/(spend|usage)\//.test(f.file ?? ""),
  "spend client (reserve / settle calls)": (f) => /^src\/spend\/client/.test(f.file ?? ""),
  "codecs + streams": (f) => /^src\/(codecs|streams)\//.test(f.file ?? ""),
  "auth, keys": (f) => /^src\/(auth|keys)\//.test(f.file ?? ""),
  "routing, catalog": (f) => /^src\/(routing|catalog)\//.test(f.file ?? ""),
};

function locator(bundlePath) {
  const map = bundlePath ? sourceMapper(bundlePath) : () => null;
  const bundleName = bundlePath ? path.basename(bundlePath) : null;
  const cache = new Map();
  return (cf) => {
    const key = `${cf.url}:${cf.lineNumber}:${cf.columnNumber}:${cf.functionName}`;
    let r = cache.get(key);
    if (r) return r;
    const name = cf.functionName || "(anonymous)";
    const inBundle = !!bundleName && !!cf.url && cf.url.endsWith(bundleName);
    if (inBundle) {
      const m = map(cf.lineNumber, cf.columnNumber);
      r = m ? { name, inBundle, file: m.file, where: `${m.file}:${m.line}` } : { name, inBundle, file: bundleName, where: `${bundleName}:${cf.lineNumber + 1}` };
    } else if (cf.url) {
      const f = cf.url.replace(/^.*\//, "");
      r = { name, inBundle, file: null, where: `${f}:${cf.lineNumber + 1}` };
    } else r = { name, inBundle, file: null, where: "" };
    cache.set(key, r);
    return r;
  };
}

const rank = (m, total, top) =>
  [...m]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([k, v]) => ({ name: k, value: v, pct: total ? (100 * v) / total : 0 }));

/**
 * CPU profile → {busy, idle, program, functions (self), files and categories (self time with
 * runtime built-ins charged to the nearest bundle caller), inclusive (INCLUSIVE matchers)}, all in
 * SAMPLES, not in the profile's time deltas: the deltas are wall time, and on a busy machine a
 * sample taken after the OS descheduled workerd carries the whole pause. The sampler only ticks
 * while the thread runs, so counts are proportional to CPU time; breakdown.mjs scales them to
 * the run's measured CPU.
 */
export function analyzeCpuProfile(profile, bundlePath, top = 15) {
  const loc = locator(bundlePath);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const info = new Map(); // node id → {owner: nearest bundle frame, matches: Set of INCLUSIVE keys}
  const infoOf = (id) => {
    if (info.has(id)) return info.get(id);
    const n = byId.get(id);
    const up = parent.has(id) ? infoOf(parent.get(id)) : { owner: null, matches: new Set() };
    const l = loc(n.callFrame);
    const own = Object.entries(INCLUSIVE).filter(([, pred]) => pred(l)).map(([k]) => k);
    const r = { owner: l.inBundle ? l : up.owner, matches: own.length ? new Set([...up.matches, ...own]) : up.matches };
    info.set(id, r);
    return r;
  };
  const fnSelf = new Map();
  const fileSelf = new Map();
  const catSelf = new Map();
  const incl = new Map();
  let busy = 0;
  let idle = 0;
  let program = 0;
  profile.samples.forEach((id, i) => {
    const dt = 1;
    const n = byId.get(id);
    if (!n) return;
    const l = loc(n.callFrame);
    if (l.name === "(idle)") return void (idle += dt);
    busy += dt;
    if (l.name === "(program)") program += dt;
    const key = `${l.name} ${l.where}`.trim();
    fnSelf.set(key, (fnSelf.get(key) ?? 0) + dt);
    const inf = infoOf(id);
    const file = inf.owner?.file ?? null;
    const fileKey = file ?? (NATIVE[l.name] ? l.name : "(runtime, no caller in the bundle)");
    fileSelf.set(fileKey, (fileSelf.get(fileKey) ?? 0) + dt);
    const cat = categoryOf(file, l.name);
    catSelf.set(cat, (catSelf.get(cat) ?? 0) + dt);
    for (const k of inf.matches) incl.set(k, (incl.get(k) ?? 0) + dt);
  });
  return {
    busy,
    idle,
    program,
    functions: rank(fnSelf, busy, top),
    files: rank(fileSelf, busy, top),
    categories: rank(catSelf, busy, 50),
    inclusive: Object.fromEntries(Object.keys(INCLUSIVE).map((k) => [k, incl.get(k) ?? 0])),
  };
}

/** Sampling heap profile → {totalBytes, functions, categories} (sizes as V8 scales them). */
export function analyzeHeapProfile(profile, bundlePath, top = 12) {
  const loc = locator(bundlePath);
  const fn = new Map();
  const cat = new Map();
  let total = 0;
  const walk = (node, owner, depth) => {
    if (depth > 2000) return;
    const l = loc(node.callFrame);
    const o = l.inBundle ? l : owner;
    if (node.selfSize > 0) {
      total += node.selfSize;
      const key = `${l.name} ${l.where}`.trim();
      fn.set(key, (fn.get(key) ?? 0) + node.selfSize);
      const c = categoryOf(o?.file ?? null, l.name);
      cat.set(c, (cat.get(c) ?? 0) + node.selfSize);
    }
    for (const c of node.children ?? []) walk(c, o, depth + 1);
  };
  walk(profile.head, null, 0);
  return { totalBytes: total, functions: rank(fn, total, top), categories: rank(cat, total, 30) };
}
