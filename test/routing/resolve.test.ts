import { env } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import { CATALOG_KV_KEY, invalidateCatalogCache } from "../../src/catalog/catalog";
import type { CanonicalRequest } from "../../src/canonical/types";
import type { Env } from "../../src/env";
import { BadRequestError, PermissionError, ProviderUnavailableError } from "../../src/errors/gateway-error";
import { recordOutcome, resetHealth } from "../../src/routing/health";
import { estimateInputTokens } from "../../src/routing/request-features";
import { resetAutoSessions } from "../../src/routing/auto-router";
import { resolveRoute, type RouteRequest } from "../../src/routing/resolve";
import type { ResolveOptions } from "../../src/routing/types";

const baseEnv = env as unknown as Env;
const ALL_KEYS = {
  OPENAI_API_KEY: "x",
  ANTHROPIC_API_KEY: "y",
  GEMINI_API_KEY: "g",
  DEEPSEEK_API_KEY: "d",
  GROQ_API_KEY: "q",
  TOGETHER_API_KEY: "t",
  OPENROUTER_API_KEY: "o",
  MISTRAL_API_KEY: "m",
  XAI_API_KEY: "xa",
  FIREWORKS_API_KEY: "f",
  CEREBRAS_API_KEY: "c",
  DEEPINFRA_API_KEY: "di",
};
const withKeys = (keys: Record<string, string>) => ({ ...baseEnv, ...keys }) as Env;
const chat: ResolveOptions = { allowedProviders: null, kind: "chat" };
const req = (model: string, extra: Partial<CanonicalRequest> = {}): RouteRequest => ({
  model,
  messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }],
  stream: false,
  ...extra,
});
/** What :floor / sort:price compare: the request's estimated cost (1000 output tokens assumed). */
const estCosts = (endpoints: { pricing?: { prompt: number; completion: number } }[], r: RouteRequest) => {
  const est = estimateInputTokens(r);
  return endpoints.map((x) => x.pricing!.prompt * est + x.pricing!.completion * 1000);
};
const summary = (r: { endpoints: { modelId: string; provider: { id: string }; upstreamModel: string }[] }) =>
  r.endpoints.map((e) => `${e.provider.id}:${e.upstreamModel}`);

beforeEach(async () => {
  invalidateCatalogCache();
  resetHealth();
  resetAutoSessions();
  await baseEnv.CATALOG.delete(CATALOG_KV_KEY);
});

