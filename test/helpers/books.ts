/**
 * A key's books as tests read them back after traffic: its usage rows in D1, its key object
 * (management API), one generation's record, the spend counters in its Durable Object, and the
 * invariant every accounting test ends with (balanced books).
 */
import { expect } from "vitest";
import { flushUsage, getKeySpend } from "../../src/spend/client";
import { MANAGEMENT_KEY, type Gateway } from "./gateway";
import { expectedCost } from "./prices";
import type { UsageRow } from "./usage-row";

const mgmt = { authorization: `Bearer ${MANAGEMENT_KEY}` };

/** Waits for the gateway's waitUntil work, flushes the key's buffered usage records, reads its D1 rows. */
export async function usageRows(gw: Gateway, hash: string): Promise<UsageRow[]> {
  await gw.settled();
  await flushUsage(gw.env, hash);
  return (await gw.env.DB.prepare("SELECT * FROM usage WHERE key_hash = ? ORDER BY created_at, id").bind(hash).all<UsageRow>()).results;
}

/** GET /api/v1/keys/{hash}. */
export async function keyObject(gw: Gateway, hash: string): Promise<Record<string, any>> {
  const res = await gw.fetch(`/api/v1/keys/${hash}`, { headers: mgmt });
  expect(res.status).toBe(200);
  return ((await res.json()) as { data: Record<string, any> }).data;
}

/** PATCH /api/v1/keys/{hash}: the key object after the change. */
export async function patchKey(gw: Gateway, hash: string, body: Record<string, unknown>): Promise<Record<string, any>> {
  const res = await gw.fetch(`/api/v1/keys/${hash}`, { method: "PATCH", headers: { ...mgmt, "content-type": "application/json" }, body: JSON.stringify(body) });
  expect(res.status, await res.clone().text()).toBe(200);
  return ((await res.json()) as { data: Record<string, any> }).data;
}

/** GET /api/v1/generation?id= with the key that made it, once the gateway settled. */
export async function generation(gw: Gateway, key: string, id: string): Promise<Record<string, any>> {
  await gw.settled();
  const res = await gw.fetch(`/api/v1/generation?id=${encodeURIComponent(id)}`, { headers: { authorization: `Bearer ${key}` } });
  expect(res.status, await res.clone().text()).toBe(200);
  return ((await res.json()) as { data: Record<string, any> }).data;
}

export interface Books {
  rows: UsageRow[];
  keyObject: { usage: number; limit: number | null; limit_remaining: number | null };
  outstandingMicros: number;
  totalMicros: number;
}

/** Rows, key object and the Durable Object's counters, after settlement. */
export async function books(gw: Gateway, hash: string): Promise<Books> {
  const rows = await usageRows(gw, hash);
  const key = (await keyObject(gw, hash)) as Books["keyObject"];
  const spend = await getKeySpend(gw.env, { hash, limitMicros: null, limitReset: null });
  return { rows, keyObject: key, outstandingMicros: spend.outstandingMicros, totalMicros: spend.totalMicros };
}

const micros = (usd: number) => Math.round(usd * 1e6);

/**
 * The invariants every resilience test ends with: one usage row per request, every reservation
 * settled or released, each row's cost = its tokens × the catalog price, and the key's counters
 * = Σ row costs.
 */
export async function expectBalancedBooks(gw: Gateway, hash: string, limitUsd: number, requests: number): Promise<Books> {
  const b = await books(gw, hash);
  expect(b.rows.length, `usage rows: ${JSON.stringify(b.rows.map((r) => [r.id, r.status]))}`).toBe(requests);
  expect(new Set(b.rows.map((r) => r.id)).size).toBe(requests);
  expect(b.outstandingMicros, "reservations left open").toBe(0);
  let sum = 0;
  for (const r of b.rows) {
    expect(r.cached_tokens).toBe(0);
    expect(r.cache_write_tokens).toBe(0);
    const want = r.served_model && r.provider ? expectedCost(r.served_model, r.provider, { input: r.prompt_tokens, output: r.completion_tokens }) : 0;
    expect(r.cost_micros, `cost of ${JSON.stringify(r)}`).toBe(want);
    sum += r.cost_micros;
  }
  expect(b.totalMicros).toBe(sum);
  expect(micros(b.keyObject.usage)).toBe(sum);
  expect(micros(b.keyObject.limit_remaining ?? Number.NaN)).toBe(micros(limitUsd) - sum);
  return b;
}

/** The usage row of one generation. */
export function rowOf(b: Pick<Books, "rows">, id: string | null): UsageRow {
  const r = b.rows.find((x) => x.id === id);
  if (!r) throw new Error(`no usage row for ${id} (${b.rows.length} rows)`);
  return r;
}
