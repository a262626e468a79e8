import { describe, expect, it } from "vitest";
import { hashKey } from "../../src/keys/crypto";
import { call, createKey, env, MGMT } from "./helpers";

const future = (ms = 86_400_000) => new Date(Date.now() + ms).toISOString();

describe("management auth", () => {
  it("401 without a key, 401 with a wrong key, 403 with an API key", async () => {
    const none = await call("GET", "/api/v1/keys", { token: null });
    expect(none.status).toBe(401);
    expect(none.body.error).toMatchObject({ code: 401, type: "authentication_error" });
    expect(none.body.error.message).toMatch(/Missing management key/);

    const wrong = await call("GET", "/api/v1/keys", { token: "lr_mgmt_not_a_real_key" });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.message).toMatch(/Invalid management key/);
    expect((await call("GET", "/api/v1/keys", { token: "something-else" })).status).toBe(401);

    const { key } = await createKey();
    const api = await call("GET", "/api/v1/keys", { token: key });
    expect(api.status).toBe(403);
    expect(api.body.error).toMatchObject({ code: 403, type: "permission_error" });
    for (const [m, p] of [
      ["POST", "/api/v1/keys"],
      ["GET", "/api/v1/management-keys"],
      ["POST", "/api/v1/management-keys"],
      ["GET", "/api/v1/activity"],
    ] as const) {
      const body = m === "POST" ? { name: "x" } : undefined;
      expect((await call(m, p, { token: key, body })).status).toBe(403);
      expect((await call(m, p, { token: null, body })).status).toBe(401);
    }
  });

  it("accepts the bootstrap key as x-api-key too", async () => {
    const r = await call("GET", "/api/v1/keys", { token: null, headers: { "x-api-key": MGMT } });
    expect(r.status).toBe(200);
  });
});

