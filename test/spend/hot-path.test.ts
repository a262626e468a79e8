import { evictDurableObject, runDurableObjectAlarm } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { authenticateApiKey } from "../../src/auth/authenticate";
import { openaiCodec } from "../../src/codecs/openai";
import { renderError } from "../../src/gateway/render-error";
import { RateLimitError } from "../../src/errors/gateway-error";
import { getKeySpend, reserve, setSpendClockForTesting, settleNow } from "../../src/spend/client";
import { RESERVATION_TTL_MS } from "../../src/spend/spend-counter";
import { call, createKey, env, MGMT } from "../keys/helpers";
import { expectGatewayError, genId, record, stubFor } from "./helpers";

const res = (micros: number | null, provider = "openai", model = "openai/gpt-4o-mini") => ({ requestId: genId(), micros, provider, model });

describe("authenticateApiKey", () => {
  it("returns the key context", async () => {
    const k = await createKey({ name: "ctx", allowed_providers: ["openai"], limit: 2, limit_reset: "daily", rate_limit: { requests: 5, interval: "hour" } });
    const ctx = await authenticateApiKey(env, k.key);
    expect(ctx).toEqual({
      hash: k.hash,
      name: "ctx",
      label: k.data.label,
      allowedProviders: ["openai"],
      limitMicros: 2_000_000,
      limitReset: "daily",
      limitRemainingMicros: 2_000_000,
      rateLimit: { requests: 5, interval: "hour" },
      expiresAt: null,
      version: 1,
    });
  });

  it("401 for missing, unknown, malformed and management keys; 403 disabled; 401 expired", async () => {
    await expectGatewayError(authenticateApiKey(env, undefined), 401, /Missing API key/);
    await expectGatewayError(authenticateApiKey(env, "  "), 401, /Missing API key/);
    await expectGatewayError(authenticateApiKey(env, "lr_live_unknownkey"), 401, /Invalid API key/);
    await expectGatewayError(authenticateApiKey(env, "sk-something"), 401, /Invalid API key/);
    await expectGatewayError(authenticateApiKey(env, MGMT), 401, /Management keys cannot call models/);
    const m = await call("POST", "/api/v1/management-keys", { body: { name: "m" } });
    await expectGatewayError(authenticateApiKey(env, m.body.key), 401, /Management keys cannot call models/);

    const k = await createKey({ expires_at: new Date(Date.now() + 3_600_000).toISOString() });
    await authenticateApiKey(env, k.key);
    await setSpendClockForTesting(env, k.hash, Date.now() + 2 * 3_600_000);
    await expectGatewayError(authenticateApiKey(env, k.key), 401, /expired at/);
    await expectGatewayError(reserve(env, k, res(1)), 401, /expired/);

    const d = await createKey();
    await call("PATCH", `/api/v1/keys/${d.hash}`, { body: { disabled: true } });
    await expectGatewayError(authenticateApiKey(env, d.key), 403, /disabled/);
  });
});

