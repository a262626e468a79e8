/**
 * Every input gets a 4xx in the caller's format — never a 5xx, never a hang (issue #11): broken
 * percent-encoding in paths, bodies nested thousands of levels deep, model ids with control
 * characters or 100 KB long, output budgets below 1. None reaches an upstream or leaves a usage row.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { authenticateApiKey } from "../../src/auth/authenticate";
import { openaiCodec } from "../../src/codecs/openai";
import { runChat } from "../../src/gateway/chat/chat";
import { fakeSession } from "../helpers/fake-upstream";
import { gateway, jsonPost, type Gateway } from "../helpers/gateway";

type Surface = "openai" | "anthropic" | "gemini" | "responses";

/** The error message in each surface's envelope (asserting the envelope's shape). */
async function errorOf(surface: Surface, res: Response): Promise<string> {
  const body = (await res.json()) as any;
  if (surface === "anthropic") {
    expect(body.type).toBe("error");
    expect(typeof body.error.type).toBe("string");
    return body.error.message;
  }
  if (surface === "responses") {
    expect(typeof body.error.type).toBe("string");
    return body.error.message;
  }
  expect(body.error.code).toBe(res.status);
  expect(typeof (surface === "openai" ? body.error.type : body.error.status)).toBe("string");
  return body.error.message;
}

function nested(depth: number): Record<string, unknown> {
  let schema: Record<string, unknown> = { type: "string" };
  for (let i = 0; i < depth; i++) schema = { type: "object", properties: { a: schema } };
  return schema;
}

/** A chat call on each surface with the model, output budget and tool schema given. */
function call(surface: Surface, o: { model: string; maxTokens?: number; schema?: Record<string, unknown>; stream?: boolean; key: string }) {
  const tools = o.schema;
  if (surface === "openai") {
    return {
      path: "/v1/chat/completions",
      init: jsonPost(
        {
          model: o.model, messages: [{ role: "user", content: "hi" }], stream: o.stream === true,
          ...(o.maxTokens !== undefined ? { max_tokens: o.maxTokens } : {}),
          ...(tools ? { tools: [{ type: "function", function: { name: "f", parameters: tools } }] } : {}),
        },
        { authorization: `Bearer ${o.key}` },
      ),
    };
  }
  if (surface === "responses") {
    return {
      path: "/v1/responses",
      init: jsonPost(
        {
          model: o.model, input: "hi", stream: o.stream === true, store: false,
          ...(o.maxTokens !== undefined ? { max_output_tokens: o.maxTokens } : {}),
          ...(tools ? { tools: [{ type: "function", name: "f", parameters: tools }] } : {}),
        },
        { authorization: `Bearer ${o.key}` },
      ),
    };
  }
  if (surface === "anthropic") {
    return {
      path: "/v1/messages",
      init: jsonPost(
        {
          model: o.model, max_tokens: o.maxTokens ?? 32, messages: [{ role: "user", content: "hi" }], stream: o.stream === true,
          ...(tools ? { tools: [{ name: "f", input_schema: tools }] } : {}),
        },
        { "x-api-key": o.key },
      ),
    };
  }
  return {
    path: `/v1beta/models/${encodeURIComponent(o.model)}:${o.stream ? "streamGenerateContent?alt=sse" : "generateContent"}`,
    init: jsonPost(
      {
        contents: [{ role: "user", parts: [{ text: "hi" }] }],
        ...(o.maxTokens !== undefined ? { generationConfig: { maxOutputTokens: o.maxTokens } } : {}),
        ...(tools ? { tools: [{ functionDeclarations: [{ name: "f", parametersJsonSchema: tools }] }] } : {}),
      },
      { "x-goog-api-key": o.key },
    ),
  };
}

async function usageRows(gw: Gateway, hash: string): Promise<number> {
  await gw.settled();
  const { flushUsage } = await import("../../src/spend/client");
  await flushUsage(gw.env, hash);
  return (await gw.env.DB.prepare("SELECT count(*) AS n FROM usage WHERE key_hash = ?").bind(hash).first<{ n: number }>())!.n;
}

const SURFACES: Surface[] = ["openai", "anthropic", "gemini", "responses"];

