// Linux /proc readers: CPU time and memory of a process (the workerd runtime, the fake upstream,
// the load generator). Everything degrades to null when /proc is unavailable.
import fs from "node:fs";
import { execFileSync } from "node:child_process";

export const HAS_PROC = fs.existsSync("/proc/self/stat");

/** Clock ticks per second for utime/stime (almost always 100). */
export const CLK_TCK = (() => {
  try {
    const n = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8", timeout: 2000 }).trim());
    return Number.isFinite(n) && n > 0 ? n : 100;
  } catch {
    return 100;
  }
})();

function readStat(pid) {
  try {
    const s = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const close = s.lastIndexOf(")");
    const comm = s.slice(s.indexOf("(") + 1, close);
    const f = s.slice(close + 2).split(" "); // f[0] = field 3 (state)
    return { pid, comm, ppid: Number(f[1]), utime: Number(f[11]), stime: Number(f[12]) };
  } catch {
    return null;
  }
}

/** All live descendants of `root` (children, grandchildren…), one /proc scan. */
export function descendants(root) {
  if (!HAS_PROC) return [];
  const byParent = new Map();
  for (const name of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const st = readStat(name);
    if (!st) continue;
    const list = byParent.get(st.ppid) ?? [];
    list.push(st);
    byParent.set(st.ppid, list);
  }
  const out = [];
  const queue = [root];
  for (let guard = 0; queue.length && guard < 10_000; guard++) {
    const p = queue.shift();
    for (const c of byParent.get(Number(p)) ?? []) {
      out.push(c);
      queue.push(c.pid);
    }
  }
  return out;
}

/** PIDs of the workerd processes that Miniflare started under this process. */
export function findWorkerdPids(root = process.pid) {
  return descendants(root)
    .filter((p) => /workerd/.test(p.comm))
    .map((p) => Number(p.pid));
}

/** utime+stime of the given processes, in seconds (null when unreadable). */
export function cpuSeconds(pids) {
  if (!HAS_PROC || !pids?.length) return null;
  let ticks = 0;
  let any = false;
  for (const pid of pids) {
    const st = readStat(pid);
    if (st) {
      ticks += st.utime + st.stime;
      any = true;
    }
  }
  return any ? ticks / CLK_TCK : null;
}

/**
 * CPU seconds per thread name over the processes (workerd's main thread runs every isolate's JS;
 * "V8 DefaultWorke" threads do concurrent GC marking/sweeping and compilation), or null.
 */
export function threadCpu(pids) {
  if (!HAS_PROC || !pids?.length) return null;
  const out = {};
  for (const pid of pids) {
    let tids = [];
    try {
      tids = fs.readdirSync(`/proc/${pid}/task`);
    } catch {
      continue;
    }
    for (const tid of tids) {
      const st = readStat(`${pid}/task/${tid}`);
      if (st) out[st.comm] = (out[st.comm] ?? 0) + (st.utime + st.stime) / CLK_TCK;
    }
  }
  return out;
}

/** Per-thread-name difference of two threadCpu() readings. */
export function threadDelta(a, b) {
  if (!a || !b) return null;
  const out = {};
  for (const k of Object.keys(b)) out[k] = b[k] - (a[k] ?? 0);
  return out;
}

/** Share of workerd's CPU spent on V8's background threads (concurrent GC, compilation). */
export function backgroundShare(threads) {
  if (!threads) return null;
  const all = Object.values(threads).reduce((a, b) => a + b, 0);
  const bg = Object.entries(threads).filter(([k]) => /V8|Worke/.test(k)).reduce((a, [, v]) => a + v, 0);
  return all > 0 ? bg / all : null;
}

/** {rssKiB, hwmKiB} summed over the processes (null when unreadable). */
export function memory(pids) {
  if (!HAS_PROC || !pids?.length) return null;
  let rss = 0;
  let hwm = 0;
  let any = false;
  for (const pid of pids) {
    try {
      const s = fs.readFileSync(`/proc/${pid}/status`, "utf8");
      const r = /VmRSS:\s+(\d+)/.exec(s);
      const h = /VmHWM:\s+(\d+)/.exec(s);
      if (r) rss += Number(r[1]);
      if (h) hwm += Number(h[1]);
      any = any || !!r;
    } catch {}
  }
  return any ? { rssKiB: rss, hwmKiB: hwm } : null;
}

/** Reset VmHWM (peak RSS) to the current RSS ("5" > clear_refs, Linux 4.0+). True on success. */
export function resetPeak(pids) {
  if (!HAS_PROC || !pids?.length) return false;
  let ok = true;
  for (const pid of pids) {
    try {
      fs.writeFileSync(`/proc/${pid}/clear_refs`, "5");
    } catch {
      ok = false;
    }
  }
  return ok;
}

/** Samples RSS every `intervalMs` until stopped; bounded to `maxSamples`. */
export function startRssSampler(pids, intervalMs = 50, maxSamples = 20_000) {
  const samples = [];
  const tick = () => {
    const m = memory(pids);
    if (m && samples.length < maxSamples) samples.push({ t: performance.timeOrigin + performance.now(), rssKiB: m.rssKiB });
  };
  tick();
  const timer = setInterval(tick, intervalMs);
  return {
    samples,
    stop() {
      clearInterval(timer);
      tick();
      return samples;
    },
  };
}

export function cpuModel() {
  try {
    const m = /model name\s*:\s*(.+)/.exec(fs.readFileSync("/proc/cpuinfo", "utf8"));
    return m ? m[1].trim() : null;
  } catch {
    return null;
  }
}