describe("reserve / settle / release", () => {
  it("does the math: limit − settled − outstanding", async () => {
    const k = await createKey({ limit: 1 });
    const r1 = await reserve(env, k, res(300_000));
    expect(r1).toMatchObject({ keyHash: k.hash, micros: 300_000, provider: "openai", model: "openai/gpt-4o-mini" });
    expect(r1.expiresAt - Date.now()).toBeGreaterThan(RESERVATION_TTL_MS - 5_000);
    let s = await getKeySpend(env, { hash: k.hash, limitMicros: 1_000_000, limitReset: null });
    expect(s).toMatchObject({ totalMicros: 0, outstandingMicros: 300_000, limitRemainingMicros: 700_000 });

    // Real cost is lower: the difference goes back.
    await settleNow(env, k, r1, { costMicros: 120_000.2, record: record(r1.id) });
    s = await getKeySpend(env, { hash: k.hash, limitMicros: 1_000_000, limitReset: null });
    expect(s).toMatchObject({ totalMicros: 120_001, dailyMicros: 120_001, outstandingMicros: 0, limitRemainingMicros: 879_999 });

    const r2 = await reserve(env, k, res(500_000));
    const err = await expectGatewayError(reserve(env, k, res(400_000)), 402, /\$0\.379999 of the \$1\.00 limit is left.*up to \$0\.40.*lower max_tokens/);
    expect(err.kind).toBe("payment_required");
    expect(err.metadata).toMatchObject({ limit: 1, limit_remaining: 0.379999, request_max_cost: 0.4 });

    // An upstream failure releases everything and still records the request.
    await settleNow(env, k, r2, { costMicros: 0, record: record(r2.id, { status: 502, promptTokens: 0, completionTokens: 0, finishReason: null }) });
    s = await getKeySpend(env, { hash: k.hash, limitMicros: 1_000_000, limitReset: null });
    expect(s).toMatchObject({ totalMicros: 120_001, outstandingMicros: 0, limitRemainingMicros: 879_999 });
    const failed = await stubFor(k.hash).getPendingRecord(r2.id);
    expect(failed).toMatchObject({ status: 502, costMicros: 0, promptTokens: 0, keyHash: k.hash });

    // Exactly the remainder fits; one micro more does not.
    await expectGatewayError(reserve(env, k, res(880_000)), 402);
    const exact = await reserve(env, k, res(879_999));
    await expectGatewayError(reserve(env, k, res(1)), 402, /limit reached: nothing is left/);
    await settleNow(env, k, exact, { costMicros: 0 });
    const info = await call("GET", `/api/v1/keys/${k.hash}`);
    expect(info.body.data).toMatchObject({ usage: 0.120001, limit_remaining: 0.879999 });
  });

  it("a reservation may ask for a longer life (long streams)", async () => {
    const k = await createKey({ limit: 1 });
    const t0 = Date.UTC(2031, 5, 1, 10, 0, 0);
    await setSpendClockForTesting(env, k.hash, t0);
    const r = await reserve(env, k, { ...res(900_000), ttlMs: 3_600_000 });
    expect(r.expiresAt).toBe(t0 + 3_600_000);
    await setSpendClockForTesting(env, k.hash, t0 + RESERVATION_TTL_MS + 1);
    await runDurableObjectAlarm(stubFor(k.hash));
    await expectGatewayError(reserve(env, k, res(200_000)), 402);
  });

  it("a request cut after content is charged what it generated, with its failure record", async () => {
    const k = await createKey({ limit: 1 });
    const r = await reserve(env, k, res(500_000));
    await settleNow(env, k, r, { costMicros: 42, record: record(r.id, { status: 499 }) });
    expect(await stubFor(k.hash).getPendingRecord(r.id)).toMatchObject({ status: 499, costMicros: 42 });
    expect((await getKeySpend(env, { hash: k.hash, limitMicros: 1_000_000, limitReset: null })).totalMicros).toBe(42);
  });

  it("reserving again with the same request id replaces the reservation (fallback attempts)", async () => {
    const k = await createKey({ limit: 1, rate_limit: { requests: 1, interval: "minute" } });
    const id = genId();
    await reserve(env, k, { requestId: id, micros: 900_000, provider: "openai", model: "a" });
    const again = await reserve(env, k, { requestId: id, micros: 950_000, provider: "anthropic", model: "b" });
    expect(again.micros).toBe(950_000);
    const s = await getKeySpend(env, { hash: k.hash, limitMicros: 1_000_000, limitReset: null });
    expect(s.outstandingMicros).toBe(950_000);
    await expectGatewayError(reserve(env, k, res(1)), 429);
  });

  it("keys without a limit reserve anything, unpriced models included, and still count usage", async () => {
    const k = await createKey();
    const r = await reserve(env, k, res(null));
    expect(r.micros).toBe(0);
    await settleNow(env, k, r, { costMicros: 0, record: record(r.id, { costMicros: 999 }) });
    const big = await reserve(env, k, res(5_000_000_000));
    await settleNow(env, k, big, { costMicros: 7_000_000 });
    const info = await call("GET", `/api/v1/keys/${k.hash}`);
    expect(info.body.data).toMatchObject({ usage: 7, limit: null, limit_remaining: null });
    // settle's costMicros wins over the record's.
    expect((await stubFor(k.hash).getPendingRecord(r.id))?.costMicros).toBe(0);
  });

  it("an unpriced model on a key with a limit is refused, never charged $0", async () => {
    const k = await createKey({ limit: 5 });
    const err = await expectGatewayError(reserve(env, k, res(null, "ollama", "ollama/llama3")), 402, /'ollama\/llama3'.*no known price/);
    expect(err.metadata).toMatchObject({ reason: "unpriced_model", provider_name: "ollama" });
    const s = await getKeySpend(env, { hash: k.hash, limitMicros: 5_000_000, limitReset: null });
    expect(s.outstandingMicros).toBe(0);
  });

  it("403 naming a provider the key may not use", async () => {
    const k = await createKey({ allowed_providers: ["openai", "Anthropic"] });
    await reserve(env, k, res(1, "anthropic"));
    await expectGatewayError(reserve(env, k, res(1, "google")), 403, /may not use provider 'google'.*'openai', 'Anthropic'/);
  });
});

