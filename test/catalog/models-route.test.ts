import { env } from "cloudflare:test";
import { Hono } from "hono";
import { beforeEach, describe, expect, it } from "vitest";
import { CATALOG_KV_KEY, invalidateCatalogCache } from "../../src/catalog/catalog";
import type { Env } from "../../src/env";
import { GatewayError } from "../../src/errors/gateway-error";
import { modelsRoutes, type ModelsBindings } from "../../src/routes/models";

const baseEnv = env as unknown as Env;
const KEYS = { OPENAI_API_KEY: "x", ANTHROPIC_API_KEY: "y", GEMINI_API_KEY: "g", GROQ_API_KEY: "q", TOGETHER_API_KEY: "t", OPENROUTER_API_KEY: "o" };

/** The routes mounted as the lead does, behind a stand-in for the auth middleware. */
function app(allowed?: string[] | null) {
  const a = new Hono<ModelsBindings>();
  a.use("*", async (c, next) => {
    if (allowed !== undefined) c.set("allowedProviders", allowed);
    await next();
  });
  a.route("/v1/models", modelsRoutes);
  a.route("/api/v1/models", modelsRoutes);
  a.onError((err, c) => {
    const ge = err instanceof GatewayError ? err : undefined;
    return c.json({ error: { message: err.message, type: ge?.kind } }, (ge?.status ?? 500) as 404);
  });
  return a;
}

async function get(path: string, e: Env = { ...baseEnv, ...KEYS } as Env, allowed?: string[] | null) {
  const res = await app(allowed).request(path, {}, e);
  return { status: res.status, body: (await res.json()) as any };
}
const ids = (body: { data: { id: string }[] }) => body.data.map((m) => m.id);

beforeEach(async () => {
  invalidateCatalogCache();
  await baseEnv.CATALOG.delete(CATALOG_KV_KEY);
});

