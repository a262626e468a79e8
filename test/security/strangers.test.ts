/**
 * Strangers cost nothing (issue #11): a token that is not a key — made up, mistyped, or of the
 * pre-checksum format but unknown — is answered 401 and leaves no storage behind: its Durable
 * Object (if one is reached at all) creates no table and writes nothing, so it has no SQLite file.
 */
import { listDurableObjectIds, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { API_KEY_PREFIX, generateApiKey, generateManagementKey, keyFormat, MANAGEMENT_KEY_PREFIX } from "../../src/keys/crypto";
import { hashKey } from "../../src/keys/crypto";
import type { Env } from "../../src/env";
import { gateway, jsonPost } from "../helpers/gateway";
import { stubFor } from "../spend/helpers";

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const randomBase62 = (n: number) => Array.from(crypto.getRandomValues(new Uint8Array(n)), (b) => BASE62[b % 62]).join("");
/** A token in the format keys had before checksums: prefix + 43 base62 characters. */
const legacyJunk = () => API_KEY_PREFIX + randomBase62(43);

async function storedObjects(env: Env): Promise<Set<string>> {
  return new Set((await listDurableObjectIds(env.SPEND)).map((id) => id.toString()));
}

describe("key format", () => {
  it("new keys carry a checksum; one changed character or a bad checksum is refused from the token alone", () => {
    for (let i = 0; i < 50; i++) {
      const key = generateApiKey();
      expect(key).toMatch(/^lr_live_[0-9A-Za-z]{49}$/);
      expect(keyFormat(key, API_KEY_PREFIX)).toBe("checksummed");
      const pos = API_KEY_PREFIX.length + (i % 49);
      const swapped = key.slice(0, pos) + (key[pos] === "a" ? "b" : "a") + key.slice(pos + 1);
      expect(keyFormat(swapped, API_KEY_PREFIX)).toBe("invalid");
      expect(keyFormat(generateManagementKey(), MANAGEMENT_KEY_PREFIX)).toBe("checksummed");
    }
    expect(keyFormat(legacyJunk(), API_KEY_PREFIX)).toBe("legacy");
    expect(keyFormat(API_KEY_PREFIX + randomBase62(42), API_KEY_PREFIX)).toBe("invalid");
    expect(keyFormat(API_KEY_PREFIX + randomBase62(42) + "-", API_KEY_PREFIX)).toBe("invalid");
    expect(keyFormat(MANAGEMENT_KEY_PREFIX + randomBase62(49), API_KEY_PREFIX)).toBe("invalid");
  });
});

describe("unknown tokens leave no storage", () => {
  it("N junk tokens: 401 each; a bad checksum never reaches a Durable Object, an unknown key's object creates no table", async () => {
    const gw = gateway();
    const badChecksum = Array.from({ length: 5 }, () => {
      const k = generateApiKey();
      return k.slice(0, -1) + (k.endsWith("0") ? "1" : "0");
    });
    // Legacy-format tokens (and any a stranger computes a valid checksum for) need their object to
    // tell them from a key: it must look its config up and write nothing.
    const unknown = [...Array.from({ length: 5 }, legacyJunk), ...Array.from({ length: 3 }, generateApiKey)];
    for (const token of [...badChecksum, ...unknown]) {
      const info = await gw.fetch("/api/v1/key", { headers: { authorization: `Bearer ${token}` } });
      expect(info.status).toBe(401);
      const chat = await gw.fetch("/v1/chat/completions", jsonPost({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "hi" }] }, { authorization: `Bearer ${token}` }));
      expect(chat.status).toBe(401);
    }
    await gw.settled();
    const stored = await storedObjects(gw.env);
    for (const token of badChecksum) {
      expect(stored.has(gw.env.SPEND.idFromName(await hashKey(token)).toString()), "a bad checksum reached an object").toBe(false);
    }
    for (const token of unknown) {
      const state = await runInDurableObject(stubFor(await hashKey(token)), (o, s) => ({
        // The object never even opened its storage (read before this callback opens it): a local
        // state file that appears is Miniflare's own record of the object's name (__miniflare_do_name).
        opened: (o as unknown as { tables?: boolean }).tables !== undefined,
        tables: s.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM sqlite_master").one().n,
        alarm: null as number | null,
      }));
      state.alarm = await runInDurableObject(stubFor(await hashKey(token)), (_o, s) => s.storage.getAlarm());
      expect(state, `storage of unknown token ${token.slice(0, 12)}…`).toEqual({ opened: false, tables: 0, alarm: null });
    }
    const rows = await gw.env.DB.prepare("SELECT count(*) AS n FROM usage WHERE key_hash IN (SELECT value FROM json_each(?))")
      .bind(JSON.stringify(await Promise.all(unknown.map(hashKey))))
      .first<{ n: number }>();
    expect(rows?.n).toBe(0);

    // The measures are real: a key that exists does get its object's tables and file.
    const { key, hash } = await gw.createKey();
    expect((await gw.fetch("/api/v1/key", { headers: { authorization: `Bearer ${key}` } })).status).toBe(200);
    expect((await storedObjects(gw.env)).has(gw.env.SPEND.idFromName(hash).toString())).toBe(true);
    const tables = await runInDurableObject(stubFor(hash), (_o, s) => s.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM sqlite_master").one().n);
    expect(tables).toBeGreaterThan(0);
  });

  it("a key issued before checksums (no checksum) keeps working", async () => {
    const gw = gateway();
    const legacy = legacyJunk();
    const hash = await hashKey(legacy);
    const now = Date.now();
    await gw.env.DB.prepare("INSERT INTO api_keys (hash, name, label, disabled, created_at, updated_at) VALUES (?, 'old', 'lr_live_old…key', 0, ?, ?)")
      .bind(hash, now, now)
      .run();
    const res = await gw.fetch("/api/v1/key", { headers: { authorization: `Bearer ${legacy}` } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { data: { hash: string } }).data.hash).toBe(hash);
  });
});
