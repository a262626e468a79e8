import type { Env } from "../env";
import { GatewayError, RateLimitError } from "../errors/gateway-error";
import type { Credential } from "./token";

/**
 * Failed authentications (401) are rate limited per client address with Cloudflare's Workers
 * rate-limiting binding (`AUTH_FAILURES` in wrangler.toml: its `simple.limit` failures per
 * `simple.period` seconds). Once an address is over the limit:
 * - every further failure from it is answered 429 instead of 401;
 * - for BLOCK_MS this isolate answers 429 to it without looking any token up (no Durable Object,
 *   no D1 read), so guessing keys stops and costs nothing. A key this isolate already knows is
 *   valid still works (it is never looked up), so a neighbour behind the same address is not
 *   locked out by someone else's guessing.
 *
 * Off when the binding is absent or AUTH_FAILURE_RATE_LIMIT=off, and for requests without a client
 * address (Cloudflare's edge and wrangler dev always set cf-connecting-ip; a request without one
 * comes from inside, e.g. a service binding or a test calling the app directly).
 */
const BLOCK_MS = 10_000;
const MAX_BLOCKED = 10_000;
const blocked = new Map<string, number>();

function enabled(env: Env, ip: string | null): ip is string {
  return ip !== null && env.AUTH_FAILURES !== undefined && String(env.AUTH_FAILURE_RATE_LIMIT ?? "").toLowerCase() !== "off";
}

function tooMany(): RateLimitError {
  return new RateLimitError(
    `Too many failed authentication attempts from this address. Retry in ${BLOCK_MS / 1000}s with a valid key.`,
    BLOCK_MS / 1000,
  );
}

function isBlocked(ip: string, now = Date.now()): boolean {
  const until = blocked.get(ip);
  if (until === undefined) return false;
  if (until > now) return true;
  blocked.delete(ip);
  return false;
}

function block(ip: string, now = Date.now()): void {
  blocked.delete(ip);
  blocked.set(ip, now + BLOCK_MS);
  if (blocked.size > MAX_BLOCKED) blocked.delete(blocked.keys().next().value!);
}

/**
 * Runs one authentication step for `cred`. `lookup`: the step reads storage (a Durable Object or
 * D1) — refused up front while the address is blocked. A 401 it throws is counted; over the limit
 * it becomes a 429.
 */
export async function limitAuthFailures<T>(env: Env, cred: Credential, step: () => Promise<T>, opts: { lookup?: boolean } = {}): Promise<T> {
  const ip = cred.clientIp;
  if (!enabled(env, ip)) return step();
  if (opts.lookup && isBlocked(ip)) throw tooMany();
  try {
    return await step();
  } catch (err) {
    if (err instanceof GatewayError && err.status === 401) {
      const outcome = await env.AUTH_FAILURES!.limit({ key: `auth:${ip}` }).catch(() => ({ success: true }));
      if (!outcome.success) {
        block(ip);
        throw tooMany();
      }
    }
    throw err;
  }
}

/** Tests: forget the addresses this isolate blocked. */
export function resetAuthFailureBlocks(): void {
  blocked.clear();
}
