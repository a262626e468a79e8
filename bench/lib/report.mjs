// Printing: per-round progress lines, the summary tables and the targets (PASS/MISS).

export const TARGETS = {
  nonstream: { min: 0.9, label: "non-streaming throughput ≥ 0.90× pass-through", what: "non-streaming" },
  "same-format-stream": { min: 0.85, label: "same-format streaming throughput ≥ 0.85× pass-through", what: "same-format streaming" },
  "translated-stream": { min: 0.75, label: "translated streaming throughput ≥ 0.75× pass-through", what: "translated streaming" },
  addedP99Ms: 2,
  memory: { inStreamGrowthMiB: 8, driftMiB: 16 },
};

const isNum = (x) => typeof x === "number" && Number.isFinite(x);
const f = (x, d = 1) => (isNum(x) ? x.toFixed(d) : "-");
const fx = (x) => (isNum(x) ? `${x.toFixed(2)}×` : "-");
const mib = (kib, d = 1) => (isNum(kib) ? (kib / 1024).toFixed(d) : "-");
const signed = (x, d = 2) => (isNum(x) ? `${x >= 0 ? "+" : ""}${x.toFixed(d)}` : "-");
const pad = (s, n) => String(s).padEnd(n);
const lpad = (s, n) => String(s).padStart(n);

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
    return `${name} ${f(ld?.rps, 0)} req/s p99 ${f(ld?.latency?.p99, 2)} ms ${probe} cpu ${f(ld?.cpuMsPerReq, 3)} ms/req${bad ? ` (${bad} bad${pr?.errorSample ? `: ${pr.errorSample}` : ""})` : ""}${pr?.failed ? ` (probe: ${pr.failed} failed: ${pr.errorSample})` : ""}`;
  };
  return ["gateway", "passthrough", "floor"].filter((n) => rr[n]).map(part).join(" | ");
}

