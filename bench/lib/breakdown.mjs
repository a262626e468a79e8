// The CPU breakdown (--profile): after the measured rounds, extra load runs per scenario with the
// V8 inspector attached, to show where the gateway spends its time above the floor. Per scenario:
//   1. ARouter with the CPU profiler on its isolate (the SpendCounter objects run there too) and on
//      Miniflare's D1 simulator isolate (which executes the usage flush's SQL);
//   2. ARouter with the sampling heap profiler (every allocation, freed ones included);
//   3. the floor with the CPU profiler; 4. the floor as measured and without its two Durable
//      Object RPCs (x-bench-floor: no-do), which prices one RPC round trip in this runtime;
//   5. Portkey with the CPU profiler, where the scenario has it.
// Profiled runs are not part of the figures; the profiler itself costs CPU.
import fs from "node:fs";
import path from "node:path";
import { autocannonRun, downsample, longRun, probeRun } from "./measure.mjs";
import { backgroundShare } from "./proc.mjs";
import { allocationsDuring, profileDuring, sampleHeapDuring } from "./profile.mjs";
import { analyzeCpuProfile, analyzeHeapProfile } from "./profile-analysis.mjs";

const D1_ISOLATES = ["d1:db?", "d1:db:entry?"];

/**
 * Per-request view of an analyzed CPU profile: sample counts scaled to the run's main-thread CPU
 * (workerd's CPU minus V8's background threads), since the samples cover that thread's busy time.
 */
function perRequest(a, run, events) {
  const bg = backgroundShare(run.threadsCpuS) ?? 0;
  const mainMsPerReq = run.cpuMsPerReq === null ? null : run.cpuMsPerReq * (1 - bg);
  const per = (count) => (mainMsPerReq === null || !a.busy ? null : (count / a.busy) * mainMsPerReq);
  return {
    requests: run.requests,
    cpuMsPerReqProfiled: run.cpuMsPerReq,
    backgroundThreadShare: bg,
    mainThreadMsPerReq: mainMsPerReq,
    jsMsPerReq: per(a.busy - a.program),
    programMsPerReq: per(a.program),
    jsMsPerEvent: events ? per(a.busy - a.program) / events : null,
    samples: a.busy,
    categories: a.categories.map((c) => ({ name: c.name, msPerReq: per(c.value), pct: c.pct })),
    inclusive: Object.fromEntries(Object.entries(a.inclusive).map(([k, v]) => [k, per(v)])),
    functions: a.functions.map((f) => ({ name: f.name, msPerReq: per(f.value), pct: f.pct })),
    files: a.files.map((f) => ({ name: f.name, msPerReq: per(f.value), pct: f.pct })),
  };
}

async function breakdownScenario(bench, scn, { entry, file }) {
  const mf = bench.runtime.mf;
  await bench.fake.configure(scn.upstream);
  const run = (name, o) => autocannonRun(bench, scn, name, o);
  const save = (suffix, profile) => {
    const p = `${file.replace(/\.json$/, "")}-${scn.id}-${suffix}.cpuprofile`;
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, JSON.stringify(profile));
    return path.relative(process.cwd(), p);
  };
  const out = { events: scn.events };

  const g = await profileDuring(mf, ["gateway", ...D1_ISOLATES], () => run("gateway"));
  const ga = analyzeCpuProfile(g.profiles.gateway, entry);
  out.gateway = { file: save("gateway", g.profiles.gateway), ...perRequest(ga, g.result, scn.events) };
  // The D1 simulator's JS samples (its own "(program)" is the other isolates' turns), as a share
  // of the same thread's busy samples in the gateway's profile.
  const d1 = Object.entries(g.profiles).filter(([k]) => k.startsWith("d1:"));
  const d1Js = d1.reduce((s, [, p]) => {
    const x = analyzeCpuProfile(p, null);
    return s + x.busy - x.program;
  }, 0);
  out.d1 = d1.length && ga.busy ? { isolates: d1.map(([k]) => k), samples: d1Js, msPerReq: (d1Js / ga.busy) * out.gateway.mainThreadMsPerReq } : null;

  const a = await allocationsDuring(mf, "gateway", () => run("gateway"));
  const heap = analyzeHeapProfile(a.profile, entry);
  const an = a.result.requests;
  out.allocations = {
    requests: an,
    bytesPerReq: heap.totalBytes / an,
    functions: heap.functions.map((f) => ({ name: f.name, bytesPerReq: f.value / an, pct: f.pct })),
    categories: heap.categories.map((c) => ({ name: c.name, bytesPerReq: c.value / an, pct: c.pct })),
  };

  const f = await profileDuring(mf, ["floor"], () => run("floor"));
  out.floor = perRequest(analyzeCpuProfile(f.profiles.floor, null, 8), f.result, scn.events);
  // Without a profiler, alternating twice: the floor, then the floor without its admit/settle RPCs.
  const pairs = [];
  for (let i = 0; i < 2; i++) pairs.push([(await run("floor")).cpuMsPerReq, (await run("floor", { headers: { "x-bench-floor": "no-do" } })).cpuMsPerReq]);
  const ok = pairs.filter(([a, b]) => a !== null && b !== null);
  const mean = (xs) => (xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : null);
  out.doRpc = {
    pairs,
    floorCpuMsPerReq: mean(ok.map((p) => p[0])),
    floorNoDoCpuMsPerReq: mean(ok.map((p) => p[1])),
    perRoundTripMs: ok.length ? mean(ok.map(([a, b]) => (a - b) / 2)) : null,
  };

  if (scn.requests.portkey && bench.runtime.urls.portkey) {
    const p = await profileDuring(mf, ["portkey"], () => run("portkey"));
    out.portkey = perRequest(analyzeCpuProfile(p.profiles.portkey, null, 8), p.result, scn.events);
  }
  return out;
}

