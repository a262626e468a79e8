import { desc, eq, sql } from "drizzle-orm";
import { db } from "../db/client";
import { apiKeys, managementKeys, type ApiKeyRow, type ManagementKeyRow } from "../db/schema";
import type { KeyConfig } from "./types";

/** D1 access for key rows. The key's Durable Object caches what these return (see spend-counter.ts). */

export interface VersionedKey {
  key: KeyConfig;
  version: number;
}

export function rowToConfig(r: ApiKeyRow): KeyConfig {
  return {
    hash: r.hash,
    name: r.name,
    label: r.label,
    disabled: r.disabled,
    allowedProviders: r.allowedProviders ?? null,
    limitMicros: r.limitMicros ?? null,
    limitReset: r.limitReset ?? null,
    rateLimit:
      r.rateLimitRequests != null && r.rateLimitInterval != null ? { requests: r.rateLimitRequests, interval: r.rateLimitInterval } : null,
    expiresAt: r.expiresAt ?? null,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}

function configToColumns(k: KeyConfig) {
  return {
    name: k.name,
    label: k.label,
    disabled: k.disabled,
    allowedProviders: k.allowedProviders,
    limitMicros: k.limitMicros,
    limitReset: k.limitReset,
    rateLimitRequests: k.rateLimit?.requests ?? null,
    rateLimitInterval: k.rateLimit?.interval ?? null,
    expiresAt: k.expiresAt,
    updatedAt: k.updatedAt,
  };
}

export async function loadKey(d1: D1Database, hash: string): Promise<VersionedKey | null> {
  const row = await db(d1).select().from(apiKeys).where(eq(apiKeys.hash, hash)).get();
  return row ? { key: rowToConfig(row), version: row.version } : null;
}

export async function insertKey(d1: D1Database, k: KeyConfig): Promise<VersionedKey> {
  const row = await db(d1)
    .insert(apiKeys)
    .values({ hash: k.hash, createdAt: k.createdAt, version: 1, ...configToColumns(k) })
    .returning()
    .get();
  return { key: rowToConfig(row), version: row.version };
}

export type KeyPatch = Partial<Omit<KeyConfig, "hash" | "createdAt">>;

/**
 * Update only the given fields and bump the version in one statement (concurrent PATCHes of
 * different fields never undo each other); null when the key does not exist.
 */
export async function updateKey(d1: D1Database, hash: string, patch: KeyPatch): Promise<VersionedKey | null> {
  const cols: Partial<typeof apiKeys.$inferInsert> = {};
  if (patch.name !== undefined) cols.name = patch.name;
  if (patch.label !== undefined) cols.label = patch.label;
  if (patch.disabled !== undefined) cols.disabled = patch.disabled;
  if (patch.allowedProviders !== undefined) cols.allowedProviders = patch.allowedProviders;
  if (patch.limitMicros !== undefined) cols.limitMicros = patch.limitMicros;
  if (patch.limitReset !== undefined) cols.limitReset = patch.limitReset;
  if (patch.rateLimit !== undefined) {
    cols.rateLimitRequests = patch.rateLimit?.requests ?? null;
    cols.rateLimitInterval = patch.rateLimit?.interval ?? null;
  }
  if (patch.expiresAt !== undefined) cols.expiresAt = patch.expiresAt;
  cols.updatedAt = patch.updatedAt ?? Date.now();
  const row = await db(d1)
    .update(apiKeys)
    .set({ ...cols, version: sql`${apiKeys.version} + 1` })
    .where(eq(apiKeys.hash, hash))
    .returning()
    .get();
  return row ? { key: rowToConfig(row), version: row.version } : null;
}

export async function deleteKey(d1: D1Database, hash: string): Promise<boolean> {
  const rows = await db(d1).delete(apiKeys).where(eq(apiKeys.hash, hash)).returning({ hash: apiKeys.hash }).all();
  return rows.length > 0;
}

/** Newest first (hash breaks ties so pages are stable). */
export async function listKeys(d1: D1Database, opts: { offset: number; limit: number; includeDisabled: boolean }): Promise<KeyConfig[]> {
  const rows = await db(d1)
    .select()
    .from(apiKeys)
    .where(opts.includeDisabled ? undefined : eq(apiKeys.disabled, false))
    .orderBy(desc(apiKeys.createdAt), desc(apiKeys.hash))
    .limit(opts.limit)
    .offset(opts.offset)
    .all();
  return rows.map(rowToConfig);
}

export async function insertManagementKey(d1: D1Database, row: ManagementKeyRow): Promise<void> {
  await db(d1).insert(managementKeys).values(row).run();
}

export async function findManagementKey(d1: D1Database, hash: string): Promise<ManagementKeyRow | null> {
  return (await db(d1).select().from(managementKeys).where(eq(managementKeys.hash, hash)).get()) ?? null;
}

export async function listManagementKeys(d1: D1Database, opts: { offset: number; limit: number }): Promise<ManagementKeyRow[]> {
  return db(d1)
    .select()
    .from(managementKeys)
    .orderBy(desc(managementKeys.createdAt), desc(managementKeys.hash))
    .limit(opts.limit)
    .offset(opts.offset)
    .all();
}

export async function deleteManagementKey(d1: D1Database, hash: string): Promise<boolean> {
  const rows = await db(d1)
    .delete(managementKeys)
    .where(eq(managementKeys.hash, hash))
    .returning({ hash: managementKeys.hash })
    .all();
  return rows.length > 0;
}
