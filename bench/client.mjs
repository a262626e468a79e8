// The load generator, run as a child process of bench/run.mjs (IPC) so its CPU never mixes with
// the runtime's or the orchestrator's. Two kinds of job:
//   autocannon — fixed-concurrency throughput run (autocannon), with exact per-request latencies
//   probe      — fixed number of requests at fixed concurrency on node:http, timing for each one
//                the first body byte after the headers (TTFB / "TTFT"), the first text token
//                (a marker string) and the whole response; also used for the long-stream runs.
// Only loopback URLs are accepted.
import http from "node:http";
import { createRequire } from "node:module";
import { percentile } from "./lib/stats.mjs";

const require = createRequire(import.meta.url);
const autocannon = require("autocannon");

const now = () => performance.timeOrigin + performance.now(); // epoch ms, sub-ms resolution
const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\]|::1)$/;

function checkLoopback(u) {
  const url = new URL(u);
  if (url.protocol !== "http:" || !LOOPBACK.test(url.hostname)) throw new Error(`refusing non-loopback target ${u}`);
  return url;
}

function summarize(values) {
  return {
    p50: percentile(values, 50),
    p90: percentile(values, 90),
    p99: percentile(values, 99),
    mean: values.length ? values.reduce((s, x) => s + x, 0) / values.length : null,
    max: values.length ? Math.max(...values) : null,
    n: values.length,
  };
}

// ───────────── autocannon ─────────────

const MAX_LATENCIES = 4_000_000;

function runAutocannon(job) {
  checkLoopback(job.url);
  return new Promise((resolve, reject) => {
    const lat = [];
    let lat2xx = 0;
    const inst = autocannon(
      {
        url: job.url,
        method: job.method ?? "POST",
        headers: job.headers ?? {},
        body: job.body,
        connections: job.connections ?? 10,
        timeout: job.timeoutS ?? 10,
        pipelining: 1,
        ...(job.amount ? { amount: job.amount } : { duration: job.duration ?? 5 }),
      },
      (err, res) => {
        if (err) return reject(err);
        const statusCodes = {};
        for (const [code, v] of Object.entries(res.statusCodeStats ?? {})) statusCodes[code] = v.count;
        const requests = (res["1xx"] ?? 0) + (res["2xx"] ?? 0) + (res["3xx"] ?? 0) + (res["4xx"] ?? 0) + (res["5xx"] ?? 0);
        const durationS = res.duration ?? job.duration;
        resolve({
          durationS,
          requests,
          ok: res["2xx"] ?? 0,
          non2xx: res.non2xx ?? requests - (res["2xx"] ?? 0),
          errors: res.errors ?? 0,
          timeouts: res.timeouts ?? 0,
          statusCodes,
          rps: durationS > 0 ? (res["2xx"] ?? 0) / durationS : null,
          rpsAutocannon: res.requests?.average ?? null,
          bytesPerSec: res.throughput?.average ?? null,
          // Exact latencies of the 2xx responses (autocannon's own histogram has 1 ms buckets).
          latency: lat2xx ? summarize(lat) : null,
          latencyAutocannon: res.latency ? { p50: res.latency.p50, p99: res.latency.p99, mean: res.latency.average } : null,
        });
      },
    );
    inst.on("response", (_client, statusCode, _bytes, responseTime) => {
      if (statusCode >= 200 && statusCode < 300 && lat.length < MAX_LATENCIES) {
        lat.push(responseTime);
        lat2xx++;
      }
    });
  });
}

// ───────────── probe (TTFB / first token / total) ─────────────

