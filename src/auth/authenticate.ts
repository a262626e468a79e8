import type { Env } from "../env";
import { AuthenticationError } from "../errors/gateway-error";
import { API_KEY_PREFIX, constantTimeEqual, hashKey, MANAGEMENT_KEY_PREFIX } from "../keys/crypto";
import type { KeyConfig, KeyContext, SpendSnapshot } from "../keys/types";
import { denialToError, spendStub } from "../spend/client";
import { NOT_FOUND } from "../spend/denials";

const MANAGEMENT_ON_MODELS =
  "Management keys cannot call models or key-scoped endpoints; use an API key (lr_live_…) created with POST /api/v1/keys.";

/** Whether the token is the bootstrap env.MANAGEMENT_KEY (constant time). */
export async function isBootstrapManagementKey(env: Env, token: string): Promise<boolean> {
  // Length first: keys have a fixed format, so this leaks nothing and saves two digests per request.
  return typeof env.MANAGEMENT_KEY === "string" && env.MANAGEMENT_KEY.length === token.length && (await constantTimeEqual(token, env.MANAGEMENT_KEY));
}

/**
 * The calling API key's config and spend, straight from its Durable Object. Throws 401 (missing,
 * unknown, expired, management key) or 403 (disabled).
 */
export async function authenticateApiKeyRecord(env: Env, token: string | undefined): Promise<{ key: KeyConfig; spend: SpendSnapshot }> {
  const t = token?.trim();
  if (!t) throw new AuthenticationError("Missing API key: send it as 'Authorization: Bearer lr_live_…'.");
  if (t.startsWith(MANAGEMENT_KEY_PREFIX) || (await isBootstrapManagementKey(env, t))) throw new AuthenticationError(MANAGEMENT_ON_MODELS);
  // Junk never reaches (and never creates) a Durable Object.
  if (!t.startsWith(API_KEY_PREFIX) || t.length > 200) throw new AuthenticationError("Invalid API key.");
  const hash = await hashKey(t);
  const res = await spendStub(env, hash).authenticate(hash);
  if (res.denial || !res.key) throw denialToError(res.denial ?? NOT_FOUND);
  return { key: res.key, spend: res.spend };
}

/**
 * Authenticate an API key for a model request. `token` is the raw value of the bearer /
 * x-api-key / ?key= credential. The key's Durable Object answers (no cache in the isolate), so a
 * disable, delete, expiry or limit change is seen by the very next request.
 */
export async function authenticateApiKey(env: Env, token: string | undefined): Promise<KeyContext> {
  const { key: k, spend } = await authenticateApiKeyRecord(env, token);
  return {
    hash: k.hash,
    name: k.name,
    label: k.label,
    allowedProviders: k.allowedProviders,
    limitMicros: k.limitMicros,
    limitReset: k.limitReset,
    limitRemainingMicros: spend.limitRemainingMicros,
    rateLimit: k.rateLimit,
    expiresAt: k.expiresAt,
  };
}
