/**
 * Google Vertex AI: service-account token minting with WebCrypto (a key generated here, the
 * assertion verified with its public key), the per-isolate token cache, URLs per location, token
 * counting for both publishers, and failures of the credentials themselves.
 */
import { describe, expect, it } from "vitest";
import { accessToken, clearTokenCache, parseServiceAccount, signJwt } from "../../src/providers/google-auth";
import type { Env } from "../../src/env";
import { vertexHost } from "../../src/providers/google-vertex";
import { getProvider, providerConfig } from "../../src/providers/registry";
import type { FetchLike } from "../../src/providers/types";
import { testServiceAccount, VERTEX_LOCATION, vertexEnv } from "../helpers/cloud-env";
import { fakeSession } from "../helpers/fake-upstream";
import { gateway, jsonPost } from "../helpers/gateway";

const b64urlJson = (s: string) => JSON.parse(atob(s.replace(/-/g, "+").replace(/_/g, "/")));

describe("service-account tokens", () => {
  it("signs an RS256 JWT the account's public key verifies, with Google's claims", async () => {
    const up = fakeSession("vertex-jwt");
    const account = await testServiceAccount(up);
    const sa = parseServiceAccount(account.json)!;
    const now = Math.floor(Date.now() / 1000);
    const jwt = await signJwt(sa, "https://www.googleapis.com/auth/cloud-platform", now);
    const [h, c, s] = jwt.split(".");
    expect(b64urlJson(h)).toEqual({ alg: "RS256", typ: "JWT", kid: "0123456789abcdef" });
    expect(b64urlJson(c)).toEqual({ iss: account.clientEmail, scope: "https://www.googleapis.com/auth/cloud-platform", aud: account.tokenUri, iat: now, exp: now + 3600 });
    const sig = Uint8Array.from(atob(s.replace(/-/g, "+").replace(/_/g, "/")), (ch) => ch.charCodeAt(0));
    const ok = await crypto.subtle.verify("RSASSA-PKCS1-v1_5", account.publicKey, sig, new TextEncoder().encode(`${h}.${c}`));
    expect(ok).toBe(true);
    const tampered = await crypto.subtle.verify("RSASSA-PKCS1-v1_5", account.publicKey, sig, new TextEncoder().encode(`${h}.${c}x`));
    expect(tampered).toBe(false);
  });

  it("exchanges it at token_uri, caches the token, and shares one mint between concurrent calls", async () => {
    clearTokenCache();
    const up = fakeSession("vertex-mint");
    const account = await testServiceAccount(up);
    await up.configure({ oauthPublicKey: account.publicKeyPem });
    const sa = parseServiceAccount(account.json)!;
    const [a, b] = await Promise.all([accessToken(sa, { provider: "t" }), accessToken(sa, { provider: "t" })]);
    expect(a).toMatch(/^ya29\.fake-/);
    expect(b).toBe(a);
    expect(await accessToken(sa, { provider: "t" })).toBe(a);
    const calls = await up.requests();
    expect(calls).toHaveLength(1);
    expect(calls[0].path).toBe("/oauth2/token");
    expect(calls[0].headers["content-type"]).toBe("application/x-www-form-urlencoded");
  });

  it("mints again when the cached token is about to expire", async () => {
    clearTokenCache();
    const up = fakeSession("vertex-expiry");
    const account = await testServiceAccount(up);
    // Tokens that live 60 s are inside the refresh margin at once: each call mints.
    await up.configure({ oauthPublicKey: account.publicKeyPem, oauthExpiresIn: 60 });
    const sa = parseServiceAccount(account.json)!;
    const first = await accessToken(sa, { provider: "t" });
    const second = await accessToken(sa, { provider: "t" });
    expect(second).not.toBe(first);
    expect(await up.requests()).toHaveLength(2);
  });

  it("fails with the token endpoint's reason as the provider's 502", async () => {
    clearTokenCache();
    const up = fakeSession("vertex-badkey");
    const account = await testServiceAccount(up);
    const other = await testServiceAccount(up);
    // The endpoint checks signatures with another key: Google's invalid_grant.
    await up.configure({ oauthPublicKey: other.publicKeyPem });
    const err = await accessToken(parseServiceAccount(account.json)!, { provider: "google-vertex" }).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 502, message: expect.stringMatching(/HTTP 400: Invalid JWT Signature/) });

    const unreachable: FetchLike = () => Promise.reject(new TypeError("connection refused"));
    const err2 = await accessToken(parseServiceAccount(account.json)!, { provider: "google-vertex", fetch: unreachable }).catch((e: unknown) => e);
    expect(err2).toMatchObject({ status: 502, message: expect.stringMatching(/connection refused/) });
  });

  it("reads the credentials raw or base64-encoded, and rejects anything else", async () => {
    const up = fakeSession("vertex-parse");
    const { json } = await testServiceAccount(up);
    expect(parseServiceAccount(json)?.clientEmail).toMatch(/@fake-project\.iam\.gserviceaccount\.com$/);
    expect(parseServiceAccount(btoa(json))?.tokenUri).toBe(`${up.baseUrl}/oauth2/token`);
    expect(parseServiceAccount('{"type":"authorized_user"}')).toBeUndefined();
    expect(parseServiceAccount("not json")).toBeUndefined();
    expect(parseServiceAccount(JSON.stringify({ client_email: "a@b", private_key: "k" }))?.tokenUri).toBe("https://oauth2.googleapis.com/token");
  });
});

