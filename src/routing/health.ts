// Endpoint health and speed.
// - Cool-down (per isolate, in memory): an endpoint with FAILURE_THRESHOLD consecutive retryable
//   failures is skipped (moved to the back of the candidate list) for COOLDOWN_MS; one that sent a
//   Retry-After is skipped for that long (at most MAX_RETRY_AFTER_COOLDOWN_MS).
// - Throughput / time-to-first-token (rolling averages): kept in memory and shared across isolates
//   through KV key metadata (one key per endpoint, written at most once per FLUSH_INTERVAL_MS per
//   isolate, via ctx.waitUntil), read back with one KV list call cached for STATS_TTL_MS.
import type { Env } from "../env";
import { isRetryableStatus } from "../errors/retry-policy";
import type { Endpoint } from "./types";

export const FAILURE_THRESHOLD = 3;
export const COOLDOWN_MS = 30_000;
/** Longest skip a Retry-After can ask for (an endpoint that answered 429 "retry after N s"). */
export const MAX_RETRY_AFTER_COOLDOWN_MS = 10 * 60_000;
export const FLUSH_INTERVAL_MS = 60_000;
export const STATS_TTL_MS = 60_000;
export const STATS_KV_PREFIX = "stats:v1:";
const STATS_KV_TTL_SECONDS = 7 * 24 * 3600;
/** Weight of a new sample in the rolling averages. */
const ALPHA = 0.3;

export interface Outcome {
  ok: boolean;
  /** Upstream HTTP status; undefined/0 for a timeout or connection error. */
  status?: number;
  /** Time to first token (ms). */
  ttftMs?: number;
  /** Output tokens per second after the first token. */
  tokensPerSecond?: number;
  /** The upstream's Retry-After (ms): the endpoint is skipped for that long. */
  retryAfterMs?: number;
}

export interface EndpointStats {
  /** Rolling output tokens per second. */
  throughput?: number;
  /** Rolling time to first token, ms. */
  latencyMs?: number;
  samples: number;
  /** ms epoch of the last sample. */
  at: number;
}

interface LocalState {
  consecutiveFailures: number;
  cooldownUntil: number;
  stats: EndpointStats;
  lastFlush: number;
  dirty: boolean;
}

type EndpointRef = Pick<Endpoint, "upstreamModel"> & { provider: { id: string } };

const local = new Map<string, LocalState>();
let remote: { at: number; stats: Map<string, EndpointStats> } | undefined;

/** `provider:upstream` (the KV key suffix). */
export function endpointKey(e: EndpointRef): string {
  return `${e.provider.id}:${e.upstreamModel}`;
}


function state(key: string): LocalState {
  let s = local.get(key);
  if (!s) local.set(key, (s = { consecutiveFailures: 0, cooldownUntil: 0, stats: { samples: 0, at: 0 }, lastFlush: 0, dirty: false }));
  return s;
}

/** Records one upstream attempt. Cheap: memory only, plus an occasional KV write in the background. */
export function recordOutcome(env: Env, ctx: Pick<ExecutionContext, "waitUntil"> | undefined, endpoint: EndpointRef, outcome: Outcome): void {
  const key = endpointKey(endpoint);
  const s = state(key);
  const now = Date.now();
  if (outcome.ok) {
    s.consecutiveFailures = 0;
  } else if (isRetryableStatus(outcome.status)) {
    s.consecutiveFailures++;
    if (s.consecutiveFailures >= FAILURE_THRESHOLD) {
      s.cooldownUntil = now + COOLDOWN_MS;
      s.consecutiveFailures = 0;
    }
    const ra = outcome.retryAfterMs;
    if (typeof ra === "number" && ra > 0) s.cooldownUntil = Math.max(s.cooldownUntil, now + Math.min(ra, MAX_RETRY_AFTER_COOLDOWN_MS));
  }
  const tps = outcome.tokensPerSecond;
  const ttft = outcome.ttftMs;
  const goodTps = typeof tps === "number" && Number.isFinite(tps) && tps > 0;
  const goodTtft = typeof ttft === "number" && Number.isFinite(ttft) && ttft >= 0;
  if (outcome.ok && (goodTps || goodTtft)) {
    const st = s.stats;
    if (goodTps) st.throughput = st.throughput === undefined ? tps : st.throughput * (1 - ALPHA) + tps * ALPHA;
    if (goodTtft) st.latencyMs = st.latencyMs === undefined ? ttft : st.latencyMs * (1 - ALPHA) + ttft * ALPHA;
    st.samples++;
    st.at = now;
    s.dirty = true;
    if (now - s.lastFlush >= FLUSH_INTERVAL_MS && env.CATALOG) {
      s.lastFlush = now;
      s.dirty = false;
      const metadata = {
        t: st.throughput === undefined ? undefined : round1(st.throughput),
        l: st.latencyMs === undefined ? undefined : Math.round(st.latencyMs),
        n: st.samples,
        at: st.at,
      };
      const write = env.CATALOG.put(STATS_KV_PREFIX + key, "", { metadata, expirationTtl: STATS_KV_TTL_SECONDS }).catch(() => {});
      if (ctx) ctx.waitUntil(write);
    }
  }
}

/** Whether the endpoint is in its cool-down after repeated failures (this isolate's view). */
export function isCoolingDown(endpoint: EndpointRef, now = Date.now()): boolean {
  const s = local.get(endpointKey(endpoint));
  return !!s && s.cooldownUntil > now;
}

/**
 * Throughput/latency for the given endpoints: this isolate's own figures where it has some,
 * else the figures other isolates published to KV (one list call, cached for a minute).
 */
export async function getEndpointStats(env: Env, endpoints: readonly EndpointRef[]): Promise<Map<string, EndpointStats>> {
  const out = new Map<string, EndpointStats>();
  const shared = await sharedStats(env);
  for (const e of endpoints) {
    const key = endpointKey(e);
    const mine = local.get(key)?.stats;
    const theirs = shared.get(key);
    const best = mine && mine.samples > 0 && (!theirs || mine.at >= theirs.at) ? mine : theirs;
    if (best) out.set(key, best);
  }
  return out;
}

async function sharedStats(env: Env): Promise<Map<string, EndpointStats>> {
  const now = Date.now();
  if (remote && now - remote.at < STATS_TTL_MS) return remote.stats;
  const stats = new Map<string, EndpointStats>();
  try {
    let cursor: string | undefined;
    for (let page = 0; page < 5 && env.CATALOG; page++) {
      const res = await env.CATALOG.list<{ t?: number; l?: number; n?: number; at?: number }>({ prefix: STATS_KV_PREFIX, cursor });
      for (const k of res.keys) {
        const m = k.metadata;
        if (!m) continue;
        stats.set(k.name.slice(STATS_KV_PREFIX.length), { throughput: m.t, latencyMs: m.l, samples: m.n ?? 0, at: m.at ?? 0 });
      }
      if (res.list_complete) break;
      cursor = res.cursor;
    }
  } catch {
    // Stats are an optimisation: without them the catalog order stands.
  }
  remote = { at: now, stats };
  return stats;
}

/** Forgets all health state (tests). */
export function resetHealth(): void {
  local.clear();
  remote = undefined;
}

const round1 = (x: number) => Math.round(x * 10) / 10;
