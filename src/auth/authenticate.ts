import type { Env } from "../env";
import { AuthenticationError } from "../errors/gateway-error";
import { API_KEY_PREFIX, constantTimeEqual, hashKey, MANAGEMENT_KEY_PREFIX } from "../keys/crypto";
import type { KeyConfig, KeyContext } from "../keys/types";
import type { SpendSnapshot } from "../spend/types";
import { denialToError, spendStub } from "../spend/client";
import { NOT_FOUND } from "../spend/denials";
import { cachedKey, forgetKey, rememberKey } from "./key-cache";

const MANAGEMENT_ON_MODELS =
  "Management keys cannot call models or key-scoped endpoints; use an API key (lr_live_…) created with POST /api/v1/keys.";

/** Whether the token is the bootstrap env.MANAGEMENT_KEY (constant time). */
export async function isBootstrapManagementKey(env: Env, token: string): Promise<boolean> {
  // Length first: keys have a fixed format, so this leaks nothing and saves two digests per request.
  return typeof env.MANAGEMENT_KEY === "string" && env.MANAGEMENT_KEY.length === token.length && (await constantTimeEqual(token, env.MANAGEMENT_KEY));
}

/** A well-formed API key's hash; 401 for a missing token, a management key or junk. */
async function apiKeyHash(env: Env, token: string | undefined): Promise<string> {
  const t = token?.trim();
  if (!t) throw new AuthenticationError("Missing API key: send it as 'Authorization: Bearer lr_live_…'.");
  if (t.startsWith(MANAGEMENT_KEY_PREFIX) || (await isBootstrapManagementKey(env, t))) throw new AuthenticationError(MANAGEMENT_ON_MODELS);
  // Junk never reaches (and never creates) a Durable Object.
  if (!t.startsWith(API_KEY_PREFIX) || t.length > 200) throw new AuthenticationError("Invalid API key.");
  return hashKey(t);
}

/**
 * The calling API key's config and spend, straight from its Durable Object. Throws 401 (missing,
 * unknown, expired, management key) or 403 (disabled).
 */
export async function authenticateApiKeyRecord(env: Env, token: string | undefined): Promise<{ key: KeyConfig; version: number; spend: SpendSnapshot }> {
  return authenticateHash(env, await apiKeyHash(env, token));
}

async function authenticateHash(env: Env, hash: string): Promise<{ key: KeyConfig; version: number; spend: SpendSnapshot }> {
  const res = await spendStub(env, hash).authenticate(hash);
  if (res.denial || !res.key) {
    forgetKey(hash);
    throw denialToError(res.denial ?? NOT_FOUND);
  }
  return { key: res.key, version: res.version, spend: res.spend };
}

/**
 * Authenticate an API key. `token` is the raw value of the bearer / x-api-key / ?key= credential.
 * The key's Durable Object answers, so a disable, delete, expiry or limit change is seen by the
 * very next request.
 *
 * `cached`: for model requests, whose reservation in the same Durable Object re-checks everything
 * (see key-cache.ts) — a key this isolate has seen recently is returned without a round trip,
 * marked `fromCache`; `confirmKey` makes any error that ends the request before its reservation
 * still answer 401/403 first when the key is no longer valid, and lets a request routed with an
 * outdated copy route again.
 */
export async function authenticateApiKey(env: Env, token: string | undefined, opts: { cached?: boolean } = {}): Promise<KeyContext> {
  const hash = await apiKeyHash(env, token);
  if (opts.cached) {
    const hit = cachedKey(hash);
    if (hit) return { ...hit, fromCache: true };
  }
  const { key, version, spend } = await authenticateHash(env, hash);
  return currentKey(key, version, spend);
}

/**
 * For a cached key: asks its Durable Object for the current config (remembered for next time),
 * throwing 401/403 if the key is no longer valid. Any other key is returned as is.
 */
export async function confirmKey(env: Env, key: KeyContext): Promise<KeyContext> {
  if (!key.fromCache) return key;
  const { key: k, version, spend } = await authenticateHash(env, key.hash);
  return currentKey(k, version, spend);
}

/** The key's current config as the object answered it, remembered in the isolate's cache. */
export function currentKey(k: KeyConfig, version: number, spend: SpendSnapshot): KeyContext {
  const ctx = keyContext(k, version, spend);
  rememberKey(ctx);
  return ctx;
}

function keyContext(k: KeyConfig, version: number, spend: SpendSnapshot): KeyContext {
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
    version,
  };
}

/**
 * Authenticates while the body is read and decoded — the two do not depend on each other, so the
 * key's Durable Object round trip (when the key is not in the isolate's cache) overlaps the parsing.
 * An auth error still wins over a body error, for a cached key too.
 */
export async function authenticateWhile<T>(env: Env, token: string | undefined, work: () => Promise<T> | T): Promise<{ key: KeyContext; value: T }> {
  const keyP = authenticateApiKey(env, token, { cached: true });
  keyP.catch(() => {});
  let value: T;
  try {
    value = await work();
  } catch (err) {
    await confirmKey(env, await keyP); // a cached key still answers 401/403 first
    throw err;
  }
  return { key: await keyP, value };
}
