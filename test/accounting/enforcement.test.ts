/**
 * Key enforcement on every model route of every surface, end to end: disabled → 403, expired →
 * 401 saying so, a provider outside allowed_providers → 403 naming it, an unpriced model on a key
 * with a limit → 402, rate limit → 429 with Retry-After, each in the caller's own error format;
 * the model lists show only allowed providers; every PATCH applies to the very next request.
 */
import { describe, expect, it } from "vitest";
import { setSpendClockForTesting } from "../../src/spend/client";
import { patchKey } from "../helpers/books";
import { jsonPost, MANAGEMENT_KEY, type Gateway } from "../helpers/gateway";
import { rig } from "../helpers/rig";
import { errorMessage } from "../helpers/surface-reply";
import { authHeaders } from "../helpers/surface-request";

type Format = "openai" | "anthropic" | "gemini";
/** ok: a model of the allowed provider (google); forbidden: another provider's; unpriced: no known price. */
type Which = "ok" | "forbidden" | "unpriced";

interface Route {
  name: string;
  format: Format;
  /** Spends money (reserves through the key's Durable Object): limit, unpriced and rate-limit checks apply. */
  costs: boolean;
  forbiddenProvider: string;
  request(key: string, which: Which): { path: string; init: RequestInit };
}

const CHAT = { ok: "google/gemini-2.5-flash", forbidden: "anthropic/claude-haiku-4.5", unpriced: "openai/gpt-99-unreleased" };
const EMBED = { ok: "google/gemini-embedding-001", forbidden: "openai/text-embedding-3-small", unpriced: "openai/text-embedding-99-unreleased" };

const openaiChat = (prefix: string, stream: boolean): Route => ({
  name: `POST ${prefix}/chat/completions${stream ? " (stream)" : ""}`,
  format: "openai",
  costs: true,
  forbiddenProvider: "anthropic",
  request: (key, which) => ({
    path: `${prefix}/chat/completions`,
    init: jsonPost({ model: CHAT[which], max_tokens: 20, stream, messages: [{ role: "user", content: "hi" }] }, authHeaders("openai", key)),
  }),
});

const anthropicMessages = (stream: boolean): Route => ({
  name: `POST /v1/messages${stream ? " (stream)" : ""}`,
  format: "anthropic",
  costs: true,
  forbiddenProvider: "anthropic",
  request: (key, which) => ({
    path: "/v1/messages",
    init: jsonPost({ model: CHAT[which], max_tokens: 20, stream, messages: [{ role: "user", content: "hi" }] }, authHeaders("anthropic", key)),
  }),
});

const geminiGenerate = (prefix: string, action: string): Route => ({
  name: `POST ${prefix}/models/{m}:${action}`,
  format: "gemini",
  costs: true,
  forbiddenProvider: "anthropic",
  request: (key, which) => ({
    path: `${prefix}/models/${CHAT[which]}:${action}`,
    init: jsonPost({ contents: [{ role: "user", parts: [{ text: "hi" }] }], generationConfig: { maxOutputTokens: 20 } }, authHeaders("gemini", key)),
  }),
});

