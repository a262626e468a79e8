/**
 * What a key and an operator can read back after real traffic through the gateway:
 * GET /api/v1/key (and /api/v1/auth/key) for the calling key, and GET /api/v1/activity grouped
 * by day, model, provider and key. Expected figures come from what the responses themselves
 * reported (tokens) and from the catalog price, not from the gateway's own tables.
 */
import { describe, expect, it } from "vitest";
import { setSpendClockForTesting } from "../../src/spend/client";
import { MICROS_PER_USD } from "../../src/money";
import { usageRows } from "../helpers/books";
import { fakeSession, NO_OPENROUTER } from "../helpers/fake-upstream";
import { gateway, MANAGEMENT_KEY } from "../helpers/gateway";
import { catalogPrices, expectedCost } from "../helpers/prices";
import { rig } from "../helpers/rig";
import { ask, errorMessage, type Reply } from "../helpers/surface-reply";
import { surfaceCall, type Intent, type Surface } from "../helpers/surface-request";

const FLASH = "google/gemini-2.5-flash";
const HAIKU = "anthropic/claude-haiku-4.5";
const mgmt = { authorization: `Bearer ${MANAGEMENT_KEY}` };

async function traffic() {
  const up = fakeSession("acct-activity");
  const gw = gateway({ ...up.env, ...NO_OPENROUTER });
  const a = await gw.createKey({ name: "key A", limit: 1, limit_reset: "daily", rate_limit: { requests: 1000, interval: "minute" } });
  const b = await gw.createKey({ name: "key B" });
  const runs: Array<{ key: string; model: string; provider: string; ans: Reply }> = [];
  const go = async (k: { key: string; hash: string }, surface: Surface, intent: Intent & { provider: string }) =>
    runs.push({ key: k.hash, model: intent.model, provider: intent.provider, ans: await ask(gw, surfaceCall(surface, k.key, { maxTokens: 30, ...intent })) });
  await go(a, "openai", { model: FLASH, provider: "google", text: "one" });
  await go(a, "gemini", { model: FLASH, provider: "google", text: "two", framing: "sse" });
  await go(a, "anthropic", { model: HAIKU, provider: "anthropic", text: "three" });
  await up.script({ status: 500, message: "down" });
  await go(a, "openai", { model: HAIKU, provider: "anthropic", text: "four" });
  await go(b, "anthropic", { model: HAIKU, provider: "anthropic", text: "five", framing: "sse" });
  expect(runs.map((r) => r.ans.status)).toEqual([200, 200, 200, 502, 200]);
  // Flush both keys' buffered records to D1 (activity over all keys reads D1 only).
  await usageRows(gw, a.hash);
  await usageRows(gw, b.hash);
  const cost = (r: (typeof runs)[number]) => (r.ans.status === 200 ? expectedCost(r.model, r.provider, r.ans.usage!) : 0);
  return { gw, a, b, runs, cost };
}

describe("GET /api/v1/key and /api/v1/auth/key", () => {
  it("the calling key's own object, usage windows and limit after real traffic; every SDK's header works", async () => {
    const { gw, a, runs, cost } = await traffic();
    const spent = runs.filter((r) => r.key === a.hash).reduce((s, r) => s + cost(r), 0);
    expect(spent).toBeGreaterThan(0);
    for (const [path, headers] of [
      ["/api/v1/key", { authorization: `Bearer ${a.key}` }],
      ["/api/v1/auth/key", { authorization: `Bearer ${a.key}` }],
      ["/api/v1/key", { "x-api-key": a.key }],
      ["/api/v1/auth/key", { "x-goog-api-key": a.key }],
    ] as const) {
      const res = await gw.fetch(path, { headers });
      expect(res.status, path).toBe(200);
      const text = await res.text();
      expect(text).not.toContain(a.key);
      const d = JSON.parse(text).data;
      expect(d).toMatchObject({
        hash: a.hash,
        name: "key A",
        disabled: false,
        allowed_providers: null,
        limit: 1,
        limit_reset: "daily",
        rate_limit: { requests: 1000, interval: "minute" },
        expires_at: null,
      });
      expect(d.label).toMatch(/^lr_live_.+…/);
      for (const f of ["usage", "usage_daily", "usage_weekly", "usage_monthly"]) expect(Math.round(d[f] * MICROS_PER_USD), f).toBe(spent);
      expect(Math.round(d.limit_remaining * MICROS_PER_USD)).toBe(MICROS_PER_USD - spent);
    }
    // Not for management keys, nor without a key; errors in the OpenAI-style envelope.
    for (const headers of [mgmt, {}]) {
      const res = await gw.fetch("/api/v1/key", { headers });
      expect(res.status).toBe(401);
      errorMessage("openai", 401, await res.json());
    }
  });
});

