import { Hono } from "hono";
import { z } from "zod";
import { requireManagementKey, type ManagementBindings } from "../auth/management";
import { BadRequestError } from "../errors/gateway-error";
import { parseWith } from "../keys/validation";
import { flushUsage } from "../spend/client";
import { microsToUsd } from "../money";
import { dayStart } from "../spend/windows";
import { queryActivity } from "../usage/store";

/**
 * GET /api/v1/activity (mounted at /api/v1/activity; management key): requests, tokens and cost from the usage
 * records in D1, grouped by day (UTC), model, provider or key.
 * date_from / date_to: YYYY-MM-DD (whole UTC days, both inclusive) or ISO date-times; default the
 * last 30 days. With key_hash, that key's buffered records are flushed first so the answer is exact.
 */
export const activityRoutes = new Hono<ManagementBindings>();

const DAY_MS = 86_400_000;
const dateOrDateTime = z.union([z.iso.date(), z.iso.datetime({ offset: true })], {
  error: "expected YYYY-MM-DD or an ISO 8601 date-time",
});

export const activityQuerySchema = z.object({
  date_from: dateOrDateTime.optional(),
  date_to: dateOrDateTime.optional(),
  group_by: z.enum(["day", "model", "provider", "key"]).default("day"),
  key_hash: z.string().regex(/^[0-9a-f]{64}$/, "expected a 64-character hex key hash").optional(),
});

const isDate = (s: string) => /^\d{4}-\d{2}-\d{2}$/.test(s);
const GROUP_FIELD = { day: "date", model: "model", provider: "provider", key: "key_hash" } as const;

activityRoutes.get("/", requireManagementKey, async (c) => {
  const q = parseWith(activityQuerySchema, c.req.query(), "query");
  const now = Date.now();
  const to = q.date_to ? (isDate(q.date_to) ? Date.parse(q.date_to) + DAY_MS : Date.parse(q.date_to)) : dayStart(now) + DAY_MS;
  const from = q.date_from ? Date.parse(q.date_from) : to - 30 * DAY_MS;
  if (from >= to) throw new BadRequestError("Invalid query: date_from: must be before date_to", { fields: ["date_from"] });
  if (q.key_hash) await flushUsage(c.env, q.key_hash);
  const rows = await queryActivity(c.env.DB, { from, to, groupBy: q.group_by, keyHash: q.key_hash });
  const field = GROUP_FIELD[q.group_by];
  return c.json({
    data: rows.map((r) => ({
      [field]: r.group,
      requests: r.requests,
      errors: r.errors,
      prompt_tokens: r.promptTokens,
      completion_tokens: r.completionTokens,
      reasoning_tokens: r.reasoningTokens,
      cached_tokens: r.cachedTokens,
      cache_write_tokens: r.cacheWriteTokens,
      usage: microsToUsd(r.costMicros),
      cost_micros: r.costMicros,
    })),
    date_from: new Date(from).toISOString(),
    date_to: new Date(to).toISOString(),
    group_by: q.group_by,
  });
});
