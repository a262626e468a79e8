import { createMiddleware } from "hono/factory";
import type { Env } from "../env";
import { AuthenticationError, PermissionError } from "../errors/gateway-error";
import { API_KEY_PREFIX, hashKey, MANAGEMENT_KEY_PREFIX } from "../keys/crypto";
import { findManagementKey } from "../keys/store";
import { isBootstrapManagementKey } from "./authenticate";
import { extractToken } from "./token";

export interface ManagementCaller {
  /** Hash of the management key, null for the bootstrap env.MANAGEMENT_KEY. */
  hash: string | null;
}

export type ManagementBindings = { Bindings: Env; Variables: { management: ManagementCaller } };

/**
 * Who is calling, if it is a management key: the bootstrap env.MANAGEMENT_KEY (constant-time
 * compare) or a key created through the API (looked up by hash in D1, so a deleted key stops
 * working at once). Throws 403 for API keys, 401 for anything else.
 */
export async function authenticateManagementKey(env: Env, token: string | undefined): Promise<ManagementCaller> {
  const t = token?.trim();
  if (!t) throw new AuthenticationError("Missing management key: send it as 'Authorization: Bearer lr_mgmt_…'.");
  if (await isBootstrapManagementKey(env, t)) return { hash: null };
  if (t.startsWith(API_KEY_PREFIX)) {
    throw new PermissionError("API keys cannot use the management API; use a management key (lr_mgmt_…).");
  }
  if (t.startsWith(MANAGEMENT_KEY_PREFIX) && t.length <= 200) {
    const hash = await hashKey(t);
    if (await findManagementKey(env.DB, hash)) return { hash };
  }
  throw new AuthenticationError("Invalid management key.");
}

/** Per-route middleware (never `use("*")`: sub-apps are mounted next to the model routes). */
export const requireManagementKey = createMiddleware<ManagementBindings>(async (c, next) => {
  c.set("management", await authenticateManagementKey(c.env, extractToken(c.req.raw, { query: false })));
  await next();
});
