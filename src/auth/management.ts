import { createMiddleware } from "hono/factory";
import type { Env } from "../env";
import { AuthenticationError, PermissionError } from "../errors/gateway-error";
import { API_KEY_PREFIX, hashKey, keyFormat, MANAGEMENT_KEY_PREFIX } from "../keys/crypto";
import { findManagementKey } from "../keys/store";
import { isBootstrapManagementKey } from "./authenticate";
import { limitAuthFailures } from "./failure-limit";
import { credentialOf, type Credential } from "./token";

export interface ManagementCaller {
  /** Hash of the management key, null for the bootstrap env.MANAGEMENT_KEY. */
  hash: string | null;
}

export type ManagementBindings = { Bindings: Env; Variables: { management: ManagementCaller } };

/**
 * Who is calling, if it is a management key: the bootstrap env.MANAGEMENT_KEY (constant-time
 * compare) or a key created through the API (looked up by hash in D1, so a deleted key stops
 * working at once; a token whose checksum fails is refused without the lookup). Throws 403 for
 * API keys, 401 for anything else (429 once the address failed too often).
 */
export async function authenticateManagementKey(env: Env, cred: Credential): Promise<ManagementCaller> {
  const t = cred.token?.trim();
  return limitAuthFailures(env, cred, async () => {
    if (!t) throw new AuthenticationError("Missing management key: send it as 'Authorization: Bearer lr_mgmt_…'.");
    if (await isBootstrapManagementKey(env, t)) return { hash: null };
    if (t.startsWith(API_KEY_PREFIX)) {
      throw new PermissionError("API keys cannot use the management API; use a management key (lr_mgmt_…).");
    }
    if (keyFormat(t, MANAGEMENT_KEY_PREFIX) === "invalid") throw new AuthenticationError("Invalid management key.");
    return null;
  }).then((caller) => caller ?? lookupManagementKey(env, cred, t!));
}

function lookupManagementKey(env: Env, cred: Credential, token: string): Promise<ManagementCaller> {
  return limitAuthFailures(
    env,
    cred,
    async () => {
      const hash = await hashKey(token);
      if (await findManagementKey(env.DB, hash)) return { hash };
      throw new AuthenticationError("Invalid management key.");
    },
    { lookup: true },
  );
}

/** Per-route middleware (never `use("*")`: sub-apps are mounted next to the model routes). */
export const requireManagementKey = createMiddleware<ManagementBindings>(async (c, next) => {
  c.set("management", await authenticateManagementKey(c.env, credentialOf(c.req.raw)));
  await next();
});