describe("model ids", () => {
  const e = withKeys({ OPENAI_API_KEY: "x", ANTHROPIC_API_KEY: "y", GEMINI_API_KEY: "g" });

  it("resolves catalog ids to the upstream id with the endpoint's price and limits", async () => {
    const r = await resolveRoute(e, req("anthropic/claude-sonnet-4.6"), chat);
    expect(r.endpoints).toHaveLength(1);
    expect(r.endpoints[0]).toMatchObject({
      modelId: "anthropic/claude-sonnet-4.6",
      upstreamModel: "claude-sonnet-4-6",
      pricing: { prompt: 3, completion: 15, inputCacheRead: 0.3, inputCacheWrite: 3.75 },
      contextLength: 1000000,
      maxOutputTokens: 64000,
    });
    expect(r.endpoints[0].provider.id).toBe("anthropic");
    expect(r.allowFallbacks).toBe(true);
    expect(r.adjust).toBeUndefined();
  });

  it("resolves bare ids, dated aliases and provider-qualified upstream ids", async () => {
    const cases: [string, string, string][] = [
      ["gpt-4o", "openai/gpt-4o", "gpt-4o"],
      ["gpt-5.4", "openai/gpt-5.4", "gpt-5.4"],
      ["claude-sonnet-4-20250514", "anthropic/claude-sonnet-4", "claude-sonnet-4-20250514"],
      ["anthropic/claude-sonnet-4-20250514", "anthropic/claude-sonnet-4", "claude-sonnet-4-20250514"],
      ["claude-sonnet-4-6", "anthropic/claude-sonnet-4.6", "claude-sonnet-4-6"],
      ["anthropic/claude-sonnet-4-6", "anthropic/claude-sonnet-4.6", "claude-sonnet-4-6"],
      ["gemini-2.0-flash", "google/gemini-2.0-flash", "gemini-2.0-flash"],
      ["gemini/gemini-2.5-flash", "google/gemini-2.5-flash", "gemini-2.5-flash"],
    ];
    for (const [id, modelId, upstream] of cases) {
      const r = await resolveRoute(e, req(id), chat);
      expect(r.endpoints[0], id).toMatchObject({ modelId, upstreamModel: upstream });
      expect(r.endpoints[0].pricing, id).toBeDefined();
    }
  });

  it("passes ids the catalog does not know to the provider their prefix names, price unknown", async () => {
    const r = await resolveRoute(e, req("openai/gpt-9-turbo"), chat);
    expect(r.endpoints).toHaveLength(1);
    expect(r.endpoints[0]).toMatchObject({ modelId: "openai/gpt-9-turbo", upstreamModel: "gpt-9-turbo" });
    expect(r.endpoints[0].pricing).toBeUndefined();
    const bare = await resolveRoute(e, req("claude-opus-9"), chat);
    expect(bare.endpoints[0]).toMatchObject({ modelId: "anthropic/claude-opus-9", upstreamModel: "claude-opus-9" });
    const ollama = await resolveRoute(withKeys({ OLLAMA_BASE_URL: "http://127.0.0.1:11434/v1" }), req("ollama/llama3.2:3b"), chat);
    expect(ollama.endpoints[0]).toMatchObject({ upstreamModel: "llama3.2:3b" });
  });

  it("routes an open-weights model to every enabled provider, first-party first then cheapest", async () => {
    const r = await resolveRoute(withKeys(ALL_KEYS), req("meta-llama/llama-3.3-70b-instruct"), chat);
    expect(summary(r)).toEqual(["groq:llama-3.3-70b-versatile", "together:meta-llama/Llama-3.3-70B-Instruct-Turbo", "openrouter:meta-llama/llama-3.3-70b-instruct"]);
    // Only the providers that are enabled.
    const groqOnly = await resolveRoute(withKeys({ GROQ_API_KEY: "q" }), req("meta-llama/llama-3.3-70b-instruct"), chat);
    expect(summary(groqOnly)).toEqual(["groq:llama-3.3-70b-versatile"]);
    // A provider-qualified upstream id pins that provider.
    const pinned = await resolveRoute(withKeys(ALL_KEYS), req("together/meta-llama/Llama-3.3-70B-Instruct-Turbo"), chat);
    expect(summary(pinned)).toEqual(["together:meta-llama/Llama-3.3-70B-Instruct-Turbo"]);
    expect(pinned.endpoints[0].modelId).toBe("meta-llama/llama-3.3-70b-instruct");
  });

  it("rejects unknown models and variants naming them", async () => {
    await expect(resolveRoute(e, req("acme/unknown-model"), chat)).rejects.toThrow(BadRequestError);
    await expect(resolveRoute(e, req("acme/unknown-model"), chat)).rejects.toThrow(/acme\/unknown-model/);
    await expect(resolveRoute(e, req("totally-unknown"), chat)).rejects.toThrow(/Unknown model: 'totally-unknown'/);
    await expect(resolveRoute(e, req("openai/gpt-4o:turbo"), chat)).rejects.toThrow(/Invalid model variant ':turbo'/);
    await expect(resolveRoute(e, req("openai/gpt-4o:online"), chat)).rejects.toThrow(BadRequestError);
    await expect(resolveRoute(e, req(""), chat)).rejects.toThrow(BadRequestError);
  });

  it("says which variable enables a known model's provider", async () => {
    const err = await resolveRoute(e, req("x-ai/grok-4.7"), chat).catch((x) => x);
    expect(err).toBeInstanceOf(ProviderUnavailableError);
    expect(err.message).toContain("XAI_API_KEY");
    const multi = await resolveRoute(e, req("meta-llama/llama-3.3-70b-instruct"), chat).catch((x) => x);
    expect(multi).toBeInstanceOf(ProviderUnavailableError);
    expect(multi.message).toContain("GROQ_API_KEY");
    expect(multi.message).toContain("TOGETHER_API_KEY");
    const passthrough = await resolveRoute(e, req("mistral/mistral-next"), chat).catch((x) => x);
    expect(passthrough).toBeInstanceOf(ProviderUnavailableError);
    expect(passthrough.message).toContain("MISTRAL_API_KEY");
  });

  it("enforces the key's allowed providers", async () => {
    const err = await resolveRoute(e, req("anthropic/claude-sonnet-4.6"), { allowedProviders: ["openai"], kind: "chat" }).catch((x) => x);
    expect(err).toBeInstanceOf(PermissionError);
    expect(err.message).toContain("'anthropic'");
    const ok = await resolveRoute(withKeys(ALL_KEYS), req("openai/gpt-oss-120b"), { allowedProviders: ["Groq"], kind: "chat" });
    expect(summary(ok)).toEqual(["groq:openai/gpt-oss-120b"]);
  });

  it("keeps chat and embedding models apart", async () => {
    const emb: ResolveOptions = { allowedProviders: null, kind: "embeddings" };
    const r = await resolveRoute(e, req("openai/text-embedding-3-small"), emb);
    expect(r.endpoints[0]).toMatchObject({ upstreamModel: "text-embedding-3-small", embedding: true, pricing: { prompt: 0.02, completion: 0 } });
    expect((await resolveRoute(e, req("text-embedding-3-large"), emb)).endpoints[0].upstreamModel).toBe("text-embedding-3-large");
    expect((await resolveRoute(e, req("google/gemini-embedding-001"), emb)).endpoints[0].provider.id).toBe("google");
    await expect(resolveRoute(e, req("openai/gpt-4o"), emb)).rejects.toThrow(/not an embedding model/);
    await expect(resolveRoute(e, req("openai/text-embedding-3-small"), chat)).rejects.toThrow(/embedding model/);
    await expect(resolveRoute(withKeys(ALL_KEYS), req("groq/some-embedder"), emb)).rejects.toThrow(/does not serve embeddings/);
    await expect(resolveRoute(e, req("auto"), emb)).rejects.toThrow(BadRequestError);
  });
});

