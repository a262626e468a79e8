// The runtime's V8 inspector (Miniflare `inspectorPort`, loopback, --profile only) over the
// DevTools protocol: CPU profiles (Profiler.start/stop, standard .cpuprofile files), sampled
// allocations (HeapProfiler sampling) and JS heap polling, per isolate. Reading them:
// profile-analysis.mjs.

/**
 * A DevTools-protocol session on one isolate: a user Worker by name ("gateway" → core:user:gateway)
 * or any inspector target by its exact id (Miniflare's own services, e.g. "d1:db", the local D1
 * simulator that executes the gateway's SQL).
 */
export async function connectInspector(mf, workerName) {
  const base = new URL((await mf.getInspectorURL()).href.replace(/^ws/, "http"));
  // On a loaded machine the inspector's HTTP endpoint may miss a request: retry a little.
  let list;
  for (let attempt = 1; ; attempt++) {
    try {
      list = await (await fetch(new URL("/json", base), { signal: AbortSignal.timeout(10_000) })).json();
      break;
    } catch (e) {
      if (attempt >= 3) throw new Error(`inspector list at ${base.host}: ${e?.cause?.code ?? e?.message ?? e}`);
      await new Promise((r) => setTimeout(r, 500 * attempt));
    }
  }
  const t = list.find((x) => x.id === `core:user:${workerName}`) ?? list.find((x) => x.id === workerName);
  if (!t) throw new Error(`no inspector target for ${workerName}: ${list.map((x) => x.id).join(", ")}`);
  const ws = new WebSocket(t.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("inspector connect timeout")), 5000);
    ws.onopen = () => {
      clearTimeout(timer);
      resolve();
    };
    ws.onerror = (e) => {
      clearTimeout(timer);
      reject(new Error(`inspector: ${e?.message ?? "connection error"}`));
    };
  });
  let seq = 0;
  const pending = new Map();
  ws.onmessage = (e) => {
    let m;
    try {
      m = JSON.parse(typeof e.data === "string" ? e.data : Buffer.from(e.data).toString("utf8"));
    } catch {
      return;
    }
    if (m.id !== undefined && pending.has(m.id)) {
      const p = pending.get(m.id);
      pending.delete(m.id);
      clearTimeout(p.timer);
      m.error ? p.reject(new Error(`${m.error.message ?? JSON.stringify(m.error)}`)) : p.resolve(m.result);
    }
  };
  const call = (method, params = {}, timeoutMs = 30_000) =>
    new Promise((resolve, reject) => {
      const id = ++seq;
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error(`${method} timed out`));
      }, timeoutMs);
      pending.set(id, { resolve, reject, timer });
      ws.send(JSON.stringify({ id, method, params }));
    });
  return { call, close: () => ws.close() };
}

/** Runs fn() with the CPU profiler on in each named isolate; returns {profiles: {name: profile}, result}. */
export async function profileDuring(mf, workerNames, fn, intervalUs = 200) {
  const sessions = [];
  try {
    for (const name of workerNames) {
      // Optional isolates (Miniflare's own services) may be named differently in another version.
      const optional = name.endsWith("?");
      const id = optional ? name.slice(0, -1) : name;
      try {
        sessions.push([id, await connectInspector(mf, id)]);
      } catch (e) {
        if (!optional) throw e;
      }
    }
    for (const [, s] of sessions) {
      await s.call("Profiler.enable");
      await s.call("Profiler.setSamplingInterval", { interval: intervalUs });
    }
    for (const [, s] of sessions) await s.call("Profiler.start");
    let result;
    const profiles = {};
    try {
      result = await fn();
    } finally {
      for (const [name, s] of sessions) profiles[name] = (await s.call("Profiler.stop", {}, 60_000)).profile;
    }
    return { profiles, result };
  } finally {
    for (const [, s] of sessions) s.close();
  }
}

/**
 * Runs fn() with V8's sampling heap profiler on in one isolate, counting objects that the GC has
 * already freed too, so the profile estimates everything allocated during the run.
 */
export async function allocationsDuring(mf, workerName, fn, samplingInterval = 16_384) {
  const s = await connectInspector(mf, workerName);
  try {
    await s.call("HeapProfiler.enable");
    await s.call("HeapProfiler.startSampling", { samplingInterval, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
    let result;
    let profile;
    try {
      result = await fn();
    } finally {
      profile = (await s.call("HeapProfiler.stopSampling", {}, 60_000)).profile;
    }
    return { profile, result };
  } finally {
    s.close();
  }
}

/** Runs fn() while polling the isolate's JS heap (Runtime.getHeapUsage) every intervalMs. */
export async function sampleHeapDuring(mf, workerName, fn, intervalMs = 100, maxSamples = 5000) {
  const insp = await connectInspector(mf, workerName);
  const samples = [];
  let stop = false;
  const poll = (async () => {
    while (!stop && samples.length < maxSamples) {
      const t = performance.timeOrigin + performance.now();
      try {
        const h = await insp.call("Runtime.getHeapUsage", {}, 5000);
        samples.push({ t, usedKiB: h.usedSize / 1024, totalKiB: h.totalSize / 1024 });
      } catch {
        break;
      }
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  })();
  try {
    const result = await fn();
    return { result, samples };
  } finally {
    stop = true;
    await poll.catch(() => {});
    insp.close();
  }
}
