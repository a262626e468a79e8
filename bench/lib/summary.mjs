// Per-scenario summaries: medians over rounds; ratios and differences are medians of per-round
// ratios/differences (each round's runs went back to back under the same conditions).
import { medianOf, ratio, diff } from "./stats.mjs";

/** The Workers measured in each round: the floor runs in throughput scenarios only. */
export function targetsOf(scn) {
  return scn.kind === "throughput" ? ["gateway", "passthrough", "floor"] : ["gateway", "passthrough"];
}

const g = (o, ...keys) => keys.reduce((v, k) => (v == null ? null : v[k]), o) ?? null;

export function summarize(scn, res) {
  if (res.error) return null;
  const rounds = res.rounds.filter((r) => !r.error);
  if (!rounds.length) return null;
  const names = targetsOf(scn);
  const pick = (name, f) => medianOf(rounds, (r) => f(r[name]));
  const both = (f) => Object.fromEntries(names.map((n) => [n, pick(n, f)]));
  // a vs b (default gateway vs pass-through), per round, then the median.
  const rat = (f, a = "gateway", b = "passthrough") => medianOf(rounds, (r) => ratio(f(r[a]), f(r[b])));
  const add = (f, a = "gateway", b = "passthrough") => medianOf(rounds, (r) => diff(f(r[a]), f(r[b])));
  if (scn.kind === "long") {
    const L = (k) => (x) => g(x, "long", k);
    const gw = rounds.map((r) => r.gateway.long?.rssAfterKiB).filter(Number.isFinite);
    return {
      peakRssKiB: both(L("peakRssKiB")),
      peakDeltaKiB: both(L("peakDeltaKiB")),
      inStreamGrowthKiB: both(L("inStreamGrowthKiB")),
      rssAfterKiB: both(L("rssAfterKiB")),
      rssDriftAcrossRoundsKiB: gw.length >= 2 ? gw[gw.length - 1] - gw[0] : null,
      cpuMsPerStream: both(L("cpuMsPerStream")),
      cpuRatio: rat(L("cpuMsPerStream")),
      ttfbP50: both((x) => g(x, "long", "ttfb", "p50")),
      ttfbP99: both((x) => g(x, "long", "ttfb", "p99")),
      durationP50: both((x) => g(x, "long", "total", "p50")),
      failed: both(L("failed")),
    };
  }
  const rps = (x) => g(x, "load", "rps");
  const cpu = (x) => g(x, "load", "cpuMsPerReq");
  const lp50 = (x) => g(x, "load", "latency", "p50");
  const lp99 = (x) => g(x, "load", "latency", "p99");
  const probe = scn.stream ? (x, p) => g(x, "ttft", "ttfb", p) : (x, p) => g(x, "latency", "total", p);
  const s = {
    rps: both(rps),
    rpsRatio: rat(rps),
    p50: both(lp50),
    p99: both(lp99),
    p50Ratio: rat(lp50),
    p99Ratio: rat(lp99),
    addedP99Loaded: add(lp99),
    cpuMsPerReq: both(cpu),
    cpuRatio: rat(cpu),
    cpuAddedMsPerReq: add(cpu),
    peakRssKiB: both((x) => g(x, "load", "peakRssKiB")),
    non2xx: both((x) => g(x, "load", "non2xx")),
    errors: both((x) => (g(x, "load", "errors") ?? 0) + (g(x, "load", "timeouts") ?? 0)),
    workerdCpuUtil: both((x) => g(x, "load", "workerdCpuUtil")),
    fakeCpuUtil: both((x) => g(x, "load", "fakeCpuUtil")),
    clientCpuUtil: both((x) => g(x, "load", "clientCpuUtil")),
    // Against the floor (what any metering, limit-enforcing gateway must do): gateway vs floor,
    // and what the floor itself costs over the pass-through.
    vsFloor: {
      rpsRatio: rat(rps, "gateway", "floor"),
      p50Ratio: rat(lp50, "gateway", "floor"),
      p99Ratio: rat(lp99, "gateway", "floor"),
      addedP99Loaded: add(lp99, "gateway", "floor"),
      cpuRatio: rat(cpu, "gateway", "floor"),
      cpuAddedMsPerReq: add(cpu, "gateway", "floor"),
      probeP99Ratio: rat((x) => probe(x, "p99"), "gateway", "floor"),
      addedProbeP99: add((x) => probe(x, "p99"), "gateway", "floor"),
      floorRpsRatio: rat(rps, "floor", "passthrough"),
      floorCpuAddedMsPerReq: add(cpu, "floor", "passthrough"),
      floorAddedProbeP99: add((x) => probe(x, "p99"), "floor", "passthrough"),
    },
  };
  if (scn.stream) {
    s.ttfbP50 = both((x) => g(x, "ttft", "ttfb", "p50"));
    s.ttfbP99 = both((x) => g(x, "ttft", "ttfb", "p99"));
    s.ttfbP50Ratio = rat((x) => g(x, "ttft", "ttfb", "p50"));
    s.ttfbP99Ratio = rat((x) => g(x, "ttft", "ttfb", "p99"));
    s.addedTtfbP99 = add((x) => g(x, "ttft", "ttfb", "p99"));
    s.firstTextP50 = both((x) => g(x, "ttft", "firstText", "p50"));
    s.firstTextP99 = both((x) => g(x, "ttft", "firstText", "p99"));
    s.streamTotalP50 = both((x) => g(x, "ttft", "total", "p50"));
    s.probeFailed = both((x) => g(x, "ttft", "failed"));
  } else {
    s.unloadedP50 = both((x) => g(x, "latency", "total", "p50"));
    s.unloadedP99 = both((x) => g(x, "latency", "total", "p99"));
    s.unloadedP99Ratio = rat((x) => g(x, "latency", "total", "p99"));
    s.addedUnloadedP50 = add((x) => g(x, "latency", "total", "p50"));
    s.addedUnloadedP99 = add((x) => g(x, "latency", "total", "p99"));
    s.probeFailed = both((x) => g(x, "latency", "failed"));
  }
  return s;
}