describe("variants", () => {
  const e = withKeys(ALL_KEYS);

  it(":floor orders by price", async () => {
    const r = await resolveRoute(e, req("openai/gpt-oss-120b:floor"), chat);
    const prices = estCosts(r.endpoints, req("x"));
    expect(prices).toEqual([...prices].sort((a, b) => a - b));
    expect(r.endpoints.length).toBeGreaterThan(2);
    expect(r.endpoints[0].modelId).toBe("openai/gpt-oss-120b");
  });

  it(":nitro orders by measured throughput", async () => {
    const model = "openai/gpt-oss-120b";
    const plain = await resolveRoute(e, req(model), chat);
    const [first, , third] = plain.endpoints;
    recordOutcome(e, undefined, first, { ok: true, tokensPerSecond: 50 });
    recordOutcome(e, undefined, third, { ok: true, tokensPerSecond: 900 });
    const r = await resolveRoute(e, req(model + ":nitro"), chat);
    expect(summary(r)[0]).toBe(`${third.provider.id}:${third.upstreamModel}`);
    expect(summary(r)[1]).toBe(`${first.provider.id}:${first.upstreamModel}`);
    expect(r.endpoints).toHaveLength(plain.endpoints.length);
  });

  it(":free keeps only zero-price endpoints", async () => {
    const r = await resolveRoute(e, req("deepseek/deepseek-r1:free"), chat);
    expect(summary(r)).toEqual(["openrouter:deepseek/deepseek-r1:free"]);
    expect(r.endpoints[0].pricing).toMatchObject({ prompt: 0, completion: 0 });
    // The plain id does not use the shared free endpoint.
    expect(summary(await resolveRoute(e, req("deepseek/deepseek-r1"), chat))).toEqual(["together:deepseek-ai/DeepSeek-R1", "openrouter:deepseek/deepseek-r1"]);
    await expect(resolveRoute(e, req("anthropic/claude-sonnet-4.6:free"), chat)).rejects.toThrow(/no free endpoints/);
    // Free endpoints exist but their provider is not enabled.
    const noOr = await resolveRoute(withKeys({ TOGETHER_API_KEY: "t" }), req("deepseek/deepseek-r1:free"), chat).catch((x) => x);
    expect(noOr).toBeInstanceOf(ProviderUnavailableError);
    expect(noOr.message).toContain("OPENROUTER_API_KEY");
  });

  it(":thinking turns reasoning on through adjust", async () => {
    const r = await resolveRoute(e, req("anthropic/claude-sonnet-4.6:thinking"), chat);
    expect(r.endpoints[0].upstreamModel).toBe("claude-sonnet-4-6");
    const adjusted = r.adjust!(req("x") as CanonicalRequest, r.endpoints[0]);
    expect(adjusted.reasoning).toEqual({ enabled: true, effort: "high" });
    const budget = r.adjust!({ ...(req("x") as CanonicalRequest), reasoning: { maxTokens: 2048 } }, r.endpoints[0]);
    expect(budget.reasoning).toEqual({ enabled: true, maxTokens: 2048 });
    const effort = r.adjust!({ ...(req("x") as CanonicalRequest), reasoning: { effort: "low" } }, r.endpoints[0]);
    expect(effort.reasoning).toEqual({ enabled: true, effort: "low" });
    await expect(resolveRoute(e, req("openai/gpt-4o:thinking"), chat)).rejects.toThrow(/does not support reasoning/);
  });
});

