// Printing the CPU breakdown (--profile): per scenario, ARouter's JS time by category against the
// floor's and Portkey's, the Durable Object and D1 costs, allocations and the hottest functions.

const isNum = (x) => typeof x === "number" && Number.isFinite(x);
const f = (x, d = 3) => (isNum(x) ? x.toFixed(d) : "-");
const pct = (x) => (isNum(x) ? `${Math.round(x * 100)}%` : "-");
const kib = (b) => (isNum(b) ? `${(b / 1024).toFixed(1)} KiB` : "-");
const mib = (k) => (isNum(k) ? (k / 1024).toFixed(1) : "-");

export function breakdownText(b) {
  const lines = ["", "Where the time goes (--profile: extra runs with the V8 inspector attached; not part of the figures above)"];
  for (const [id, s] of Object.entries(b.scenarios)) {
    lines.push("");
    if (s.error) {
      lines.push(`${id}: profiling failed: ${s.error}`);
      continue;
    }
    if (s.heap) {
      const h = s.heap;
      lines.push(
        `${id}: ARouter isolate JS heap used ${mib(h.usedStartKiB)} → peak ${mib(h.usedPeakKiB)} → end ${mib(h.usedEndKiB)} MiB (heap total peak ${mib(h.totalPeakKiB)} MiB); ` +
          `workerd RSS ${mib(s.rss.beforeKiB)} → peak ${mib(s.rss.peakKiB)} → after ${mib(s.rss.afterKiB)} MiB`,
      );
      continue;
    }
    if (s.environments) {
      lines.push(`${id}: the same request profiled in each environment (ms/req)`);
      for (const [name, e] of Object.entries(s.environments)) {
        const inc = e.inclusive;
        lines.push(
          `  ${name === "gateway-all" ? "all providers     " : "base (3 providers)"}: main thread ${f(e.mainThreadMsPerReq)}, JS ${f(e.jsMsPerReq)}; routing+catalog (inclusive) ${f(inc["routing, catalog"])}; ` +
            e.categories.filter((c) => c.pct >= 3).map((c) => `${c.name} ${f(c.msPerReq)}`).join(", "),
        );
        lines.push(`    hottest: ${e.functions.slice(0, 5).map((x) => `${x.name} ${f(x.msPerReq)}`).join("; ")}`);
      }
      continue;
    }
    const g = s.gateway;
    const ev = s.events;
    const trio = (k) => `${f(g[k])} (floor ${f(s.floor?.[k])}${s.portkey ? `, Portkey ${f(s.portkey[k])}` : ""})`;
    lines.push(`${id}: ${g.requests} requests, ${g.samples} samples. ms/req — process CPU under the profiler ${trio("cpuMsPerReqProfiled")}; main thread ${trio("mainThreadMsPerReq")}`);
    lines.push(`  of which in JS ${trio("jsMsPerReq")}, runtime native with no JS frame ${trio("programMsPerReq")}`);
    lines.push(`  ARouter by category, self time with runtime built-ins charged to their caller (ms/req, share of main-thread samples):`);
    lines.push("    " + g.categories.filter((c) => c.pct >= 0.5).map((c) => `${c.name} ${f(c.msPerReq)} (${Math.round(c.pct)}%)`).join("; "));
    const inc = g.inclusive;
    lines.push(
      `  inclusive (any frame on the stack): SpendCounter DO methods ${f(inc["SpendCounter DO methods"])}, spend client ${f(inc["spend client (reserve / settle calls)"])}, ` +
        `usage flush ${f(inc["usage flush to D1 (DO side)"])}, auth ${f(inc["auth, keys"])}, routing+catalog ${f(inc["routing, catalog"])}, ` +
        `codecs+streams ${f(inc["codecs + streams"])} ms/req${ev ? ` = ${f((inc["codecs + streams"] * 1000) / ev, 2)} µs/event` : ""}`,
    );
    lines.push(
      `  Durable Object round trip (floor − floor without its 2 RPCs, process CPU): ${f(s.doRpc.floorCpuMsPerReq)} − ${f(s.doRpc.floorNoDoCpuMsPerReq)} → ${f(s.doRpc.perRoundTripMs)} ms per RPC; ` +
        `D1 simulator isolate (the usage flush's SQL; local only): ${f(s.d1?.msPerReq)} ms/req`,
    );
    lines.push(`  GC: ${f(g.categories.find((c) => c.name === "GC (main thread)")?.msPerReq ?? 0)} ms/req on the main thread; V8 background threads ${pct(g.backgroundThreadShare)} of workerd's CPU`);
    const al = s.allocations;
    lines.push(`  allocations: ${kib(al.bytesPerReq)}/req (sampled, freed objects included); by category: ${al.categories.slice(0, 6).map((c) => `${c.name} ${kib(c.bytesPerReq)}`).join(", ")}`);
    lines.push(`    top allocating: ${al.functions.slice(0, 6).map((x) => `${x.name} ${kib(x.bytesPerReq)}`).join("; ")}`);
    lines.push("  hottest ARouter functions (self ms/req):");
    for (const fn of g.functions.slice(0, 10)) lines.push(`    ${f(fn.msPerReq).padStart(7)}  ${Math.round(fn.pct).toString().padStart(3)}%  ${fn.name}`);
    if (s.portkey) lines.push(`  Portkey hottest: ${s.portkey.functions.slice(0, 5).map((x) => `${x.name.split(" ")[0]} ${f(x.msPerReq)}`).join(", ")}`);
    lines.push(`  profile: ${g.file}`);
  }
  return lines.join("\n");
}
