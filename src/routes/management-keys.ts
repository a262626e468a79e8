import { Hono } from "hono";
import { z } from "zod";
import { requireManagementKey, type ManagementBindings } from "../auth/management";
import type { ManagementKeyRow } from "../db/schema";
import { NotFoundError } from "../errors/gateway-error";
import { generateManagementKey, hashKey, isKeyHash, maskKey } from "../keys/crypto";
import { deleteManagementKey, insertManagementKey, listManagementKeys } from "../keys/store";
import { createManagementKeySchema, jsonBody, parseWith } from "../keys/validation";

/**
 * Management keys, mounted at /api/v1/management-keys: POST/GET /, DELETE /:hash.
 * Lets an operator rotate away from the bootstrap env.MANAGEMENT_KEY without redeploying.
 */
export const managementKeysRoutes = new Hono<ManagementBindings>();

const managementKeyObject = (r: ManagementKeyRow) => ({
  hash: r.hash,
  name: r.name,
  label: r.label,
  created_at: new Date(r.createdAt).toISOString(),
});

managementKeysRoutes.post("/", requireManagementKey, async (c) => {
  const body = parseWith(createManagementKeySchema, await jsonBody(c));
  const plaintext = generateManagementKey();
  const row: ManagementKeyRow = { hash: await hashKey(plaintext), name: body.name, label: body.label ?? maskKey(plaintext), createdAt: Date.now() };
  await insertManagementKey(c.env.DB, row);
  return c.json({ key: plaintext, data: managementKeyObject(row) }, 201);
});

const listQuery = z.object({
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

managementKeysRoutes.get("/", requireManagementKey, async (c) => {
  const q = parseWith(listQuery, c.req.query(), "query");
  const rows = await listManagementKeys(c.env.DB, q);
  return c.json({ data: rows.map(managementKeyObject), offset: q.offset, limit: q.limit });
});

managementKeysRoutes.delete("/:hash", requireManagementKey, async (c) => {
  const hash = c.req.param("hash");
  if (!isKeyHash(hash) || !(await deleteManagementKey(c.env.DB, hash))) throw new NotFoundError(`No management key with hash '${hash}'.`);
  return c.json({ deleted: true });
});