describe("fallback models and provider preferences", () => {
  const e = withKeys(ALL_KEYS);

  it("appends routing.models in order, skipping unavailable ones", async () => {
    const r = await resolveRoute(withKeys({ OPENAI_API_KEY: "x" }), req("anthropic/claude-sonnet-4.6", { routing: { models: ["openai/gpt-4o", "openai/gpt-4o-mini"] } }), chat);
    expect(summary(r)).toEqual(["openai:gpt-4o", "openai:gpt-4o-mini"]);
    await expect(resolveRoute(e, req("openai/gpt-4o", { routing: { models: ["nope/nope"] } }), chat)).rejects.toThrow(/nope\/nope/);
  });

  it("only / ignore / order", async () => {
    const m = "openai/gpt-oss-120b";
    expect(summary(await resolveRoute(e, req(m, { routing: { provider: { only: ["together", "cerebras"] } } }), chat)).map((s) => s.split(":")[0]).sort()).toEqual(["cerebras", "together"]);
    expect(summary(await resolveRoute(e, req(m, { routing: { provider: { ignore: ["groq"] } } }), chat)).some((s) => s.startsWith("groq"))).toBe(false);
    const ordered = await resolveRoute(e, req(m, { routing: { provider: { order: ["cerebras", "groq"] } } }), chat);
    expect(summary(ordered).slice(0, 2).map((s) => s.split(":")[0])).toEqual(["cerebras", "groq"]);
    expect(ordered.endpoints.length).toBeGreaterThan(2);
    const strict = await resolveRoute(e, req(m, { routing: { provider: { order: ["cerebras", "groq"], allow_fallbacks: false } } }), chat);
    expect(summary(strict).map((s) => s.split(":")[0])).toEqual(["cerebras"]);
    expect(strict.allowFallbacks).toBe(false);
    await expect(resolveRoute(e, req(m, { routing: { provider: { only: ["anthropic"] } } }), chat)).rejects.toThrow(/provider.only/);
  });

  it("sort: price / throughput / latency", async () => {
    const m = "openai/gpt-oss-120b";
    const byPrice = await resolveRoute(e, req(m, { routing: { provider: { sort: "price" } } }), chat);
    const prices = estCosts(byPrice.endpoints, req(m));
    expect(prices).toEqual([...prices].sort((a, b) => a - b));
    const last = byPrice.endpoints[byPrice.endpoints.length - 1];
    recordOutcome(e, undefined, last, { ok: true, ttftMs: 40, tokensPerSecond: 2000 });
    expect((await resolveRoute(e, req(m, { routing: { provider: { sort: "latency" } } }), chat)).endpoints[0]).toMatchObject({ upstreamModel: last.upstreamModel });
    expect((await resolveRoute(e, req(m, { routing: { provider: { sort: "throughput" } } }), chat)).endpoints[0]).toMatchObject({ upstreamModel: last.upstreamModel });
  });

  it("max_price (USD per million tokens) and require_parameters", async () => {
    const m = "openai/gpt-oss-120b";
    const cheap = await resolveRoute(e, req(m, { routing: { provider: { max_price: { completion: 0.61 } } } }), chat);
    expect(cheap.endpoints.every((x) => x.pricing!.completion <= 0.61)).toBe(true);
    expect(cheap.endpoints.length).toBeGreaterThan(0);
    await expect(resolveRoute(e, req(m, { routing: { provider: { max_price: { prompt: 0.01 } } } }), chat)).rejects.toThrow(/max_price/);
    // Unknown prices never pass a max_price.
    await expect(resolveRoute(e, req("openai/gpt-99", { routing: { provider: { max_price: { prompt: 100 } } } }), chat)).rejects.toThrow(/max_price/);
    const tools = [{ name: "f", parameters: { type: "object" } }];
    const r1 = await resolveRoute(e, req("deepseek/deepseek-r1", { tools, routing: { provider: { require_parameters: true } } }), chat).catch((x) => x);
    expect(r1).toBeInstanceOf(BadRequestError);
    expect(r1.message).toContain("tools");
    const withTools = await resolveRoute(e, req(m, { tools, routing: { provider: { require_parameters: true } } }), chat);
    expect(withTools.endpoints.every((x) => x.supportedParameters!.includes("tools"))).toBe(true);
  });

  it("moves endpoints in cool-down to the back", async () => {
    const m = "openai/gpt-oss-120b";
    const plain = await resolveRoute(e, req(m), chat);
    const first = plain.endpoints[0];
    for (let i = 0; i < 3; i++) recordOutcome(e, undefined, first, { ok: false, status: 503 });
    const after = await resolveRoute(e, req(m), chat);
    expect(after.endpoints[after.endpoints.length - 1]).toMatchObject({ upstreamModel: first.upstreamModel, provider: { id: first.provider.id } });
    expect(after.endpoints).toHaveLength(plain.endpoints.length);
  });
});

