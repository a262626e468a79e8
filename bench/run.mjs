#!/usr/bin/env node
// ARouter benchmark: the gateway Worker against a minimal pass-through Worker and against the
// floor Worker (pass-through + the least a metering, limit-enforcing gateway must do), all in the
// same Miniflare/workerd runtime, all calling the same fake upstream (own process), load from a
// separate process. See bench/README.md.
//
//   npm run bench [-- --rounds N] [--duration S] [--quick] [--connections N] [--only a,b] [--no-build]
import { fork, spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, "..");
process.env.WRANGLER_SEND_METRICS = "false";

// Wrangler 4 and Miniflare need Node 22+; `npm run bench` already uses node_modules/.bin/node.
if (Number(process.versions.node.split(".")[0]) < 22 && !process.env.AROUTER_BENCH_REEXEC) {
  const local = path.join(ROOT, "node_modules", ".bin", "node");
  if (fs.existsSync(local)) {
    const r = spawnSync(local, process.argv.slice(1), { stdio: "inherit", env: { ...process.env, AROUTER_BENCH_REEXEC: "1" } });
    process.exit(r.status ?? 1);
  }
  console.error(`[bench] Node ${process.versions.node} is too old (need 22+); run \`npm run bench\`.`);
  process.exit(1);
}

const { SCENARIOS, MARKER } = await import("./lib/scenarios.mjs");
const { buildGateway, readCompat, startFakeUpstream, startRuntime, applyMigrations, createApiKey } = await import("./lib/runtime.mjs");
const proc = await import("./lib/proc.mjs");
const { median } = await import("./lib/stats.mjs");
const { summarize, targetsOf } = await import("./lib/summary.mjs");
const report = await import("./lib/report.mjs");
const { profileDuring, summarizeProfile, sampleHeapDuring } = await import("./lib/profile.mjs");

// ───────────── options ─────────────

const USAGE = `usage: npm run bench -- [options]
  --rounds N          interleaved rounds (gateway, pass-through, floor, …) per scenario (default 3)
  --duration S        seconds per autocannon run (default 5); also sets the long-stream length
  --connections N     autocannon concurrency (default 10)
  --quick             fast smoke run: 1 round, 1 s runs, small probes
  --only a,b          run only these scenario ids (see bench/README.md)
  --no-build          reuse the bundle in bench/.build instead of running wrangler
  --bundle FILE       benchmark this prebuilt Worker entry module instead (implies --no-build)
  --disk-storage      keep local D1/KV/DO storage in Miniflare's default temp dir (default: tmpfs)
  --profile[=a,b]     after the rounds, CPU-profile the gateway isolate (V8 inspector) during one extra
                      load run per scenario; writes .cpuprofile files and prints the hottest functions
  --out FILE          JSON output path (default bench/results/<timestamp>.json)
  --help`;

function parseArgs(argv) {
  const o = { rounds: 3, duration: 5, connections: 10, quick: false, build: true, bundle: null, only: null, out: null, diskStorage: false, profile: null };
  const num = (name, v, min, max) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < min || n > max) throw new Error(`${name} must be a number in [${min}, ${max}], got '${v}'`);
    return n;
  };
  const explicit = new Set();
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i];
    let v;
    const eq = a.indexOf("=");
    if (a.startsWith("--") && eq > 0) {
      v = a.slice(eq + 1);
      a = a.slice(0, eq);
    }
    const next = () => (v !== undefined ? v : argv[++i]);
    switch (a) {
      case "--rounds":
        o.rounds = Math.round(num(a, next(), 1, 50));
        explicit.add("rounds");
        break;
      case "--duration":
        o.duration = num(a, next(), 0.5, 120);
        explicit.add("duration");
        break;
      case "--connections":
        o.connections = Math.round(num(a, next(), 1, 500));
        break;
      case "--quick":
        o.quick = true;
        break;
      case "--no-build":
        o.build = false;
        break;
      case "--bundle":
        o.bundle = path.resolve(next());
        o.build = false;
        break;
      case "--profile":
        o.profile = v !== undefined ? v.split(",").map((x) => x.trim()).filter(Boolean) : ["*"];
        break;
      case "--disk-storage":
        o.diskStorage = true;
        break;
      case "--only":
        o.only = String(next()).split(",").map((s) => s.trim()).filter(Boolean);
        break;
      case "--out":
        o.out = path.resolve(next());
        break;
      case "--help":
      case "-h":
        console.log(USAGE);
        process.exit(0);
      default:
        throw new Error(`unknown option '${a}'\n${USAGE}`);
    }
  }
  if (o.quick) {
    if (!explicit.has("rounds")) o.rounds = 1;
    if (!explicit.has("duration")) o.duration = 1;
  }
  // Probe sizes: fixed request counts at fixed concurrency.
  o.warmupRequests = o.quick ? 10 : 40;
  o.latencyProbe = { requests: o.quick ? 40 : 200, concurrency: 1 };
  o.ttftProbe = { requests: o.quick ? 30 : 100, concurrency: 10, chunkDelayMs: 1 };
  // Long streams last about 0.6 × duration (5 ms between chunks): 600 chunks by default.
  o.longStreams = { chunkDelayMs: 5, chunks: Math.max(100, Math.round((o.duration * 600) / 5)) };
  o.settleMs = 150;
  return o;
}

