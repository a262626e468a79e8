/**
 * CORS (issue #11): browser apps may call the model routes from the origins in CORS_ORIGINS (or
 * any with `*`), with the headers the SDKs send, preflight included; the management API never
 * answers cross-origin.
 */
import { describe, expect, it } from "vitest";
import { fakeSession } from "../helpers/fake-upstream";
import { gateway, jsonPost, MANAGEMENT_KEY } from "../helpers/gateway";

const APP = "https://app.example";
const preflight = (method: string, headers: string, origin = APP): RequestInit => ({
  method: "OPTIONS",
  headers: { origin, "access-control-request-method": method, "access-control-request-headers": headers },
});
const chat = { model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "hi" }] };

describe("CORS", () => {
  it("off by default: a preflight is refused and no answer carries CORS headers", async () => {
    const up = fakeSession("cors-off");
    const gw = gateway(up.env);
    const pre = await gw.fetch("/v1/chat/completions", preflight("POST", "authorization, content-type"));
    expect(pre.status).toBe(403);
    expect(pre.headers.get("access-control-allow-origin")).toBeNull();
    const { key } = await gw.createKey();
    const res = await gw.fetch("/v1/chat/completions", jsonPost(chat, { authorization: `Bearer ${key}`, origin: APP }));
    expect(res.status).toBe(200);
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
    await gw.settled();
  });

  it("CORS_ORIGINS lists origins: preflight 204 with the SDK headers allowed, answers (streams too) carry the origin and expose the gateway's headers", async () => {
    const up = fakeSession("cors-on");
    const gw = gateway({ ...up.env, CORS_ORIGINS: `https://other.example, ${APP}` });
    const { key } = await gw.createKey();
    const sdkHeaders = "authorization, content-type, x-stainless-os, x-stainless-retry-count, x-api-key, anthropic-version, anthropic-beta, anthropic-dangerous-direct-browser-access, x-goog-api-key, x-goog-api-client, x-evil";
    for (const [path, method] of [["/v1/chat/completions", "POST"], ["/v1/messages", "POST"], ["/v1/messages/count_tokens", "POST"], ["/v1/embeddings", "POST"], ["/v1beta/models/gemini-2.5-flash:streamGenerateContent", "POST"], ["/v1/models/gemini-2.5-flash:generateContent", "POST"], ["/v1/models", "GET"], ["/api/v1/chat/completions", "POST"], ["/v1/responses", "POST"], ["/api/v1/responses", "POST"], ["/v1/images/generations", "POST"], ["/v1/audio/speech", "POST"]]) {
      const pre = await gw.fetch(path, preflight(method, sdkHeaders));
      expect(pre.status, path).toBe(204);
      expect(pre.headers.get("access-control-allow-origin")).toBe(APP);
      const allowed = pre.headers.get("access-control-allow-headers")!.split(", ");
      expect(allowed).toContain("x-stainless-os");
      expect(allowed).toContain("anthropic-dangerous-direct-browser-access");
      expect(allowed).toContain("x-goog-api-key");
      expect(allowed).not.toContain("x-evil");
    }
    const res = await gw.fetch("/v1/chat/completions", jsonPost(chat, { authorization: `Bearer ${key}`, origin: APP }));
    expect(res.status).toBe(200);
    expect(res.headers.get("access-control-allow-origin")).toBe(APP);
    expect(res.headers.get("access-control-expose-headers")).toContain("x-generation-id");
    expect(res.headers.get("x-generation-id")).toMatch(/^gen-/);
    const stream = await gw.fetch("/v1/chat/completions", jsonPost({ ...chat, stream: true }, { authorization: `Bearer ${key}`, origin: APP }));
    expect(stream.headers.get("access-control-allow-origin")).toBe(APP);
    expect(await stream.text()).toContain("[DONE]");
    // An origin not on the list: no preflight, no CORS headers on an answer.
    expect((await gw.fetch("/v1/chat/completions", preflight("POST", "authorization", "https://evil.example"))).status).toBe(403);
    const stranger = await gw.fetch("/v1/models", { headers: { origin: "https://evil.example" } });
    expect(stranger.headers.get("access-control-allow-origin")).toBeNull();
    await gw.settled();
  });

  it("errors a browser app must read (401, 402, 400, 404) carry the CORS headers too, on every surface", async () => {
    const up = fakeSession("cors-errors");
    const gw = gateway({ ...up.env, CORS_ORIGINS: APP });
    const broke = await gw.createKey({ limit: 0 });
    const cases: Array<[string, RequestInit, number]> = [
      ["/v1/chat/completions", jsonPost(chat, { authorization: "Bearer lr_live_nope", origin: APP }), 401],
      ["/v1/chat/completions", jsonPost(chat, { authorization: `Bearer ${broke.key}`, origin: APP }), 402],
      ["/v1/messages", jsonPost({ model: "anthropic/claude-sonnet-4.6", messages: [] }, { "x-api-key": broke.key, "anthropic-version": "2023-06-01", origin: APP }), 400],
      ["/v1beta/models/gemini-2.5-flash:generateContent", jsonPost({ contents: [{ parts: [{ text: "hi" }] }] }, { "x-goog-api-key": "nope", origin: APP }), 401],
      ["/v1/models/no-such/model", { headers: { origin: APP } }, 404],
    ];
    for (const [path, init, status] of cases) {
      const res = await gw.fetch(path, init);
      expect(res.status, path).toBe(status);
      expect(res.headers.get("access-control-allow-origin"), path).toBe(APP);
    }
    expect(await up.requests()).toEqual([]);
    await gw.settled();
  });

  it("CORS_ORIGINS=* allows any origin", async () => {
    const gw = gateway({ CORS_ORIGINS: "*" });
    const pre = await gw.fetch("/v1/models", preflight("GET", "authorization", "https://anyone.example"));
    expect(pre.status).toBe(204);
    expect(pre.headers.get("access-control-allow-origin")).toBe("*");
  });

  it("management routes never answer cross-origin, even for a listed origin and a valid management key", async () => {
    const gw = gateway({ CORS_ORIGINS: "*" });
    const { key } = await gw.createKey();
    for (const path of ["/api/v1/keys", "/api/v1/management-keys", "/api/v1/activity", "/api/v1/key", "/api/v1/generation?id=gen-x"]) {
      const pre = await gw.fetch(path, preflight("GET", "authorization"));
      expect(pre.status, path).toBe(403);
      expect(pre.headers.get("access-control-allow-origin")).toBeNull();
      const res = await gw.fetch(path, { headers: { authorization: `Bearer ${path.endsWith("key") ? key : MANAGEMENT_KEY}`, origin: APP } });
      expect(res.status, path).toBe(403);
      expect(res.headers.get("access-control-allow-origin")).toBeNull();
    }
    const created = await gw.fetch("/api/v1/keys", jsonPost({ name: "x" }, { authorization: `Bearer ${MANAGEMENT_KEY}`, origin: APP }));
    expect(created.status).toBe(403);
    // The gateway's own origin (a console served by it) and callers without an Origin are fine.
    expect((await gw.fetch("/api/v1/keys", { headers: { authorization: `Bearer ${MANAGEMENT_KEY}`, origin: "http://gateway.test" } })).status).toBe(200);
    expect((await gw.fetch("/api/v1/keys", { headers: { authorization: `Bearer ${MANAGEMENT_KEY}` } })).status).toBe(200);
  });
});