describe("rate limits", () => {
  it("429 with Retry-After once the window is full, admitted again when it passes", async () => {
    const k = await createKey({ rate_limit: { requests: 2, interval: "minute" } });
    const t0 = Date.UTC(2031, 2, 3, 12, 0, 0);
    await reserve(env, k, { ...res(1), now: t0 });
    await reserve(env, k, { ...res(1), now: t0 + 1_000 });
    const err = await expectGatewayError(reserve(env, k, { ...res(1), now: t0 + 30_000 }), 429, /2 requests per minute/);
    expect(err).toBeInstanceOf(RateLimitError);
    expect(err.retryAfter).toBe(30);
    const rendered = renderError(openaiCodec, err);
    expect(rendered.status).toBe(429);
    expect(rendered.headers.get("retry-after")).toBe("30");
    expect(((await rendered.json()) as { error: { type: string } }).error.type).toBe("rate_limit_error");
    await reserve(env, k, { ...res(1), now: t0 + 60_000 });
  });

  it("rejected requests do not use up the window", async () => {
    const k = await createKey({ limit: 0.000002, rate_limit: { requests: 1, interval: "hour" } });
    await expectGatewayError(reserve(env, k, res(5)), 402);
    await expectGatewayError(reserve(env, k, res(null)), 402);
    await reserve(env, k, res(1));
    const err = await expectGatewayError(reserve(env, k, res(1)), 429);
    expect(err.retryAfter).toBeGreaterThan(3500);
  });
});

describe("limit windows (UTC days, ISO weeks from Monday, calendar months)", () => {
  it("daily and weekly limits reset at midnight UTC / Monday, the all-time usage does not", async () => {
    const k = await createKey({ limit: 1, limit_reset: "daily" });
    const sunday = Date.UTC(2031, 0, 5, 23, 59, 0); // Sunday 5 Jan 2031
    await setSpendClockForTesting(env, k.hash, sunday);
    const r = await reserve(env, k, res(600_000));
    await settleNow(env, k, r, { costMicros: 600_000 });
    await expectGatewayError(reserve(env, k, res(500_000)), 402, /\$0\.40 of the \$1\.00 daily limit.*resets at 2031-01-06T00:00:00\.000Z/);

    const monday = Date.UTC(2031, 0, 6, 0, 0, 30);
    await setSpendClockForTesting(env, k.hash, monday);
    const after = await reserve(env, k, res(900_000));
    await settleNow(env, k, after, { costMicros: 100_000 });
    const info = await call("GET", `/api/v1/keys/${k.hash}`);
    expect(info.body.data).toMatchObject({ usage: 0.7, usage_daily: 0.1, usage_weekly: 0.1, usage_monthly: 0.7, limit_remaining: 0.9 });

    // Same numbers with a weekly reset: Sunday's spend is in last week.
    await call("PATCH", `/api/v1/keys/${k.hash}`, { body: { limit_reset: "weekly" } });
    expect((await call("GET", `/api/v1/key`, { token: k.key })).body.data.limit_remaining).toBe(0.9);
    await call("PATCH", `/api/v1/keys/${k.hash}`, { body: { limit_reset: "monthly" } });
    expect((await call("GET", `/api/v1/key`, { token: k.key })).body.data.limit_remaining).toBe(0.3);
    await call("PATCH", `/api/v1/keys/${k.hash}`, { body: { limit_reset: null } });
    expect((await call("GET", `/api/v1/key`, { token: k.key })).body.data.limit_remaining).toBe(0.3);
  });

  it("monthly limits reset on the 1st; the week carries over", async () => {
    const k = await createKey({ limit: 1, limit_reset: "monthly" });
    const jan31 = Date.UTC(2031, 0, 31, 23, 0, 0); // Friday
    await setSpendClockForTesting(env, k.hash, jan31);
    await settleNow(env, k, await reserve(env, k, res(1_000_000)), { costMicros: 1_000_000 });
    await expectGatewayError(reserve(env, k, res(1)), 402, /resets at 2031-02-01T00:00:00\.000Z/);
    await setSpendClockForTesting(env, k.hash, Date.UTC(2031, 1, 1, 0, 0, 1));
    await reserve(env, k, res(1_000_000));
    const d = (await call("GET", `/api/v1/keys/${k.hash}`)).body.data;
    expect(d).toMatchObject({ usage: 1, usage_daily: 0, usage_weekly: 1, usage_monthly: 0, limit_remaining: 0 });
  });
});

