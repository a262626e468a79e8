import { Hono } from "hono";
import { requireManagementKey, type ManagementBindings } from "../auth/management";
import { NotFoundError } from "../errors/gateway-error";
import { generateApiKey, hashKey, isKeyHash, maskKey } from "../keys/crypto";
import { keyObject } from "../keys/key-object";
import { createKey, deleteKey, updateKey } from "../keys/service";
import { listKeys, loadKey, type KeyPatch } from "../keys/store";
import type { KeyConfig } from "../keys/types";
import { createKeySchema, jsonBody, listQuerySchema, parseWith, updateKeySchema } from "../keys/validation";
import { getKeySpend } from "../spend/client";
import { usdToMicros } from "../money";

/**
 * API key management, mounted at /api/v1/keys: POST/GET /, GET/PATCH/DELETE /:hash.
 * Every change is one call to the keys service (src/keys/service.ts): D1, then the key's Durable
 * Object, so the change applies to the very next request.
 */
export const keysRoutes = new Hono<ManagementBindings>();

keysRoutes.post("/", requireManagementKey, async (c) => {
  const body = parseWith(createKeySchema, await jsonBody(c));
  const plaintext = generateApiKey();
  const now = Date.now();
  const config: KeyConfig = {
    hash: await hashKey(plaintext),
    name: body.name,
    label: body.label ?? maskKey(plaintext),
    disabled: false,
    allowedProviders: body.allowed_providers ?? null,
    limitMicros: body.limit == null ? null : usdToMicros(body.limit),
    limitReset: body.limit_reset ?? null,
    rateLimit: body.rate_limit ?? null,
    expiresAt: body.expires_at == null ? null : Date.parse(body.expires_at),
    createdAt: now,
    updatedAt: now,
  };
  const saved = await createKey(c.env, config);
  const spend = await getKeySpend(c.env, saved.key);
  return c.json({ key: plaintext, data: keyObject(saved.key, spend) }, 201);
});

keysRoutes.get("/", requireManagementKey, async (c) => {
  const q = parseWith(listQuerySchema, c.req.query(), "query");
  const keys = await listKeys(c.env.DB, { offset: q.offset, limit: q.limit, includeDisabled: q.include_disabled });
  const spends = await Promise.all(keys.map((k) => getKeySpend(c.env, k)));
  return c.json({ data: keys.map((k, i) => keyObject(k, spends[i])), offset: q.offset, limit: q.limit });
});

async function existing(db: D1Database, hash: string) {
  const found = isKeyHash(hash) ? await loadKey(db, hash) : null;
  if (!found) throw new NotFoundError(`No API key with hash '${hash}'.`);
  return found.key;
}

keysRoutes.get("/:hash", requireManagementKey, async (c) => {
  const key = await existing(c.env.DB, c.req.param("hash"));
  return c.json({ data: keyObject(key, await getKeySpend(c.env, key)) });
});

keysRoutes.patch("/:hash", requireManagementKey, async (c) => {
  const hash = c.req.param("hash");
  const body = parseWith(updateKeySchema, await jsonBody(c));
  const patch: KeyPatch = {
    name: body.name,
    label: body.label,
    disabled: body.disabled,
    allowedProviders: body.allowed_providers,
    limitMicros: body.limit === undefined ? undefined : body.limit === null ? null : usdToMicros(body.limit),
    limitReset: body.limit_reset,
    rateLimit: body.rate_limit,
    expiresAt: body.expires_at === undefined ? undefined : body.expires_at === null ? null : Date.parse(body.expires_at),
  };
  const saved = isKeyHash(hash) ? await updateKey(c.env, hash, patch) : null;
  if (!saved) throw new NotFoundError(`No API key with hash '${hash}'.`);
  return c.json({ data: keyObject(saved.key, await getKeySpend(c.env, saved.key)) });
});

keysRoutes.delete("/:hash", requireManagementKey, async (c) => {
  const hash = c.req.param("hash");
  if (!isKeyHash(hash) || !(await deleteKey(c.env, hash))) throw new NotFoundError(`No API key with hash '${hash}'.`);
  return c.json({ deleted: true });
});