describe("GET /v1/models", () => {
  it("lists text models of enabled providers in the OpenRouter schema", async () => {
    const { status, body } = await get("/v1/models");
    expect(status).toBe(200);
    expect(body.object).toBe("list");
    const list = ids(body);
    for (const id of ["openai/gpt-5.4", "openai/gpt-4o", "anthropic/claude-sonnet-4.6", "google/gemini-2.0-flash", "meta-llama/llama-3.3-70b-instruct", "deepseek/deepseek-r1"]) {
      expect(list, id).toContain(id);
    }
    // Providers without keys are hidden; embeddings are not text models.
    expect(list).not.toContain("x-ai/grok-4.7"); // x-ai not enabled (grok-3-mini is, via OpenRouter)
    expect(list).not.toContain("x-ai/grok-3-mini-beta");
    expect(list).toContain("x-ai/grok-3-mini");
    expect(list).not.toContain("openai/text-embedding-3-small");
    const sonnet = body.data.find((m: { id: string }) => m.id === "anthropic/claude-sonnet-4.6");
    expect(sonnet).toMatchObject({
      canonical_slug: "anthropic/claude-sonnet-4.6",
      name: "Anthropic: Claude Sonnet 4.6",
      context_length: 1000000,
      architecture: { input_modalities: ["text", "image", "file"], output_modalities: ["text"], tokenizer: "Claude", instruct_type: null },
      pricing: {
        prompt: "0.000003",
        completion: "0.000015",
        request: "0",
        image: "0",
        web_search: "0.01", // Anthropic: $10 per 1,000 searches
        internal_reasoning: "0",
        input_cache_read: "0.0000003",
        input_cache_write: "0.00000375",
      },
      top_provider: { context_length: 1000000, max_completion_tokens: 64000, is_moderated: true },
      per_request_limits: null,
      default_parameters: null,
      expiration_date: null,
      object: "model",
      owned_by: "anthropic",
    });
    expect(typeof sonnet.created).toBe("number");
    expect(typeof sonnet.description).toBe("string");
    expect(sonnet.supported_parameters).toEqual(expect.arrayContaining(["tools", "reasoning", "max_tokens"]));
    // Free variants are listed as their own ids.
    expect(list).toContain("deepseek/deepseek-r1:free");
    expect(body.data.find((m: { id: string }) => m.id === "deepseek/deepseek-r1:free").pricing.prompt).toBe("0");
    // Same response under /api/v1/models.
    expect(ids((await get("/api/v1/models")).body)).toEqual(list);
  });

  it("prices a multi-provider model by its first usable endpoint", async () => {
    const onlyTogether = await get("/v1/models", { ...baseEnv, TOGETHER_API_KEY: "t" } as Env);
    const llama = onlyTogether.body.data.find((m: { id: string }) => m.id === "meta-llama/llama-3.3-70b-instruct");
    expect(llama.pricing.prompt).toBe("0.00000088");
    const both = await get("/v1/models", { ...baseEnv, TOGETHER_API_KEY: "t", GROQ_API_KEY: "q" } as Env);
    expect(both.body.data.find((m: { id: string }) => m.id === "meta-llama/llama-3.3-70b-instruct").pricing.prompt).toBe("0.00000059");
  });

  it("filters by output_modalities", async () => {
    const emb = ids((await get("/v1/models?output_modalities=embeddings")).body);
    expect(emb.sort()).toEqual(["google/gemini-embedding-001", "openai/text-embedding-3-large", "openai/text-embedding-3-small", "openai/text-embedding-ada-002"]);
    const all = ids((await get("/v1/models?output_modalities=all")).body);
    expect(all).toContain("openai/text-embedding-3-small");
    expect(all).toContain("openai/gpt-4o");
    const text = ids((await get("/v1/models")).body);
    const both = ids((await get("/v1/models?output_modalities=text,embeddings")).body);
    expect(new Set(both)).toEqual(new Set([...text, ...emb]));
    expect(all.length).toBeGreaterThan(both.length); // image, speech and transcription models too
  });

  it("lists image, audio and speech-to-text models under their output modalities (comma = any of)", async () => {
    const list = async (q: string) => (await get(`/v1/models?output_modalities=${q}`)).body.data as { id: string; architecture: { input_modalities: string[]; output_modalities: string[] }; pricing: Record<string, unknown> }[];
    const image = await list("image");
    const imageIds = image.map((m) => m.id);
    expect(imageIds).toEqual(expect.arrayContaining(["openai/gpt-image-1", "openai/gpt-image-1-mini", "google/imagen-4.0-generate-001", "google/gemini-2.5-flash-image", "openai/gpt-5-image"]));
    expect(image.every((m) => m.architecture.output_modalities.includes("image"))).toBe(true);
    expect(image.find((m) => m.id === "openai/gpt-image-1")!.pricing).toMatchObject({ image_output: "0.00004", per_image: { "high|1024x1536": "0.25" } });
    // Image-only models are not text models; Gemini's image model outputs both.
    const text = (await list("text")).map((m) => m.id);
    expect(text).not.toContain("openai/gpt-image-1");
    expect(text).toContain("google/gemini-2.5-flash-image");
    const textOrImage = (await list("text,image")).map((m) => m.id);
    expect(new Set(textOrImage)).toEqual(new Set([...text, ...imageIds]));

    const audio = await list("audio");
    expect(audio.map((m) => m.id)).toEqual(expect.arrayContaining(["openai/tts-1", "openai/tts-1-hd", "openai/gpt-4o-mini-tts", "openai/gpt-audio", "google/gemini-2.5-flash-preview-tts"]));
    expect(audio.every((m) => m.architecture.output_modalities.includes("audio"))).toBe(true);
    expect(audio.find((m) => m.id === "openai/tts-1")!.pricing).toMatchObject({ character: "0.000015" });

    const stt = await list("transcription");
    expect(stt.map((m) => m.id)).toEqual(expect.arrayContaining(["openai/whisper-1", "openai/gpt-4o-transcribe", "openai/whisper-large-v3", "openai/whisper-large-v3-turbo"]));
    expect(stt.every((m) => m.architecture.input_modalities.includes("audio"))).toBe(true);
    expect(stt.find((m) => m.id === "openai/whisper-1")!.pricing).toMatchObject({ audio_second: "0.0001" });
    expect(text).not.toContain("openai/whisper-1");
  });

  it("answers the same list again from its cache, and a different one when the providers differ", async () => {
    const first = await app().request("/v1/models?output_modalities=image", {}, { ...baseEnv, ...KEYS } as Env);
    const again = await app().request("/v1/models?output_modalities=image", {}, { ...baseEnv, ...KEYS } as Env);
    expect(first.headers.get("content-type")).toContain("application/json");
    expect(await again.text()).toBe(await first.text());
    const groqOnly = ids((await get("/v1/models?output_modalities=image", { ...baseEnv, GROQ_API_KEY: "q" } as Env)).body);
    expect(groqOnly).toEqual([]);
  });

  it("filters by supported_parameters (all required)", async () => {
    const withTools = (await get("/v1/models?supported_parameters=tools")).body.data;
    expect(withTools.length).toBeGreaterThan(0);
    expect(withTools.every((m: { supported_parameters: string[] }) => m.supported_parameters.includes("tools"))).toBe(true);
    expect(ids({ data: withTools })).not.toContain("deepseek/deepseek-r1"); // R1 on Together has no tool calling
    const both = (await get("/v1/models?supported_parameters=tools,top_k")).body.data;
    expect(both.every((m: { supported_parameters: string[] }) => m.supported_parameters.includes("top_k") && m.supported_parameters.includes("tools"))).toBe(true);
    expect(both.length).toBeLessThan(withTools.length);
    expect((await get("/v1/models?supported_parameters=no_such_param")).body.data).toEqual([]);
  });

  it("shows only the key's allowed providers", async () => {
    const list = ids((await get("/v1/models", undefined, ["anthropic"])).body);
    expect(list.length).toBeGreaterThan(0);
    expect(list.every((id) => id.startsWith("anthropic/"))).toBe(true);
    // An open-weights model appears through the allowed provider only, priced by it.
    const groq = (await get("/v1/models", undefined, ["groq"])).body.data;
    expect(groq.find((m: { id: string }) => m.id === "openai/gpt-oss-120b").pricing.completion).toBe("0.0000006");
    // OpenRouter does not moderate: the same model listed through it is not.
    const viaOr = (await get("/v1/models", undefined, ["openrouter"])).body.data.find((m: { id: string }) => m.id === "openai/gpt-4o");
    expect(viaOr.top_provider.is_moderated).toBe(false);
    expect(ids((await get("/v1/models", undefined, [])).body)).toEqual([]);
    expect(ids((await get("/v1/models", undefined, null)).body).length).toBe(ids((await get("/v1/models")).body).length);
  });

  it("shows nothing when no provider is configured", async () => {
    expect((await get("/v1/models", baseEnv)).body.data).toEqual([]);
  });

  it("lists models a refresh discovered, flagged as unpriced", async () => {
    await baseEnv.CATALOG.put(
      CATALOG_KV_KEY,
      JSON.stringify({ version: 1, refreshed_at: "2026-11-20T00:00:00Z", providers: { openai: { listed_at: "2026-11-20T00:00:00Z", models: [{ id: "gpt-9", created: 1790000000 }] } } }),
    );
    const m = (await get("/v1/models")).body.data.find((x: { id: string }) => x.id === "openai/gpt-9");
    expect(m).toMatchObject({ pricing: null, pricing_known: false, created: 1790000000 });
  });
});

