// Printing: per-round progress lines and the summary tables (targets: targets.mjs; CPU
// breakdown: breakdown-report.mjs).
import { TARGET_LABEL } from "./scenarios.mjs";

const isNum = (x) => typeof x === "number" && Number.isFinite(x);
const f = (x, d = 1) => (isNum(x) ? x.toFixed(d) : "-");
const fx = (x) => (isNum(x) ? `${x.toFixed(2)}×` : "-");
const mib = (kib, d = 1) => (isNum(kib) ? (kib / 1024).toFixed(d) : "-");
const signed = (x, d = 2) => (isNum(x) ? `${x >= 0 ? "+" : ""}${x.toFixed(d)}` : "-");
const pad = (s, n) => String(s).padEnd(n);
const lpad = (s, n) => String(s).padStart(n);
const table = (W) => (cells) => cells.map((c, i) => (i === 0 ? pad(c, W[0]) : lpad(c, W[i]))).join(" ");

/** Progress line after each scenario of a round. */
export function oneLine(scn, rr) {
  if (rr.error) return `error: ${rr.error}`;
  const part = (name) => {
    const x = rr[name];
    if (x.long) {
      const l = x.long;
      return `${name} ${l.ok}/${l.streams} streams, peak RSS ${mib(l.peakRssKiB)} MiB, growth ${mib(l.inStreamGrowthKiB, 2)} MiB${l.failed ? `, ${l.failed} failed: ${l.errorSample}` : ""}`;
    }
    const ld = x.load;
    const pr = x.ttft ?? x.latency;
    const bad = (ld?.non2xx ?? 0) + (ld?.errors ?? 0) + (ld?.timeouts ?? 0);
    const probe = pr ? (x.ttft ? `TTFT p50 ${f(pr.ttfb?.p50, 2)} ms` : `c=1 p50 ${f(pr.total?.p50, 2)} ms`) : "";
    const cpu = ld ? `cpu ${f(ld.cpuMsPerReq, 3)} ms/req` : `cpu ${f(pr?.cpuMsPerReq, 3)} ms/req`;
    return `${name} ${ld ? `${f(ld.rps, 0)} req/s p99 ${f(ld.latency?.p99, 2)} ms ` : ""}${probe} ${cpu}${bad ? ` (${bad} bad)` : ""}${pr?.failed ? ` (probe: ${pr.failed} failed: ${pr.errorSample})` : ""}`;
  };
  return Object.keys(TARGET_LABEL).filter((n) => rr[n]).map(part).join(" | ");
}

export function tables(scenarios, results, out) {
  const lines = [];
  const env = out?.environment;
  if (env) {
    const la = (a) => (Array.isArray(a) ? a[0].toFixed(1) : "?");
    lines.push(
      `Machine: ${env.cpus} cores (${env.cpuModel ?? "?"}), load average ${la(env.loadavgStart)} at start, ${la(env.loadavgEnd)} at end; ` +
        `${out.options.rounds} round(s) × ${out.options.duration} s, ${out.options.connections} connections; workerd from miniflare ${env.miniflare}`,
    );
    lines.push("");
  }
  const thr = scenarios.filter((x) => x.kind === "throughput" && results[x.id]);
  if (thr.length) throughputTable(lines, thr, results);
  const cat = scenarios.filter((x) => x.kind === "catalog");
  if (cat.length) catalogTable(lines, cat, results, out);
  for (const scn of scenarios.filter((s) => s.kind === "long")) longTable(lines, scn, results[scn.id], out);
  const logs = out?.gatewayLogs;
  if (logs?.total) {
    lines.push("");
    lines.push(`Worker console output during the run: ${logs.total} line(s) ${JSON.stringify(logs.byLevel)}${logs.samples.length ? "\n  " + logs.samples.join("\n  ") : ""}`);
  }
  return lines.join("\n");
}

