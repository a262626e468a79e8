/**
 * count_tokens / :countTokens go through the key's Durable Object like every other call (issue
 * #11): a disabled, expired, rate-limited key or a provider outside allowed_providers is refused
 * before any upstream call, and each admitted call leaves a usage record at zero cost.
 */
import { describe, expect, it } from "vitest";
import { setSpendClockForTesting } from "../../src/spend/client";
import { jsonPost } from "../helpers/gateway";
import { patchKey, usageRows } from "../helpers/books";
import { rig } from "../helpers/rig";

const setup = (name: string) => rig(name);

const SURFACES = {
  anthropic: {
    path: () => "/v1/messages/count_tokens",
    init: (key: string, model: string) => jsonPost({ model, messages: [{ role: "user", content: "How many tokens is this?" }] }, { "x-api-key": key, "anthropic-version": "2023-06-01" }),
    model: "anthropic/claude-sonnet-4.6",
    other: "google/gemini-2.5-flash",
    count: (b: any) => b.input_tokens as number,
  },
  gemini: {
    path: (model: string) => `/v1beta/models/${model}:countTokens`,
    init: (key: string) => jsonPost({ contents: [{ role: "user", parts: [{ text: "How many tokens is this?" }] }] }, { "x-goog-api-key": key }),
    model: "gemini-2.5-flash",
    other: "anthropic/claude-sonnet-4.6",
    count: (b: any) => b.totalTokens as number,
  },
} as const;

describe("token counting through the key's Durable Object", () => {
  for (const [name, s] of Object.entries(SURFACES)) {
    it(`${name}: disabled, expired, rate-limited and allowed-provider checks apply; each call is recorded at zero cost`, async () => {
      const { up, gw, key, hash } = await setup(`count-${name}`);
      const count = (model: string = s.model) => gw.fetch(s.path(model), s.init(key, model));

      const ok = await count();
      expect(ok.status).toBe(200);
      expect(s.count(await ok.json())).toBeGreaterThan(0);
      const calls = (await up.requests()).length;
      expect(calls).toBe(1);

      await patchKey(gw, hash, { disabled: true });
      expect((await count()).status).toBe(403);
      await patchKey(gw, hash, { disabled: false });

      const expiresAt = Date.now() + 3_600_000;
      await patchKey(gw, hash, { expires_at: new Date(expiresAt).toISOString() });
      await setSpendClockForTesting(gw.env, hash, expiresAt + 1);
      expect((await count()).status).toBe(401);
      await setSpendClockForTesting(gw.env, hash, null);
      await patchKey(gw, hash, { expires_at: null });

      await patchKey(gw, hash, { allowed_providers: [name === "anthropic" ? "google" : "openai"] });
      expect((await count()).status).toBe(403);
      await patchKey(gw, hash, { allowed_providers: null });

      await patchKey(gw, hash, { rate_limit: { requests: 2, interval: "hour" } });
      expect((await count()).status).toBe(200);
      expect((await count(s.other)).status).toBe(200);
      const limited = await count();
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);

      // Refused calls never reached an upstream; the admitted ones did (Anthropic and Google both count exactly).
      expect((await up.requests()).length - calls).toBe(2);
      const rows = await usageRows(gw, hash);
      expect(rows).toHaveLength(3);
      for (const r of rows) {
        expect(r.cost_micros).toBe(0);
        expect(r.status).toBe(200);
        expect(r.completion_tokens).toBe(0);
        expect(r.prompt_tokens).toBeGreaterThan(0);
        expect(r.surface).toBe(name);
      }
    });
  }
});
