/**
 * allowed_providers, one way everywhere (issue #11): slugs are normalised when a key is written
 * (aliases such as `gemini` → `google`), unknown slugs are a 400, and routing, the key's Durable
 * Object, count_tokens, GET /v1/models and the Google model list all agree — also for a key stored
 * before normalisation with an alias.
 */
import { describe, expect, it } from "vitest";
import { loadKey } from "../../src/keys/store";
import { fakeSession } from "../helpers/fake-upstream";
import { gateway, jsonPost, MANAGEMENT_KEY, type Gateway } from "../helpers/gateway";

const mgmt = { authorization: `Bearer ${MANAGEMENT_KEY}` };
const hi = { contents: [{ role: "user", parts: [{ text: "hi" }] }] };

async function modelIds(gw: Gateway, path: string, headers: Record<string, string>): Promise<string[]> {
  const res = await gw.fetch(path, { headers });
  expect(res.status, path).toBe(200);
  const body = (await res.json()) as { data?: { id: string }[]; models?: { name: string }[] };
  return body.data ? body.data.map((m) => m.id) : body.models!.map((m) => m.name.replace(/^models\//, ""));
}

describe("allowed_providers", () => {
  it("normalised to registry ids when written; unknown slugs are a 400 naming the field", async () => {
    const gw = gateway();
    const { data, hash } = await gw.createKey({ allowed_providers: ["gemini", "XAI", "Google", "openai"] });
    expect(data.allowed_providers).toEqual(["google", "x-ai", "openai"]);
    const patched = await gw.fetch(`/api/v1/keys/${hash}`, { method: "PATCH", headers: { ...mgmt, "content-type": "application/json" }, body: JSON.stringify({ allowed_providers: ["grok"] }) });
    expect(((await patched.json()) as { data: { allowed_providers: string[] } }).data.allowed_providers).toEqual(["x-ai"]);
    for (const method of ["POST", "PATCH"] as const) {
      const res = await gw.fetch(method === "POST" ? "/api/v1/keys" : `/api/v1/keys/${hash}`, {
        method, headers: { ...mgmt, "content-type": "application/json" }, body: JSON.stringify({ name: "x", allowed_providers: ["openai", "gemeni"] }),
      });
      expect(res.status).toBe(400);
      const err = (await res.json()) as { error: { message: string } };
      expect(err.error.message).toMatch(/allowed_providers\.1: unknown provider 'gemeni'/);
    }
  });

  it("a key stored with an alias ('gemini') is read the same way by chat, count_tokens, /v1/models and the Google list", async () => {
    const up = fakeSession("allowed-alias");
    const gw = gateway(up.env);
    // Written before normalisation: straight into D1, as an older gateway stored it.
    const { key, hash } = await gw.createKey();
    await gw.env.DB.prepare("UPDATE api_keys SET allowed_providers = ?, version = version + 1 WHERE hash = ?").bind(JSON.stringify(["gemini"]), hash).run();
    const stored = (await loadKey(gw.env.DB, hash))!;
    expect(stored.key.allowedProviders).toEqual(["gemini"]);
    await gw.env.SPEND.get(gw.env.SPEND.idFromName(hash)).applyConfig(stored.key, stored.version);
    const fresh = gw;

    const auth = { "x-goog-api-key": key };
    expect((await fresh.fetch("/v1beta/models/gemini-2.5-flash:generateContent", jsonPost(hi, auth))).status).toBe(200);
    expect((await fresh.fetch("/v1beta/models/gemini-2.5-flash:countTokens", jsonPost(hi, auth))).status).toBe(200);
    const before = (await up.requests()).length;
    expect((await fresh.fetch("/v1beta/models/openai/gpt-4o-mini:generateContent", jsonPost(hi, auth))).status).toBe(403);
    expect((await fresh.fetch("/v1beta/models/anthropic/claude-sonnet-4.6:countTokens", jsonPost(hi, auth))).status).toBe(403);
    expect((await up.requests()).length).toBe(before);

    const listed = await modelIds(fresh, "/v1/models?output_modalities=all", { authorization: `Bearer ${key}` });
    expect(listed.length).toBeGreaterThan(0);
    expect(listed.every((id) => id.startsWith("google/"))).toBe(true);
    const google = await modelIds(fresh, "/v1beta/models", auth);
    expect(google.length).toBeGreaterThan(0);
    expect(google.every((id) => listed.includes(id) && id.startsWith("google/"))).toBe(true);
    await fresh.settled();
  });
});