let opts;
try {
  opts = parseArgs(process.argv.slice(2));
} catch (e) {
  console.error(`[bench] ${e.message}`);
  process.exit(2);
}

const scenarios = SCENARIOS.filter((s) => !opts.only || opts.only.includes(s.id));
if (!scenarios.length) {
  console.error(`[bench] no scenario matches --only ${opts.only}; ids: ${SCENARIOS.map((s) => s.id).join(", ")}`);
  process.exit(2);
}

// ───────────── lifecycle: everything we start, we stop ─────────────

const state = { fake: null, runtime: null, client: null, cleaning: null };

async function cleanup() {
  if (state.cleaning) return state.cleaning;
  state.cleaning = (async () => {
    try {
      state.client?.connected && state.client.send({ type: "exit" });
    } catch {}
    if (state.client && state.client.exitCode === null) state.client.kill("SIGTERM");
    await Promise.race([state.runtime?.dispose().catch(() => {}), sleep(10_000)]);
    await state.fake?.close().catch(() => {});
  })();
  return state.cleaning;
}

for (const sig of ["SIGINT", "SIGTERM"]) {
  process.on(sig, () => {
    console.error(`\n[bench] ${sig}: stopping`);
    cleanup().finally(() => process.exit(130));
  });
}

// Hard limit: the run must stop by itself whatever happens.
const nThroughput = scenarios.filter((s) => s.kind === "throughput").length;
const nLong = scenarios.filter((s) => s.kind === "long").length;
const plannedS =
  opts.rounds * (nThroughput * 3 * (opts.duration + 4) + nLong * 2 * (opts.duration * 1.5 + 8)) + 60 + nThroughput * 4;
const WATCHDOG_S = Math.round(plannedS * 2 + 300);
const watchdog = setTimeout(() => {
  console.error(`[bench] watchdog: still running after ${WATCHDOG_S} s, aborting`);
  cleanup().finally(() => process.exit(3));
}, WATCHDOG_S * 1000);

function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

// ───────────── load-generator child ─────────────