export function table(scenarios, results, out) {
  const lines = [];
  const W = [30, 9, 8, 8, 10, 10, 11, 9];
  const row = (cells) => cells.map((c, i) => (i === 0 ? pad(c, W[0]) : lpad(c, W[i]))).join(" ");
  const env = out?.environment;
  if (env) {
    const la = (a) => (Array.isArray(a) ? a[0].toFixed(1) : "?");
    lines.push(`Machine: ${env.cpus} cores (${env.cpuModel ?? "?"}), load average ${la(env.loadavgStart)} at start, ${la(env.loadavgEnd)} at end; ` +
      `${out.options.rounds} round(s) × ${out.options.duration} s, ${out.options.connections} connections; workerd from miniflare ${env.miniflare}`);
    lines.push("");
  }
  const hasThroughput = scenarios.some((x) => x.kind === "throughput");
  if (hasThroughput) lines.push("Throughput scenarios (medians over rounds; ratios and differences are medians of per-round ones)");
  if (hasThroughput) {
    lines.push(row(["scenario / target", "req/s", "p50 ms", "p99 ms", "probe p50", "probe p99", "CPU ms/req", "RSS MiB"]));
    lines.push("-".repeat(W.reduce((a, b) => a + b + 1, 0)));
    for (const scn of scenarios) {
      if (scn.kind !== "throughput") continue;
      const r = results[scn.id];
      lines.push(scn.id + (scn.stream ? "" : ""));
      if (r.error || !r.summary) {
        lines.push(`  ERROR: ${r.error ?? "no successful round"}`);
        continue;
      }
      const s = r.summary;
      const probeP50 = scn.stream ? s.ttfbP50 : s.unloadedP50;
      const probeP99 = scn.stream ? s.ttfbP99 : s.unloadedP99;
      for (const [name, label] of [["gateway", "  gateway"], ["passthrough", "  pass-through"], ["floor", "  floor"]]) {
        lines.push(row([label, f(s.rps[name], 0), f(s.p50[name], 2), f(s.p99[name], 2), f(probeP50[name], 2), f(probeP99[name], 2), f(s.cpuMsPerReq[name], 3), mib(s.peakRssKiB[name])]));
      }
      lines.push(
        row([
          "  ratio gw/pt",
          fx(s.rpsRatio),
          fx(s.p50Ratio),
          fx(s.p99Ratio),
          fx(scn.stream ? s.ttfbP50Ratio : null),
          fx(scn.stream ? s.ttfbP99Ratio : s.unloadedP99Ratio),
          fx(s.cpuRatio),
          signed(isNum(s.peakRssKiB.gateway) && isNum(s.peakRssKiB.passthrough) ? (s.peakRssKiB.gateway - s.peakRssKiB.passthrough) / 1024 : null, 1),
        ]),
      );
      const v = s.vsFloor;
      lines.push(
        `  gateway/floor ${fx(v.rpsRatio)} req/s, gateway − floor ${signed(v.cpuAddedMsPerReq, 3)} CPU ms/req, ${signed(v.addedProbeP99)} ms probe p99` +
          ` (floor/pass-through ${fx(v.floorRpsRatio)} req/s, floor − pass-through ${signed(v.floorCpuAddedMsPerReq, 3)} CPU ms/req)`,
      );
      const warn = [];
      if ((s.non2xx.gateway ?? 0) + (s.errors.gateway ?? 0) > 0) warn.push(`gateway non-2xx ${s.non2xx.gateway ?? 0}, errors ${s.errors.gateway ?? 0}`);
      if ((s.non2xx.passthrough ?? 0) + (s.errors.passthrough ?? 0) > 0) warn.push(`pass-through non-2xx ${s.non2xx.passthrough ?? 0}, errors ${s.errors.passthrough ?? 0}`);
      if ((s.non2xx.floor ?? 0) + (s.errors.floor ?? 0) > 0) warn.push(`floor non-2xx ${s.non2xx.floor ?? 0}, errors ${s.errors.floor ?? 0}`);
      if ((s.probeFailed.gateway ?? 0) > 0 || (s.probeFailed.passthrough ?? 0) > 0 || (s.probeFailed.floor ?? 0) > 0)
        warn.push(`probe failures gw ${s.probeFailed.gateway} / pt ${s.probeFailed.passthrough} / floor ${s.probeFailed.floor}`);
      if (warn.length) lines.push(`  ! ${warn.join("; ")}`);
    }
    lines.push("");
    lines.push("  req/s, p50/p99: autocannon, fixed concurrency, exact per-request latencies (2xx only).");
    lines.push("  probe: streaming → TTFT = first body byte after the headers (fixed requests/concurrency, upstream chunks 1 ms apart);");
    lines.push("         non-streaming → full latency at concurrency 1 (unloaded).");
    lines.push("  CPU ms/req: workerd utime+stime over the autocannon run / requests. RSS: workerd peak RSS (VmHWM) during the run.");
    lines.push("  floor: the pass-through + one DO RPC before forwarding and one in waitUntil after + every byte read in JS");
    lines.push("         (the least any metering, limit-enforcing gateway does); same upstream request as the pass-through.");

    lines.push("");
    lines.push("Added by the gateway (gateway − pass-through, medians of per-round differences)");
    const W2 = [30, 16, 18, 14, 14, 13, 13];
    const row2 = (cells) => cells.map((c, i) => (i === 0 ? pad(c, W2[0]) : lpad(c, W2[i]))).join(" ");
    lines.push(row2(["scenario", "p99 loaded ms", "p99 probe ms", "CPU ms/req", "CPU − floor", "fake CPU", "workerd CPU"]));
    for (const scn of scenarios) {
      const s = results[scn.id].summary;
      if (scn.kind !== "throughput" || !s) continue;
      const pct = (x) => (isNum(x) ? Math.round(x * 100) : "-");
      const util = (u) => (isNum(u.gateway) ? `${pct(u.gateway)}/${pct(u.passthrough)}/${pct(u.floor)}%` : "-");
      lines.push(
        row2([
          scn.id,
          signed(s.addedP99Loaded),
          signed(scn.stream ? s.addedTtfbP99 : s.addedUnloadedP99) + (scn.stream ? " TTFT" : " c=1"),
          signed(s.cpuAddedMsPerReq, 3),
          signed(s.vsFloor.cpuAddedMsPerReq, 3),
          util(s.fakeCpuUtil),
          util(s.workerdCpuUtil),
        ]),
      );
    }
    lines.push("  CPU − floor: gateway − floor CPU ms/req. fake CPU / workerd CPU: share of one core used during the autocannon");
    lines.push("  runs (gateway/pass-through/floor);");
    lines.push("  a fake upstream near 100% means the run was upstream-bound and throughput ratios are compressed.");
  }

  const longs = scenarios.filter((s) => s.kind === "long");
  for (const scn of longs) {
    const r = results[scn.id];
    lines.push("");
    const chunks = out?.options?.longStreams?.chunks;
    lines.push(`Long streams: ${scn.title} — ${scn.streams} concurrent × ${chunks ?? "?"} chunks, ${scn.chunkDelayMs} ms apart`);
    if (r.error || !r.summary) {
      lines.push(`  ERROR: ${r.error ?? "no successful round"}`);
      continue;
    }
    const s = r.summary;
    const W3 = [16, 13, 15, 20, 14, 11, 12];
    const row3 = (cells) => cells.map((c, i) => (i === 0 ? pad(c, W3[0]) : lpad(c, W3[i]))).join(" ");
    lines.push(row3(["target", "peak RSS MiB", "peak Δ MiB", "in-stream growth", "CPU ms/strm", "TTFB p50", "stream p50 s"]));
    for (const [name, label] of [["gateway", "  gateway"], ["passthrough", "  pass-through"]]) {
      lines.push(
        row3([
          label,
          mib(s.peakRssKiB[name]),
          signed(isNum(s.peakDeltaKiB[name]) ? s.peakDeltaKiB[name] / 1024 : null, 1),
          signed(isNum(s.inStreamGrowthKiB[name]) ? s.inStreamGrowthKiB[name] / 1024 : null, 1) + " MiB",
          f(s.cpuMsPerStream[name], 1),
          f(s.ttfbP50[name], 1),
          f(isNum(s.durationP50[name]) ? s.durationP50[name] / 1000 : null, 2),
        ]),
      );
    }
    lines.push(`  gateway RSS after the run, last round − first round: ${signed(isNum(s.rssDriftAcrossRoundsKiB) ? s.rssDriftAcrossRoundsKiB / 1024 : null, 1)} MiB`);
    if ((s.failed.gateway ?? 0) || (s.failed.passthrough ?? 0)) lines.push(`  ! failed streams: gateway ${s.failed.gateway}, pass-through ${s.failed.passthrough}`);
    lines.push("  peak Δ: peak RSS during the run − RSS before it; in-stream growth: RSS in the last vs first quarter of the");
    lines.push("  window when all streams were open (flat ≈ 0: nothing accumulates per chunk).");
  }
  const logs = out?.gatewayLogs;
  if (logs?.total) {
    lines.push("");
    lines.push(`Worker console output during the run: ${logs.total} line(s) ${JSON.stringify(logs.byLevel)}${logs.samples.length ? "\n  " + logs.samples.join("\n  ") : ""}`);
  }
  return lines.join("\n");
}

