import { and, desc, eq, gte, lt, type SQL } from "drizzle-orm";
import { Hono } from "hono";
import { z } from "zod";
import { requireManagementKey, type ManagementBindings } from "../auth/management";
import { db } from "../db/client";
import { usage } from "../db/schema";
import { parseWith } from "../keys/validation";
import { generationObject, rowToRecord } from "../usage/record";

/**
 * GET /api/v1/generations (mounted at /api/v1/generations; management key only): the most recent
 * usage records, newest first, in the GET /api/v1/generation shape — the console's table of recent
 * generations. Records reach D1 in batches a few seconds after each request (see FLUSH_DELAY_MS).
 * Filters: key_hash, model (served or requested id), provider, status=ok|error, before (an ISO
 * date-time, for paging: pass the last row's created_at), limit (1–200, default 50).
 */
export const generationsRoutes = new Hono<ManagementBindings>();

export const generationsQuerySchema = z.object({
  key_hash: z.string().regex(/^[0-9a-f]{64}$/, "expected a 64-character hex key hash").optional(),
  model: z.string().trim().min(1).max(200).optional(),
  provider: z.string().trim().min(1).max(100).optional(),
  status: z.enum(["ok", "error"]).optional(),
  before: z.iso.datetime({ offset: true, error: "expected an ISO 8601 date-time" }).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

generationsRoutes.get("/", requireManagementKey, async (c) => {
  const q = parseWith(generationsQuerySchema, c.req.query(), "query");
  const conds: SQL[] = [];
  if (q.key_hash) conds.push(eq(usage.keyHash, q.key_hash));
  if (q.model) conds.push(eq(usage.servedModel, q.model));
  if (q.provider) conds.push(eq(usage.provider, q.provider));
  if (q.status === "ok") conds.push(lt(usage.status, 400));
  if (q.status === "error") conds.push(gte(usage.status, 400));
  if (q.before) conds.push(lt(usage.createdAt, Date.parse(q.before)));
  const rows = await db(c.env.DB)
    .select()
    .from(usage)
    .where(conds.length ? and(...conds) : undefined)
    .orderBy(desc(usage.createdAt), desc(usage.id))
    .limit(q.limit)
    .all();
  return c.json({ data: rows.map((r) => generationObject(rowToRecord(r))), limit: q.limit });
});
