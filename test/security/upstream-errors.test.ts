/**
 * Upstream error bodies (issue #11): relayed for what they say, but without the operator's
 * account details — organisation and project ids, key fragments, e-mail addresses are scrubbed
 * from the message and from metadata.raw — and an upstream 401/403 (the operator's provider key is
 * wrong) becomes a gateway configuration error naming the provider and the variable to check,
 * without the provider's text.
 */
import { describe, expect, it } from "vitest";
import { scrubText } from "../../src/errors/scrub";
import { fakeSession } from "../helpers/fake-upstream";
import { gateway, jsonPost } from "../helpers/gateway";

const SECRETS = ["org-AbC123xyz789", "proj_Zx9Yw8Vu7T", "sk-proj-abcd", "wxyz", "ops@example-corp.com", "123456789012", "AIzaSyD-secret"];
const chat = (model: string) => ({ model, messages: [{ role: "user", content: "hi" }] });

function expectNoSecrets(text: string) {
  for (const s of SECRETS) expect(text, `leaks ${s}`).not.toContain(s);
}

describe("upstream error bodies", () => {
  it("scrubText replaces account details and keeps the message", () => {
    const t = scrubText("Rate limit reached for gpt-4o in organization org-AbC123xyz789 (project proj_Zx9Yw8Vu7T) on tokens per min. Contact ops@example-corp.com.");
    expect(t).toBe("Rate limit reached for gpt-4o in organization org-[redacted] (project proj_[redacted]) on tokens per min. Contact [redacted email].");
    expect(scrubText("Quota exceeded for consumer 'projects/123456789012'")).toBe("Quota exceeded for consumer 'projects/[redacted]'");
    expect(scrubText("key AIzaSyD-secret0000 invalid; Authorization: Bearer abc.def")).toBe("key [redacted key] invalid; Authorization: Bearer [redacted]");
  });

  it("a 429 from OpenAI with account details: the caller gets the message and raw body, scrubbed", async () => {
    const up = fakeSession("scrub-429");
    const gw = gateway({ ...up.env, RETRY_AFTER_MAX_MS: "0" });
    const { key } = await gw.createKey();
    await up.script({
      status: 429,
      body: { error: { message: "Rate limit reached for gpt-4o-mini in organization org-AbC123xyz789 on requests per min. Project proj_Zx9Yw8Vu7T; contact ops@example-corp.com", type: "requests", code: "rate_limit_exceeded" } },
    });
    const res = await gw.fetch("/v1/chat/completions", jsonPost({ ...chat("openai/gpt-4o-mini"), provider: { allow_fallbacks: false } }, { authorization: `Bearer ${key}` }));
    expect(res.status).toBe(429);
    const text = await res.text();
    expect(text).toContain("Rate limit reached for gpt-4o-mini in organization org-[redacted]");
    expect(text).toContain("raw");
    expectNoSecrets(text);
    await gw.settled();
  });

  it("an upstream 401/403 is a configuration error naming the provider and its variable, without the provider's text", async () => {
    const up = fakeSession("scrub-401");
    const gw = gateway(up.env);
    const { key } = await gw.createKey();
    await up.script({ status: 401, body: { error: { message: "Incorrect API key provided: sk-proj-abcd********************wxyz. You can find your API key at https://platform.openai.com/account/api-keys.", type: "invalid_request_error", code: "invalid_api_key" } } });
    const openai = await gw.fetch("/v1/chat/completions", jsonPost({ ...chat("openai/gpt-4o-mini"), provider: { allow_fallbacks: false } }, { authorization: `Bearer ${key}` }));
    expect(openai.status).toBe(502);
    const body = (await openai.json()) as { error: { message: string } };
    expect(body.error.message).toMatch(/Provider 'openai' refused the gateway's credentials \(HTTP 401\).*OPENAI_API_KEY/);
    expect(JSON.stringify(body)).not.toMatch(/Incorrect API key|platform\.openai\.com/);
    expectNoSecrets(JSON.stringify(body));

    await up.script({ status: 403, body: { type: "error", error: { type: "permission_error", message: "Your organization org-AbC123xyz789 does not have access" } } });
    const anthropic = await gw.fetch("/v1/messages", jsonPost({ ...chat("anthropic/claude-sonnet-4.6"), max_tokens: 10 }, { "x-api-key": key, "anthropic-version": "2023-06-01" }));
    expect(anthropic.status).toBe(502);
    const a = (await anthropic.json()) as { type: string; error: { type: string; message: string } };
    expect(a.error.message).toMatch(/'anthropic'.*ANTHROPIC_API_KEY/);
    expectNoSecrets(JSON.stringify(a));

    await up.script({ status: 403, body: { error: { code: 403, message: "Permission denied on resource project 123456789012. API key AIzaSyD-secret0000 not valid", status: "PERMISSION_DENIED" } } });
    const gemini = await gw.fetch("/v1beta/models/gemini-2.5-flash:generateContent", jsonPost({ contents: [{ parts: [{ text: "hi" }] }] }, { "x-goog-api-key": key }));
    expect(gemini.status).toBe(502);
    const g = await gemini.text();
    expect(g).toMatch(/GEMINI_API_KEY/);
    expectNoSecrets(g);
    await gw.settled();
  });

  it("an upstream error event before a stream's content is scrubbed too", async () => {
    const up = fakeSession("scrub-stream");
    const gw = gateway(up.env);
    const { key } = await gw.createKey();
    await up.script({ chunks: ['data: {"error":{"message":"Server error for org-AbC123xyz789, contact ops@example-corp.com","type":"server_error","code":500}}\n\n'] });
    const res = await gw.fetch("/v1/chat/completions", jsonPost({ ...chat("openai/gpt-4o-mini"), stream: true, provider: { allow_fallbacks: false } }, { authorization: `Bearer ${key}` }));
    const text = await res.text();
    expect(res.status).toBeGreaterThanOrEqual(500);
    expect(text).toContain("org-[redacted]");
    expectNoSecrets(text);
    await gw.settled();
  });
});