describe("POST /api/v1/keys", () => {
  it("creates a key shown once, stored only as its SHA-256 hash", async () => {
    const r = await call("POST", "/api/v1/keys", {
      body: {
        name: "ci",
        allowed_providers: ["openai", "anthropic"],
        limit: 12.5,
        limit_reset: "monthly",
        expires_at: future(),
        rate_limit: { requests: 60, interval: "minute" },
      },
    });
    expect(r.status).toBe(201);
    const key: string = r.body.key;
    expect(key).toMatch(/^lr_live_[0-9A-Za-z]{43}$/);
    const d = r.body.data;
    expect(d.hash).toBe(await hashKey(key));
    expect(d).toMatchObject({
      name: "ci",
      label: `lr_live_${key.slice(8, 11)}…${key.slice(-3)}`,
      disabled: false,
      allowed_providers: ["openai", "anthropic"],
      limit: 12.5,
      limit_reset: "monthly",
      limit_remaining: 12.5,
      usage: 0,
      usage_daily: 0,
      usage_weekly: 0,
      usage_monthly: 0,
      rate_limit: { requests: 60, interval: "minute" },
    });
    expect(Date.parse(d.created_at)).toBeGreaterThan(0);
    expect(d.updated_at).toBe(d.created_at);
    expect(Date.parse(d.expires_at)).toBeGreaterThan(Date.now());
    expect(JSON.stringify(d)).not.toContain(key);

    const row = await env.DB.prepare("SELECT * FROM api_keys WHERE hash = ?").bind(d.hash).first();
    expect(row).not.toBeNull();
    expect(JSON.stringify(row)).not.toContain(key.slice(8));
    expect(row).toMatchObject({ limit_micros: 12_500_000, limit_reset: "monthly", rate_limit_requests: 60 });

    // Never shown again.
    const again = await call("GET", `/api/v1/keys/${d.hash}`);
    expect(again.body.key).toBeUndefined();
    expect(JSON.stringify(again.body)).not.toContain(key);
  });

  it("uses the given label and defaults the rest", async () => {
    const r = await call("POST", "/api/v1/keys", { body: { name: "n", label: "my label" } });
    expect(r.status).toBe(201);
    expect(r.body.data).toMatchObject({
      label: "my label",
      allowed_providers: null,
      limit: null,
      limit_reset: null,
      limit_remaining: null,
      rate_limit: null,
      expires_at: null,
    });
  });

  const bad: Array<[string, unknown, string]> = [
    ["missing name", {}, "name"],
    ["name not a string", { name: 5 }, "name"],
    ["empty name", { name: "  " }, "name"],
    ["negative limit", { name: "a", limit: -1 }, "limit"],
    ["limit as string", { name: "a", limit: "5" }, "limit"],
    ["bad limit_reset", { name: "a", limit_reset: "yearly" }, "limit_reset"],
    ["bad expires_at", { name: "a", expires_at: "tomorrow" }, "expires_at"],
    ["past expires_at", { name: "a", expires_at: "2020-01-01T00:00:00Z" }, "expires_at"],
    ["allowed_providers not an array", { name: "a", allowed_providers: "openai" }, "allowed_providers"],
    ["allowed_providers with a blank", { name: "a", allowed_providers: ["openai", ""] }, "allowed_providers.1"],
    ["rate_limit.requests 0", { name: "a", rate_limit: { requests: 0, interval: "minute" } }, "rate_limit.requests"],
    ["rate_limit.interval bad", { name: "a", rate_limit: { requests: 5, interval: "week" } }, "rate_limit.interval"],
    ["rate_limit unknown field", { name: "a", rate_limit: { requests: 5, interval: "hour", burst: 2 } }, "rate_limit.burst"],
    ["unknown field", { name: "a", credits: 5 }, "credits"],
  ];
  for (const [what, body, field] of bad) {
    it(`400 naming the field: ${what}`, async () => {
      const r = await call("POST", "/api/v1/keys", { body });
      expect(r.status).toBe(400);
      expect(r.body.error.type).toBe("invalid_request_error");
      expect(r.body.error.message).toContain(`${field}:`);
      expect(r.body.error.metadata.fields).toContain(field);
    });
  }

  it("400 for a body that is not JSON or not an object", async () => {
    const r1 = await call("POST", "/api/v1/keys", { rawBody: "{nope" });
    expect(r1.status).toBe(400);
    expect(r1.body.error.message).toMatch(/JSON/);
    const r2 = await call("POST", "/api/v1/keys", { body: ["name"] });
    expect(r2.status).toBe(400);
  });
});

describe("GET /api/v1/keys", () => {
  it("pages newest first and hides disabled keys unless asked", async () => {
    const made = [];
    for (let i = 0; i < 4; i++) {
      made.push(await createKey({ name: `page-${i}` }));
      await new Promise((r) => setTimeout(r, 3)); // distinct created_at
    }
    await call("PATCH", `/api/v1/keys/${made[1].hash}`, { body: { disabled: true } });

    const all = await call("GET", "/api/v1/keys?limit=100&include_disabled=true");
    expect(all.status).toBe(200);
    const names: string[] = all.body.data.map((k: { name: string }) => k.name).filter((n: string) => n.startsWith("page-"));
    expect(names).toEqual(["page-3", "page-2", "page-1", "page-0"]);
    const times = all.body.data.map((k: { created_at: string }) => Date.parse(k.created_at));
    expect([...times].sort((a, b) => b - a)).toEqual(times);

    const enabled = await call("GET", "/api/v1/keys?limit=100");
    const enabledNames = enabled.body.data.map((k: { name: string }) => k.name);
    expect(enabledNames).not.toContain("page-1");
    expect(enabledNames).toContain("page-2");

    const first = await call("GET", "/api/v1/keys?limit=2&include_disabled=true");
    const second = await call("GET", "/api/v1/keys?limit=2&offset=2&include_disabled=true");
    expect(first.body.data).toHaveLength(2);
    expect(first.body.data[0].name).toBe("page-3");
    expect(second.body.data[0].hash).toBe(all.body.data[2].hash);
    expect(first.body).toMatchObject({ offset: 0, limit: 2 });
  });

  it("400 naming a bad query parameter", async () => {
    for (const [q, field] of [
      ["limit=0", "limit"],
      ["limit=abc", "limit"],
      ["offset=-1", "offset"],
      ["include_disabled=maybe", "include_disabled"],
    ]) {
      const r = await call("GET", `/api/v1/keys?${q}`);
      expect(r.status, q).toBe(400);
      expect(r.body.error.message).toContain(`${field}:`);
    }
  });
});

