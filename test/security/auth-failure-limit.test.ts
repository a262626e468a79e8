/**
 * Failed authentications are rate limited per client address with the Workers rate-limiting
 * binding (wrangler.toml AUTH_FAILURES: 20 per 60 s). Past the limit the address gets 429 — in the
 * surface's own format — and its tokens are no longer looked up; a valid key this isolate already
 * knows keeps working, and other addresses are not affected.
 */
import { describe, expect, it } from "vitest";
import { resetAuthFailureBlocks } from "../../src/auth/failure-limit";
import { generateApiKey } from "../../src/keys/crypto";
import { gateway, jsonPost } from "../helpers/gateway";
import { fakeSession } from "../helpers/fake-upstream";

const LIMIT = 20; // wrangler.toml [[ratelimits]] AUTH_FAILURES simple.limit
const chat = { model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "hi" }] };
const ip = () => `198.51.100.${Math.floor(Math.random() * 250) + 1}`;
const junkKey = () => generateApiKey().slice(0, -1) + "!";
/** Unique per run: the binding's counters outlive a test file. */
const address = () => `2001:db8::${Date.now().toString(16).slice(-4)}:${Math.floor(Math.random() * 0xffff).toString(16)}`;

describe("failed authentication rate limit", () => {
  it("trips after the configured number of 401s from one address: 429 in each surface's shape, Retry-After set", async () => {
    resetAuthFailureBlocks();
    const up = fakeSession("auth-limit");
    const gw = gateway(up.env);
    const { key } = await gw.createKey();
    const from = address();
    expect((await gw.fetch("/v1/chat/completions", jsonPost(chat, { authorization: `Bearer ${key}`, "cf-connecting-ip": from }))).status).toBe(200);
    const statuses: number[] = [];
    for (let i = 0; i < LIMIT; i++) {
      const res = await gw.fetch("/v1/chat/completions", jsonPost(chat, { authorization: `Bearer ${junkKey()}`, "cf-connecting-ip": from }));
      statuses.push(res.status);
    }
    expect(statuses).toEqual(Array(LIMIT).fill(401));

    const openai = await gw.fetch("/v1/chat/completions", jsonPost(chat, { authorization: `Bearer ${junkKey()}`, "cf-connecting-ip": from }));
    expect(openai.status).toBe(429);
    expect(openai.headers.get("retry-after")).toBe("10");
    expect(((await openai.json()) as { error: { message: string } }).error.message).toMatch(/Too many failed authentication attempts/);

    const anthropic = await gw.fetch("/v1/messages", jsonPost({ ...chat, max_tokens: 5 }, { "x-api-key": junkKey(), "cf-connecting-ip": from }));
    expect(anthropic.status).toBe(429);
    expect(await anthropic.json()).toMatchObject({ type: "error", error: { type: "rate_limit_error" } });

    const gemini = await gw.fetch("/v1beta/models/gemini-2.5-flash:generateContent", jsonPost({ contents: [{ parts: [{ text: "hi" }] }] }, { "x-goog-api-key": junkKey(), "cf-connecting-ip": from }));
    expect(gemini.status).toBe(429);
    expect(await gemini.json()).toMatchObject({ error: { status: "RESOURCE_EXHAUSTED" } });

    const mgmt = await gw.fetch("/api/v1/keys", { headers: { authorization: "Bearer lr_mgmt_wrong", "cf-connecting-ip": from } });
    expect(mgmt.status).toBe(429);

    // A key this isolate already knows still works from that address (it is not looked up)…
    const ok = await gw.fetch("/v1/chat/completions", jsonPost(chat, { authorization: `Bearer ${key}`, "cf-connecting-ip": from }));
    expect(ok.status).toBe(200);
    // …and another address is not affected.
    const other = await gw.fetch("/v1/chat/completions", jsonPost(chat, { authorization: `Bearer ${junkKey()}`, "cf-connecting-ip": ip() }));
    expect(other.status).toBe(401);
    expect((await up.requests()).length).toBe(2);
    await gw.settled();
  });

  it("AUTH_FAILURE_RATE_LIMIT=off: 401s never become 429", async () => {
    resetAuthFailureBlocks();
    const gw = gateway({ AUTH_FAILURE_RATE_LIMIT: "off" });
    const from = address();
    for (let i = 0; i < LIMIT + 5; i++) {
      const res = await gw.fetch("/api/v1/key", { headers: { authorization: `Bearer ${junkKey()}`, "cf-connecting-ip": from } });
      expect(res.status).toBe(401);
    }
  });
});
