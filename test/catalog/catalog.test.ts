import { env } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import { buildCatalog, CATALOG_KV_KEY, getCatalog, invalidateCatalogCache, shippedCatalogData } from "../../src/catalog/catalog";
import { usdPerTokenToMicros } from "../../src/catalog/pricing";
import type { StoredListings } from "../../src/catalog/types";
import type { Env } from "../../src/env";
import { getProvider } from "../../src/providers/registry";

const baseEnv = env as unknown as Env;

const REQUIRED = [
  "openai/gpt-5.4",
  "openai/gpt-4o",
  "openai/gpt-4o-mini",
  "anthropic/claude-sonnet-4.6",
  "anthropic/claude-sonnet-4-20250514",
  "google/gemini-2.5-flash",
  "google/gemini-2.0-flash",
  "deepseek/deepseek-r1",
  "openai/text-embedding-3-small",
  "openai/text-embedding-3-large",
  "google/gemini-embedding-001",
];
/** The provider slugs the registry uses (docs/dev: the fixed list). */
const PROVIDER_SLUGS = [
  "openai", "anthropic", "google", "deepseek", "groq", "mistral", "x-ai", "together", "fireworks", "deepinfra", "cerebras",
  "perplexity", "openrouter", "ollama", "amazon-bedrock", "google-vertex", "azure", "cloudflare", "alibaba", "moonshotai",
  "z-ai", "minimax", "sambanova", "nebius", "novita", "hyperbolic", "nvidia", "huggingface", "baseten", "chutes", "github",
  "cohere", "inception", "upstage", "venice",
];
const PRICE_FIELDS = ["prompt", "completion", "request", "image", "web_search", "internal_reasoning", "input_cache_read", "input_cache_write"];

describe("shipped catalog data", () => {
  const data = shippedCatalogData();
  const catalog = buildCatalog(data);

  it("has the ids the docs use", () => {
    for (const id of REQUIRED) expect(catalog.get(id), id).toBeDefined();
    expect(catalog.get("anthropic/claude-sonnet-4-20250514")!.id).toBe("anthropic/claude-sonnet-4");
  });

  it("covers every provider the brief lists", () => {
    const providers = new Set(data.models.flatMap((m) => m.endpoints.map((e) => e.provider)));
    for (const p of ["openai", "anthropic", "google", "deepseek", "groq", "mistral", "x-ai", "together", "openrouter"]) {
      expect(providers.has(p), p).toBe(true);
    }
    expect(providers.has("ollama")).toBe(false);
  });

  it("gives every model the full GET /v1/models schema with price strings", () => {
    const slugs = new Set(PROVIDER_SLUGS);
    for (const m of data.models) {
      for (const k of ["id", "canonical_slug", "name", "created", "description", "context_length", "architecture", "pricing", "top_provider", "per_request_limits", "supported_parameters", "default_parameters", "expiration_date"]) {
        expect(m, `${m.id}.${k}`).toHaveProperty(k);
      }
      expect(m.architecture.input_modalities.length).toBeGreaterThan(0);
      expect(m.architecture.output_modalities.length).toBeGreaterThan(0);
      expect(typeof m.architecture.tokenizer).toBe("string");
      for (const f of PRICE_FIELDS) {
        expect(typeof (m.pricing as unknown as Record<string, unknown>)[f], `${m.id} pricing.${f}`).toBe("string");
        expect(usdPerTokenToMicros((m.pricing as unknown as Record<string, string>)[f]), `${m.id} pricing.${f}`).toBeGreaterThanOrEqual(0);
      }
      expect(m.endpoints.length).toBeGreaterThan(0);
      expect(m.created, `${m.id} created`).toBeGreaterThan(1_500_000_000);
      expect(m.default_parameters, `${m.id} default_parameters`).toBeNull();
      for (const e of m.endpoints) {
        expect(slugs.has(e.provider), `${m.id} provider ${e.provider}`).toBe(true);
        expect(e.upstream_model.length).toBeGreaterThan(0);
        expect(e.source, `${m.id} ${e.provider} source`).toBeTruthy();
      }
    }
  });

  it("runs only endpoints of registered providers: a shipped endpoint of an unregistered one is ignored, not fatal", () => {
    const base = data.models.find((m) => m.id === "openai/gpt-4o")!;
    const openaiEndpoint = base.endpoints.find((e) => e.provider === "openai")!;
    const withStranger = {
      ...data,
      models: [
        { ...base, endpoints: [openaiEndpoint, { ...openaiEndpoint, provider: "no-such-provider", upstream_model: "gpt-4o-elsewhere" }] },
        { ...base, id: "acme/only-elsewhere", canonical_slug: "acme/only-elsewhere", endpoints: [{ ...openaiEndpoint, provider: "no-such-provider" }] },
      ],
    };
    const c = buildCatalog(withStranger);
    expect(c.get("openai/gpt-4o")!.endpoints.map((e) => e.provider)).toEqual(["openai"]);
    expect(c.findByEndpoint("no-such-provider", "gpt-4o-elsewhere")).toBeUndefined();
    expect(c.get("acme/only-elsewhere")).toBeUndefined();
    // The shipped data itself: every endpoint the runtime catalog keeps has a registry entry.
    for (const m of catalog.models) for (const e of m.endpoints) expect(getProvider(e.provider), `${m.id} ${e.provider}`).toBeDefined();
  });

  it("maps catalog ids to the providers' real API ids, with their own prices", () => {
    const sonnet = catalog.get("anthropic/claude-sonnet-4.6")!;
    expect(sonnet.endpoints[0]).toMatchObject({ provider: "anthropic", upstream_model: "claude-sonnet-4-6" });
    expect(sonnet.pricing!.prompt).toBe("0.000003");
    expect(sonnet.pricing!.completion).toBe("0.000015");
    expect(sonnet.pricing!.input_cache_read).toBe("0.0000003");
    expect(sonnet.pricing!.input_cache_write).toBe("0.00000375");
    const gpt54 = catalog.get("openai/gpt-5.4")!;
    expect(gpt54.endpoints[0]).toMatchObject({ provider: "openai", upstream_model: "gpt-5.4" });
    expect(gpt54.pricing).toMatchObject({ prompt: "0.0000025", completion: "0.000015", input_cache_read: "0.00000025" });
    // An open-weights model on several providers, each with its own price.
    const oss = catalog.get("openai/gpt-oss-120b")!;
    const byProvider = Object.fromEntries(oss.endpoints.map((e) => [e.provider, e]));
    expect(byProvider.groq.upstream_model).toBe("openai/gpt-oss-120b");
    expect(byProvider.together).toBeDefined();
    expect(new Set(oss.endpoints.filter((e) => e.variant !== "free").map((e) => e.pricing!.completion)).size).toBeGreaterThan(1);
    const llama = catalog.get("meta-llama/llama-3.3-70b-instruct")!;
    expect(llama.endpoints.map((e) => e.provider)).toEqual(expect.arrayContaining(["groq", "together", "openrouter"]));
    expect(llama.endpoints.find((e) => e.provider === "groq")!.upstream_model).toBe("llama-3.3-70b-versatile");
  });

  it("has real :free endpoints", () => {
    const r1 = catalog.get("deepseek/deepseek-r1")!;
    const free = r1.endpoints.find((e) => e.variant === "free" && e.provider === "openrouter")!;
    expect(free).toMatchObject({ provider: "openrouter", upstream_model: "deepseek/deepseek-r1:free" });
    expect(free.pricing).toMatchObject({ prompt: "0", completion: "0" });
  });

  it("marks embedding models by their output modality", () => {
    for (const id of ["openai/text-embedding-3-small", "openai/text-embedding-3-large", "google/gemini-embedding-001"]) {
      expect(catalog.get(id)!.architecture.output_modalities).toEqual(["embeddings"]);
    }
    expect(catalog.get("openai/text-embedding-3-small")!.pricing!.prompt).toBe("0.00000002");
  });
});