function startClient() {
  const child = fork(path.join(HERE, "client.mjs"), [], { stdio: ["ignore", "inherit", "inherit", "ipc"], execArgv: [] });
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

// ───────────── measurement helpers ─────────────

/** gateway: the gateway request; passthrough and floor: the equivalent upstream-format request. */
function target(name, scenario, apiKey) {
  const base = { gateway: state.runtime.gatewayUrl, passthrough: state.runtime.passthroughUrl, floor: state.runtime.floorUrl }[name];
  const r = name === "gateway" ? scenario.gateway(apiKey) : scenario.passthrough();
  return { url: base + r.path, method: "POST", headers: r.headers, body: r.body };
}

/** Runs fn while measuring workerd CPU/memory, the fake upstream's and the client's CPU. */
async function measured(fn, { sampleRss = false } = {}) {
  if (proc.HAS_PROC && proc.cpuSeconds(state.runtime.workerdPids) === null) {
    state.runtime.workerdPids = proc.findWorkerdPids(process.pid); // the runtime was restarted
    console.warn(`[bench] workerd pid changed: ${state.runtime.workerdPids.join(",") || "none found"}`);
  }
  const w = state.runtime.workerdPids;
  const peakReset = proc.resetPeak(w);
  const memBefore = proc.memory(w);
  const cpu0 = proc.cpuSeconds(w);
  const fake0 = proc.cpuSeconds([state.fake.pid]);
  const cli0 = proc.cpuSeconds([state.client.child.pid]);
  const sampler = sampleRss ? proc.startRssSampler(w, 50) : null;
  const t0 = performance.now();
  let result;
  let samples = null;
  try {
    result = await fn();
  } finally {
    samples = sampler?.stop() ?? null;
  }
  const wallS = (performance.now() - t0) / 1000;
  await sleep(opts.settleMs); // waitUntil work (usage records) lands in this run
  const cpuWindowS = (performance.now() - t0) / 1000;
  const cpu1 = proc.cpuSeconds(w);
  const memAfter = proc.memory(w);
  const fake1 = proc.cpuSeconds([state.fake.pid]);
  const cli1 = proc.cpuSeconds([state.client.child.pid]);
  return {
    result,
    wallS,
    cpuWindowS,
    workerdCpuS: cpu0 !== null && cpu1 !== null ? cpu1 - cpu0 : null,
    fakeCpuS: fake0 !== null && fake1 !== null ? fake1 - fake0 : null,
    clientCpuS: cli0 !== null && cli1 !== null ? cli1 - cli0 : null,
    rssBeforeKiB: memBefore?.rssKiB ?? null,
    rssAfterKiB: memAfter?.rssKiB ?? null,
    peakRssKiB: peakReset ? (memAfter?.hwmKiB ?? null) : samples?.length ? Math.max(...samples.map((s) => s.rssKiB)) : null,
    peakIsHwm: peakReset,
    samples,
  };
}

const perReq = (cpuS, n) => (cpuS !== null && n > 0 ? (cpuS * 1000) / n : null);

async function autocannonRun(scn, name) {
  const t = target(name, scn, state.apiKey);
  const m = await measured(() =>
    state.client.call("autocannon", { ...t, connections: opts.connections, duration: opts.duration, timeoutS: 10 }, (opts.duration + 30) * 1000),
  );
  const r = m.result;
  return {
    rps: r.rps,
    requests: r.requests,
    ok: r.ok,
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    statusCodes: r.statusCodes,
    latency: r.latency,
    latencyAutocannon: r.latencyAutocannon,
    cpuMsPerReq: perReq(m.workerdCpuS, r.requests),
    workerdCpuS: m.workerdCpuS,
    workerdCpuUtil: m.workerdCpuS !== null ? m.workerdCpuS / m.cpuWindowS : null,
    fakeCpuUtil: m.fakeCpuS !== null ? m.fakeCpuS / m.cpuWindowS : null,
    clientCpuUtil: m.clientCpuS !== null ? m.clientCpuS / m.cpuWindowS : null,
    peakRssKiB: m.peakRssKiB,
    rssAfterKiB: m.rssAfterKiB,
    wallS: m.wallS,
  };
}

async function probeRun(scn, name, { requests, concurrency, marker }) {
  const t = target(name, scn, state.apiKey);
  const m = await measured(() =>
    state.client.call("probe", { ...t, requests, concurrency, marker, timeoutMs: 30_000, overallTimeoutMs: 120_000 }, 150_000),
  );
  const r = m.result;
  return {
    requests: r.requests,
    ok: r.ok,
    failed: r.failed,
    statusCodes: r.statusCodes,
    errorSample: r.errorSample,
    ttfb: r.ttfb,
    firstText: r.firstText,
    markerMissing: r.markerMissing,
    total: r.total,
    cpuMsPerReq: perReq(m.workerdCpuS, r.requests),
  };
}

async function longRun(scn, name) {
  const t = target(name, scn, state.apiKey);
  const n = scn.streams;
  const expectS = (opts.longStreams.chunks * (opts.longStreams.chunkDelayMs + 0.5)) / 1000;
  const m = await measured(
    () =>
      state.client.call(
        "probe",
        { ...t, requests: n, concurrency: n, marker: MARKER, timeoutMs: Math.round(expectS * 4000 + 30_000), overallTimeoutMs: Math.round(expectS * 4000 + 40_000) },
        Math.round(expectS * 4000 + 60_000),
      ),
    { sampleRss: true },
  );
  const r = m.result;
  // RSS while all streams were open: early quarter vs late quarter of that window.
  let growthKiB = null;
  let windowS = null;
  const w = r.window;
  if (w && m.samples?.length && w.firstEnded > w.allStarted) {
    const span = w.firstEnded - w.allStarted;
    windowS = span / 1000;
    const inRange = (a, b) => m.samples.filter((s) => s.t >= w.allStarted + a * span && s.t <= w.allStarted + b * span).map((s) => s.rssKiB);
    const early = inRange(0, 0.25);
    const late = inRange(0.75, 1);
    if (early.length && late.length) growthKiB = median(late) - median(early);
  }
  return {
    streams: n,
    ok: r.ok,
    failed: r.failed,
    statusCodes: r.statusCodes,
    errorSample: r.errorSample,
    ttfb: r.ttfb,
    total: r.total,
    bytesPerStream: r.bytes?.p50 ?? null,
    cpuMsPerStream: perReq(m.workerdCpuS, r.requests),
    rssBeforeKiB: m.rssBeforeKiB,
    peakRssKiB: m.peakRssKiB,
    peakDeltaKiB: m.peakRssKiB !== null && m.rssBeforeKiB !== null ? m.peakRssKiB - m.rssBeforeKiB : null,
    rssAfterKiB: m.rssAfterKiB,
    inStreamGrowthKiB: growthKiB,
    windowS,
    samples: (m.samples ?? []).length,
    // RSS trace (ms since the run started, MiB), at most ~200 points, and the all-streams-open window.
    trace: downsample(m.samples ?? [], 200).map((x) => [Math.round(x.t - (m.samples?.[0]?.t ?? x.t)), Math.round((x.rssKiB / 1024) * 10) / 10]),
    traceWindowMs: w && m.samples?.length ? [Math.round(w.allStarted - m.samples[0].t), Math.round(w.firstEnded - m.samples[0].t)] : null,
  };
}

function downsample(a, n) {
  if (a.length <= n) return a;
  const step = a.length / n;
  return Array.from({ length: n }, (_, i) => a[Math.floor(i * step)]);
}

/** One request to each target: must answer 200 and contain the fake's first text token. */
async function preflight(scn) {
  const out = {};
  for (const name of targetsOf(scn)) {
    const t = target(name, scn, state.apiKey);
    try {
      const r = await fetch(t.url, { method: t.method, headers: t.headers, body: t.body, signal: AbortSignal.timeout(30_000) });
      const text = await r.text();
      if (r.status !== 200) out[name] = `HTTP ${r.status}: ${text.slice(0, 400)}`;
      else if (!text.includes(MARKER)) out[name] = `200 but the body lacks '${MARKER}': ${text.slice(0, 300)}`;
      else out[name] = null;
    } catch (e) {
      out[name] = `request failed: ${e?.message ?? e}`;
    }
  }
  return out;
}

// ───────────── main ─────────────

async function main() {
  const started = new Date();
  const T0 = performance.now();
  const loadStart = os.loadavg();
  const file = opts.out ?? path.join(HERE, "results", `${started.toISOString().replace(/[:.]/g, "-")}.json`);
  if (loadStart[0] > os.cpus().length)
    console.warn(`[bench] note: load average ${loadStart[0].toFixed(1)} on ${os.cpus().length} cores — other work is running; figures will be noisy`);
  console.log(
    `[bench] ARouter benchmark: ${opts.rounds} round(s), ${opts.duration} s per run, ${opts.connections} connections${opts.quick ? " (quick)" : ""}`,
  );

  const compat = readCompat(ROOT);
  let entry;
  if (opts.bundle) {
    if (!fs.existsSync(opts.bundle)) throw new Error(`--bundle ${opts.bundle}: no such file`);
    entry = opts.bundle;
  } else entry = await buildGateway({ root: ROOT, outDir: path.join(HERE, ".build"), skip: !opts.build });

  state.fake = await startFakeUpstream({ root: ROOT });
  console.log(`[bench] fake upstream ${state.fake.url} (pid ${state.fake.pid})`);

  const managementKey = `lr_mgmt_bench_${randomBytes(18).toString("hex")}`;
  state.runtime = await startRuntime({ root: ROOT, entry, compat, fakeUrl: state.fake.url, managementKey, diskStorage: opts.diskStorage, inspector: !!opts.profile });
  const w = state.runtime.workerdPids;
  console.log(
    `[bench] workerd pid ${w.join(",") || "?"}: gateway ${state.runtime.gatewayUrl}, pass-through ${state.runtime.passthroughUrl}, floor ${state.runtime.floorUrl}`,
  );
  if (!w.length) console.warn("[bench] warning: workerd process not found; CPU and memory figures will be missing");

  const mig = await applyMigrations(state.runtime.mf, ROOT);
  console.log(`[bench] local D1/KV/DO storage: ${state.runtime.storage}`);
  console.log(`[bench] D1: applied ${mig.files.length} migration file(s), ${mig.statements} statement(s)`);
  state.apiKey = await createApiKey(state.runtime.gatewayUrl, managementKey);
  console.log(`[bench] API key created (${state.apiKey.slice(0, 10)}…)`);

  state.client = startClient();
  await state.client.ready;

  // Preflight + warm-up.
  const results = {};
  for (const scn of scenarios) {
    await state.fake.configure(scn.kind === "long" ? { chunks: 50 } : scn.upstream);
    const pf = await preflight(scn);
    const res = (results[scn.id] = { id: scn.id, title: scn.title, kind: scn.kind, class: scn.class, error: null, rounds: [] });
    const failed = Object.entries(pf).find(([, err]) => err);
    if (failed) {
      res.error = `${{ gateway: "gateway", passthrough: "pass-through", floor: "floor" }[failed[0]]}: ${failed[1]}`;
      console.log(`[bench] ✗ ${scn.id}: ${res.error}`);
      continue;
    }
    // Warm-up (not measured): JIT, isolate heap, connection pools.
    for (const name of targetsOf(scn)) {
      const t = target(name, scn, state.apiKey);
      const c = scn.kind === "long" ? scn.streams : 5;
      const n = scn.kind === "long" ? scn.streams : opts.warmupRequests;
      await state.client.call("probe", { ...t, requests: n, concurrency: c, timeoutMs: 30_000, overallTimeoutMs: 60_000 }, 90_000);
    }
    console.log(`[bench] ✓ ${scn.id}: preflight ok`);
  }
  const runnable = scenarios.filter((s) => !results[s.id].error);

  // Interleaved rounds: for each scenario, gateway, pass-through, then floor, same conditions.
  for (let round = 1; round <= opts.rounds; round++) {
    for (const scn of runnable) {
      const res = results[scn.id];
      const names = targetsOf(scn);
      const rr = { round, ...Object.fromEntries(names.map((n) => [n, {}])) };
      try {
        if (scn.kind === "throughput") {
          await state.fake.configure(scn.upstream);
          for (const name of names) rr[name].load = await autocannonRun(scn, name);
          if (scn.stream) {
            await state.fake.configure({ ...scn.upstream, chunkDelayMs: opts.ttftProbe.chunkDelayMs });
            for (const name of names) rr[name].ttft = await probeRun(scn, name, { ...opts.ttftProbe, marker: MARKER });
          } else {
            for (const name of names) rr[name].latency = await probeRun(scn, name, { ...opts.latencyProbe, marker: MARKER });
          }
        } else {
          await state.fake.configure({ chunks: opts.longStreams.chunks, chunkDelayMs: scn.chunkDelayMs ?? opts.longStreams.chunkDelayMs });
          for (const name of names) rr[name].long = await longRun(scn, name);
        }
      } catch (e) {
        rr.error = String(e?.message ?? e);
        console.log(`[bench] round ${round} ${scn.id}: ${rr.error}`);
      }
      res.rounds.push(rr);
      console.log(`[bench] round ${round}/${opts.rounds} ${scn.id}: ${report.oneLine(scn, rr)}`);
    }
  }

  // Optional: profile the gateway isolate during one extra (unmeasured) load run per scenario.
  const profiles = {};
  if (opts.profile) {
    const want = (s) => s.kind === "throughput" && (opts.profile.includes("*") || opts.profile.includes(s.id));
    for (const scn of runnable.filter(want)) {
      try {
        await state.fake.configure(scn.upstream);
        const t = target("gateway", scn, state.apiKey);
        const { profile, result } = await profileDuring(state.runtime.mf, "gateway", () =>
          state.client.call("autocannon", { ...t, connections: opts.connections, duration: opts.duration, timeoutS: 10 }, (opts.duration + 30) * 1000),
        );
        const pfile = file.replace(/\.json$/, "") + `-${scn.id}.cpuprofile`;
        fs.mkdirSync(path.dirname(pfile), { recursive: true });
        fs.writeFileSync(pfile, JSON.stringify(profile));
        profiles[scn.id] = { file: pfile, requests: result.requests, ...summarizeProfile(profile, entry, 12) };
        console.log(`[bench] profiled ${scn.id}: ${result.requests} requests → ${path.relative(process.cwd(), pfile)}`);
      } catch (e) {
        profiles[scn.id] = { error: String(e?.message ?? e) };
        console.log(`[bench] profiling ${scn.id} failed: ${profiles[scn.id].error}`);
      }
    }
  }

  // With --profile, the long-stream scenario gets one extra gateway run with the isolate's JS heap
  // sampled through the inspector next to workerd's RSS: is the growth JS heap or native memory?
  if (opts.profile) {
    const want = (s) => s.kind === "long" && (opts.profile.includes("*") || opts.profile.includes(s.id));
    for (const scn of runnable.filter(want)) {
      try {
        await state.fake.configure({ chunks: opts.longStreams.chunks, chunkDelayMs: scn.chunkDelayMs ?? opts.longStreams.chunkDelayMs });
        let long;
        const { samples } = await sampleHeapDuring(state.runtime.mf, "gateway", async () => (long = await longRun(scn, "gateway")), 100);
        const used = samples.map((x) => x.usedKiB);
        const tot = samples.map((x) => x.totalKiB);
        profiles[scn.id] = {
          heap: {
            samples: samples.length,
            usedStartKiB: used[0] ?? null,
            usedPeakKiB: used.length ? Math.max(...used) : null,
            usedEndKiB: used.at(-1) ?? null,
            totalPeakKiB: tot.length ? Math.max(...tot) : null,
            trace: downsample(samples, 200).map((x) => [Math.round(x.t - samples[0].t), Math.round(x.usedKiB / 102.4) / 10, Math.round(x.totalKiB / 102.4) / 10]),
          },
          rss: { beforeKiB: long.rssBeforeKiB, peakKiB: long.peakRssKiB, afterKiB: long.rssAfterKiB, inStreamGrowthKiB: long.inStreamGrowthKiB },
        };
        console.log(`[bench] heap-sampled ${scn.id}`);
      } catch (e) {
        profiles[scn.id] = { error: String(e?.message ?? e) };
        console.log(`[bench] heap sampling ${scn.id} failed: ${profiles[scn.id].error}`);
      }
    }
  }

  for (const scn of scenarios) results[scn.id].summary = summarize(scn, results[scn.id]);
  const targets = report.evaluateTargets(scenarios, results);
  const elapsedS = (performance.now() - T0) / 1000;

  const out = {
    startedAt: started.toISOString(),
    elapsedS,
    options: opts,
    environment: {
      node: process.versions.node,
      platform: `${os.platform()} ${os.release()}`,
      cpus: os.cpus().length,
      cpuModel: proc.cpuModel(),
      miniflare: readVersion("miniflare"),
      wrangler: readVersion("wrangler"),
      autocannon: readVersion("autocannon"),
      compatibility: compat,
      clkTck: proc.CLK_TCK,
      loadavgStart: loadStart,
      loadavgEnd: os.loadavg(),
      workerdPids: w,
      storage: state.runtime.storage,
      bundle: bundleInfo(entry),
    },
    gatewayLogs: state.runtime.logStats,
    scenarios: results,
    targets,
    profiles: opts.profile ? profiles : undefined,
  };

  console.log("");
  console.log(report.table(scenarios, results, out));
  console.log(report.targetsText(targets));
  if (opts.profile) console.log(report.profilesText(profiles));

  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(out, null, 2));
  console.log(`\n[bench] results written to ${path.relative(process.cwd(), file)} (${elapsedS.toFixed(0)} s total)`);
  return Object.values(results).some((r) => r.error) ? 1 : 0;
}

function bundleInfo(file) {
  try {
    const buf = fs.readFileSync(file);
    return { file: path.relative(ROOT, file), bytes: buf.length, sha256: createHash("sha256").update(buf).digest("hex").slice(0, 16) };
  } catch {
    return { file };
  }
}

function readVersion(pkg) {
  try {
    return JSON.parse(fs.readFileSync(path.join(ROOT, "node_modules", pkg, "package.json"), "utf8")).version;
  } catch {
    return null;
  }
}

let code = 1;
try {
  code = await main();
} catch (e) {
  console.error(`\n[bench] failed: ${e?.stack ?? e}`);
  code = 1;
} finally {
  clearTimeout(watchdog);
  await cleanup();
}
process.exit(code);