/**
 * Catalog scenarios: the same request profiled in each gateway environment (base, all providers),
 * so the route resolution / listing cost is read directly, not only as a CPU difference.
 */
async function catalogBreakdown(bench, scn, { entry }) {
  const mf = bench.runtime.mf;
  if (scn.upstream) await bench.fake.configure(scn.upstream);
  const out = { events: scn.kind === "catalog" ? null : scn.events, environments: {} };
  for (const name of ["gateway", "gateway-all"]) {
    const job = () =>
      scn.kind === "catalog" ? probeRun(bench, scn, name, { ...bench.opts.latencyProbe }) : autocannonRun(bench, scn, name);
    const p = await profileDuring(mf, [name], job);
    out.environments[name] = perRequest(analyzeCpuProfile(p.profiles[name], entry, 8), p.result, out.events);
  }
  return out;
}

/** The long-stream scenario: the gateway isolate's JS heap polled during one extra run. */
async function heapTrace(bench, scn) {
  const ls = bench.opts.longStreams;
  await bench.fake.configure({ chunks: ls.chunks, chunkDelayMs: scn.chunkDelayMs ?? ls.chunkDelayMs });
  let long;
  const { samples } = await sampleHeapDuring(bench.runtime.mf, "gateway", async () => (long = await longRun(bench, scn, "gateway")), 100);
  const used = samples.map((x) => x.usedKiB);
  return {
    heap: {
      samples: samples.length,
      usedStartKiB: used[0] ?? null,
      usedPeakKiB: used.length ? Math.max(...used) : null,
      usedEndKiB: used.at(-1) ?? null,
      totalPeakKiB: samples.length ? Math.max(...samples.map((x) => x.totalKiB)) : null,
      trace: downsample(samples, 200).map((x) => [Math.round(x.t - samples[0].t), Math.round(x.usedKiB / 102.4) / 10, Math.round(x.totalKiB / 102.4) / 10]),
    },
    rss: { beforeKiB: long.rssBeforeKiB, peakKiB: long.peakRssKiB, afterKiB: long.rssAfterKiB, inStreamGrowthKiB: long.inStreamGrowthKiB },
  };
}

export async function runBreakdown(bench, runnable, { entry, file, want }) {
  const pick = (s) => want.includes("*") || want.includes(s.id);
  const out = { scenarios: {} };
  for (const scn of runnable.filter(pick)) {
    try {
      if (scn.kind === "long") out.scenarios[scn.id] = await heapTrace(bench, scn);
      else if (scn.kind === "catalog" || scn.class === "catalog-lookup") out.scenarios[scn.id] = await catalogBreakdown(bench, scn, { entry });
      else out.scenarios[scn.id] = await breakdownScenario(bench, scn, { entry, file });
      console.log(`[bench] profiled ${scn.id}`);
    } catch (e) {
      out.scenarios[scn.id] = { error: String(e?.message ?? e) };
      console.log(`[bench] profiling ${scn.id} failed: ${out.scenarios[scn.id].error}`);
    }
  }
  return out;
}