function oneRequest(agent, url, job, deadline) {
  return new Promise((resolve) => {
    const t0 = now();
    const r = { start: t0, status: 0, headersMs: null, ttfbMs: null, firstTextMs: null, totalMs: null, end: null, bytes: 0, error: null, sample: null };
    const marker = job.marker ? Buffer.from(job.marker) : null;
    let tail = Buffer.alloc(0);
    let sampleParts = [];
    let sampleLen = 0;
    let settled = false;
    const done = (err) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      r.end = now();
      if (err) r.error = String(err?.message ?? err);
      else r.totalMs = r.end - t0;
      if (sampleParts.length) r.sample = Buffer.concat(sampleParts).toString("utf8").slice(0, 400);
      resolve(r);
    };
    const remaining = Math.max(1, Math.min(job.timeoutMs ?? 30_000, deadline - t0));
    const req = http.request(
      url,
      { method: job.method ?? "POST", agent, headers: { ...(job.headers ?? {}), ...(job.body !== undefined ? { "content-length": Buffer.byteLength(job.body) } : {}) } },
      (res) => {
        r.status = res.statusCode ?? 0;
        r.headersMs = now() - t0;
        const keepSample = r.status < 200 || r.status >= 300;
        res.on("data", (chunk) => {
          const t = now();
          if (r.ttfbMs === null) r.ttfbMs = t - t0;
          r.bytes += chunk.length;
          if (keepSample && sampleLen < 400) {
            sampleParts.push(chunk);
            sampleLen += chunk.length;
          }
          if (marker && r.firstTextMs === null) {
            const hay = tail.length ? Buffer.concat([tail, chunk]) : chunk;
            if (hay.indexOf(marker) !== -1) r.firstTextMs = t - t0;
            else tail = hay.subarray(Math.max(0, hay.length - marker.length + 1));
          }
        });
        res.on("end", () => done(r.status >= 200 && r.status < 300 ? null : `HTTP ${r.status}`));
        res.on("error", done);
        res.on("aborted", () => done("response aborted"));
      },
    );
    const timer = setTimeout(() => {
      req.destroy(new Error(`timeout after ${Math.round(remaining)} ms`));
    }, remaining);
    req.on("error", done);
    if (job.body !== undefined) req.end(job.body);
    else req.end();
  });
}

async function runProbe(job) {
  const url = checkLoopback(job.url);
  const n = Math.max(1, Math.min(job.requests ?? 100, 100_000));
  const c = Math.max(1, Math.min(job.concurrency ?? 1, n, 1000));
  const agent = new http.Agent({ keepAlive: true, maxSockets: c, maxFreeSockets: c });
  const deadline = now() + (job.overallTimeoutMs ?? 120_000);
  const results = [];
  let next = 0;
  const t0 = now();
  const worker = async () => {
    while (next < n && now() < deadline) {
      next++;
      results.push(await oneRequest(agent, url, job, deadline));
    }
  };
  await Promise.all(Array.from({ length: c }, worker));
  const t1 = now();
  agent.destroy();
  const ok = results.filter((r) => !r.error);
  const bad = results.filter((r) => r.error);
  const statusCodes = {};
  for (const r of results) statusCodes[r.status || "error"] = (statusCodes[r.status || "error"] ?? 0) + 1;
  const firstBytes = ok.map((r) => r.start + r.ttfbMs).filter(Number.isFinite);
  return {
    requests: results.length,
    ok: ok.length,
    failed: bad.length,
    statusCodes,
    errorSample: bad.length ? `${bad[0].error}${bad[0].sample ? `: ${bad[0].sample}` : ""}` : null,
    wallMs: t1 - t0,
    headers: summarize(ok.map((r) => r.headersMs)),
    ttfb: summarize(ok.map((r) => r.ttfbMs).filter((x) => x !== null)),
    firstText: summarize(ok.map((r) => r.firstTextMs).filter((x) => x !== null)),
    markerMissing: job.marker ? ok.filter((r) => r.firstTextMs === null).length : 0,
    total: summarize(ok.map((r) => r.totalMs)),
    bytes: summarize(ok.map((r) => r.bytes)),
    // When every stream had started and none had ended yet (the long-stream memory window).
    window: ok.length
      ? { start: t0, allStarted: Math.max(...firstBytes), firstEnded: Math.min(...ok.map((r) => r.end)), end: t1 }
      : null,
  };
}

// ───────────── IPC ─────────────

const JOBS = { autocannon: runAutocannon, probe: runProbe };

process.on("message", async (msg) => {
  if (!msg || typeof msg !== "object") return;
  if (msg.type === "exit") process.exit(0);
  const fn = JOBS[msg.type];
  try {
    if (!fn) throw new Error(`unknown job type ${msg.type}`);
    const result = await fn(msg.job);
    result.clientCpu = process.cpuUsage();
    process.send({ id: msg.id, ok: true, result });
  } catch (e) {
    process.send({ id: msg.id, ok: false, error: String(e?.stack ?? e) });
  }
});
process.on("disconnect", () => process.exit(0));
process.send?.({ ready: true });