describe("reservation expiry", () => {
  it("the alarm drops reservations never settled; a late settle still charges", async () => {
    const k = await createKey({ limit: 1 });
    const t0 = Date.UTC(2031, 5, 1, 10, 0, 0);
    await setSpendClockForTesting(env, k.hash, t0);
    const r = await reserve(env, k, res(800_000));
    await expectGatewayError(reserve(env, k, res(300_000)), 402);
    const stub = stubFor(k.hash);
    // Before the TTL, the alarm keeps it.
    await setSpendClockForTesting(env, k.hash, t0 + RESERVATION_TTL_MS - 1);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    await expectGatewayError(reserve(env, k, res(300_000)), 402);
    await setSpendClockForTesting(env, k.hash, t0 + RESERVATION_TTL_MS + 1);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    const s = await getKeySpend(env, { hash: k.hash, limitMicros: 1_000_000, limitReset: null });
    expect(s).toMatchObject({ outstandingMicros: 0, limitRemainingMicros: 1_000_000 });
    expect(await runDurableObjectAlarm(stub)).toBe(false); // nothing left to do
    await settleNow(env, k, r, { costMicros: 250_000 });
    expect((await getKeySpend(env, { hash: k.hash, limitMicros: 1_000_000, limitReset: null })).limitRemainingMicros).toBe(750_000);
  });

  it("reservations and counters survive the object being evicted", async () => {
    const k = await createKey({ limit: 1 });
    await settleNow(env, k, await reserve(env, k, res(200_000)), { costMicros: 200_000 });
    await reserve(env, k, res(300_000));
    await evictDurableObject(stubFor(k.hash));
    const ctx = await authenticateApiKey(env, k.key);
    expect(ctx.limitRemainingMicros).toBe(500_000);
    await expectGatewayError(reserve(env, k, res(500_001)), 402);
  });
});

describe("management changes apply to the very next request", () => {
  it("disable, re-enable, providers, limit, rate limit, expiry, delete", async () => {
    const k = await createKey();
    const ctx = await authenticateApiKey(env, k.key);
    await reserve(env, ctx, res(1_000_000));

    await call("PATCH", `/api/v1/keys/${k.hash}`, { body: { disabled: true } });
    await expectGatewayError(reserve(env, ctx, res(1)), 403, /disabled/);
    await expectGatewayError(authenticateApiKey(env, k.key), 403);
    await call("PATCH", `/api/v1/keys/${k.hash}`, { body: { disabled: false } });
    await reserve(env, ctx, res(1));

    await call("PATCH", `/api/v1/keys/${k.hash}`, { body: { allowed_providers: ["anthropic"] } });
    await expectGatewayError(reserve(env, ctx, res(1, "openai")), 403, /'openai'/);
    await call("PATCH", `/api/v1/keys/${k.hash}`, { body: { allowed_providers: null } });

    // The first reservation (1.000001 USD) is outstanding: a $1 limit leaves nothing.
    await call("PATCH", `/api/v1/keys/${k.hash}`, { body: { limit: 1 } });
    await expectGatewayError(reserve(env, ctx, res(1)), 402);
    await call("PATCH", `/api/v1/keys/${k.hash}`, { body: { limit: null } });
    await reserve(env, ctx, res(1));

    await call("PATCH", `/api/v1/keys/${k.hash}`, { body: { rate_limit: { requests: 1, interval: "day" } } });
    await reserve(env, ctx, res(1));
    await expectGatewayError(reserve(env, ctx, res(1)), 429);
    await call("PATCH", `/api/v1/keys/${k.hash}`, { body: { rate_limit: null } });
    await reserve(env, ctx, res(1));

    await call("PATCH", `/api/v1/keys/${k.hash}`, { body: { expires_at: new Date(Date.now() + 60_000).toISOString() } });
    await setSpendClockForTesting(env, k.hash, Date.now() + 120_000);
    await expectGatewayError(reserve(env, ctx, res(1)), 401, /expired/);
    await setSpendClockForTesting(env, k.hash, null);
    await reserve(env, ctx, res(1));

    await call("DELETE", `/api/v1/keys/${k.hash}`);
    await expectGatewayError(reserve(env, ctx, res(1)), 401);
    await expectGatewayError(authenticateApiKey(env, k.key), 401, /Invalid API key/);
  });

  it("an older config version never overwrites a newer one", async () => {
    const k = await createKey({ name: "v1" });
    const v1 = await authenticateApiKey(env, k.key);
    await call("PATCH", `/api/v1/keys/${k.hash}`, { body: { disabled: true } });
    const stale = { ...v1, disabled: false, createdAt: 0, updatedAt: 0 };
    await stubFor(k.hash).applyConfig(stale, 1);
    await expectGatewayError(authenticateApiKey(env, k.key), 403);
  });

  it("a cold object loads the key from D1 and rebuilds counters from the usage table", async () => {
    const hash = "c".repeat(63) + "1";
    const now = Date.now();
    await env.DB.prepare(
      "INSERT INTO api_keys (hash, name, label, disabled, limit_micros, created_at, updated_at) VALUES (?, 'cold', 'lr_live_x…y', 0, 1000000, ?, ?)",
    )
      .bind(hash, now, now)
      .run();
    await env.DB.prepare(
      "INSERT INTO usage (id, key_hash, requested_model, surface, streamed, cost_micros, status, created_at) VALUES ('gen-cold-1', ?, 'm', 'openai', 0, 250000, 200, ?), ('gen-cold-2', ?, 'm', 'openai', 0, 50000, 200, 0)",
    )
      .bind(hash, now, hash)
      .run();
    const s = await getKeySpend(env, { hash, limitMicros: 1_000_000, limitReset: "daily" });
    expect(s).toMatchObject({ totalMicros: 300_000, dailyMicros: 250_000, limitRemainingMicros: 750_000 });
    await expectGatewayError(reserve(env, { hash }, res(700_001)), 402);
  });
});