function throughputTable(lines, thr, results) {
  const row = table([30, 9, 8, 8, 10, 10, 11, 11, 9]);
  lines.push("Throughput scenarios (medians over rounds; ratios and differences are medians of per-round ones)");
  lines.push(row(["scenario / Worker", "req/s", "p50 ms", "p99 ms", "probe p50", "probe p99", "CPU ms/req", "CPU/event", "RSS MiB"]));
  lines.push("-".repeat(112));
  for (const scn of thr) {
    const r = results[scn.id];
    lines.push(`${scn.id}${scn.probe === false ? " (no probe)" : ""}`);
    if (r.error || !r.summary) {
      lines.push(`  ERROR: ${r.error ?? "no successful round"}`);
      continue;
    }
    const s = r.summary;
    for (const name of Object.keys(s.rps)) {
      lines.push(row([`  ${TARGET_LABEL[name]}`, f(s.rps[name], 0), f(s.p50[name], 2), f(s.p99[name], 2), f(s.probeP50[name], 2), f(s.probeP99[name], 2), f(s.cpuMsPerReq[name], 3), f(s.cpuMsPerEvent?.[name], 4), mib(s.peakRssKiB[name])]));
    }
    const v = s.vsFloor;
    if (v) {
      lines.push(
        `  ARouter/floor ${fx(v.rpsRatio)} req/s, ${signed(v.cpuAddedMsPerReq, 3)} CPU ms/req, ${signed(v.addedProbeP99)} ms probe p99` +
          ` | floor/pass-through ${fx(v.floorRpsRatio)} req/s, ${signed(v.floorCpuAddedMsPerReq, 3)} CPU ms/req | ARouter/pass-through ${fx(s.rpsRatio)} req/s, ${signed(s.cpuAddedMsPerReq, 3)} CPU ms/req`,
      );
    }
    if (s.vsPortkey) lines.push(`  ARouter/Portkey CPU ${fx(s.vsPortkey.cpuRatio)} (${signed(s.vsPortkey.cpuAddedMsPerReq, 3)} ms/req), req/s ${fx(s.vsPortkey.rpsRatio)}`);
    if (s.events >= 1000)
      lines.push(`  per event: ARouter ${signed(s.gatewayAboveFloorMsPerEvent, 4)} ms above the floor; floor ${signed(s.floorAbovePassthroughMsPerEvent, 4)} ms above the pass-through`);
    if (s.allVsBase) {
      const a = s.allVsBase;
      lines.push(`  all providers − base: ${signed(a.cpuAddedMsPerReq, 3)} CPU ms/req (${fx(a.cpuRatio)}), c=1 p50 ${signed(a.addedProbeP50)} ms, p99 ${signed(a.addedProbeP99)} ms`);
    }
    const warn = [];
    for (const name of Object.keys(s.rps)) {
      const bad = (s.non2xx[name] ?? 0) + (s.errors[name] ?? 0);
      if (bad > 0) warn.push(`${TARGET_LABEL[name]} non-2xx ${s.non2xx[name] ?? 0}, errors ${s.errors[name] ?? 0}`);
      if ((s.probeFailed[name] ?? 0) > 0) warn.push(`${TARGET_LABEL[name]} probe failures ${s.probeFailed[name]}`);
    }
    if (warn.length) lines.push(`  ! ${warn.join("; ")}`);
  }
  lines.push("");
  lines.push("  req/s, p50/p99: autocannon, fixed concurrency, exact per-request latencies (2xx only).");
  lines.push("  probe: streaming → TTFT = first body byte after the headers (fixed requests/concurrency, upstream chunks 1 ms apart);");
  lines.push("         non-streaming → full latency at concurrency 1 (unloaded).");
  lines.push("  CPU ms/req: workerd utime+stime over the autocannon run / requests; CPU/event: that / the answer's content events.");
  lines.push("  floor: the pass-through + one DO RPC before forwarding and one in waitUntil after + every byte read in JS.");
  lines.push("  Portkey: its gateway 1.15.2 bundle (no caller auth, no spend limit, no accounting); judged by CPU, not req/s");
  lines.push("  (it waits 25 ms before each stream's first chunk, which idles it under fixed concurrency).");
  lines.push("");
  const row2 = table([30, 13, 14, 12, 12, 12, 16, 16]);
  lines.push("CPU ms/req above each baseline, and where the CPU went (medians of per-round differences)");
  lines.push(row2(["scenario", "− pass-thr.", "− floor", "− Portkey", "floor − pt", "p99 loaded", "fake CPU", "workerd CPU"]));
  for (const scn of thr) {
    const s = results[scn.id].summary;
    if (!s || !s.vsFloor) continue;
    const pct = (x) => (isNum(x) ? Math.round(x * 100) : "-");
    const util = (u) => Object.values(u).map(pct).join("/") + "%";
    lines.push(
      row2([scn.id, signed(s.cpuAddedMsPerReq, 3), signed(s.vsFloor.cpuAddedMsPerReq, 3), signed(s.vsPortkey?.cpuAddedMsPerReq ?? null, 3), signed(s.vsFloor.floorCpuAddedMsPerReq, 3), signed(s.addedP99Loaded), util(s.fakeCpuUtil), util(s.workerdCpuUtil)]),
    );
  }
  lines.push("  p99 loaded: ARouter − pass-through p99 under autocannon (info). fake / workerd CPU: share of one core during each");
  lines.push("  Worker's autocannon run, in the order of the table above; a fake upstream near 100% means the run was upstream-bound.");
}

