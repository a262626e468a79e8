/**
 * `auto` session pins (issue #11): scoped to the key, session ids capped at 128 characters (longer
 * is a 400), the in-memory map bounded, and a pin written only after the request was admitted.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { autoSessionsInMemory, setAutoSessionMemoryMax } from "../../src/routing/auto-router";
import { jsonPost } from "../helpers/gateway";
import { onlyProviders, type FakeSession } from "../helpers/fake-upstream";
import { rig } from "../helpers/rig";
import { resetRouting, user } from "../routing-e2e/helpers";

const setup = (name: string, env: (up: FakeSession) => Record<string, unknown>, key: Record<string, unknown> = {}) => rig(name, { env, key });

beforeEach(resetRouting);

const groqOnly = (up: FakeSession) => onlyProviders(up, "GROQ");
const TINY_PNG =
  "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
const imageMessage = [{ role: "user", content: [{ type: "text", text: "What is this?" }, { type: "image_url", image_url: { url: TINY_PNG } }] }];
const CHEAPEST = "meta-llama/llama-3.1-8b-instruct";
const WITH_IMAGES = "meta-llama/llama-4-scout";

const modelOf = (res: Response) => {
  expect(res.status).toBe(200);
  return res.headers.get("x-arouter-model");
};

describe("auto session pins", () => {
  it("are scoped to the key: a second key sending the same session id does not inherit the first key's model", async () => {
    const s = await setup("pins-scope", groqOnly);
    // The image request pins the session on the image-capable model for this key.
    expect(modelOf(await s.chat({ model: "auto", messages: imageMessage }, { "x-session-id": "shared" }))).toBe(WITH_IMAGES);
    expect(modelOf(await s.chat({ model: "auto", messages: user() }, { "x-session-id": "shared" }))).toBe(WITH_IMAGES);
    const other = await s.gw.createKey();
    const res = await s.gw.fetch("/v1/chat/completions", jsonPost({ model: "auto", messages: user() }, { authorization: `Bearer ${other.key}`, "x-session-id": "shared" }));
    expect(modelOf(res)).toBe(CHEAPEST);
    await s.gw.settled();
    const { keys } = await s.gw.env.CATALOG.list({ prefix: "auto:session:" });
    expect(keys.map((k) => k.name).filter((n) => n.endsWith(":shared"))).toHaveLength(2);
    expect(keys.some((k) => k.name === "auto:session:shared")).toBe(false);
  });

  it("session ids over 128 characters are a 400 on every surface (header or body), and nothing is kept", async () => {
    const s = await setup("pins-length", groqOnly);
    const before = autoSessionsInMemory();
    const long = "s".repeat(129);
    const huge = "x".repeat(4 * 1024 * 1024);
    expect((await s.chat({ model: "auto", messages: user() }, { "x-session-id": long })).status).toBe(400);
    expect((await s.chat({ model: "auto", messages: user(), session_id: long })).status).toBe(400);
    expect((await s.chat({ model: "auto", messages: user(), session_id: huge })).status).toBe(400);
    expect((await s.messages({ model: "auto", max_tokens: 10, messages: user() }, { "x-session-id": long })).status).toBe(400);
    const g = await s.gw.fetch("/v1beta/models/auto:generateContent", jsonPost({ contents: [{ parts: [{ text: "hi" }] }] }, { "x-goog-api-key": s.key, "x-session-id": long }));
    expect(g.status).toBe(400);
    expect(autoSessionsInMemory()).toBe(before);
    expect(await s.up.requests()).toEqual([]);
    // 128 is fine.
    expect(modelOf(await s.chat({ model: "auto", messages: user() }, { "x-session-id": "s".repeat(128) }))).toBe(CHEAPEST);
    await s.gw.settled();
  });

  it("a request refused at admission (spend limit) writes no pin; an admitted one does", async () => {
    const s = await setup("pins-admission", groqOnly, { limit: 0 });
    const refused = await s.chat({ model: "auto", messages: user() }, { "x-session-id": "refused-1" });
    expect(refused.status).toBe(402);
    await s.gw.settled();
    expect((await s.gw.env.CATALOG.list({ prefix: "auto:session:" })).keys.filter((k) => k.name.endsWith(":refused-1"))).toEqual([]);
    expect(autoSessionsInMemory()).toBe(0);

    const open = await s.gw.createKey();
    const ok = await s.gw.fetch("/v1/chat/completions", jsonPost({ model: "auto", messages: user() }, { authorization: `Bearer ${open.key}`, "x-session-id": "admitted-1" }));
    expect(modelOf(ok)).toBe(CHEAPEST);
    await s.gw.settled();
    expect(await s.gw.env.CATALOG.get(`auto:session:${open.hash}:admitted-1`)).toBe(CHEAPEST);
    expect(autoSessionsInMemory()).toBe(1);
  });

  it("the in-memory map is bounded: past its size the oldest pin is dropped from memory (KV still has it)", async () => {
    const s = await setup("pins-bound", groqOnly);
    setAutoSessionMemoryMax(3); // the real bound is 10,000; resetRouting restores it
    for (let i = 0; i < 5; i++) {
      expect(modelOf(await s.chat({ model: "auto", messages: user() }, { "x-session-id": `bound-${i}` }))).toBe(CHEAPEST);
      expect(autoSessionsInMemory()).toBe(Math.min(i + 1, 3));
    }
    await s.gw.settled();
    const pinned = (await s.gw.env.CATALOG.list({ prefix: "auto:session:" })).keys.filter((k) => k.name.includes(":bound-"));
    expect(pinned).toHaveLength(5);
    // The evicted session still keeps its model: it is read back from KV (and fills memory again, within the bound).
    expect(modelOf(await s.chat({ model: "auto", messages: user() }, { "x-session-id": "bound-0" }))).toBe(CHEAPEST);
    expect(autoSessionsInMemory()).toBe(3);
    await s.gw.settled();
  });
});