describe("GET/PATCH/DELETE /api/v1/keys/:hash", () => {
  it("reads one key; 404 for an unknown or malformed hash", async () => {
    const k = await createKey({ name: "one" });
    const r = await call("GET", `/api/v1/keys/${k.hash}`);
    expect(r.status).toBe(200);
    expect(r.body.data).toEqual(k.data);
    const unknown = await call("GET", `/api/v1/keys/${"0".repeat(64)}`);
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.type).toBe("not_found_error");
    expect((await call("GET", "/api/v1/keys/not-a-hash")).status).toBe(404);
  });

  it("patches every field, including clearing them with null", async () => {
    const k = await createKey({ name: "before", limit: 1 });
    const exp = future(3_600_000);
    const r = await call("PATCH", `/api/v1/keys/${k.hash}`, {
      body: {
        name: "after",
        label: "relabelled",
        disabled: true,
        allowed_providers: ["openai"],
        limit: 2.25,
        limit_reset: "weekly",
        expires_at: exp,
        rate_limit: { requests: 3, interval: "hour" },
      },
    });
    expect(r.status).toBe(200);
    expect(r.body.data).toMatchObject({
      hash: k.hash,
      name: "after",
      label: "relabelled",
      disabled: true,
      allowed_providers: ["openai"],
      limit: 2.25,
      limit_reset: "weekly",
      limit_remaining: 2.25,
      expires_at: new Date(Date.parse(exp)).toISOString(),
      rate_limit: { requests: 3, interval: "hour" },
      created_at: k.data.created_at,
    });
    expect(Date.parse(r.body.data.updated_at)).toBeGreaterThanOrEqual(Date.parse(k.data.updated_at));

    const cleared = await call("PATCH", `/api/v1/keys/${k.hash}`, {
      body: { allowed_providers: null, limit: null, limit_reset: null, expires_at: null, rate_limit: null, disabled: false },
    });
    expect(cleared.body.data).toMatchObject({
      name: "after",
      disabled: false,
      allowed_providers: null,
      limit: null,
      limit_remaining: null,
      limit_reset: null,
      expires_at: null,
      rate_limit: null,
    });
    // An empty patch changes nothing but is fine.
    expect((await call("PATCH", `/api/v1/keys/${k.hash}`, { body: {} })).body.data.name).toBe("after");
  });

  it("PATCH: 400 naming the field, 404 for an unknown hash", async () => {
    const k = await createKey();
    for (const [body, field] of [
      [{ disabled: "yes" }, "disabled"],
      [{ name: "" }, "name"],
      [{ limit: -5 }, "limit"],
      [{ hash: "x" }, "hash"],
      [{ rate_limit: { requests: 1.5, interval: "minute" } }, "rate_limit.requests"],
    ] as const) {
      const r = await call("PATCH", `/api/v1/keys/${k.hash}`, { body });
      expect(r.status, field).toBe(400);
      expect(r.body.error.message).toContain(`${field}:`);
    }
    expect((await call("PATCH", `/api/v1/keys/${"a".repeat(64)}`, { body: { name: "x" } })).status).toBe(404);
  });

  it("deletes a key; it is gone afterwards", async () => {
    const k = await createKey();
    const r = await call("DELETE", `/api/v1/keys/${k.hash}`);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ deleted: true });
    expect((await call("GET", `/api/v1/keys/${k.hash}`)).status).toBe(404);
    expect((await call("DELETE", `/api/v1/keys/${k.hash}`)).status).toBe(404);
    expect((await call("PATCH", `/api/v1/keys/${k.hash}`, { body: { name: "x" } })).status).toBe(404);
    const me = await call("GET", "/api/v1/key", { token: k.key });
    expect(me.status).toBe(401);
  });
});

