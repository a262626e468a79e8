// Per-scenario summaries: medians over rounds; ratios and differences are medians of per-round
// ratios/differences (each round's runs went back to back under the same conditions).
import { medianOf, ratio, diff } from "./stats.mjs";
import { targetsOf } from "./scenarios.mjs";
import { backgroundShare } from "./proc.mjs";

const g = (o, ...keys) => keys.reduce((v, k) => (v == null ? null : v[k]), o) ?? null;

/** Figure getters on one Worker's round result. */
const rps = (x) => g(x, "load", "rps");
const cpu = (x) => g(x, "load", "cpuMsPerReq");
const lp50 = (x) => g(x, "load", "latency", "p50");
const lp99 = (x) => g(x, "load", "latency", "p99");

export function summarize(scn, res, available) {
  if (res.error) return null;
  const rounds = res.rounds.filter((r) => !r.error);
  if (!rounds.length) return null;
  const names = targetsOf(scn, available).filter((n) => rounds.some((r) => r[n]));
  const has = (n) => names.includes(n);
  const each = (f) => Object.fromEntries(names.map((n) => [n, medianOf(rounds, (r) => f(r[n]))]));
  // a vs b, per round, then the median.
  const rat = (f, a, b) => medianOf(rounds, (r) => ratio(f(r[a]), f(r[b])));
  const add = (f, a, b) => medianOf(rounds, (r) => diff(f(r[a]), f(r[b])));
  if (scn.kind === "long") return summarizeLong(rounds, each, rat);
  if (scn.kind === "catalog") {
    const tot = (p) => (x) => g(x, "latency", "total", p);
    return {
      p50: each(tot("p50")),
      p99: each(tot("p99")),
      cpuMsPerReq: each((x) => g(x, "latency", "cpuMsPerReq")),
      bytes: each((x) => g(x, "latency", "bytes")),
      models: Object.fromEntries(names.map((n) => [n, res.preflight?.[n]?.models ?? null])),
      probeFailed: each((x) => g(x, "latency", "failed")),
    };
  }
  const probe = scn.stream ? (p) => (x) => g(x, "ttft", "ttfb", p) : (p) => (x) => g(x, "latency", "total", p);
  /** a against b: throughput, latency, CPU and probe comparisons. */
  const versus = (a, b) =>
    has(a) && has(b)
      ? {
          rpsRatio: rat(rps, a, b),
          p50Ratio: rat(lp50, a, b),
          p99Ratio: rat(lp99, a, b),
          addedP99Loaded: add(lp99, a, b),
          cpuRatio: rat(cpu, a, b),
          cpuAddedMsPerReq: add(cpu, a, b),
          probeP99Ratio: rat(probe("p99"), a, b),
          addedProbeP50: add(probe("p50"), a, b),
          addedProbeP99: add(probe("p99"), a, b),
        }
      : null;
  const vsPt = versus("gateway", "passthrough");
  const vsFloor = versus("gateway", "floor");
  const floorVsPt = versus("floor", "passthrough");
  const s = {
    rps: each(rps),
    p50: each(lp50),
    p99: each(lp99),
    cpuMsPerReq: each(cpu),
    peakRssKiB: each((x) => g(x, "load", "peakRssKiB")),
    non2xx: each((x) => g(x, "load", "non2xx")),
    errors: each((x) => (g(x, "load", "errors") ?? 0) + (g(x, "load", "timeouts") ?? 0)),
    workerdCpuUtil: each((x) => g(x, "load", "workerdCpuUtil")),
    fakeCpuUtil: each((x) => g(x, "load", "fakeCpuUtil")),
    clientCpuUtil: each((x) => g(x, "load", "clientCpuUtil")),
    // Share of workerd's CPU on V8's background threads (concurrent GC marking/sweeping, compiling).
    backgroundThreadShare: each((x) => backgroundShare(g(x, "load", "threadsCpuS"))),
    probeP50: each(probe("p50")),
    probeP99: each(probe("p99")),
    probeFailed: each((x) => g(x, scn.stream ? "ttft" : "latency", "failed")),
    // Gateway against the pass-through (flat keys, as before).
    rpsRatio: vsPt?.rpsRatio ?? null,
    p50Ratio: vsPt?.p50Ratio ?? null,
    p99Ratio: vsPt?.p99Ratio ?? null,
    addedP99Loaded: vsPt?.addedP99Loaded ?? null,
    cpuRatio: vsPt?.cpuRatio ?? null,
    cpuAddedMsPerReq: vsPt?.cpuAddedMsPerReq ?? null,
    addedProbeP99: vsPt?.addedProbeP99 ?? null,
    // Against the floor (what any metering, limit-enforcing gateway must do), and the floor's own cost.
    vsFloor: vsFloor && {
      ...vsFloor,
      floorRpsRatio: floorVsPt?.rpsRatio ?? null,
      floorCpuAddedMsPerReq: floorVsPt?.cpuAddedMsPerReq ?? null,
      floorAddedProbeP99: floorVsPt?.addedProbeP99 ?? null,
    },
    vsPortkey: versus("gateway", "portkey"),
    // The same request with every provider enabled vs the base environment: the catalog lookup.
    allVsBase: versus("gateway-all", "gateway"),
  };
  if (scn.events) {
    const perEvent = (x) => (x === null ? null : x / scn.events);
    s.events = scn.events;
    s.cpuMsPerEvent = Object.fromEntries(Object.entries(s.cpuMsPerReq).map(([k, v]) => [k, perEvent(v)]));
    s.gatewayAboveFloorMsPerEvent = perEvent(vsFloor?.cpuAddedMsPerReq ?? null);
    s.floorAbovePassthroughMsPerEvent = perEvent(floorVsPt?.cpuAddedMsPerReq ?? null);
  }
  if (scn.stream) {
    s.ttfbP50 = s.probeP50;
    s.ttfbP99 = s.probeP99;
    s.addedTtfbP99 = vsPt?.addedProbeP99 ?? null;
    s.firstTextP99 = each((x) => g(x, "ttft", "firstText", "p99"));
    s.streamTotalP50 = each((x) => g(x, "ttft", "total", "p50"));
  } else {
    s.unloadedP50 = s.probeP50;
    s.unloadedP99 = s.probeP99;
    s.addedUnloadedP99 = vsPt?.addedProbeP99 ?? null;
  }
  return s;
}

function summarizeLong(rounds, each, rat) {
  const L = (k) => (x) => g(x, "long", k);
  const gw = rounds.map((r) => r.gateway?.long?.rssAfterKiB).filter(Number.isFinite);
  return {
    peakRssKiB: each(L("peakRssKiB")),
    peakDeltaKiB: each(L("peakDeltaKiB")),
    inStreamGrowthKiB: each(L("inStreamGrowthKiB")),
    rssAfterKiB: each(L("rssAfterKiB")),
    rssDriftAcrossRoundsKiB: gw.length >= 2 ? gw[gw.length - 1] - gw[0] : null,
    cpuMsPerStream: each(L("cpuMsPerStream")),
    cpuRatio: rat(L("cpuMsPerStream"), "gateway", "passthrough"),
    ttfbP50: each((x) => g(x, "long", "ttfb", "p50")),
    ttfbP99: each((x) => g(x, "long", "ttfb", "p99")),
    durationP50: each((x) => g(x, "long", "total", "p50")),
    failed: each(L("failed")),
  };
}