describe("malformed paths", () => {
  it("a broken percent-escape is a 4xx on every path that decodes one", async () => {
    const up = fakeSession("bad-paths");
    const gw = gateway(up.env);
    const { key } = await gw.createKey();
    const cases: Array<[string, RequestInit]> = [
      ["/v1/models/%ZZ", {}],
      ["/v1/models/openai/%E0%A4%A/endpoints", {}],
      ["/api/v1/models/%ZZ", { headers: { authorization: `Bearer ${key}` } }],
      ["/v1/models/%ZZ", { headers: { "x-goog-api-key": key } }],
      ["/v1beta/models/%ZZ", { headers: { "x-goog-api-key": key } }],
      ["/v1beta/models/gemini%ZZ:generateContent", jsonPost({ contents: [{ parts: [{ text: "hi" }] }] }, { "x-goog-api-key": key })],
      ["/v1/models/gemini%ZZ:countTokens", jsonPost({ contents: [{ parts: [{ text: "hi" }] }] }, { "x-goog-api-key": key })],
    ];
    for (const [path, init] of cases) {
      const res = await gw.fetch(path, init);
      expect(res.status, path).toBeGreaterThanOrEqual(400);
      expect(res.status, path).toBeLessThan(500);
    }
    expect(await up.requests()).toEqual([]);
  });
});

describe("query strings", () => {
  it("an unsupported ?alt= on a Gemini method is a 400 in Google's shape (not silently JSON), before any upstream call", async () => {
    const up = fakeSession("bad-alt");
    const gw = gateway(up.env);
    const { key } = await gw.createKey();
    const body = { contents: [{ parts: [{ text: "hi" }] }] };
    for (const path of [
      "/v1beta/models/gemini-2.5-flash:generateContent?alt=proto",
      "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=%ZZ",
      "/v1/models/gemini-2.5-flash:countTokens?alt=",
    ]) {
      const res = await gw.fetch(path, jsonPost(body, { "x-goog-api-key": key }));
      expect(res.status, path).toBe(400);
      expect(await errorOf("gemini", res), path).toMatch(/^alt: /);
    }
    expect(await up.requests()).toEqual([]);
    for (const alt of ["json", "sse"]) {
      const res = await gw.fetch(`/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=${alt}`, jsonPost(body, { "x-goog-api-key": key }));
      expect(res.status, alt).toBe(200);
      expect(await res.text(), alt).toContain("candidates");
    }
    await gw.settled();
  });
});

describe("request bodies nested thousands of levels deep", () => {
  it("a 400 on every surface (tool schema nested 5000 levels), before any upstream call", async () => {
    const up = fakeSession("deep-json");
    const gw = gateway(up.env);
    const { key, hash } = await gw.createKey();
    for (const surface of SURFACES) {
      const { path, init } = call(surface, { model: surface === "gemini" ? "gemini-2.5-flash" : "openai/gpt-4o-mini", schema: nested(5000), key });
      const res = await gw.fetch(path, init);
      expect(res.status, surface).toBe(400);
      expect(await errorOf(surface, res)).toMatch(/nests deeper than 100 levels/);
    }
    const deepKey = await gw.fetch("/api/v1/keys", jsonPost({ name: "x", label: nested(3000) }, { authorization: "Bearer lr_mgmt_test_bootstrap_key_0000000000" }));
    expect(deepKey.status).toBe(400);
    // A schema of ordinary depth still goes through.
    const { path, init } = call("openai", { model: "openai/gpt-4o-mini", schema: nested(20), key });
    expect((await gw.fetch(path, init)).status).toBe(200);
    expect((await up.requests()).length).toBe(1);
    expect(await usageRows(gw, hash)).toBe(1);
  });
});