function catalogTable(lines, cat, results, out) {
  const row = table([34, 22, 8, 10, 10, 12, 11]);
  lines.push("");
  const ap = out?.environment?.allProviders;
  lines.push(`GET /v1/models (no key; ${ap ? `all providers: ${ap.variables.length} variables set, ${ap.prefixes.length} <NAME>_API_KEY providers` : "all providers"}; base: OpenAI, Anthropic, Gemini)`);
  lines.push(row(["scenario", "environment", "models", "KiB", "c=1 p50", "c=1 p99", "CPU ms/req"]));
  for (const scn of cat) {
    const r = results[scn.id];
    if (r.error || !r.summary) {
      lines.push(`${scn.id}  ERROR: ${r.error ?? "no successful round"}`);
      continue;
    }
    const s = r.summary;
    for (const name of Object.keys(s.p50)) {
      lines.push(row([name === Object.keys(s.p50)[0] ? scn.id : "", name === "gateway-all" ? "all providers" : "base (3 providers)", f(s.models[name], 0), f(isNum(s.bytes[name]) ? s.bytes[name] / 1024 : null, 1), f(s.p50[name], 2), f(s.p99[name], 2), f(s.cpuMsPerReq[name], 3)]));
    }
  }
  lines.push("  c=1: latency of the whole response at concurrency 1; CPU ms/req: workerd CPU over that probe / requests.");
}

function longTable(lines, scn, r, out) {
  lines.push("");
  const chunks = out?.options?.longStreams?.chunks;
  lines.push(`Long streams: ${scn.title} — ${scn.streams} concurrent × ${chunks ?? "?"} chunks, ${scn.chunkDelayMs} ms apart`);
  if (r.error || !r.summary) {
    lines.push(`  ERROR: ${r.error ?? "no successful round"}`);
    return;
  }
  const s = r.summary;
  const row3 = table([16, 13, 15, 20, 14, 11, 12]);
  lines.push(row3(["Worker", "peak RSS MiB", "peak Δ MiB", "in-stream growth", "CPU ms/strm", "TTFB p50", "stream p50 s"]));
  for (const name of Object.keys(s.peakRssKiB)) {
    lines.push(
      row3([
        `  ${TARGET_LABEL[name]}`,
        mib(s.peakRssKiB[name]),
        signed(isNum(s.peakDeltaKiB[name]) ? s.peakDeltaKiB[name] / 1024 : null, 1),
        signed(isNum(s.inStreamGrowthKiB[name]) ? s.inStreamGrowthKiB[name] / 1024 : null, 1) + " MiB",
        f(s.cpuMsPerStream[name], 1),
        f(s.ttfbP50[name], 1),
        f(isNum(s.durationP50[name]) ? s.durationP50[name] / 1000 : null, 2),
      ]),
    );
  }
  lines.push(`  ARouter RSS after the run, last round − first round: ${signed(isNum(s.rssDriftAcrossRoundsKiB) ? s.rssDriftAcrossRoundsKiB / 1024 : null, 1)} MiB`);
  if ((s.failed.gateway ?? 0) || (s.failed.passthrough ?? 0)) lines.push(`  ! failed streams: ARouter ${s.failed.gateway}, pass-through ${s.failed.passthrough}`);
  lines.push("  peak Δ: peak RSS during the run − RSS before it; in-stream growth: RSS in the last vs first quarter of the");
  lines.push("  window when all streams were open (flat ≈ 0: nothing accumulates per chunk).");
}