const ROUTES: Route[] = [
  openaiChat("/v1", false),
  openaiChat("/v1", true),
  openaiChat("/api/v1", false),
  anthropicMessages(false),
  anthropicMessages(true),
  {
    name: "POST /v1/messages/count_tokens",
    format: "anthropic",
    costs: false,
    forbiddenProvider: "anthropic",
    request: (key, which) => ({
      path: "/v1/messages/count_tokens",
      init: jsonPost({ model: CHAT[which], messages: [{ role: "user", content: "hi" }] }, authHeaders("anthropic", key)),
    }),
  },
  geminiGenerate("/v1beta", "generateContent"),
  geminiGenerate("/v1beta", "streamGenerateContent"),
  geminiGenerate("/v1", "generateContent"),
  {
    name: "POST /v1beta/models/{m}:countTokens",
    format: "gemini",
    costs: false,
    forbiddenProvider: "anthropic",
    request: (key, which) => ({
      path: `/v1beta/models/${CHAT[which]}:countTokens?key=${key}`,
      init: jsonPost({ contents: [{ role: "user", parts: [{ text: "hi" }] }] }, {}),
    }),
  },
  {
    name: "POST /v1beta/models/{m}:embedContent",
    format: "gemini",
    costs: true,
    forbiddenProvider: "openai",
    request: (key, which) => ({
      path: `/v1beta/models/${EMBED[which]}:embedContent`,
      init: jsonPost({ content: { parts: [{ text: "hi" }] } }, authHeaders("gemini", key)),
    }),
  },
  {
    name: "POST /v1beta/models/{m}:batchEmbedContents",
    format: "gemini",
    costs: true,
    forbiddenProvider: "openai",
    request: (key, which) => ({
      path: `/v1beta/models/${EMBED[which]}:batchEmbedContents`,
      init: jsonPost({ requests: [{ model: `models/${EMBED[which]}`, content: { parts: [{ text: "hi" }] } }] }, authHeaders("gemini", key)),
    }),
  },
  ...["/v1", "/api/v1"].map(
    (prefix): Route => ({
      name: `POST ${prefix}/embeddings`,
      format: "openai",
      costs: true,
      forbiddenProvider: "openai",
      request: (key, which) => ({ path: `${prefix}/embeddings`, init: jsonPost({ model: EMBED[which], input: "hi" }, authHeaders("openai", key)) }),
    }),
  ),
];

async function call(gw: Gateway, route: Route, key: string, which: Which = "ok") {
  const { path, init } = route.request(key, which);
  const res = await gw.fetch(path, init);
  const text = await res.text();
  let body: any = null;
  try {
    body = JSON.parse(text);
  } catch {
    /* a stream */
  }
  return { status: res.status, body, text, headers: res.headers };
}

async function expectError(gw: Gateway, route: Route, key: string, which: Which, status: number, message: RegExp) {
  const r = await call(gw, route, key, which);
  expect(r.status, `${route.name}: ${r.text}`).toBe(status);
  expect(errorMessage(route.format, status, r.body)).toMatch(message);
  return r;
}

async function expectOk(gw: Gateway, route: Route, key: string) {
  const r = await call(gw, route, key, "ok");
  expect(r.status, `${route.name}: ${r.text}`).toBe(200);
  return r;
}

describe("enforcement on every model route", () => {
  for (const route of ROUTES) {
    it(`${route.name}: disabled, expired, provider, unpriced, rate limit, each applied by the very next request`, async () => {
      const { gw, key, hash } = await rig(`acct-enf-${route.name.replace(/\W+/g, "-")}`);
      await gw.settled();
      await expectOk(gw, route, key);

      // Disabled → 403; re-enabled → served again.
      await patchKey(gw, hash, { disabled: true });
      await expectError(gw, route, key, "ok", 403, /disabled/);
      await patchKey(gw, hash, { disabled: false });
      await expectOk(gw, route, key);

      // Expired → 401 saying it expired (the key's clock is moved past expires_at).
      const expiresAt = Date.now() + 3_600_000;
      await patchKey(gw, hash, { expires_at: new Date(expiresAt).toISOString() });
      await expectOk(gw, route, key);
      await setSpendClockForTesting(gw.env, hash, expiresAt + 1);
      await expectError(gw, route, key, "ok", 401, /expired/);
      await setSpendClockForTesting(gw.env, hash, null);
      await patchKey(gw, hash, { expires_at: null });
      await expectOk(gw, route, key);

      // allowed_providers → 403 naming the provider; the allowed one still works.
      await patchKey(gw, hash, { allowed_providers: ["google"] });
      await expectError(gw, route, key, "forbidden", 403, new RegExp(`provider.*'${route.forbiddenProvider}'`));
      await expectOk(gw, route, key);
      await patchKey(gw, hash, { allowed_providers: null });
      expect((await call(gw, route, key, "forbidden")).status).toBe(200);

      if (route.costs) {
        // An unpriced model on a key with a limit → 402 saying so, never a $0 charge; without a limit it runs.
        await patchKey(gw, hash, { limit: 10 });
        await expectError(gw, route, key, "unpriced", 402, /no known price/);
        // A limit too small for the request's worst case → 402 saying what is left.
        await patchKey(gw, hash, { limit: 0 });
        await expectError(gw, route, key, "ok", 402, /spend limit/);
        await patchKey(gw, hash, { limit: null });
        expect((await call(gw, route, key, "unpriced")).status).toBe(200);

        // Rate limit → 429 with Retry-After; lifted → served again.
        await patchKey(gw, hash, { rate_limit: { requests: 1, interval: "hour" } });
        await expectOk(gw, route, key);
        const r = await expectError(gw, route, key, "ok", 429, /[Rr]ate limit/);
        const retryAfter = Number(r.headers.get("retry-after"));
        expect(retryAfter).toBeGreaterThan(0);
        expect(retryAfter).toBeLessThanOrEqual(3600);
        await patchKey(gw, hash, { rate_limit: null });
        await expectOk(gw, route, key);
      }

      // Deleted → 401 at once.
      const del = await gw.fetch(`/api/v1/keys/${hash}`, { method: "DELETE", headers: { authorization: `Bearer ${MANAGEMENT_KEY}` } });
      expect(del.status).toBe(200);
      await expectError(gw, route, key, "ok", 401, /Invalid API key|deleted/);
      await gw.settled();
    });
  }
});

