/**
 * The isolate's key cache (src/auth/key-cache.ts): a model request routes with a cached copy of
 * its key and makes one Durable Object call (the reservation) before the upstream call; the key's
 * object still decides — a disabled, deleted or changed key is seen by the very next request, and
 * an auth failure still wins over a body or routing error. Also: reservations of keys without a
 * limit are kept in memory only; with a limit they are stored and survive a restart of the object.
 */
import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { cachedKey } from "../../src/auth/key-cache";
import { getKeySpend, reserve } from "../../src/spend/client";
import { patchKey } from "../helpers/books";
import { jsonPost, MANAGEMENT_KEY } from "../helpers/gateway";
import { createKey, env } from "../keys/helpers";
import { rig } from "../helpers/rig";
import { genId, stubFor } from "./helpers";

const chat = (key: string, model: string) =>
  jsonPost({ model, max_tokens: 20, messages: [{ role: "user", content: "hi" }] }, { authorization: `Bearer ${key}` });

const storedReservations = (hash: string) =>
  runInDurableObject(stubFor(hash), (_o, state) => state.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM reservations").one().n);

describe("key cache", () => {
  it("routes with the cached copy; the key's object applies every change to the very next request", async () => {
    const { up, gw, key, hash } = await rig("key-cache-changes");
    expect((await gw.fetch("/v1/chat/completions", chat(key, "openai/gpt-4o-mini"))).status).toBe(200);
    const first = cachedKey(hash);
    expect(first).toMatchObject({ hash, allowedProviders: null });

    await patchKey(gw, hash, { disabled: true });
    const disabled = await gw.fetch("/v1/chat/completions", chat(key, "openai/gpt-4o-mini"));
    expect(disabled.status).toBe(403);
    await patchKey(gw, hash, { disabled: false });
    expect((await gw.fetch("/v1/chat/completions", chat(key, "openai/gpt-4o-mini"))).status).toBe(200);

    // The cached copy still allows every provider; the object holds a newer version, so the
    // request is routed again with it: anthropic is refused without reaching any upstream.
    await patchKey(gw, hash, { allowed_providers: ["anthropic"] });
    const before = (await up.requests()).length;
    const refused = await gw.fetch("/v1/chat/completions", chat(key, "openai/gpt-4o-mini"));
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(/openai/);
    expect((await up.requests()).length).toBe(before);
    expect(cachedKey(hash)?.allowedProviders).toEqual(["anthropic"]);
    expect(cachedKey(hash)!.version).toBeGreaterThan(first!.version);

    // Now the cached copy forbids openai, and routing fails before any reservation: the object is
    // asked, the change is found, and the request is routed again and served.
    await patchKey(gw, hash, { allowed_providers: null });
    expect((await gw.fetch("/v1/chat/completions", chat(key, "openai/gpt-4o-mini"))).status).toBe(200);
    expect(cachedKey(hash)?.allowedProviders).toBeNull();
    await gw.settled();
  });

  it("a cached key that was deleted or disabled answers 401/403 before a body or routing error", async () => {
    const { up, gw, key, hash } = await rig("key-cache-auth-first");
    expect((await gw.fetch("/v1/chat/completions", chat(key, "openai/gpt-4o-mini"))).status).toBe(200);
    expect(cachedKey(hash)).toBeDefined();
    const calls = (await up.requests()).length;

    await patchKey(gw, hash, { disabled: true });
    const unknownModel = await gw.fetch("/v1/chat/completions", chat(key, "nosuch/model-x"));
    expect(unknownModel.status).toBe(403);
    const badBody = await gw.fetch("/v1/chat/completions", { method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "application/json" }, body: "{not json" });
    expect(badBody.status).toBe(403);

    const del = await gw.fetch(`/api/v1/keys/${hash}`, { method: "DELETE", headers: { authorization: `Bearer ${MANAGEMENT_KEY}` } });
    expect(del.status).toBe(200);
    const deleted = await gw.fetch("/v1/chat/completions", { method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "application/json" }, body: "{not json" });
    expect(deleted.status).toBe(401);
    expect((await gw.fetch("/v1/messages", { method: "POST", headers: { "x-api-key": key, "content-type": "application/json" }, body: "[]" })).status).toBe(401);
    expect(cachedKey(hash)).toBeUndefined();
    expect((await up.requests()).length).toBe(calls);
    await gw.settled();
  });
});

describe("reservation storage", () => {
  it("keys without a limit reserve in memory; with a limit the reservation is stored and survives a restart", async () => {
    const open = await createKey();
    const r1 = await reserve(env, open, { requestId: genId(), micros: 1_000, provider: "openai", model: "openai/gpt-4o-mini" });
    expect(r1.micros).toBe(1_000);
    expect(await storedReservations(open.hash)).toBe(0);
    expect((await getKeySpend(env, { hash: open.hash, limitMicros: null, limitReset: null })).outstandingMicros).toBe(1_000);

    const limited = await createKey({ limit: 1 });
    await reserve(env, limited, { requestId: genId(), micros: 400_000, provider: "openai", model: "openai/gpt-4o-mini" });
    expect(await storedReservations(limited.hash)).toBe(1);
    await evictDurableObject(stubFor(limited.hash));
    const spend = await getKeySpend(env, { hash: limited.hash, limitMicros: 1_000_000, limitReset: null });
    expect(spend).toMatchObject({ outstandingMicros: 400_000, limitRemainingMicros: 600_000 });
  });
});
