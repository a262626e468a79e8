import { and, eq, gte, sql } from "drizzle-orm";
import { db } from "../db/client";
import { usage } from "../db/schema";

export interface SuccessRate {
  requests: number;
  ok: number;
}

/** Window the model pages report success rates over. */
export const SUCCESS_WINDOW_MS = 7 * 86_400_000;

/**
 * Recent success rate of each provider serving a model, from the usage records (one row per
 * request, written off the request path): a read on the page view, never on the request path.
 */
export async function successRates(d1: D1Database, modelId: string, now = Date.now()): Promise<Map<string, SuccessRate>> {
  const out = new Map<string, SuccessRate>();
  try {
    const rows = await db(d1)
      .select({
        provider: usage.provider,
        requests: sql<number>`count(*)`,
        ok: sql<number>`sum(case when ${usage.status} < 400 then 1 else 0 end)`,
      })
      .from(usage)
      .where(and(eq(usage.servedModel, modelId), gte(usage.createdAt, now - SUCCESS_WINDOW_MS)))
      .groupBy(usage.provider)
      .all();
    for (const r of rows) if (r.provider) out.set(r.provider, { requests: Number(r.requests), ok: Number(r.ok) });
  } catch {
    // No usage table yet (migrations not applied): the page still renders, without the column.
  }
  return out;
}
