import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { StoredUsageRecord } from "../../src/usage/types";
import { flushUsage, reserve, settleNow } from "../../src/spend/client";
import { FLUSH_BATCH, FLUSH_DELAY_MS } from "../../src/spend/spend-counter";
import { completeRecord, generationObject, tokensFromUsage } from "../../src/usage/record";
import { findUsageRecord, insertUsageRecords } from "../../src/usage/store";
import { call, createKey, env, MGMT } from "../keys/helpers";
import { genId, record, stubFor } from "../spend/helpers";

const count = async (hash: string) =>
  (await env.DB.prepare("SELECT count(*) AS n FROM usage WHERE key_hash = ?").bind(hash).first<{ n: number }>())?.n ?? 0;

describe("usage records", () => {
  it("maps canonical Usage and fills every field", () => {
    expect(tokensFromUsage({ inputTokens: 10, outputTokens: 4, cachedInputTokens: 3, reasoningTokens: 2 })).toEqual({
      promptTokens: 10,
      completionTokens: 4,
      cachedTokens: 3,
      cacheWriteTokens: 0,
      reasoningTokens: 2,
    });
    expect(tokensFromUsage(undefined).promptTokens).toBe(0);
    const r = completeRecord(
      { id: "gen-1", requestedModel: "m", servedModel: null, provider: null, surface: "gemini", streamed: true, promptTokens: -3, completionTokens: 2.6, status: 500, finishReason: null, latencyMs: 12.4, ttftMs: undefined as unknown as null },
      "h",
      7,
      1000,
    );
    expect(r).toEqual({
      id: "gen-1",
      keyHash: "h",
      requestedModel: "m",
      servedModel: null,
      provider: null,
      surface: "gemini",
      streamed: true,
      promptTokens: 0,
      completionTokens: 3,
      cachedTokens: 0,
      cacheWriteTokens: 0,
      reasoningTokens: 0,
      costMicros: 7,
      status: 500,
      finishReason: null,
      latencyMs: 12,
      ttftMs: null,
      createdAt: 1000,
    });
  });

  it("are buffered in the key's object and flushed to D1 in a batch by the alarm", async () => {
    const k = await createKey();
    const ids = [genId(), genId(), genId()];
    for (const id of ids) {
      const r = await reserve(env, k, { requestId: id, micros: 10, provider: "openai", model: "m" });
      await settleNow(env, k, r, { costMicros: 10, record: record(id, { streamed: true, ttftMs: 40 }) });
    }
    expect(await count(k.hash)).toBe(0); // nothing written on the request path
    const alarmAt = await runInDurableObject(stubFor(k.hash), (_o, state) => state.storage.getAlarm());
    expect(alarmAt! - Date.now()).toBeGreaterThan(0);
    expect(alarmAt! - Date.now()).toBeLessThanOrEqual(FLUSH_DELAY_MS);
    expect(await runDurableObjectAlarm(stubFor(k.hash))).toBe(true);
    expect(await count(k.hash)).toBe(3);
    const row = await findUsageRecord(env.DB, ids[0]);
    expect(row).toMatchObject({
      id: ids[0],
      keyHash: k.hash,
      requestedModel: "openai/gpt-4o-mini",
      servedModel: "openai/gpt-4o-mini",
      provider: "openai",
      surface: "openai",
      streamed: true,
      promptTokens: 100,
      completionTokens: 20,
      cachedTokens: 10,
      reasoningTokens: 5,
      costMicros: 10,
      status: 200,
      finishReason: "stop",
      latencyMs: 120,
      ttftMs: 40,
    });
    expect(await stubFor(k.hash).getPendingRecord(ids[0])).toBeNull();
    // No prompt/completion text columns exist at all.
    const cols = await env.DB.prepare("SELECT name FROM pragma_table_info('usage')").all<{ name: string }>();
    expect(cols.results.map((c) => c.name).filter((n) => /text|content|prompt$|messages/.test(n))).toEqual([]);
  });

  it("a full buffer schedules an immediate flush; flushUsage forces one; re-flushing never duplicates", async () => {
    const k = await createKey();
    for (let i = 0; i < FLUSH_BATCH; i++) {
      const r = await reserve(env, k, { requestId: `${genId()}-${i}`, micros: 1, provider: "openai", model: "m" });
      await settleNow(env, k, r, { costMicros: 1, record: record(r.id) });
    }
    const alarmAt = await runInDurableObject(stubFor(k.hash), (_o, state) => state.storage.getAlarm());
    expect(alarmAt).not.toBeNull();
    expect(alarmAt!).toBeLessThanOrEqual(Date.now());
    expect(await runDurableObjectAlarm(stubFor(k.hash))).toBe(true);
    expect(await count(k.hash)).toBe(FLUSH_BATCH);

    const r = await reserve(env, k, { requestId: genId(), micros: 1, provider: "openai", model: "m" });
    await settleNow(env, k, r, { costMicros: 1, record: record(r.id) });
    expect(await flushUsage(env, k.hash)).toBe(1);
    expect(await flushUsage(env, k.hash)).toBe(0);
    const again = (await findUsageRecord(env.DB, r.id)) as StoredUsageRecord;
    await insertUsageRecords(env.DB, [again, again]);
    expect(await count(k.hash)).toBe(FLUSH_BATCH + 1);
  });
});

