import { Hono } from "hono";
import { authenticateApiKeyRecord } from "../auth/authenticate";
import { credentialOf } from "../auth/token";
import type { AppBindings } from "../env";
import { keyObject } from "../keys/key-object";

/**
 * The calling API key's own object. Mounted twice: at /api/v1/key and at its alias /api/v1/auth/key.
 * Reads the key's Durable Object, so the answer reflects the latest management change and spend.
 */
export const keyInfoRoutes = new Hono<AppBindings>();

keyInfoRoutes.get("/", async (c) => {
  const { key, spend } = await authenticateApiKeyRecord(c.env, credentialOf(c.req.raw));
  return c.json({ data: keyObject(key, spend) });
});
