#!/usr/bin/env node
// ARouter benchmark: the gateway Worker against a minimal pass-through Worker, the floor Worker
// (pass-through + the least a metering, limit-enforcing gateway must do) and Portkey's gateway,
// all in the same Miniflare/workerd runtime, all calling the same fake upstream (own process),
// load from a separate process. See bench/README.md.
//
//   npm run bench [-- --rounds N] [--duration S] [--quick] [--connections N] [--only a,b] [--profile]
import { randomBytes } from "node:crypto";
import { spawnSync } from "node:child_process";
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

const { parseArgs } = await import("./lib/options.mjs");
const { SCENARIOS, targetsOf, TARGET_LABEL, MARKER } = await import("./lib/scenarios.mjs");
const { buildGateway, readCompat } = await import("./lib/build.mjs");
const { startFakeUpstream } = await import("./lib/fake.mjs");
const { startRuntime } = await import("./lib/runtime.mjs");
const { applyMigrations, createApiKey } = await import("./lib/d1.mjs");
const { findPortkeyBundle } = await import("./lib/portkey.mjs");
const { startClient } = await import("./lib/load-client.mjs");
const { target, autocannonRun, probeRun, longRun, answerOf } = await import("./lib/measure.mjs");
const { checkAnswers } = await import("./lib/check.mjs");
const { summarize } = await import("./lib/summary.mjs");
const { evaluateTargets, targetsText } = await import("./lib/targets.mjs");
const { environment } = await import("./lib/environment.mjs");
const { runBreakdown } = await import("./lib/breakdown.mjs");
const { breakdownText } = await import("./lib/breakdown-report.mjs");
const report = await import("./lib/report.mjs");

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

const bench = { opts, fake: null, runtime: null, client: null, apiKey: null, cleaning: null };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function cleanup() {
  bench.cleaning ??= (async () => {
    const child = bench.client?.child;
    try {
      if (child?.connected) child.send({ type: "exit" });
    } catch {}
    if (child && child.exitCode === null) child.kill("SIGTERM");
    await Promise.race([bench.runtime?.dispose().catch(() => {}), sleep(10_000)]);
    await bench.fake?.close().catch(() => {});
  })();
  return bench.cleaning;
}

for (const sig of ["SIGINT", "SIGTERM"]) {
  process.on(sig, () => {
    console.error(`\n[bench] ${sig}: stopping`);
    cleanup().finally(() => process.exit(130));
  });
}

// Hard limit: the run must stop by itself whatever happens (every loop is bounded anyway).
const runsPerRound = scenarios.reduce((n, s) => n + Object.keys(s.requests).length * (s.kind === "long" ? opts.duration * 1.5 + 8 : opts.duration + 5), 0);
const WATCHDOG_S = Math.round((opts.rounds * runsPerRound + 120) * 2 + 300 + (opts.profile ? scenarios.length * (opts.duration + 20) * 4 : 0));
const watchdog = setTimeout(() => {
  console.error(`[bench] watchdog: still running after ${WATCHDOG_S} s, aborting`);
  cleanup().finally(() => process.exit(3));
}, WATCHDOG_S * 1000);

// ───────────── phases ─────────────

/** Each Worker's answer checked (status, content, finish, usage); failing Workers are left out. */
async function preflight(scn, res, available) {
  await bench.fake.configure(scn.kind === "long" ? { chunks: 50 } : (scn.upstream ?? {}));
  const answers = {};
  for (const name of targetsOf(scn, available)) answers[name] = await answerOf(bench, scn, name);
  const errs = checkAnswers(answers, scn.stream && scn.kind !== "long" ? scn.events : 0);
  res.preflight = Object.fromEntries(Object.entries(answers).map(([k, a]) => [k, { ...a, text: a.text?.length ?? null, error: errs[k] ?? a.error ?? null }]));
  res.left = {};
  for (const [name, err] of Object.entries(errs)) {
    if (!err) continue;
    const detail = `${err}${answers[name].errorBody ? `: ${answers[name].errorBody.slice(0, 200)}` : ""}`;
    if (name === "gateway" || name === "gateway-all") res.error = `${TARGET_LABEL[name]}: ${detail}`;
    else res.left[name] = detail;
  }
  return targetsOf(scn, available).filter((n) => !errs[n]);
}

async function warmUp(scn, names) {
  for (const name of names) {
    const t = target(bench, name, scn);
    const long = scn.kind === "long";
    const n = long ? scn.streams : scn.events >= 1000 ? 10 : opts.warmupRequests;
    await bench.client.call("probe", { ...t, requests: n, concurrency: long ? scn.streams : 5, timeoutMs: 30_000, overallTimeoutMs: 60_000 }, 90_000);
  }
}

async function round(scn, names, rr) {
  if (scn.kind === "throughput") {
    await bench.fake.configure(scn.upstream);
    for (const name of names) rr[name].load = await autocannonRun(bench, scn, name);
    if (scn.probe === false) return;
    if (scn.stream) {
      await bench.fake.configure({ ...scn.upstream, chunkDelayMs: opts.ttftProbe.chunkDelayMs });
      for (const name of names) rr[name].ttft = await probeRun(bench, scn, name, { ...opts.ttftProbe, marker: MARKER });
    } else {
      for (const name of names) rr[name].latency = await probeRun(bench, scn, name, { ...opts.latencyProbe, marker: MARKER });
    }
  } else if (scn.kind === "catalog") {
    for (const name of names) rr[name].latency = await probeRun(bench, scn, name, { ...opts.latencyProbe });
  } else {
    await bench.fake.configure({ chunks: opts.longStreams.chunks, chunkDelayMs: scn.chunkDelayMs ?? opts.longStreams.chunkDelayMs });
    for (const name of names) rr[name].long = await longRun(bench, scn, name);
  }
}