describe("GET /api/v1/activity", () => {
  it("group_by day, model, provider and key add up to what the responses reported", async () => {
    const { gw, a, b, runs, cost } = await traffic();
    const today = new Date().toISOString().slice(0, 10);
    const activity = async (q: string) => {
      const res = await gw.fetch(`/api/v1/activity?date_from=${today}&date_to=${today}&${q}`, { headers: mgmt });
      expect(res.status, q).toBe(200);
      return (await res.json()) as { data: Array<Record<string, any>>; group_by: string };
    };
    const sum = (rs: typeof runs) => ({
      requests: rs.length,
      errors: rs.filter((r) => r.ans.status !== 200).length,
      prompt_tokens: rs.reduce((s, r) => s + (r.ans.status === 200 ? r.ans.usage!.input : 0), 0),
      completion_tokens: rs.reduce((s, r) => s + (r.ans.status === 200 ? r.ans.usage!.output : 0), 0),
      cost_micros: rs.reduce((s, r) => s + cost(r), 0),
    });
    const ofA = runs.filter((r) => r.key === a.hash);

    const day = await activity(`group_by=day&key_hash=${a.hash}`);
    expect(day.group_by).toBe("day");
    expect(day.data).toHaveLength(1);
    expect(day.data[0]).toMatchObject({ date: today, ...sum(ofA) });
    expect(day.data[0].usage).toBeCloseTo(sum(ofA).cost_micros / MICROS_PER_USD, 12);

    const byModel = await activity(`group_by=model&key_hash=${a.hash}`);
    expect(byModel.data.map((r) => r.model).sort()).toEqual([HAIKU, FLASH].sort());
    for (const m of [FLASH, HAIKU]) expect(byModel.data.find((r) => r.model === m)).toMatchObject(sum(ofA.filter((r) => r.model === m)));

    const byProvider = await activity(`group_by=provider&key_hash=${a.hash}`);
    for (const p of ["google", "anthropic"]) expect(byProvider.data.find((r) => r.provider === p)).toMatchObject(sum(ofA.filter((r) => r.provider === p)));
    expect(byProvider.data).toHaveLength(2);

    // Across keys (no key_hash): one row per key; other tests' keys may be there too.
    const byKey = await activity("group_by=key");
    for (const k of [a, b]) expect(byKey.data.find((r) => r.key_hash === k.hash)).toMatchObject(sum(runs.filter((r) => r.key === k.hash)));

    // An API key cannot read activity; a bad group_by is a 400 naming it.
    const denied = await gw.fetch("/api/v1/activity", { headers: { authorization: `Bearer ${a.key}` } });
    expect(denied.status).toBe(403);
    const bad = await gw.fetch("/api/v1/activity?group_by=color", { headers: mgmt });
    expect(bad.status).toBe(400);
    expect(errorMessage("openai", 400, await bad.json())).toMatch(/group_by/);
  });
});

describe("limit windows through the gateway", () => {
  it("a daily limit spent before midnight UTC is available again after it; the all-time usage keeps counting", async () => {
    const price = catalogPrices(FLASH);
    const maxTokens = 100;
    // Room for one request's worst case, not two.
    const k = await rig("acct-window", { env: NO_OPENROUTER, key: { limit: (maxTokens * price.completion * 1.5) / MICROS_PER_USD, limit_reset: "daily" } });
    const { up, gw } = k;
    const t0 = Date.UTC(2031, 2, 3, 23, 59, 0);
    await setSpendClockForTesting(gw.env, k.hash, t0);
    const hi = () => k.ask("openai", { model: FLASH, text: "hi", maxTokens });
    await up.configure({ chunks: maxTokens });
    const first = await hi();
    expect(first.status).toBe(200);
    await gw.settled();
    const refused = await hi();
    expect(refused.status).toBe(402);
    expect(refused.error!.message).toMatch(/daily limit.*It resets at 2031-03-04T00:00:00\.000Z/);

    await setSpendClockForTesting(gw.env, k.hash, t0 + 2 * 60_000);
    const second = await hi();
    expect(second.status).toBe(200);
    await gw.settled();
    const res = await gw.fetch(`/api/v1/keys/${k.hash}`, { headers: mgmt });
    const d = ((await res.json()) as any).data;
    const c1 = Math.round(first.cost! * MICROS_PER_USD);
    const c2 = Math.round(second.cost! * MICROS_PER_USD);
    expect(Math.round(d.usage_daily * MICROS_PER_USD)).toBe(c2);
    expect(Math.round(d.usage * MICROS_PER_USD)).toBe(c1 + c2);
    expect(Math.round(d.limit_remaining * MICROS_PER_USD)).toBe(Math.round(d.limit * MICROS_PER_USD) - c2);
    await setSpendClockForTesting(gw.env, k.hash, null);
  });
});
