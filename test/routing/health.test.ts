import { env } from "cloudflare:test";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Env } from "../../src/env";
import { getProvider } from "../../src/providers/registry";
import { isRetryableStatus } from "../../src/errors/retry-policy";
import {
  COOLDOWN_MS,
  endpointKey,
  getEndpointStats,
  isCoolingDown,
  recordOutcome,
  resetHealth,
  STATS_KV_PREFIX,
} from "../../src/routing/health";
import type { Endpoint } from "../../src/routing/types";

const baseEnv = env as unknown as Env;
const ep = (provider: string, upstream: string): Endpoint => ({ modelId: `x/${upstream}`, provider: getProvider(provider)!, upstreamModel: upstream });

/** A waitUntil that collects the promises so the test can await them. */
function fakeCtx() {
  const pending: Promise<unknown>[] = [];
  return { ctx: { waitUntil: (p: Promise<unknown>) => void pending.push(p) }, flush: () => Promise.all(pending), pending };
}

beforeEach(async () => {
  resetHealth();
  const keys = await baseEnv.CATALOG.list({ prefix: STATS_KV_PREFIX });
  await Promise.all(keys.keys.map((k) => baseEnv.CATALOG.delete(k.name)));
});
afterEach(() => vi.useRealTimers());

describe("retryable", () => {
  it("retries rate limits, server errors, timeouts and connection errors only", () => {
    for (const s of [429, 500, 502, 503, 504, 529, 408, undefined, 0]) expect(isRetryableStatus(s), String(s)).toBe(true);
    for (const s of [400, 401, 402, 403, 404, 413, 422]) expect(isRetryableStatus(s), String(s)).toBe(false);
  });
});

describe("cool-down", () => {
  it("skips an endpoint after 3 consecutive retryable failures, for 30 s", () => {
    vi.useFakeTimers();
    vi.setSystemTime(1_000_000);
    const a = ep("groq", "m-a");
    recordOutcome(baseEnv, undefined, a, { ok: false, status: 503 });
    recordOutcome(baseEnv, undefined, a, { ok: false });
    expect(isCoolingDown(a)).toBe(false);
    recordOutcome(baseEnv, undefined, a, { ok: false, status: 429 });
    expect(isCoolingDown(a)).toBe(true);
    expect(isCoolingDown(ep("groq", "m-b"))).toBe(false);
    vi.setSystemTime(1_000_000 + COOLDOWN_MS - 1);
    expect(isCoolingDown(a)).toBe(true);
    vi.setSystemTime(1_000_000 + COOLDOWN_MS + 1);
    expect(isCoolingDown(a)).toBe(false);
  });

  it("resets on success and ignores the caller's own errors", () => {
    const a = ep("groq", "m-c");
    recordOutcome(baseEnv, undefined, a, { ok: false, status: 500 });
    recordOutcome(baseEnv, undefined, a, { ok: false, status: 500 });
    recordOutcome(baseEnv, undefined, a, { ok: true });
    recordOutcome(baseEnv, undefined, a, { ok: false, status: 500 });
    expect(isCoolingDown(a)).toBe(false);
    for (let i = 0; i < 5; i++) recordOutcome(baseEnv, undefined, a, { ok: false, status: 400 });
    expect(isCoolingDown(a)).toBe(false);
  });
});

describe("throughput stats", () => {
  it("keeps rolling averages and shares them through KV at most once a minute", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(5_000_000);
    const a = ep("together", "m-s");
    const { ctx, flush, pending } = fakeCtx();
    recordOutcome(baseEnv, ctx, a, { ok: true, ttftMs: 200, tokensPerSecond: 100 });
    recordOutcome(baseEnv, ctx, a, { ok: true, ttftMs: 400, tokensPerSecond: 200 });
    expect(pending).toHaveLength(1); // rate-limited: one write
    await flush();
    const mine = (await getEndpointStats(baseEnv, [a])).get(endpointKey(a))!;
    expect(mine.throughput).toBeCloseTo(130); // 100 → 0.7·100 + 0.3·200
    expect(mine.latencyMs).toBeCloseTo(260);
    expect(mine.samples).toBe(2);

    // Another isolate (fresh memory) sees the published figures.
    resetHealth();
    const theirs = (await getEndpointStats(baseEnv, [a])).get(endpointKey(a))!;
    expect(theirs).toMatchObject({ throughput: 100, latencyMs: 200, samples: 1 });

    vi.setSystemTime(5_000_000 + 61_000);
    recordOutcome(baseEnv, ctx, a, { ok: true, tokensPerSecond: 50 });
    expect(pending).toHaveLength(2);
    await flush();
    const stored = await baseEnv.CATALOG.getWithMetadata(STATS_KV_PREFIX + endpointKey(a));
    expect(stored.metadata).toMatchObject({ t: 50, n: 1 });
  });

  it("records nothing for failures", async () => {
    const a = ep("together", "m-f");
    const { ctx, pending } = fakeCtx();
    recordOutcome(baseEnv, ctx, a, { ok: false, status: 500, ttftMs: 10, tokensPerSecond: 10 });
    expect(pending).toHaveLength(0);
    expect((await getEndpointStats(baseEnv, [a])).get(endpointKey(a))).toBeUndefined();
  });
});
