import { describe, expect, it } from "vitest";
import { completeRecord } from "../../src/usage/record";
import { insertUsageRecords } from "../../src/usage/store";
import { gateway, MANAGEMENT_KEY } from "../helpers/gateway";
import { record } from "../spend/helpers";

// GET /api/v1/generations: the console's table of recent requests (management key only).
describe("GET /api/v1/generations", () => {
  const g = gateway();
  const get = (q: string, token: string | null = MANAGEMENT_KEY) => g.fetch(`/api/v1/generations${q}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

  it("lists the newest usage records first, filters them and pages with `before`", async () => {
    const a = await g.createKey({ name: "gens-a" });
    const b = await g.createKey({ name: "gens-b" });
    const t0 = Date.UTC(2031, 0, 1);
    await insertUsageRecords(g.env.DB, [
      completeRecord(record("gen-list-1", { servedModel: "openai/gpt-4o", provider: "openai" }), a.hash, 100, t0 + 1000),
      completeRecord(record("gen-list-2", { servedModel: "anthropic/claude-sonnet-4", provider: "anthropic", status: 502 }), a.hash, 0, t0 + 2000),
      completeRecord(record("gen-list-3", { servedModel: "openai/gpt-4o", provider: "openai" }), b.hash, 300, t0 + 3000),
    ]);

    const mine = await get(`?key_hash=${a.hash}`);
    expect(mine.status).toBe(200);
    const body = (await mine.json()) as { data: { id: string; created_at: string; api_key_hash: string; total_cost: number }[]; limit: number };
    expect(body.limit).toBe(50);
    expect(body.data.map((r) => r.id)).toEqual(["gen-list-2", "gen-list-1"]);
    expect(body.data[1]).toMatchObject({ api_key_hash: a.hash, total_cost: 0.0001, created_at: new Date(t0 + 1000).toISOString() });

    const errorsOnly = (await (await get(`?key_hash=${a.hash}&status=error`)).json()) as { data: { id: string }[] };
    expect(errorsOnly.data.map((r) => r.id)).toEqual(["gen-list-2"]);
    const byModel = (await (await get(`?model=openai/gpt-4o&provider=openai&before=${new Date(t0 + 5000).toISOString()}`)).json()) as { data: { id: string }[] };
    expect(byModel.data.map((r) => r.id)).toEqual(["gen-list-3", "gen-list-1"]);
    const page2 = (await (await get(`?model=openai/gpt-4o&limit=1&before=${new Date(t0 + 3000).toISOString()}`)).json()) as { data: { id: string }[] };
    expect(page2.data.map((r) => r.id)).toEqual(["gen-list-1"]);
  });

  it("is for management keys only, and names bad query fields", async () => {
    const k = await g.createKey({ name: "gens-c" });
    expect((await get("", k.key)).status).toBe(403);
    expect((await get("", null)).status).toBe(401);
    const bad = await get("?limit=0&status=maybe");
    expect(bad.status).toBe(400);
    const msg = ((await bad.json()) as { error: { message: string } }).error.message;
    expect(msg).toContain("limit");
    expect(msg).toContain("status");
  });
});