describe("management keys", () => {
  it("rotates: create a management key, use it, delete the old one, the old one stops working", async () => {
    const created = await call("POST", "/api/v1/management-keys", { body: { name: "ops-1" } });
    expect(created.status).toBe(201);
    const m1: string = created.body.key;
    expect(m1).toMatch(/^lr_mgmt_[0-9A-Za-z]{43}$/);
    expect(created.body.data).toMatchObject({ hash: await hashKey(m1), name: "ops-1", label: `lr_mgmt_${m1.slice(8, 11)}…${m1.slice(-3)}` });

    // m1 can manage API keys and create its successor.
    expect((await call("GET", "/api/v1/keys", { token: m1 })).status).toBe(200);
    const next = await call("POST", "/api/v1/management-keys", { token: m1, body: { name: "ops-2", label: "second" } });
    expect(next.status).toBe(201);
    const m2: string = next.body.key;

    const list = await call("GET", "/api/v1/management-keys", { token: m2 });
    expect(list.status).toBe(200);
    const hashes = list.body.data.map((k: { hash: string }) => k.hash);
    expect(hashes).toContain(created.body.data.hash);
    expect(hashes.indexOf(next.body.data.hash)).toBeLessThan(hashes.indexOf(created.body.data.hash));
    expect(JSON.stringify(list.body)).not.toContain(m1);
    expect(JSON.stringify(list.body)).not.toContain(m2);

    const del = await call("DELETE", `/api/v1/management-keys/${created.body.data.hash}`, { token: m2 });
    expect(del.body).toEqual({ deleted: true });
    const old = await call("GET", "/api/v1/keys", { token: m1 });
    expect(old.status).toBe(401);
    expect((await call("GET", "/api/v1/keys", { token: m2 })).status).toBe(200);
    expect((await call("DELETE", `/api/v1/management-keys/${created.body.data.hash}`, { token: m2 })).status).toBe(404);

    const row = await env.DB.prepare("SELECT * FROM management_keys WHERE hash = ?").bind(next.body.data.hash).first();
    expect(JSON.stringify(row)).not.toContain(m2.slice(8));
  });

  it("400 naming bad fields; API keys are refused", async () => {
    const r = await call("POST", "/api/v1/management-keys", { body: { name: 1, scope: "all" } });
    expect(r.status).toBe(400);
    expect(r.body.error.message).toContain("name:");
    expect(r.body.error.message).toContain("scope:");
    const { key } = await createKey();
    expect((await call("POST", "/api/v1/management-keys", { token: key, body: { name: "x" } })).status).toBe(403);
    expect((await call("DELETE", `/api/v1/management-keys/${"b".repeat(64)}`)).status).toBe(404);
  });
});

describe("GET /api/v1/key and /api/v1/auth/key", () => {
  it("returns the calling key's own object", async () => {
    const k = await createKey({ name: "self", limit: 3, limit_reset: "daily" });
    for (const path of ["/api/v1/key", "/api/v1/auth/key"]) {
      const r = await call("GET", path, { token: k.key });
      expect(r.status).toBe(200);
      expect(r.body.data).toEqual(k.data);
    }
    const viaHeader = await call("GET", "/api/v1/key", { token: null, headers: { "x-api-key": k.key } });
    expect(viaHeader.body.data.hash).toBe(k.hash);
  });

  it("401 without a key, with an unknown key, or with a management key; 403 when disabled", async () => {
    expect((await call("GET", "/api/v1/key", { token: null })).status).toBe(401);
    expect((await call("GET", "/api/v1/key", { token: "lr_live_doesnotexist" })).status).toBe(401);
    const m = await call("GET", "/api/v1/key", { token: MGMT });
    expect(m.status).toBe(401);
    expect(m.body.error.message).toMatch(/Management keys cannot/);
    const k = await createKey();
    await call("PATCH", `/api/v1/keys/${k.hash}`, { body: { disabled: true } });
    expect((await call("GET", "/api/v1/auth/key", { token: k.key })).status).toBe(403);
  });
});
