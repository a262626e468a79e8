import { and, eq, getTableColumns, gte, lt, sql, type SQL } from "drizzle-orm";
import { db } from "../db/client";
import { usage } from "../db/schema";
import type { StoredUsageRecord } from "./types";
import { rowToRecord } from "./record";

// The usage columns as [SQL name, record field], from the drizzle schema (one source of truth).
const USAGE_COLUMNS = Object.entries(getTableColumns(usage)).map(([field, col]) => [col.name, field] as const);

/**
 * One INSERT for a whole batch: the records travel as ONE bound JSON array that SQLite unpacks
 * itself (json_each), instead of 18 bound parameters per row in ~5-row statements. The flush runs
 * for every request, and binding was most of its cost; the Durable Object keeps each buffered
 * record as JSON text already, so it is joined, not parsed. Ids already present are skipped, so a
 * retried flush never duplicates. (JSON true/false come out of json_extract as 1/0.)
 */
const INSERT_JSON = `INSERT INTO usage (${USAGE_COLUMNS.map(([c]) => `"${c}"`).join(", ")}) SELECT ${USAGE_COLUMNS.map(
  ([, field]) => `json_extract(value, '$.${field}')`,
).join(", ")} FROM json_each(?) WHERE true ON CONFLICT DO NOTHING`;

/** Insert usage records given as a JSON array of StoredUsageRecord (text). */
export async function insertUsageJson(d1: D1Database, recordsJson: string): Promise<void> {
  await d1.prepare(INSERT_JSON).bind(recordsJson).run();
}

/** Insert usage records; ids already present are skipped so a retried flush never duplicates. */
export async function insertUsageRecords(d1: D1Database, records: StoredUsageRecord[]): Promise<void> {
  if (records.length > 0) await insertUsageJson(d1, JSON.stringify(records));
}

export async function findUsageRecord(d1: D1Database, id: string): Promise<StoredUsageRecord | null> {
  const row = await db(d1).select().from(usage).where(eq(usage.id, id)).get();
  return row ? rowToRecord(row) : null;
}

export type ActivityGroup = "day" | "model" | "provider" | "key";

export interface ActivityQuery {
  /** Inclusive, epoch ms. */
  from: number;
  /** Exclusive, epoch ms. */
  to: number;
  groupBy: ActivityGroup;
  keyHash?: string;
}

export interface ActivityRow {
  group: string | null;
  requests: number;
  errors: number;
  promptTokens: number;
  completionTokens: number;
  cachedTokens: number;
  cacheWriteTokens: number;
  reasoningTokens: number;
  costMicros: number;
}

/** Settled spend per window for one key, used when a key's Durable Object starts without counters. */
export async function sumKeySpend(d1: D1Database, keyHash: string, since: { day: number; week: number; month: number }) {
  const row = await db(d1)
    .select({
      total: sql<number>`coalesce(sum(${usage.costMicros}), 0)`,
      day: sql<number>`coalesce(sum(case when ${usage.createdAt} >= ${since.day} then ${usage.costMicros} end), 0)`,
      week: sql<number>`coalesce(sum(case when ${usage.createdAt} >= ${since.week} then ${usage.costMicros} end), 0)`,
      month: sql<number>`coalesce(sum(case when ${usage.createdAt} >= ${since.month} then ${usage.costMicros} end), 0)`,
    })
    .from(usage)
    .where(eq(usage.keyHash, keyHash))
    .get();
  return { total: Number(row?.total ?? 0), day: Number(row?.day ?? 0), week: Number(row?.week ?? 0), month: Number(row?.month ?? 0) };
}

export async function queryActivity(d1: D1Database, q: ActivityQuery): Promise<ActivityRow[]> {
  const groupExpr: SQL<string | null> =
    q.groupBy === "day"
      ? sql<string>`strftime('%Y-%m-%d', ${usage.createdAt} / 1000, 'unixepoch')`
      : q.groupBy === "model"
        ? sql<string>`coalesce(${usage.servedModel}, ${usage.requestedModel})`
        : q.groupBy === "provider"
          ? sql<string | null>`${usage.provider}`
          : sql<string>`${usage.keyHash}`;
  const conds = [gte(usage.createdAt, q.from), lt(usage.createdAt, q.to)];
  if (q.keyHash) conds.push(eq(usage.keyHash, q.keyHash));
  const rows = await db(d1)
    .select({
      group: groupExpr.as("grp"),
      requests: sql<number>`count(*)`,
      errors: sql<number>`sum(case when ${usage.status} >= 400 then 1 else 0 end)`,
      promptTokens: sql<number>`sum(${usage.promptTokens})`,
      completionTokens: sql<number>`sum(${usage.completionTokens})`,
      cachedTokens: sql<number>`sum(${usage.cachedTokens})`,
      cacheWriteTokens: sql<number>`sum(${usage.cacheWriteTokens})`,
      reasoningTokens: sql<number>`sum(${usage.reasoningTokens})`,
      costMicros: sql<number>`sum(${usage.costMicros})`,
    })
    .from(usage)
    .where(and(...conds))
    .groupBy(sql`grp`)
    .orderBy(q.groupBy === "day" ? sql`grp` : sql`sum(${usage.costMicros}) desc, count(*) desc, grp`)
    .all();
  return rows.map((r) => ({
    group: r.group,
    requests: Number(r.requests),
    errors: Number(r.errors),
    promptTokens: Number(r.promptTokens),
    completionTokens: Number(r.completionTokens),
    cachedTokens: Number(r.cachedTokens),
    cacheWriteTokens: Number(r.cacheWriteTokens),
    reasoningTokens: Number(r.reasoningTokens),
    costMicros: Number(r.costMicros),
  }));
}