describe("GET /v1/models/{id}", () => {
  it("returns one model; ids contain slashes; aliases and bare ids work", async () => {
    const { status, body } = await get("/v1/models/openai/gpt-4o");
    expect(status).toBe(200);
    expect(body).toMatchObject({ id: "openai/gpt-4o", object: "model", owned_by: "openai", pricing: { prompt: "0.0000025" } });
    expect((await get("/v1/models/anthropic/claude-sonnet-4-20250514")).body.id).toBe("anthropic/claude-sonnet-4");
    expect((await get("/v1/models/gpt-4o-mini")).body.id).toBe("openai/gpt-4o-mini");
    expect((await get("/v1/models/deepseek/deepseek-r1:free")).body).toMatchObject({ id: "deepseek/deepseek-r1:free", pricing: { prompt: "0" } });
    expect((await get("/api/v1/models/google/gemini-2.5-flash")).body.id).toBe("google/gemini-2.5-flash");
  });

  it("404s for unknown models and for models the caller cannot use", async () => {
    const r = await get("/v1/models/acme/nothing");
    expect(r.status).toBe(404);
    expect(r.body.error.message).toContain("acme/nothing");
    expect((await get("/v1/models/x-ai/grok-4.7")).status).toBe(404);
    expect((await get("/v1/models/openai/gpt-4o", undefined, ["anthropic"])).status).toBe(404);
    expect((await get("/v1/models/openai/gpt-4o:free")).status).toBe(404);
  });
});

describe("GET /v1/models/{author}/{slug}/endpoints", () => {
  it("lists each usable provider with its own price, limits and upstream id", async () => {
    const { status, body } = await get("/v1/models/openai/gpt-oss-120b/endpoints");
    expect(status).toBe(200);
    expect(body.data.id).toBe("openai/gpt-oss-120b");
    const tags = body.data.endpoints.map((e: { tag: string }) => e.tag);
    expect(tags).toEqual(expect.arrayContaining(["groq", "together", "openrouter"]));
    expect(tags).not.toContain("cerebras"); // not enabled
    const groq = body.data.endpoints.find((e: { tag: string }) => e.tag === "groq");
    expect(groq).toMatchObject({
      provider_name: "Groq",
      upstream_model: "openai/gpt-oss-120b",
      context_length: 131072,
      pricing: { prompt: "0.00000015", completion: "0.0000006" },
      status: 0,
      throughput: null,
    });
    expect(groq.supported_parameters).toContain("tools");
    const r1 = (await get("/v1/models/deepseek/deepseek-r1/endpoints")).body.data.endpoints;
    expect(r1.map((e: { tag: string; variant: string }) => `${e.tag}:${e.variant}`)).toEqual(["together:standard", "openrouter:standard", "openrouter:free"]);
    expect((await get("/v1/models/acme/nothing/endpoints")).status).toBe(404);
  });
});
