import { env } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import { CATALOG_KV_KEY, getCatalog, invalidateCatalogCache } from "../../src/catalog/catalog";
import { listProviderModels, type FetchFn } from "../../src/catalog/list-models";
import { mergeListing, PRICED_RETENTION_MS, refreshCatalog } from "../../src/catalog/refresh";
import type { ProviderEntry } from "../../src/providers/types";
import type { StoredListings } from "../../src/catalog/types";
import type { Env } from "../../src/env";

const baseEnv = env as unknown as Env;

/** A fake set of provider APIs keyed by URL prefix; records the requests it saw. */
function fakeProviders(routes: Record<string, (url: URL, init?: RequestInit) => Response | Promise<Response>>) {
  const seen: { url: string; headers: Record<string, string> }[] = [];
  const fetchFn: FetchFn = async (input, init) => {
    const url = new URL(typeof input === "string" ? input : input instanceof URL ? input.href : input.url);
    seen.push({ url: url.href, headers: Object.fromEntries(new Headers(init?.headers).entries()) });
    for (const [prefix, handler] of Object.entries(routes)) if (url.href.startsWith(prefix)) return handler(url, init);
    return new Response("not found", { status: 404 });
  };
  return { fetchFn, seen };
}

const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

const openaiList = () =>
  json({
    object: "list",
    data: [
      { id: "gpt-4o", object: "model", created: 1715367049, owned_by: "system" },
      { id: "gpt-9", object: "model", created: 1790000000, owned_by: "system" },
      { id: "whisper-1", object: "model", created: 1677532384, owned_by: "openai-internal" },
      { id: "text-embedding-4", object: "model", created: 1790000000, owned_by: "system" },
    ],
  });