describe("model ids", () => {
  const BAD = [
    ["a control character", "openai/gpt-4o-mini\u0001"],
    ["a newline", "openai/gpt-4o\nx-injected: 1"],
    ["a space", "openai/gpt 4o"],
    ["100 KB", "openai/" + "a".repeat(100_000)],
    ["257 characters", "openai/" + "a".repeat(250)],
  ] as const;

  it("printable and at most 256 characters, on every surface, streamed or not: else 400 with no upstream call and no usage row", async () => {
    const up = fakeSession("model-ids");
    const gw = gateway(up.env);
    const { key, hash } = await gw.createKey();
    for (const surface of SURFACES) {
      for (const stream of [false, true]) {
        for (const [what, model] of BAD) {
          const { path, init } = call(surface, { model, stream, key });
          const res = await gw.fetch(path, init);
          expect(res.status, `${surface} ${stream ? "stream" : "json"}: ${what}`).toBe(400);
          expect(await errorOf(surface, res)).toMatch(/model/);
        }
      }
    }
    const embeddings = await gw.fetch("/v1/embeddings", jsonPost({ model: "openai/text-embedding-3-small\u0007", input: "hi" }, { authorization: `Bearer ${key}` }));
    expect(embeddings.status).toBe(400);
    const fallbacks = await gw.fetch("/v1/chat/completions", jsonPost({ model: "openai/gpt-4o-mini", models: ["x".repeat(300)], messages: [{ role: "user", content: "hi" }] }, { authorization: `Bearer ${key}` }));
    expect(fallbacks.status).toBe(400);
    const geminiEmbed = await gw.fetch(`/v1beta/models/${encodeURIComponent("text-embedding-004\u0000")}:embedContent`, jsonPost({ content: { parts: [{ text: "hi" }] } }, { "x-goog-api-key": key }));
    expect(geminiEmbed.status).toBe(400);
    const count = await gw.fetch("/v1/messages/count_tokens", jsonPost({ model: "claude\u0002", messages: [{ role: "user", content: "hi" }] }, { "x-api-key": key }));
    expect(count.status).toBe(400);
    // The media routes too (images, speech).
    for (const [path, body] of [
      ["/v1/images/generations", { model: "openai/gpt-image-1\u0001", prompt: "a cat" }],
      ["/v1/audio/speech", { model: "openai/" + "t".repeat(300), input: "hi", voice: "alloy" }],
    ] as const) {
      const res = await gw.fetch(path, jsonPost(body, { authorization: `Bearer ${key}` }));
      expect(res.status, path).toBe(400);
      expect(await errorOf("openai", res)).toMatch(/model/);
    }
    expect(await up.requests()).toEqual([]);
    expect(await usageRows(gw, hash)).toBe(0);
  });

  it("a header that cannot be built never hangs a stream: the gateway answers an HTTP error (root cause: commit before the Response)", async () => {
    // Straight into the pipeline, as a surface that forgot to validate would: the id reaches routing.
    const up = fakeSession("header-commit");
    const gw = gateway(up.env);
    const { key } = await gw.createKey();
    const k = await authenticateApiKey(gw.env, { token: key, clientIp: null });
    const ctx = createExecutionContext();
    const res = await Promise.race([
      runChat({
        env: gw.env, ctx, surface: openaiCodec, surfaceName: "openai", key: k, rawBody: {}, rawBytes: 100,
        req: { model: "openai/gpt-4o-mini\nx", messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }], stream: true, maxTokens: 16 },
      }),
      new Promise<"hung">((r) => setTimeout(() => r("hung"), 5000)),
    ]);
    expect(res).not.toBe("hung");
    expect((res as Response).status).toBeGreaterThanOrEqual(400);
    await waitOnExecutionContext(ctx);
  });
});

describe("output budget below 1", () => {
  it("max_tokens 0, maxOutputTokens -5, max_completion_tokens 0: a 400 on every surface, no upstream call", async () => {
    const up = fakeSession("budget");
    const gw = gateway(up.env);
    const { key, hash } = await gw.createKey();
    for (const surface of SURFACES) {
      for (const maxTokens of [0, -5]) {
        for (const stream of [false, true]) {
          const { path, init } = call(surface, { model: "openai/gpt-4o-mini", maxTokens, stream, key });
          const res = await gw.fetch(path, init);
          expect(res.status, `${surface} ${maxTokens}`).toBe(400);
          expect(await errorOf(surface, res)).toMatch(/max_tokens|maxOutputTokens|max_output_tokens/);
        }
      }
    }
    const completion = await gw.fetch("/v1/chat/completions", jsonPost({ model: "openai/gpt-4o-mini", max_completion_tokens: 0, messages: [{ role: "user", content: "hi" }] }, { authorization: `Bearer ${key}` }));
    expect(completion.status).toBe(400);
    expect(await errorOf("openai", completion)).toMatch(/max_completion_tokens: must be at least 1/);
    expect(await up.requests()).toEqual([]);
    expect(await usageRows(gw, hash)).toBe(0);
  });
});