describe("model lists show only the providers the key may use", () => {
  it("GET /v1/models and /api/v1/models (OpenAI shape), GET /v1beta/models (Google shape)", async () => {
    const { gw, key, hash } = await rig("acct-enf-models", { key: { allowed_providers: ["google"] } });
    const auth = { authorization: `Bearer ${key}` };
    const list = async (path: string, headers: Record<string, string>) => {
      const res = await gw.fetch(path, { headers });
      expect(res.status, path).toBe(200);
      return (await res.json()) as any;
    };
    const publicIds: string[] = (await list("/v1/models", {})).data.map((m: any) => m.id);
    expect(publicIds).toEqual(expect.arrayContaining(["google/gemini-2.5-flash", "anthropic/claude-haiku-4.5", "openai/gpt-4o-mini"]));
    for (const path of ["/v1/models", "/api/v1/models"]) {
      const ids: string[] = (await list(path, auth)).data.map((m: any) => m.id);
      expect(ids).toContain("google/gemini-2.5-flash");
      expect(ids).not.toContain("anthropic/claude-haiku-4.5");
      // A model several providers serve stays listed when one of them is allowed (OpenRouter serves it too).
      expect(ids.length).toBeLessThan(publicIds.length);
    }
    const g = await list("/v1beta/models", authHeaders("gemini", key));
    const names: string[] = g.models.map((m: any) => m.name);
    expect(names).toContain("models/google/gemini-2.5-flash");
    expect(names).not.toContain("models/anthropic/claude-haiku-4.5");

    // The change applies to the very next list.
    await patchKey(gw, hash, { allowed_providers: ["anthropic"] });
    const after: string[] = (await list("/v1/models", auth)).data.map((m: any) => m.id);
    expect(after).toContain("anthropic/claude-haiku-4.5");
    expect(after).not.toContain("google/gemini-2.5-flash");

    // A disabled key gets 403 there too, in the route's format.
    await patchKey(gw, hash, { disabled: true });
    const d = await gw.fetch("/v1/models", { headers: auth });
    expect(d.status).toBe(403);
    expect(errorMessage("openai", 403, await d.json())).toMatch(/disabled/);
    const dg = await gw.fetch("/v1beta/models", { headers: { "x-goog-api-key": key } });
    expect(dg.status).toBe(403);
    expect(errorMessage("gemini", 403, await dg.json())).toMatch(/disabled/);
  });
});
