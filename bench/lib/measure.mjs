// One measured run of one Worker: an autocannon load run, a fixed-size probe, or the long-stream
// run, with workerd's CPU and memory (and the fake upstream's and the load generator's CPU) read
// from /proc around it. `bench` is the orchestrator's state: {runtime, fake, client, opts, apiKey}.
import * as proc from "./proc.mjs";
import { median } from "./stats.mjs";
import { MARKER } from "./scenarios.mjs";
import { readAnswer } from "./check.mjs";

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The request a Worker gets in a scenario, as an absolute loopback URL. */
export function target(bench, name, scn, extraHeaders) {
  const r = scn.requests[name]({ apiKey: bench.apiKey, fakeUrl: bench.fake.url });
  return { url: bench.runtime.urls[name] + r.path, method: r.method ?? "POST", headers: { ...r.headers, ...extraHeaders }, body: r.body };
}

/** Runs fn while measuring workerd CPU/memory, the fake upstream's and the client's CPU. */
export async function measured(bench, fn, { sampleRss = false } = {}) {
  const rt = bench.runtime;
  if (proc.HAS_PROC && proc.cpuSeconds(rt.workerdPids) === null) {
    rt.workerdPids = proc.findWorkerdPids(process.pid); // the runtime was restarted
    console.warn(`[bench] workerd pid changed: ${rt.workerdPids.join(",") || "none found"}`);
  }
  const w = rt.workerdPids;
  const peakReset = proc.resetPeak(w);
  const memBefore = proc.memory(w);
  const cpu0 = proc.cpuSeconds(w);
  const threads0 = proc.threadCpu(w);
  const fake0 = proc.cpuSeconds([bench.fake.pid]);
  const cli0 = proc.cpuSeconds([bench.client.child.pid]);
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
  await sleep(bench.opts.settleMs); // waitUntil work (usage records) lands in this run
  const cpuWindowS = (performance.now() - t0) / 1000;
  const cpu1 = proc.cpuSeconds(w);
  const memAfter = proc.memory(w);
  const fake1 = proc.cpuSeconds([bench.fake.pid]);
  const cli1 = proc.cpuSeconds([bench.client.child.pid]);
  const delta = (a, b) => (a !== null && b !== null ? b - a : null);
  return {
    result,
    wallS,
    cpuWindowS,
    workerdCpuS: delta(cpu0, cpu1),
    threadsCpuS: proc.threadDelta(threads0, proc.threadCpu(w)),
    fakeCpuS: delta(fake0, fake1),
    clientCpuS: delta(cli0, cli1),
    rssBeforeKiB: memBefore?.rssKiB ?? null,
    rssAfterKiB: memAfter?.rssKiB ?? null,
    peakRssKiB: peakReset ? (memAfter?.hwmKiB ?? null) : samples?.length ? Math.max(...samples.map((s) => s.rssKiB)) : null,
    peakIsHwm: peakReset,
    samples,
  };
}

const perReq = (cpuS, n) => (cpuS !== null && n > 0 ? (cpuS * 1000) / n : null);

export async function autocannonRun(bench, scn, name, { headers } = {}) {
  const t = target(bench, name, scn, headers);
  const d = bench.opts.duration;
  // Long answers: a fixed number of whole streams (a duration would cut streams in flight and
  // charge their CPU to the ones that finished).
  const amount = scn.amount ? scn.amount(bench.opts) : undefined;
  const job = { ...t, connections: bench.opts.connections, timeoutS: amount ? 30 : 10, ...(amount ? { amount } : { duration: d }) };
  const m = await measured(bench, () => bench.client.call("autocannon", job, (amount ? 120 : d + 30) * 1000));
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
    threadsCpuS: m.threadsCpuS,
    workerdCpuUtil: m.workerdCpuS !== null ? m.workerdCpuS / m.cpuWindowS : null,
    fakeCpuUtil: m.fakeCpuS !== null ? m.fakeCpuS / m.cpuWindowS : null,
    clientCpuUtil: m.clientCpuS !== null ? m.clientCpuS / m.cpuWindowS : null,
    peakRssKiB: m.peakRssKiB,
    rssAfterKiB: m.rssAfterKiB,
    wallS: m.wallS,
  };
}

export async function probeRun(bench, scn, name, { requests, concurrency, marker }) {
  const t = target(bench, name, scn);
  const m = await measured(bench, () =>
    bench.client.call("probe", { ...t, requests, concurrency, marker, timeoutMs: 30_000, overallTimeoutMs: 120_000 }, 150_000),
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
    bytes: r.bytes?.p50 ?? null,
    cpuMsPerReq: perReq(m.workerdCpuS, r.requests),
    threadsCpuS: m.threadsCpuS,
  };
}

export async function longRun(bench, scn, name) {
  const t = target(bench, name, scn);
  const n = scn.streams;
  const ls = bench.opts.longStreams;
  const expectS = (ls.chunks * (ls.chunkDelayMs + 0.5)) / 1000;
  const m = await measured(
    bench,
    () =>
      bench.client.call(
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
  const t0 = m.samples?.[0]?.t;
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
    trace: downsample(m.samples ?? [], 200).map((x) => [Math.round(x.t - (t0 ?? x.t)), Math.round((x.rssKiB / 1024) * 10) / 10]),
    traceWindowMs: w && t0 !== undefined ? [Math.round(w.allStarted - t0), Math.round(w.firstEnded - t0)] : null,
  };
}

export function downsample(a, n) {
  if (a.length <= n) return a;
  const step = a.length / n;
  return Array.from({ length: n }, (_, i) => a[Math.floor(i * step)]);
}

/** One request to one Worker, its answer read in the scenario's format (see check.mjs). */
export async function answerOf(bench, scn, name) {
  const t = target(bench, name, scn);
  try {
    const r = await fetch(t.url, { method: t.method, headers: t.headers, body: t.body, signal: AbortSignal.timeout(30_000) });
    const text = await r.text();
    const a = readAnswer(scn.answers[name], r.status, text);
    a.provider = r.headers.get("x-arouter-provider");
    if (r.status !== 200) a.errorBody = text.slice(0, 400);
    return a;
  } catch (e) {
    return { status: 0, error: `request failed: ${e?.message ?? e}` };
  }
}