describe("through the gateway", () => {
  it("mints one token for many calls to both publishers", async () => {
    clearTokenCache();
    const up = fakeSession("vertex-gw-cache");
    const gw = gateway({ ...up.env, ...(await vertexEnv(up)) });
    const { key } = await gw.createKey();
    for (const model of ["google-vertex/gemini-2.5-flash", "google-vertex/claude-sonnet-4-5@20250929", "google-vertex/gemini-2.5-pro"]) {
      const res = await gw.fetch("/v1/chat/completions", jsonPost({ model, messages: [{ role: "user", content: "hi" }] }, { authorization: `Bearer ${key}` }));
      expect(res.status).toBe(200);
    }
    const paths = (await up.requests()).map((r) => r.path);
    expect(paths.filter((p) => p === "/oauth2/token")).toHaveLength(1);
    expect(paths.filter((p) => p.startsWith("/vertex/"))).toHaveLength(3);
  });

  it("counts tokens with each publisher's own endpoint", async () => {
    const up = fakeSession("vertex-count");
    const gw = gateway({ ...up.env, ...(await vertexEnv(up)) });
    const { key } = await gw.createKey();
    const count = (model: string) =>
      gw.fetch("/v1/messages/count_tokens", jsonPost({ model, messages: [{ role: "user", content: "How many tokens?" }] }, { "x-api-key": key, "anthropic-version": "2023-06-01" }));

    const claude = await count("google-vertex/claude-sonnet-4-5@20250929");
    expect(claude.status).toBe(200);
    expect(claude.headers.get("x-arouter-token-count")).toBe("exact");
    const sentClaude = (await up.lastRequest())!;
    expect(sentClaude.path).toBe(`/vertex/v1/projects/fake-project/locations/${VERTEX_LOCATION}/publishers/anthropic/models/count-tokens:rawPredict`);
    expect(sentClaude.body).toMatchObject({ anthropic_version: "vertex-2023-10-16", model: "claude-sonnet-4-5@20250929" });
    expect(((await claude.json()) as any).input_tokens).toBeGreaterThan(0);

    const gemini = await count("google-vertex/gemini-2.5-flash");
    expect(gemini.status).toBe(200);
    expect(gemini.headers.get("x-arouter-token-count")).toBe("exact");
    expect((await up.lastRequest())!.path).toMatch(/\/publishers\/google\/models\/gemini-2\.5-flash:countTokens$/);
  });

  it("is not enabled by credentials that are not a service account", async () => {
    const up = fakeSession("vertex-off");
    const gw = gateway({ ...up.env, GOOGLE_VERTEX_PROJECT: "p", GOOGLE_VERTEX_CREDENTIALS: '{"type":"authorized_user"}', GOOGLE_VERTEX_BASE_URL: `${up.baseUrl}/vertex` });
    const { key } = await gw.createKey();
    const res = await gw.fetch("/v1/chat/completions", jsonPost({ model: "google-vertex/gemini-2.5-flash", messages: [{ role: "user", content: "hi" }] }, { authorization: `Bearer ${key}` }));
    expect(res.status).toBe(503);
    expect(await res.text()).toMatch(/GOOGLE_VERTEX_CREDENTIALS/);
  });

  it("a token Vertex did not issue is a configuration error naming the variables, without Vertex's text (issue #11)", async () => {
    clearTokenCache();
    const up = fakeSession("vertex-401");
    const gw = gateway({ ...up.env, ...(await vertexEnv(up)) });
    const { key } = await gw.createKey();
    await up.script({ match: "/vertex/", status: 401, message: "Request had invalid authentication credentials." });
    const res = await gw.fetch("/v1/chat/completions", jsonPost({ model: "google-vertex/gemini-2.5-flash", messages: [{ role: "user", content: "hi" }] }, { authorization: `Bearer ${key}` }));
    expect(res.status).toBe(502);
    const text = await res.text();
    expect(text).toMatch(/'google-vertex' refused the gateway's credentials \(HTTP 401\).*GOOGLE_VERTEX_CREDENTIALS/);
    expect(text).not.toMatch(/invalid authentication credentials/);
  });
});

describe("URLs", () => {
  it("uses the regional host, or the global one for location 'global'", () => {
    expect(vertexHost("us-central1")).toBe("https://us-central1-aiplatform.googleapis.com");
    expect(vertexHost("europe-west4")).toBe("https://europe-west4-aiplatform.googleapis.com");
    expect(vertexHost("global")).toBe("https://aiplatform.googleapis.com");
  });

  it("builds Google's and Anthropic's model URLs on Vertex's own host by default", async () => {
    const up = fakeSession("vertex-urls");
    const account = await testServiceAccount(up);
    await up.configure({ oauthPublicKey: account.publicKeyPem });
    const p = getProvider("google-vertex")!;
    const build = async (location: string | undefined, model: string, stream: boolean) => {
      const env = { GOOGLE_VERTEX_CREDENTIALS: account.json, ...(location ? { GOOGLE_VERTEX_LOCATION: location } : {}) } as unknown as Env;
      const cfg = providerConfig(env, p)!;
      return (await p.buildRequest(cfg, "chat", model, { stream, body: JSON.stringify({ model, messages: [] }) })).url;
    };
    // The project defaults to the service account's own.
    expect(await build(undefined, "gemini-2.5-flash", true)).toBe(
      "https://us-central1-aiplatform.googleapis.com/v1/projects/fake-project/locations/us-central1/publishers/google/models/gemini-2.5-flash:streamGenerateContent?alt=sse",
    );
    expect(await build("global", "claude-opus-4-1@20250805", false)).toBe(
      "https://aiplatform.googleapis.com/v1/projects/fake-project/locations/global/publishers/anthropic/models/claude-opus-4-1@20250805:rawPredict",
    );
  });
});
