// Invariants of the shipped catalog (data/models.json) as the build promises them (issues #13, #14):
// counts, real alternatives per model, dates, moderation, Responses-only and media models, and
// upstream ids in each provider's own spelling.
import { describe, expect, it } from "vitest";
import { shippedCatalogData } from "../../src/catalog/catalog";
import { toPricingMicros } from "../../src/catalog/pricing";
import type { CatalogEndpoint, CatalogModel } from "../../src/catalog/types";

const models = shippedCatalogData().models;
const paidPriced = (e: CatalogEndpoint) => e.variant !== "free" && e.pricing !== null;
const paidProviders = (m: CatalogModel) => new Set(m.endpoints.filter(paidPriced).map((e) => e.provider));
const byId = new Map(models.map((m) => [m.id, m]));
const outputs = (m: CatalogModel, x: string) => m.architecture.output_modalities.includes(x);

describe("catalog size", () => {
  it("has at least 400 priced models from at least 30 providers", () => {
    expect(models.filter((m) => paidProviders(m).size > 0).length).toBeGreaterThanOrEqual(400);
    const providers = new Set(models.flatMap((m) => [...paidProviders(m)]));
    expect(providers.size).toBeGreaterThanOrEqual(30);
  });

  it("has at least 60 models with paid endpoints on two or more providers (OpenRouter aside, too)", () => {
    expect(models.filter((m) => paidProviders(m).size >= 2).length).toBeGreaterThanOrEqual(60);
    const direct = models.filter((m) => [...paidProviders(m)].filter((p) => p !== "openrouter").length >= 2);
    expect(direct.length).toBeGreaterThanOrEqual(60);
    // Real alternatives: the same open-weights model at different prices.
    const llama = byId.get("meta-llama/llama-3.3-70b-instruct")!;
    expect(paidProviders(llama).size).toBeGreaterThanOrEqual(5);
    expect(new Set(llama.endpoints.filter(paidPriced).map((e) => e.pricing!.prompt)).size).toBeGreaterThan(2);
  });

  it("gives every priced endpoint a price the gateway can compute with", () => {
    for (const m of models) for (const e of m.endpoints.filter(paidPriced)) expect(toPricingMicros(e.pricing), `${m.id} ${e.provider}`).toBeDefined();
  });
});

describe("model fields", () => {
  it("never ships created 0, and default_parameters is null", () => {
    for (const m of models) {
      expect(m.created, m.id).toBeGreaterThan(1_500_000_000);
      expect(m.default_parameters, m.id).toBeNull();
    }
  });

  it("marks moderation by the top endpoint's provider (OpenAI, Anthropic, Azure, Bedrock's Anthropic)", () => {
    expect(byId.get("openai/gpt-4o")!.top_provider.is_moderated).toBe(true);
    expect(byId.get("anthropic/claude-sonnet-4.6")!.top_provider.is_moderated).toBe(true);
    expect(byId.get("meta-llama/llama-3.3-70b-instruct")!.top_provider.is_moderated).toBe(false);
    for (const m of models) {
      for (const e of m.endpoints) {
        const expected = ["openai", "anthropic", "azure"].includes(e.provider) || (e.provider === "amazon-bedrock" && /(^|\.)anthropic\./.test(e.upstream_model));
        expect(e.is_moderated === true, `${m.id} ${e.provider}`).toBe(expected);
      }
      const top = m.endpoints.find((e) => e.variant !== "free") ?? m.endpoints[0];
      expect(m.top_provider.is_moderated, m.id).toBe(top.is_moderated === true);
    }
  });

  it("sets expiration_date from deprecation notices, as a date", () => {
    const expiring = models.filter((m) => m.expiration_date !== null);
    expect(expiring.length).toBeGreaterThan(0);
    for (const m of expiring) expect(m.expiration_date, m.id).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(byId.get("anthropic/claude-sonnet-4")!.expiration_date).toBe("2026-06-15");
  });

  it("calls OpenAI's -pro and codex models through the Responses API", () => {
    const responses = models.flatMap((m) => m.endpoints.filter((e) => e.wire === "responses").map((e) => `${m.id} ${e.provider}`));
    expect(responses).toEqual(expect.arrayContaining(["openai/gpt-5-pro openai", "openai/o3-pro openai", "openai/gpt-5.3-codex openai"]));
    for (const m of models) {
      for (const e of m.endpoints) {
        if (e.provider === "openai" && /(^|-)pro$|codex/.test(e.upstream_model)) expect(e.wire, `${m.id}`).toBe("responses");
        if (e.provider === "openrouter") expect(e.wire, `${m.id} via OpenRouter`).toBeUndefined();
      }
    }
    expect(byId.get("openai/gpt-5-pro")!.endpoints.find((e) => e.provider === "openai")!.pricing).toMatchObject({ prompt: expect.any(String) });
  });
});