describe("runtime catalog", () => {
  beforeEach(async () => {
    invalidateCatalogCache();
    await baseEnv.CATALOG.delete(CATALOG_KV_KEY);
  });

  it("merges stored listings: new models appear flagged with unknown price", async () => {
    const listings: StoredListings = {
      version: 1,
      refreshed_at: "2026-11-20T00:00:00.000Z",
      providers: {
        openai: { listed_at: "2026-11-20T00:00:00.000Z", models: [{ id: "gpt-4o" }, { id: "gpt-9-preview", created: 1790000000 }] },
        openrouter: {
          listed_at: "2026-11-20T00:00:00.000Z",
          models: [
            { id: "anthropic/claude-sonnet-4.6", pricing: { prompt: "0.000003", completion: "0.000015" } },
            { id: "acme/brand-new", context_length: 32000, pricing: { prompt: "0.000001", completion: "0.000002" } },
          ],
        },
      },
    };
    await baseEnv.CATALOG.put(CATALOG_KV_KEY, JSON.stringify(listings));
    const c = await getCatalog(baseEnv);
    expect(c.refreshedAt).toBe("2026-11-20T00:00:00.000Z");
    const gpt9 = c.get("openai/gpt-9-preview")!;
    expect(gpt9).toMatchObject({ discovered: true, pricing: null, created: 1790000000 });
    expect(gpt9.endpoints[0]).toMatchObject({ provider: "openai", upstream_model: "gpt-9-preview", pricing: null, discovered: true });
    // Known ids are not duplicated.
    expect(c.models.filter((m) => m.id === "openai/gpt-4o")).toHaveLength(1);
    expect(c.get("openai/gpt-4o")!.endpoints.filter((e) => e.provider === "openai")).toHaveLength(1);
    // OpenRouter entries attach to existing models as another endpoint, or add models with their listed price.
    const sonnet = c.get("anthropic/claude-sonnet-4.6")!.endpoints;
    expect(sonnet[0].provider).toBe("anthropic");
    expect(sonnet.filter((e) => e.provider === "openrouter")).toHaveLength(1);
    expect(sonnet.some((e) => e.discovered)).toBe(false);
    expect(c.get("acme/brand-new")).toMatchObject({ context_length: 32000, pricing: { prompt: "0.000001" } });
    // The shipped objects are untouched.
    expect(buildCatalog(shippedCatalogData()).get("anthropic/claude-sonnet-4.6")!.endpoints.some((e) => e.discovered || e.last_seen)).toBe(false);
    expect(shippedCatalogData().models.some((m) => m.discovered || m.endpoints.some((e) => e.discovered))).toBe(false);
  });

  it("keeps the merged catalog in memory for a while", async () => {
    const first = await getCatalog(baseEnv);
    await baseEnv.CATALOG.put(CATALOG_KV_KEY, JSON.stringify({ version: 1, refreshed_at: "x", providers: { openai: { listed_at: "x", models: [{ id: "gpt-new" }] } } }));
    expect(await getCatalog(baseEnv)).toBe(first);
    invalidateCatalogCache();
    expect((await getCatalog(baseEnv)).get("openai/gpt-new")).toBeDefined();
  });

  it("serves the shipped data when KV holds garbage", async () => {
    await baseEnv.CATALOG.put(CATALOG_KV_KEY, "not json");
    const c = await getCatalog(baseEnv);
    expect(c.get("openai/gpt-4o")).toBeDefined();
  });
});