describe("concurrency", () => {
  it("100 concurrent reserve+settle against a limit covering 10: exactly 10 admitted and settled", async () => {
    const k = await createKey({ limit: 1.05 });
    const outcomes = await Promise.all(
      Array.from({ length: 100 }, async (_, i) => {
        try {
          const r = await reserve(env, k, { requestId: `gen-conc-${i}`, micros: 100_000, provider: "openai", model: "m" });
          await settleNow(env, k, r, { costMicros: 100_000, record: record(r.id, { costMicros: 100_000 }) });
          return "settled";
        } catch (e) {
          return (e as { status: number }).status;
        }
      }),
    );
    expect(outcomes.filter((o) => o === "settled")).toHaveLength(10);
    expect(outcomes.filter((o) => o === 402)).toHaveLength(90);
    const s = await getKeySpend(env, { hash: k.hash, limitMicros: 1_050_000, limitReset: null });
    expect(s).toMatchObject({ totalMicros: 1_000_000, outstandingMicros: 0, limitRemainingMicros: 50_000 });
    await stubFor(k.hash).flush();
    const rows = await env.DB.prepare("SELECT count(*) AS n, sum(cost_micros) AS c FROM usage WHERE key_hash = ?").bind(k.hash).first();
    expect(rows).toEqual({ n: 10, c: 1_000_000 });
  });

  it("with real costs below the reservations, settled spend never passes the limit", async () => {
    const k = await createKey({ limit: 1.05 });
    let settled = 0;
    const outcomes = await Promise.all(
      Array.from({ length: 100 }, async (_, i) => {
        try {
          const r = await reserve(env, k, { requestId: `gen-conc2-${i}`, micros: 100_000, provider: "openai", model: "m" });
          const cost = 30_000 + ((i * 7919) % 70_000);
          await settleNow(env, k, r, { costMicros: cost, record: record(r.id) });
          settled += cost;
          return "settled";
        } catch (e) {
          return (e as { status: number }).status;
        }
      }),
    );
    const admitted = outcomes.filter((o) => o === "settled").length;
    expect(admitted).toBeGreaterThanOrEqual(10);
    expect(outcomes.filter((o) => o !== "settled").every((o) => o === 402)).toBe(true);
    const s = await getKeySpend(env, { hash: k.hash, limitMicros: 1_050_000, limitReset: null });
    expect(s.totalMicros).toBe(settled);
    expect(s.totalMicros).toBeLessThanOrEqual(1_050_000);
    expect(s.outstandingMicros).toBe(0);
    await stubFor(k.hash).flush();
    const rows = await env.DB.prepare("SELECT count(*) AS n FROM usage WHERE key_hash = ?").bind(k.hash).first<{ n: number }>();
    expect(rows?.n).toBe(admitted);
  });
});
