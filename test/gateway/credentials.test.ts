import { describe, expect, it } from "vitest";
import { fakeSession } from "../helpers/fake-upstream";
import { gateway, jsonPost } from "../helpers/gateway";

/** The one credential rule (src/auth/token.ts), on every model surface. */
const SURFACES = {
  openai: { path: "/v1/chat/completions", body: { model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "Hi" }] } },
  anthropic: { path: "/v1/messages", body: { model: "openai/gpt-4o-mini", max_tokens: 16, messages: [{ role: "user", content: "Hi" }] } },
  gemini: { path: "/v1beta/models/openai/gpt-4o-mini:generateContent", body: { contents: [{ role: "user", parts: [{ text: "Hi" }] }] } },
} as const;

describe("credentials: one rule on every surface", () => {
  it("Bearer, x-api-key and x-goog-api-key work everywhere; ?key= only on the Gemini surface", async () => {
    const up = fakeSession("credentials");
    const gw = gateway(up.env);
    const { key } = await gw.createKey();
    const forms: Array<[string, Record<string, string>]> = [
      ["bearer", { authorization: `Bearer ${key}` }],
      ["bearer, lower-case scheme", { authorization: `bearer ${key}` }],
      ["x-api-key", { "x-api-key": key }],
      ["x-goog-api-key", { "x-goog-api-key": key }],
    ];
    for (const [name, s] of Object.entries(SURFACES)) {
      for (const [form, headers] of forms) {
        const res = await gw.fetch(s.path, jsonPost(s.body, headers));
        expect(res.status, `${name} with ${form}`).toBe(200);
      }
      const inQuery = await gw.fetch(`${s.path}?key=${key}`, jsonPost(s.body));
      expect(inQuery.status, `${name} with ?key=`).toBe(name === "gemini" ? 200 : 401);
    }
    await gw.settled();
  });

  it("Authorization wins over x-api-key when both are sent", async () => {
    const up = fakeSession("credentials-precedence");
    const gw = gateway(up.env);
    const { key } = await gw.createKey();
    const s = SURFACES.anthropic;
    const wrongBearer = await gw.fetch(s.path, jsonPost(s.body, { authorization: "Bearer lr_live_unknown0000000000000000000000000", "x-api-key": key }));
    expect(wrongBearer.status).toBe(401);
    const rightBearer = await gw.fetch(s.path, jsonPost(s.body, { authorization: `Bearer ${key}`, "x-api-key": "lr_live_unknown" }));
    expect(rightBearer.status).toBe(200);
    await gw.settled();
  });
});