async function main() {
  const started = new Date();
  const T0 = performance.now();
  const loadStart = os.loadavg();
  const file = opts.out ?? path.join(HERE, "results", `${started.toISOString().replace(/[:.]/g, "-")}.json`);
  if (loadStart[0] > os.cpus().length)
    console.warn(`[bench] note: load average ${loadStart[0].toFixed(1)} on ${os.cpus().length} cores — other work is running; figures will be noisy`);
  console.log(`[bench] ARouter benchmark: ${opts.rounds} round(s), ${opts.duration} s per run, ${opts.connections} connections${opts.quick ? " (quick)" : ""}`);

  const compat = readCompat(ROOT);
  let entry;
  if (opts.bundle) {
    if (!fs.existsSync(opts.bundle)) throw new Error(`--bundle ${opts.bundle}: no such file`);
    entry = opts.bundle;
  } else entry = await buildGateway({ root: ROOT, outDir: path.join(HERE, ".build"), skip: !opts.build });
  const portkey = findPortkeyBundle(ROOT, opts.portkey);
  if (!portkey.file) console.warn(`[bench] Portkey baseline skipped: ${portkey.reason}`);

  bench.fake = await startFakeUpstream({ root: ROOT });
  console.log(`[bench] fake upstream ${bench.fake.url} (pid ${bench.fake.pid})`);
  const managementKey = `lr_mgmt_bench_${randomBytes(18).toString("hex")}`;
  bench.runtime = await startRuntime({ root: ROOT, entry, compat, fakeUrl: bench.fake.url, managementKey, diskStorage: opts.diskStorage, inspector: !!opts.profile, portkeyBundle: portkey.file });
  const rt = bench.runtime;
  console.log(`[bench] workerd pid ${rt.workerdPids.join(",") || "?"}: ${Object.entries(rt.urls).map(([k, u]) => `${k} ${u}`).join(", ")}`);
  if (!rt.workerdPids.length) console.warn("[bench] warning: workerd process not found; CPU and memory figures will be missing");
  console.log(`[bench] all-provider environment: ${rt.allProviders.variables.length} variables (${rt.allProviders.prefixes.length} <NAME>_API_KEY providers)`);

  const mig = await applyMigrations(rt.mf, ROOT);
  console.log(`[bench] local D1/KV/DO storage: ${rt.storage}; D1: ${mig.files.length} migration file(s), ${mig.statements} statement(s)`);
  bench.apiKey = await createApiKey(rt.gatewayUrl, managementKey);
  console.log(`[bench] API key created (${bench.apiKey.slice(0, 10)}…)`);
  bench.client = startClient();
  await bench.client.ready;

  const available = Object.keys(rt.urls);
  const results = {};
  const names = {};
  for (const scn of scenarios) {
    const res = (results[scn.id] = { id: scn.id, title: scn.title, kind: scn.kind, class: scn.class, error: null, rounds: [] });
    names[scn.id] = await preflight(scn, res, available);
    if (res.error) {
      console.log(`[bench] ✗ ${scn.id}: ${res.error}`);
      continue;
    }
    for (const [n, err] of Object.entries(res.left)) console.log(`[bench] ! ${scn.id}: ${TARGET_LABEL[n]} left out: ${err}`);
    await warmUp(scn, names[scn.id]);
    const served = res.preflight.gateway?.provider ? ` (ARouter routed to ${res.preflight.gateway.provider}${res.preflight["gateway-all"] ? `; all providers: ${res.preflight["gateway-all"].provider}` : ""})` : "";
    console.log(`[bench] ✓ ${scn.id}: answers checked for ${names[scn.id].join(", ")}${served}`);
  }
  const runnable = scenarios.filter((s) => !results[s.id].error);

  // Interleaved rounds: per scenario, every Worker back to back, same conditions.
  for (let r = 1; r <= opts.rounds; r++) {
    for (const scn of runnable) {
      const rr = { round: r, ...Object.fromEntries(names[scn.id].map((n) => [n, {}])) };
      try {
        await round(scn, names[scn.id], rr);
      } catch (e) {
        rr.error = String(e?.message ?? e);
      }
      results[scn.id].rounds.push(rr);
      console.log(`[bench] round ${r}/${opts.rounds} ${scn.id}: ${report.oneLine(scn, rr)}`);
    }
  }

  const breakdown = opts.profile ? await runBreakdown(bench, runnable, { entry, file, want: opts.profile }) : undefined;
  for (const scn of scenarios) results[scn.id].summary = summarize(scn, results[scn.id], available);
  const targets = evaluateTargets(scenarios, results);
  const out = {
    startedAt: started.toISOString(),
    elapsedS: (performance.now() - T0) / 1000,
    options: opts,
    environment: environment({ root: ROOT, compat, loadStart, runtime: rt, entry, portkey }),
    gatewayLogs: rt.logStats,
    scenarios: results,
    targets,
    breakdown,
  };
  console.log("");
  console.log(report.tables(scenarios, results, out));
  console.log(targetsText(targets));
  if (breakdown) console.log(breakdownText(breakdown));
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(out, null, 2));
  console.log(`\n[bench] results written to ${path.relative(process.cwd(), file)} (${out.elapsedS.toFixed(0)} s total)`);
  return Object.values(results).some((r) => r.error) ? 1 : 0;
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