describe("insertUsageRecords", () => {
  it("writes every field of many records in multi-row statements; ids already stored are skipped", async () => {
    const k = await createKey();
    const now = Date.now();
    const recs = Array.from({ length: 12 }, (_, i) =>
      completeRecord(
        record(`gen-multi-${i}-${k.hash.slice(0, 6)}`, { promptTokens: 100 + i, streamed: i % 2 === 0, ttftMs: i % 3 === 0 ? null : i, finishReason: i === 5 ? null : "stop" }),
        k.hash, 10 * i, now + i,
      ),
    );
    // A duplicate inside one statement and across calls: D1 keeps the first, nothing fails.
    await insertUsageRecords(env.DB, [...recs.slice(0, 7), recs[3]]);
    await insertUsageRecords(env.DB, recs);
    expect(await count(k.hash)).toBe(12);
    for (const r of recs) expect(await findUsageRecord(env.DB, r.id)).toEqual(r);
  });
});

describe("GET /api/v1/generation", () => {
  it("the key that made the request sees it at once (read through its object), others get 404", async () => {
    const k = await createKey();
    const other = await createKey();
    const id = genId();
    const r = await reserve(env, k, { requestId: id, micros: 1_000, provider: "anthropic", model: "anthropic/claude" });
    await settleNow(env, k, r, {
      costMicros: 1_234,
      record: record(id, { requestedModel: "claude", servedModel: "anthropic/claude", provider: "anthropic", surface: "anthropic", streamed: true, ttftMs: 80 }),
    });

    const mine = await call("GET", `/api/v1/generation?id=${id}`, { token: k.key });
    expect(mine.status).toBe(200);
    expect(mine.body.data).toMatchObject({
      id,
      api_key_hash: k.hash,
      model: "anthropic/claude",
      requested_model: "claude",
      provider_name: "anthropic",
      surface: "anthropic",
      streamed: true,
      tokens_prompt: 100,
      tokens_completion: 20,
      native_tokens_cached: 10,
      native_tokens_reasoning: 5,
      total_cost: 0.001234,
      cost_micros: 1234,
      status: 200,
      finish_reason: "stop",
      latency: 120,
      ttft: 80,
    });
    expect((await call("GET", `/api/v1/generation?id=${id}`, { token: other.key })).status).toBe(404);

    // A management key finds it once flushed (or, before that, given the key's hash).
    const viaHash = await call("GET", `/api/v1/generation?id=${id}&key_hash=${k.hash}`);
    expect(viaHash.body.data.id).toBe(id);
    await flushUsage(env, k.hash);
    const m = await call("GET", `/api/v1/generation?id=${id}`);
    expect(m.status).toBe(200);
    expect(m.body.data).toEqual(mine.body.data);
    expect((await call("GET", `/api/v1/generation?id=${id}`, { token: k.key })).body.data).toEqual(mine.body.data);
    expect((await call("GET", `/api/v1/generation?id=${id}`, { token: other.key })).status).toBe(404);
  });

  it("400 without an id, 404 for an unknown id, 401 without a valid key", async () => {
    const k = await createKey();
    const r = await call("GET", "/api/v1/generation", { token: k.key });
    expect(r.status).toBe(400);
    expect(r.body.error.message).toContain("id:");
    expect((await call("GET", "/api/v1/generation?id=gen-nope", { token: k.key })).status).toBe(404);
    expect((await call("GET", "/api/v1/generation?id=gen-nope")).status).toBe(404);
    expect((await call("GET", "/api/v1/generation?id=gen-nope", { token: null })).status).toBe(401);
    expect((await call("GET", "/api/v1/generation?id=gen-nope", { token: "lr_mgmt_wrong" })).status).toBe(401);
    expect((await call("GET", "/api/v1/generation?id=x&key_hash=zz")).status).toBe(400);
    expect(generationObject).toBeTypeOf("function");
  });
});

