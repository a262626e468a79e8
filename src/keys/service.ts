import type { Env } from "../env";
import { spendStub } from "../spend/client";
import { deleteKey as deleteRow, insertKey, updateKey as updateRow, type KeyPatch, type VersionedKey } from "./store";
import type { KeyConfig } from "./types";

/**
 * Key changes. Each is one call that writes D1 (the record of keys) and then hands the new config
 * to the key's Durable Object (what the hot path reads), so the change applies to the very next
 * request from any isolate. Versions come from D1, so a slow, older write never overwrites a newer one.
 */

export async function createKey(env: Env, config: KeyConfig): Promise<VersionedKey> {
  const saved = await insertKey(env.DB, config);
  await spendStub(env, saved.key.hash).applyConfig(saved.key, saved.version, { created: true });
  return saved;
}

/** null when the key does not exist. */
export async function updateKey(env: Env, hash: string, patch: KeyPatch): Promise<VersionedKey | null> {
  const saved = await updateRow(env.DB, hash, patch);
  if (saved) await spendStub(env, hash).applyConfig(saved.key, saved.version);
  return saved;
}

/** false when the key does not exist. */
export async function deleteKey(env: Env, hash: string): Promise<boolean> {
  if (!(await deleteRow(env.DB, hash))) return false;
  await spendStub(env, hash).applyConfig(null, 0);
  return true;
}