export function evaluateTargets(scenarios, results) {
  const out = [];
  for (const scn of scenarios) {
    const r = results[scn.id];
    const s = r.summary;
    const t = TARGETS[scn.class];
    if (t) {
      const v = s?.rpsRatio ?? null;
      out.push({ target: t.label, scenario: scn.id, value: v, display: fx(v), pass: isNum(v) ? v >= t.min : null, note: r.error ?? undefined });
    }
  }
  // Not judged: how close the gateway comes to the floor (1.00× = it does nothing beyond the floor's work).
  for (const scn of scenarios) {
    const t = TARGETS[scn.class];
    const s = results[scn.id].summary;
    if (!t || scn.kind !== "throughput") continue;
    const v = s?.vsFloor?.rpsRatio ?? null;
    out.push({ target: `${t.what} throughput, gateway/floor (info)`, scenario: scn.id, value: v, display: fx(v), pass: undefined });
  }
  for (const scn of scenarios) {
    if (scn.kind !== "throughput") continue;
    const s = results[scn.id].summary;
    const v = s ? (scn.stream ? s.addedTtfbP99 : s.addedUnloadedP99) : null;
    const how = scn.stream ? "TTFT p99" : "p99 at concurrency 1";
    out.push({ target: `added p99 latency ≤ ${TARGETS.addedP99Ms} ms (${how})`, scenario: scn.id, value: v, display: `${signed(v)} ms`, pass: isNum(v) ? v <= TARGETS.addedP99Ms : null });
  }
  for (const scn of scenarios) {
    if (scn.kind !== "throughput") continue;
    const s = results[scn.id].summary;
    const v = s?.addedP99Loaded ?? null;
    out.push({ target: `added p99 latency under load (info, autocannon)`, scenario: scn.id, value: v, display: `${signed(v)} ms`, pass: undefined });
  }
  for (const scn of scenarios) {
    if (scn.kind !== "long") continue;
    const s = results[scn.id].summary;
    const g = s?.inStreamGrowthKiB?.gateway;
    const d = s?.rssDriftAcrossRoundsKiB;
    const m = TARGETS.memory;
    let pass = null;
    if (isNum(g)) pass = g / 1024 <= m.inStreamGrowthMiB && (!isNum(d) || d / 1024 <= m.driftMiB);
    out.push({
      target: `memory flat under long streams (in-stream growth ≤ ${m.inStreamGrowthMiB} MiB, drift across rounds ≤ ${m.driftMiB} MiB)`,
      scenario: scn.id,
      value: { inStreamGrowthKiB: g ?? null, driftKiB: d ?? null, peakDeltaKiB: s?.peakDeltaKiB ?? null },
      display: `growth ${signed(isNum(g) ? g / 1024 : null, 1)} MiB, drift ${signed(isNum(d) ? d / 1024 : null, 1)} MiB`,
      pass,
    });
  }
  return out;
}

