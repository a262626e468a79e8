/**
 * What the end-to-end routing tests share beyond the rig (test/helpers/rig.ts): forgetting the
 * isolate's routing state between tests, a base URL nothing listens on, and a one-message chat.
 */
import { env } from "cloudflare:test";
import { CATALOG_KV_KEY, invalidateCatalogCache } from "../../src/catalog/catalog";
import type { Env } from "../../src/env";
import { resetHealth, STATS_KV_PREFIX } from "../../src/routing/health";
import { resetAutoSessions } from "../../src/routing/auto-router";

/** A base URL nothing listens on (connection refused). */
export const CLOSED_PORT_URL = "http://127.0.0.1:1/v1";

/** Forgets per-isolate routing state and any stored catalog listing between tests. */
export async function resetRouting(): Promise<void> {
  resetHealth();
  resetAutoSessions();
  invalidateCatalogCache();
  const kv = (env as unknown as Env).CATALOG;
  await kv.delete(CATALOG_KV_KEY);
  // Endpoint speed stats that earlier tests published to KV.
  const { keys } = await kv.list({ prefix: STATS_KV_PREFIX });
  await Promise.all(keys.map((k) => kv.delete(k.name)));
}

export const user = (text = "Hello") => [{ role: "user", content: text }];
