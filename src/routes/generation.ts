import { Hono } from "hono";
import { z } from "zod";
import { authenticateApiKeyRecord, isBootstrapManagementKey } from "../auth/authenticate";
import { authenticateManagementKey } from "../auth/management";
import { extractToken } from "../auth/token";
import type { AppBindings } from "../env";
import { NotFoundError } from "../errors/gateway-error";
import { isKeyHash, MANAGEMENT_KEY_PREFIX } from "../keys/crypto";
import type { StoredUsageRecord } from "../usage/types";
import { parseWith } from "../keys/validation";
import { pendingUsageRecord } from "../spend/client";
import { generationObject } from "../usage/record";
import { findUsageRecord } from "../usage/store";

/**
 * GET /api/v1/generation?id=gen-… (mounted at /api/v1/generation): one request's usage record, for the API key that
 * made it or for a management key. Records wait briefly in the key's Durable Object before the
 * batched D1 write, so the object is read through first.
 */
export const generationRoutes = new Hono<AppBindings>();

export const generationQuerySchema = z.object({
  id: z.string().trim().min(1, "required").max(200),
  /** Management callers: the key that made the request, to find a record not yet flushed to D1. */
  key_hash: z.string().regex(/^[0-9a-f]{64}$/, "expected a 64-character hex key hash").optional(),
});

generationRoutes.get("/", async (c) => {
  const q = parseWith(generationQuerySchema, c.req.query(), "query");
  const token = extractToken(c.req.raw);
  const asManagement = !!token && (token.startsWith(MANAGEMENT_KEY_PREFIX) || (await isBootstrapManagementKey(c.env, token)));
  let record: StoredUsageRecord | null;
  if (asManagement) {
    // Management keys are only accepted in headers (URLs end up in logs).
    await authenticateManagementKey(c.env, extractToken(c.req.raw, { query: false }));
    record = await findUsageRecord(c.env.DB, q.id);
    if (!record && q.key_hash && isKeyHash(q.key_hash)) record = await pendingUsageRecord(c.env, q.key_hash, q.id);
  } else {
    const { key } = await authenticateApiKeyRecord(c.env, token);
    record = (await pendingUsageRecord(c.env, key.hash, q.id)) ?? (await findUsageRecord(c.env.DB, q.id));
    // Another key's generation is reported as absent, not forbidden: ids must not be probeable.
    if (record && record.keyHash !== key.hash) record = null;
  }
  if (!record) throw new NotFoundError(`No generation with id '${q.id}'.`);
  return c.json({ data: generationObject(record) });
});