describe("upstream ids in each provider's spelling", () => {
  const upstreams = (provider: string) => models.flatMap((m) => m.endpoints.filter((e) => e.provider === provider).map((e) => e.upstream_model));

  it("Bedrock model or inference-profile ids, Vertex publisher ids, Workers AI @cf ids, Fireworks account paths", () => {
    for (const u of upstreams("amazon-bedrock")) expect(u).toMatch(/^((us|global)\.)?[a-z0-9-]+\.[a-z0-9.-]+(:\d+)?$/);
    expect(byId.get("anthropic/claude-sonnet-4.5")!.endpoints.find((e) => e.provider === "amazon-bedrock")!.upstream_model).toBe("global.anthropic.claude-sonnet-4-5-20250929-v1:0");
    expect(byId.get("anthropic/claude-sonnet-4.5")!.endpoints.find((e) => e.provider === "google-vertex")!.upstream_model).toBe("claude-sonnet-4-5@20250929");
    expect(byId.get("meta-llama/llama-3.3-70b-instruct")!.endpoints.find((e) => e.provider === "cloudflare")!.upstream_model).toBe("@cf/meta/llama-3.3-70b-instruct-fp8-fast");
    for (const u of upstreams("cloudflare")) expect(u).toMatch(/^@cf\//);
    for (const u of upstreams("fireworks")) expect(u).toMatch(/^accounts\/fireworks\/models\//);
    for (const u of upstreams("huggingface")) expect(u).toMatch(/^[^/]+\/[^:]+:[a-z0-9-]+$/);
  });
});

describe("media models", () => {
  it("has at least 10 image-output models, priced by what they bill", () => {
    const image = models.filter((m) => outputs(m, "image"));
    expect(image.length).toBeGreaterThanOrEqual(10);
    for (const id of ["openai/gpt-image-1", "openai/gpt-image-1-mini", "google/imagen-4.0-generate-001", "google/gemini-2.5-flash-image", "black-forest-labs/flux-1-schnell"]) {
      expect(image.map((m) => m.id), id).toContain(id);
    }
    expect(byId.get("openai/gpt-image-1")!.pricing).toMatchObject({ image_output: "0.00004", per_image: { "low|1024x1024": "0.011", "high|1536x1024": "0.25" } });
    expect(byId.get("google/imagen-4.0-fast-generate-001")!.pricing!.per_image).toEqual({ "*|*": "0.02" });
    const flux = byId.get("black-forest-labs/flux-1-schnell")!;
    expect(new Set(flux.endpoints.map((e) => e.provider))).toEqual(new Set(["cloudflare", "together", "fireworks"]));
    expect(flux.endpoints.every((e) => e.wire === "images")).toBe(true);
  });

  it("has at least 6 audio-output models and speech-to-text models that take audio", () => {
    const audio = models.filter((m) => outputs(m, "audio"));
    expect(audio.length).toBeGreaterThanOrEqual(6);
    expect(audio.map((m) => m.id)).toEqual(expect.arrayContaining(["openai/tts-1", "openai/tts-1-hd", "openai/gpt-4o-mini-tts", "google/gemini-2.5-flash-preview-tts", "google/gemini-2.5-pro-preview-tts", "openai/gpt-audio"]));
    expect(byId.get("openai/tts-1-hd")!.pricing!.character).toBe("0.00003");
    for (const id of ["openai/whisper-1", "openai/gpt-4o-transcribe", "openai/gpt-4o-mini-transcribe", "openai/whisper-large-v3", "openai/whisper-large-v3-turbo"]) {
      const m = byId.get(id)!;
      expect(m.architecture.input_modalities, id).toContain("audio");
      expect(m.endpoints.every((e) => e.wire === "transcription"), id).toBe(true);
    }
    expect(byId.get("openai/whisper-large-v3")!.endpoints[0]).toMatchObject({ provider: "groq", upstream_model: "whisper-large-v3" });
  });
});