export function targetsText(targets) {
  const lines = ["", "Targets (benchmark figures, not asserted)"];
  for (const t of targets) {
    const tag = t.pass === true ? "PASS" : t.pass === false ? "MISS" : t.pass === null ? "n/a " : "info";
    lines.push(`  [${tag}] ${t.target} — ${t.scenario}: ${t.display}${t.note ? ` (${t.note.split("\n")[0].slice(0, 120)})` : ""}`);
  }
  return lines.join("\n");
}

export function profilesText(profiles) {
  const lines = ["", "Gateway profiles (one extra, unmeasured gateway run per scenario with the V8 inspector attached)"];
  for (const [id, p] of Object.entries(profiles)) {
    if (p.error) {
      lines.push(`  ${id}: profiling failed: ${p.error}`);
      continue;
    }
    if (p.heap) {
      const h = p.heap;
      const r = p.rss;
      lines.push(
        `  ${id}: gateway isolate JS heap used ${mib(h.usedStartKiB)} → peak ${mib(h.usedPeakKiB)} → end ${mib(h.usedEndKiB)} MiB (heap total peak ${mib(h.totalPeakKiB)} MiB); ` +
          `workerd RSS ${mib(r.beforeKiB)} → peak ${mib(r.peakKiB)} → after ${mib(r.afterKiB)} MiB`,
      );
      continue;
    }
    const perReq = p.requests ? p.busyMs / p.requests : null;
    lines.push(`  ${id}: ${f(p.busyMs, 0)} ms busy over ${p.requests} requests (${f(perReq, 3)} ms/req in JS), idle ${f(p.idleMs, 0)} ms — ${p.file}`);
    lines.push("    by source file (built-ins charged to their caller): " + p.modules.slice(0, 8).map((m) => `${m.name} ${f(m.pct, 1)}%`).join(", "));
    lines.push("    hottest functions (self time):");
    for (const fn of p.functions.slice(0, 10)) lines.push(`    ${lpad(f(fn.pct, 1), 5)}%  ${fn.name}`);
  }
  return lines.join("\n");
}