describe("refreshCatalog", () => {
  beforeEach(async () => {
    invalidateCatalogCache();
    await baseEnv.CATALOG.delete(CATALOG_KV_KEY);
  });

  it("lists each enabled provider with its own API and merges new models into the catalog", async () => {
    const e = { ...baseEnv, OPENAI_API_KEY: "sk-o", ANTHROPIC_API_KEY: "sk-a", GEMINI_API_KEY: "g-k" } as Env;
    const { fetchFn, seen } = fakeProviders({
      "https://api.openai.com/v1/models": openaiList,
      "https://api.anthropic.com/v1/models": (url) =>
        url.searchParams.get("after_id")
          ? json({ data: [{ id: "claude-next-1", display_name: "Claude Next", created_at: "2026-10-01T00:00:00Z", type: "model" }], has_more: false })
          : json({ data: [{ id: "claude-sonnet-4-6", display_name: "Claude Sonnet 4.6", type: "model" }], has_more: true, last_id: "claude-sonnet-4-6" }),
      "https://generativelanguage.googleapis.com/v1beta/models": () =>
        json({
          models: [
            { name: "models/gemini-2.5-flash", supportedGenerationMethods: ["generateContent"] },
            { name: "models/gemini-4-flash", displayName: "Gemini 4 Flash", inputTokenLimit: 2000000, outputTokenLimit: 65536, supportedGenerationMethods: ["generateContent", "countTokens"] },
            { name: "models/gemini-embedding-002", supportedGenerationMethods: ["embedContent"], inputTokenLimit: 8192 },
            { name: "models/imagen-5", supportedGenerationMethods: ["predict"] },
          ],
        }),
    });
    const r = await refreshCatalog(e, { fetch: fetchFn });
    expect(r.ok.sort()).toEqual(["anthropic", "google", "openai"]);
    expect(r.failed).toEqual([]);
    expect(r.written).toBe(true);

    // Each provider's own request shape (registry buildRequest): auth headers, pagination.
    const anth = seen.filter((s) => s.url.startsWith("https://api.anthropic.com"));
    expect(anth).toHaveLength(2);
    expect(anth[0].headers["x-api-key"]).toBe("sk-a");
    expect(anth[1].url).toContain("after_id=claude-sonnet-4-6");
    expect(seen.find((s) => s.url.startsWith("https://api.openai.com"))!.headers.authorization).toBe("Bearer sk-o");
    expect(seen.find((s) => s.url.includes("googleapis"))!.headers["x-goog-api-key"]).toBe("g-k");

    const c = await getCatalog(e);
    expect(c.get("openai/gpt-9")).toMatchObject({ discovered: true, pricing: null });
    // whisper-1 is a shipped speech-to-text model: the listing neither duplicates nor re-prices it.
    expect(c.get("openai/whisper-1")!.discovered).toBeUndefined();
    expect(c.get("openai/whisper-1")!.endpoints.filter((x) => x.provider === "openai")).toHaveLength(1);
    expect(r.unpriced).toEqual(expect.arrayContaining([{ provider: "openai", id: "gpt-9" }, { provider: "google", id: "gemini-4-flash" }]));
    expect(r.unpriced.some((u) => u.id === "gpt-4o" || u.id === "claude-sonnet-4-6")).toBe(false);
    expect(c.get("openai/text-embedding-4")!.architecture.output_modalities).toEqual(["embeddings"]);
    expect(c.get("anthropic/claude-next-1")).toMatchObject({ name: "Anthropic: Claude Next", created: 1790812800 });
    expect(c.get("google/gemini-4-flash")).toMatchObject({ context_length: 2000000, pricing: null });
    expect(c.get("google/gemini-4-flash")!.endpoints[0].max_completion_tokens).toBe(65536);
    expect(c.get("google/gemini-embedding-002")!.architecture.output_modalities).toEqual(["embeddings"]);
    expect(c.get("google/imagen-5")).toBeUndefined();
    // Known models stay as shipped (price known).
    expect(c.get("anthropic/claude-sonnet-4.6")!.pricing!.prompt).toBe("0.000003");
    // Providers that are not enabled are not asked.
    expect(seen.some((s) => s.url.includes("groq"))).toBe(false);
  });

  it("takes prices from listings that carry them (OpenRouter, Together) and prices local Ollama models at zero", async () => {
    const e = { ...baseEnv, OPENROUTER_API_KEY: "or", TOGETHER_API_KEY: "tg", OLLAMA_BASE_URL: "http://127.0.0.1:11434/v1" } as Env;
    const { fetchFn } = fakeProviders({
      "https://openrouter.ai/api/v1/models": () =>
        json({
          data: [
            { id: "acme/rocket-1", name: "Acme: Rocket 1", context_length: 64000, pricing: { prompt: "0.000001", completion: "0.000004" }, architecture: { input_modalities: ["text", "image"], output_modalities: ["text"] }, supported_parameters: ["tools", "max_tokens"] },
            { id: "acme/rocket-1:free", context_length: 64000, pricing: { prompt: "0", completion: "0" } },
            { id: "openrouter/auto", pricing: { prompt: "-1", completion: "-1" } },
          ],
        }),
      "https://api.together.xyz/v1/models": () =>
        json([
          { id: "acme/Rocket-2", type: "chat", context_length: 128000, pricing: { input: 0.5, output: 1.5 } },
          { id: "acme/painter", type: "image", pricing: { input: 0, output: 0 } },
        ]),
      "http://127.0.0.1:11434/v1/models": () => json({ object: "list", data: [{ id: "llama3.2:3b", object: "model" }] }),
    });
    const r = await refreshCatalog(e, { fetch: fetchFn });
    expect(r.ok.sort()).toEqual(["ollama", "openrouter", "together"]);
    const c = await getCatalog(e);
    const rocket = c.get("acme/rocket-1")!;
    expect(rocket.pricing).toMatchObject({ prompt: "0.000001", completion: "0.000004" });
    expect(rocket.architecture.input_modalities).toEqual(["text", "image"]);
    expect(rocket.endpoints.find((x) => x.variant === "free")).toMatchObject({ upstream_model: "acme/rocket-1:free", pricing: { prompt: "0" } });
    expect(c.get("openrouter/auto")!.pricing).toBeNull();
    expect(c.get("together/acme/Rocket-2")!.pricing).toMatchObject({ prompt: "0.0000005", completion: "0.0000015" });
    expect(c.get("together/acme/painter")).toBeUndefined();
    expect(c.get("ollama/llama3.2:3b")!.pricing).toMatchObject({ prompt: "0", completion: "0" });
  });

  it("keeps the last good listing of a provider whose refresh fails", async () => {
    const e = { ...baseEnv, OPENAI_API_KEY: "sk-o", GROQ_API_KEY: "gq" } as Env;
    const good = fakeProviders({
      "https://api.openai.com/v1/models": openaiList,
      "https://api.groq.com/openai/v1/models": () => json({ data: [{ id: "groq-special", context_window: 8192 }] }),
    });
    await refreshCatalog(e, { fetch: good.fetchFn });
    expect((await getCatalog(e)).get("groq/groq-special")).toBeDefined();

    // Groq now fails (500), OpenAI lists a new model: Groq's previous listing stays.
    const partial = fakeProviders({
      "https://api.openai.com/v1/models": () => json({ data: [{ id: "gpt-10" }] }),
      "https://api.groq.com/openai/v1/models": () => json({ error: "boom" }, 500),
    });
    const r = await refreshCatalog(e, { fetch: partial.fetchFn });
    expect(r.ok).toEqual(["openai"]);
    expect(r.failed).toEqual([{ provider: "groq", error: "HTTP 500 from groq model list" }]);
    const c = await getCatalog(e);
    expect(c.get("groq/groq-special")).toBeDefined();
    expect(c.get("openai/gpt-10")).toBeDefined();

    // Everything fails (network errors, bad JSON, empty list): KV is not touched at all.
    const before = await baseEnv.CATALOG.get<StoredListings>(CATALOG_KV_KEY, "json");
    const broken = fakeProviders({
      "https://api.openai.com/v1/models": () => new Response("<html>", { status: 200 }),
      "https://api.groq.com/openai/v1/models": () => json({ data: [] }),
    });
    const r2 = await refreshCatalog(e, { fetch: broken.fetchFn });
    expect(r2.written).toBe(false);
    expect(r2.failed.map((f) => f.provider).sort()).toEqual(["groq", "openai"]);
    expect(await baseEnv.CATALOG.get<StoredListings>(CATALOG_KV_KEY, "json")).toEqual(before);
    invalidateCatalogCache();
    expect((await getCatalog(e)).get("openai/gpt-10")).toBeDefined();

    const thrown = await refreshCatalog(e, {
      fetch: async () => {
        throw new TypeError("network down");
      },
    });
    expect(thrown.written).toBe(false);
    expect(thrown.failed[0].error).toBe("network down");
  });

  it("records when a listing first and last showed each model", async () => {
    const e = { ...baseEnv, OPENAI_API_KEY: "sk-o" } as Env;
    const { fetchFn } = fakeProviders({ "https://api.openai.com/v1/models": openaiList });
    const r1 = await refreshCatalog(e, { fetch: fetchFn });
    const first = (await getCatalog(e)).get("openai/gpt-9")!.endpoints[0];
    expect(first).toMatchObject({ first_seen: r1.refreshedAt, last_seen: r1.refreshedAt });
    const r2 = await refreshCatalog(e, { fetch: fetchFn });
    const c = await getCatalog(e);
    expect(c.get("openai/gpt-9")!.endpoints[0]).toMatchObject({ first_seen: r1.refreshedAt, last_seen: r2.refreshedAt });
    // Shipped endpoints a listing shows carry the same record; the second run flags nothing new.
    expect(c.get("openai/gpt-4o")!.endpoints.find((x) => x.provider === "openai")).toMatchObject({ first_seen: r1.refreshedAt, last_seen: r2.refreshedAt });
    expect(r2.unpriced).toEqual([]);
  });

  it("keeps a priced model that a short listing no longer shows; unpriced ones go", async () => {
    const e = { ...baseEnv, OPENROUTER_API_KEY: "or" } as Env;
    const priced = (id: string) => ({ id, context_length: 32000, pricing: { prompt: "0.000001", completion: "0.000002" } });
    const full = fakeProviders({ "https://openrouter.ai/api/v1/models": () => json({ data: [priced("acme/one"), priced("acme/two")] }) });
    await refreshCatalog(e, { fetch: full.fetchFn });
    const short = fakeProviders({ "https://openrouter.ai/api/v1/models": () => json({ data: [priced("acme/one")] }) });
    const r = await refreshCatalog(e, { fetch: short.fetchFn });
    expect(r.kept).toEqual([{ provider: "openrouter", id: "acme/two" }]);
    const c = await getCatalog(e);
    expect(c.get("acme/two")).toMatchObject({ pricing: { prompt: "0.000001" } });
    // A listing that drops its prices does not erase the price the previous one gave.
    const unpricedNow = fakeProviders({ "https://openrouter.ai/api/v1/models": () => json({ data: [{ id: "acme/one" }] }) });
    await refreshCatalog(e, { fetch: unpricedNow.fetchFn });
    expect((await getCatalog(e)).get("acme/one")!.pricing).toMatchObject({ completion: "0.000002" });
  });

  it("drops a kept model once it has been missing longer than the retention, never a shipped one", () => {
    const t0 = "2026-01-01T00:00:00.000Z";
    const later = new Date(Date.parse(t0) + PRICED_RETENTION_MS + 1000).toISOString();
    const old = [
      { id: "a", pricing: { prompt: "0.000001", completion: "0.000001" }, first_seen: t0, last_seen: t0 },
      { id: "b", first_seen: t0, last_seen: t0 },
    ];
    const soon = mergeListing(old, [{ id: "c" }], "2026-01-02T00:00:00.000Z");
    expect(soon.models.map((m) => m.id)).toEqual(["c", "a"]);
    expect(soon.kept).toEqual(["a"]);
    expect(soon.added.map((m) => m.id)).toEqual(["c"]);
    expect(mergeListing(old, [{ id: "c" }], later).models.map((m) => m.id)).toEqual(["c"]);
  });

  it("adds the OpenRouter models it discovers with their listed prices, as endpoints of known models where it can", async () => {
    const e = { ...baseEnv, OPENROUTER_API_KEY: "or" } as Env;
    const { fetchFn } = fakeProviders({
      "https://openrouter.ai/api/v1/models": () =>
        json({
          data: [
            { id: "newlab/wonder-2", name: "NewLab: Wonder 2", created: 1790000000, context_length: 100000, pricing: { prompt: "0.000002", completion: "0.000008", image: "0.001" } },
            // The catalog's Mistral model under OpenRouter's author slug (an alias of it).
            { id: "mistralai/mistral-large-2512", pricing: { prompt: "0.0000005", completion: "0.0000015" } },
          ],
        }),
    });
    const before = (await getCatalog(e)).models.length;
    await refreshCatalog(e, { fetch: fetchFn });
    const c = await getCatalog(e);
    expect(c.models.length).toBe(before + 1);
    expect(c.get("newlab/wonder-2")).toMatchObject({ name: "NewLab: Wonder 2", created: 1790000000, pricing: { prompt: "0.000002", image: "0.001" } });
    expect(c.get("mistralai/mistral-large-2512")!.id).toBe("mistral/mistral-large-2512");
  });

  it("reads the clouds' listing shapes (Bedrock, Workers AI, Vertex) generically", async () => {
    const provider = (format: "openai" | "gemini", url: string) =>
      ({ id: "x", name: "X", format, envPrefix: "X", defaultBaseUrl: url, buildRequest: () => ({ url, headers: {} }) }) as unknown as ProviderEntry;
    const { fetchFn } = fakeProviders({
      "https://bedrock.example/foundation-models": () =>
        json({
          modelSummaries: [
            { modelId: "anthropic.claude-sonnet-4-6", modelName: "Claude Sonnet 4.6", inputModalities: ["TEXT", "IMAGE"], outputModalities: ["TEXT"] },
            { modelId: "amazon.titan-embed-text-v2:0", outputModalities: ["EMBEDDING"] },
            { modelId: "stability.sd3-large-v1:0", outputModalities: ["IMAGE"] },
          ],
        }),
      "https://cf.example/models": () =>
        json({ result: [{ name: "@cf/meta/llama-9-instruct", task: { name: "Text Generation" } }, { name: "@cf/baai/bge-m9", task: { name: "Text Embeddings" } }, { name: "@cf/lykon/dreamshaper-8-lcm", task: { name: "Text-to-Image" } }] }),
      "https://vertex.example/publishers": () => json({ publisherModels: [{ name: "publishers/google/models/gemini-9-pro" }] }),
    });
    const cfg = { baseUrl: "", apiKey: "k" };
    const bedrock = await listProviderModels(provider("openai", "https://bedrock.example/foundation-models"), cfg, fetchFn);
    expect(bedrock.map((m) => [m.id, m.output_modalities ?? ["text"]])).toEqual([
      ["anthropic.claude-sonnet-4-6", ["text"]],
      ["amazon.titan-embed-text-v2:0", ["embeddings"]],
    ]);
    expect(bedrock[0].name).toBe("Claude Sonnet 4.6");
    const cf = await listProviderModels(provider("openai", "https://cf.example/models"), cfg, fetchFn);
    expect(cf.map((m) => m.id)).toEqual(["@cf/meta/llama-9-instruct", "@cf/baai/bge-m9"]);
    const vertex = await listProviderModels(provider("gemini", "https://vertex.example/publishers"), cfg, fetchFn);
    expect(vertex.map((m) => m.id)).toEqual(["gemini-9-pro"]);
  });

  it("does nothing without enabled providers", async () => {
    const r = await refreshCatalog(baseEnv, { fetch: async () => json({}) });
    expect(r).toMatchObject({ ok: [], failed: [], written: false });
  });
});

describe("scheduled", () => {
  it("runs a refresh from the Cron Trigger", async () => {
    const { scheduled } = await import("../../src/catalog/refresh");
    const pending: Promise<unknown>[] = [];
    const ctx = { waitUntil: (p: Promise<unknown>) => void pending.push(p), passThroughOnException() {} } as unknown as ExecutionContext;
    await scheduled({ cron: "*/30 * * * *", scheduledTime: Date.now(), noRetry() {} } as ScheduledController, baseEnv, ctx);
    expect(pending).toHaveLength(1);
    await expect(pending[0]).resolves.toMatchObject({ ok: [], written: false });
  });
});