describe("GET /api/v1/activity", () => {
  it("aggregates requests, tokens and cost by day, model, provider and key", async () => {
    const a = await createKey();
    const b = await createKey();
    const day1 = Date.UTC(2024, 4, 1, 10);
    const day2 = Date.UTC(2024, 4, 2, 23, 59);
    const recs = [
      [a.hash, "openai/gpt-4o", "openai", 100, day1, 200],
      [a.hash, "openai/gpt-4o", "openai", 300, day2, 200],
      [a.hash, "anthropic/claude", "anthropic", 1_000, day2, 200],
      [b.hash, "anthropic/claude", "anthropic", 0, day2, 502],
      [b.hash, "openai/gpt-4o", "openai", 50, Date.UTC(2024, 4, 3, 0, 0), 200], // outside date_to
    ] as const;
    await insertUsageRecords(
      env.DB,
      recs.map(([hash, model, provider, cost, at, status], i) =>
        completeRecord(record(`gen-act-${i}-${hash.slice(0, 6)}`, { servedModel: model, provider, status }), hash, cost, at),
      ),
    );
    const q = "date_from=2024-05-01&date_to=2024-05-02";
    const byDay = await call("GET", `/api/v1/activity?${q}`);
    expect(byDay.status).toBe(200);
    expect(byDay.body).toMatchObject({ group_by: "day", date_from: "2024-05-01T00:00:00.000Z", date_to: "2024-05-03T00:00:00.000Z" });
    expect(byDay.body.data).toEqual([
      { date: "2024-05-01", requests: 1, errors: 0, prompt_tokens: 100, completion_tokens: 20, reasoning_tokens: 5, cached_tokens: 10, cache_write_tokens: 0, usage: 0.0001, cost_micros: 100 },
      { date: "2024-05-02", requests: 3, errors: 1, prompt_tokens: 300, completion_tokens: 60, reasoning_tokens: 15, cached_tokens: 30, cache_write_tokens: 0, usage: 0.0013, cost_micros: 1300 },
    ]);
    const byModel = await call("GET", `/api/v1/activity?${q}&group_by=model`);
    expect(byModel.body.data.map((r: { model: string; requests: number; cost_micros: number }) => [r.model, r.requests, r.cost_micros])).toEqual([
      ["anthropic/claude", 2, 1000],
      ["openai/gpt-4o", 2, 400],
    ]);
    const byProvider = await call("GET", `/api/v1/activity?${q}&group_by=provider`);
    expect(byProvider.body.data.map((r: { provider: string }) => r.provider)).toEqual(["anthropic", "openai"]);
    const byKey = await call("GET", `/api/v1/activity?${q}&group_by=key`);
    expect(byKey.body.data.map((r: { key_hash: string; requests: number }) => [r.key_hash, r.requests])).toEqual([
      [a.hash, 3],
      [b.hash, 1],
    ]);
    const onlyB = await call("GET", `/api/v1/activity?date_from=2024-05-01&date_to=2024-05-03&key_hash=${b.hash}&group_by=day`);
    expect(onlyB.body.data.map((r: { date: string; requests: number }) => [r.date, r.requests])).toEqual([
      ["2024-05-02", 1],
      ["2024-05-03", 1],
    ]);
    const instant = await call("GET", `/api/v1/activity?date_from=2024-05-02T00:00:00Z&date_to=2024-05-02T12:00:00Z`);
    expect(instant.body.data).toEqual([]);
  });

  it("flushes the key's buffered records first when filtering by key", async () => {
    const k = await createKey();
    const r = await reserve(env, k, { requestId: genId(), micros: 5, provider: "openai", model: "m" });
    await settleNow(env, k, r, { costMicros: 5, record: record(r.id) });
    const res = await call("GET", `/api/v1/activity?key_hash=${k.hash}&group_by=key`);
    expect(res.body.data).toEqual([expect.objectContaining({ key_hash: k.hash, requests: 1, cost_micros: 5 })]);
  });

  it("400 naming bad parameters; management key required", async () => {
    for (const [q, field] of [
      ["group_by=week", "group_by"],
      ["date_from=yesterday", "date_from"],
      ["date_to=2024-13-01", "date_to"],
      ["key_hash=abc", "key_hash"],
      ["date_from=2024-05-03&date_to=2024-05-01", "date_from"],
    ]) {
      const r = await call("GET", `/api/v1/activity?${q}`);
      expect(r.status, q).toBe(400);
      expect(r.body.error.message).toContain(`${field}:`);
    }
    const k = await createKey();
    expect((await call("GET", "/api/v1/activity", { token: k.key })).status).toBe(403);
    expect((await call("GET", "/api/v1/activity", { token: null })).status).toBe(401);
    expect((await call("GET", "/api/v1/activity", { token: MGMT })).status).toBe(200);
  });
});
