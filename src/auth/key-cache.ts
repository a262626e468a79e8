import type { KeyContext } from "../keys/types";

/**
 * The isolate's copy of recently used keys' configs, so a model request can route without first
 * asking the key's Durable Object. It is never trusted alone: the request's reservation carries
 * the cached config `version`, and the object — which holds the current config — refuses it
 * (disabled, deleted, expired) or answers `stale` (any other change), after which the request is
 * routed again with the fresh config. So every management change still applies to the very next
 * request, while the usual request makes one Durable Object call before its upstream call instead
 * of two. Keyed by the key's SHA-256 hash; plaintext keys are never kept.
 */
const MAX_ENTRIES = 1000;
/** Bounds how long an unused entry is kept (freshness itself is the object's version check). */
const TTL_MS = 5 * 60_000;

const entries = new Map<string, { key: KeyContext; at: number }>();

export function cachedKey(hash: string, now = Date.now()): KeyContext | undefined {
  const e = entries.get(hash);
  if (!e) return undefined;
  if (now - e.at > TTL_MS) {
    entries.delete(hash);
    return undefined;
  }
  return e.key;
}

export function rememberKey(key: KeyContext, now = Date.now()): void {
  entries.delete(key.hash); // re-insert: Map order is the eviction order
  entries.set(key.hash, { key: { ...key, fromCache: undefined }, at: now });
  if (entries.size > MAX_ENTRIES) entries.delete(entries.keys().next().value!);
}

export function forgetKey(hash: string): void {
  entries.delete(hash);
}