describe("auto", () => {
  it("picks the cheapest capable model", async () => {
    const e = withKeys({ OPENAI_API_KEY: "x", ANTHROPIC_API_KEY: "y" });
    const r = await resolveRoute(e, req("auto"), chat);
    expect(r.endpoints[0].modelId).toBe("openai/gpt-5-nano");
    expect(r.endpoints.length).toBeGreaterThan(1);
    // Images rule out text-only models; a huge prompt rules out small context windows.
    const big = "x".repeat(4 * 600_000);
    const huge = await resolveRoute(e, req("auto", { messages: [{ role: "user", content: [{ type: "text", text: big }] }] }), chat);
    expect(huge.endpoints.every((x) => (x.contextLength ?? 0) >= 600_000)).toBe(true);
  });

  it("respects capabilities: tools, images, json_schema", async () => {
    const e = withKeys({ GROQ_API_KEY: "q" });
    const text = await resolveRoute(e, req("auto"), chat);
    expect(text.endpoints[0].modelId).toBe("meta-llama/llama-3.1-8b-instruct");
    const img = await resolveRoute(
      e,
      req("auto", { messages: [{ role: "user", content: [{ type: "text", text: "what is this" }, { type: "image", source: { kind: "url", url: "https://x/y.png" } }] }] }),
      chat,
    );
    expect(["meta-llama/llama-4-scout", "meta-llama/llama-4-maverick"]).toContain(img.endpoints[0].modelId);
    const schema = await resolveRoute(e, req("auto", { responseFormat: { type: "json_schema", schema: { type: "object" } } }), chat);
    expect(schema.endpoints[0].supportedParameters).toContain("structured_outputs");
  });

  it("follows AUTO_ROUTER_MODELS preference order", async () => {
    const e = withKeys({ OPENAI_API_KEY: "x", ANTHROPIC_API_KEY: "y", AUTO_ROUTER_MODELS: "x-ai/grok-4.7, anthropic/claude-sonnet-4.6,openai/gpt-4o" });
    const r = await resolveRoute(e, req("auto"), chat);
    expect(r.endpoints.map((x) => x.modelId)).toEqual(["anthropic/claude-sonnet-4.6", "openai/gpt-4o"]);
  });

  it("is sticky per session", async () => {
    const e = withKeys({ OPENAI_API_KEY: "x", ANTHROPIC_API_KEY: "y" });
    const session = `s-${crypto.randomUUID()}`;
    const first = await resolveRoute(e, req("auto", { routing: { sessionId: session } }), chat);
    expect(first.endpoints[0].modelId).toBe("openai/gpt-5-nano");
    // A later turn needs a bigger context: the session moves to a capable model…
    const tools = [{ name: "f", parameters: { type: "object" } }];
    const big = "x".repeat(4 * 500_000);
    const second = await resolveRoute(e, req("auto", { tools, messages: [{ role: "user", content: [{ type: "text", text: big }] }], routing: { sessionId: session } }), chat);
    const chosen = second.endpoints[0].modelId;
    expect(chosen).not.toBe("openai/gpt-5-nano");
    // …and stays there for small turns too, even from another isolate (KV).
    resetAutoSessions();
    const third = await resolveRoute(e, req("auto", { routing: { sessionId: session } }), chat);
    expect(third.endpoints[0].modelId).toBe(chosen);
    // A different session gets the default choice.
    const other = await resolveRoute(e, req("auto", { routing: { sessionId: session + "-b" } }), chat);
    expect(other.endpoints[0].modelId).toBe("openai/gpt-5-nano");
  });

  it("explains when nothing is configured", async () => {
    await expect(resolveRoute(baseEnv, req("auto"), chat)).rejects.toThrow(ProviderUnavailableError);
  });
});
