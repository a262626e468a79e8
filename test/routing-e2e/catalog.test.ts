// The model API and the catalog refresh, end to end: GET /v1/models filters agree with what the
// router will do, and the Cron Trigger (default.scheduled) against the fake providers' model lists
// makes a new model listed and routable.
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import worker from "../../src/index";
import { onlyProviders } from "../helpers/fake-upstream";
import { rig, type Rig } from "../helpers/rig";
import { resetRouting, user } from "./helpers";

beforeEach(resetRouting);

const list = async (s: Rig, query = "", headers: Record<string, string> = {}) => {
  const res = await s.gw.fetch(`/v1/models${query}`, { headers });
  expect(res.status).toBe(200);
  return ((await res.json()) as any).data as any[];
};

describe("GET /v1/models filters", () => {
  it("output_modalities: text by default, embeddings, a comma list, all", async () => {
    const s = await rig("models-filter");
    const text = await list(s);
    const emb = await list(s, "?output_modalities=embeddings");
    const both = await list(s, "?output_modalities=text,embeddings");
    const all = await list(s, "?output_modalities=all");
    expect(text.length).toBeGreaterThan(20);
    expect(text.every((m) => m.architecture.output_modalities.includes("text"))).toBe(true);
    expect(text.some((m) => m.architecture.output_modalities.includes("embeddings"))).toBe(false);
    const embIds = emb.map((m) => m.id);
    expect(embIds).toEqual(expect.arrayContaining(["openai/text-embedding-3-small", "openai/text-embedding-3-large", "google/gemini-embedding-001"]));
    expect(emb.every((m) => m.architecture.output_modalities.includes("embeddings"))).toBe(true);
    expect(both.length).toBe(text.length + emb.length);
    expect(all.length).toBeGreaterThanOrEqual(both.length);
    // Embedding models are listed, but chat cannot use them.
    const res = await s.chat({ model: "openai/text-embedding-3-small", messages: user() });
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).error.message).toMatch(/embedding model/);
  });

  it("supported_parameters: every listed model supports them all, and routing agrees", async () => {
    const s = await rig("models-params");
    const all = await list(s);
    const filtered = await list(s, "?supported_parameters=tools,structured_outputs");
    expect(filtered.length).toBeGreaterThan(0);
    expect(filtered.length).toBeLessThan(all.length);
    for (const m of filtered) expect(m.supported_parameters).toEqual(expect.arrayContaining(["tools", "structured_outputs"]));
    const ids = new Set(filtered.map((m) => m.id));
    const excluded = all.filter((m) => !ids.has(m.id));
    expect(excluded.every((m) => !m.supported_parameters.includes("tools") || !m.supported_parameters.includes("structured_outputs"))).toBe(true);

    // A model excluded for lacking structured outputs is refused with require_parameters…
    const noSchema = excluded.find((m) => m.supported_parameters.includes("tools") && !m.id.endsWith(":free"))!;
    expect(noSchema).toBeDefined();
    const rf = { type: "json_schema", json_schema: { name: "x", schema: { type: "object" } } };
    const refused = await s.chat({ model: noSchema.id, messages: user(), response_format: rf, provider: { require_parameters: true } });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as any).error.message).toMatch(/structured_outputs/);
    expect(await s.hits()).toEqual([]);
    // …while a listed one is served.
    const ok = await s.chat({ model: "openai/gpt-4o-mini", messages: user(), response_format: rf, provider: { require_parameters: true } });
    expect(ok.status).toBe(200);
  });

  it("only models of enabled providers, and of the key's allowed providers", async () => {
    const s = await rig("models-enabled", { env: (up) => onlyProviders(up, "GROQ", "ANTHROPIC") });
    const ids = (await list(s)).map((m) => m.id);
    expect(ids).toContain("anthropic/claude-sonnet-4.6");
    expect(ids).toContain("meta-llama/llama-3.3-70b-instruct");
    expect(ids).not.toContain("openai/gpt-4o");
    const { key } = await s.gw.createKey({ name: "groq-only", allowed_providers: ["groq"] });
    const scoped = (await list(s, "", { authorization: `Bearer ${key}` })).map((m) => m.id);
    expect(scoped).toContain("meta-llama/llama-3.3-70b-instruct");
    expect(scoped).not.toContain("anthropic/claude-sonnet-4.6");
    // Routing agrees: that key cannot reach Anthropic.
    const denied = await s.gw.fetch("/v1/chat/completions", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
      body: JSON.stringify({ model: "anthropic/claude-sonnet-4.6", messages: user() }),
    });
    expect(denied.status).toBe(403);
  });
});

describe("media models through the gateway", () => {
  it("lists image, audio and speech-to-text models; chat refuses the ones only their own API serves; auto never picks them", async () => {
    const s = await rig("models-media");
    const image = await list(s, "?output_modalities=image");
    expect(image.map((m) => m.id)).toEqual(expect.arrayContaining(["openai/gpt-image-1", "google/gemini-2.5-flash-image"]));
    const textOrImage = await list(s, "?output_modalities=text,image");
    expect(textOrImage.length).toBe(new Set([...(await list(s)).map((m) => m.id), ...image.map((m) => m.id)]).size);
    const audio = await list(s, "?output_modalities=audio");
    expect(audio.map((m) => m.id)).toEqual(expect.arrayContaining(["openai/tts-1", "openai/gpt-4o-mini-tts", "google/gemini-2.5-flash-preview-tts"]));

    for (const model of ["openai/gpt-image-1", "openai/tts-1", "openai/whisper-1"]) {
      const res = await s.chat({ model, messages: user() });
      expect(res.status, model).toBe(400);
      expect(((await res.json()) as any).error.message).toMatch(/image, speech or transcription API/);
    }
    expect(await s.hits()).toEqual([]);
    // `auto` picks a text chat model, never a media-only or audio-only one.
    const auto = await s.chat({ model: "auto", messages: user() });
    expect(auto.status).toBe(200);
    const chosen = ((await auto.json()) as any).model as string;
    const info = await s.gw.fetch(`/v1/models/${chosen}`);
    expect(info.status, chosen).toBe(200);
    expect(((await info.json()) as any).architecture.output_modalities).toContain("text");
  });
});

describe("GET /v1/models/{author}/{slug}/endpoints", () => {
  it("lists each provider with its own price; :floor picks the cheapest of them", async () => {
    const s = await rig("endpoints");
    const res = await s.gw.fetch("/v1/models/qwen/qwen3-coder/endpoints");
    expect(res.status).toBe(200);
    const eps = ((await res.json()) as any).data.endpoints as any[];
    const paid = eps.filter((e) => e.variant !== "free");
    expect(new Set(paid.map((e) => e.tag)).size).toBeGreaterThanOrEqual(4);
    for (const e of eps) {
      expect(e.upstream_model).toBeTruthy();
      expect(typeof e.pricing.prompt).toBe("string");
      expect(e.context_length).toBeGreaterThan(0);
    }
    // :floor takes the endpoint whose estimated cost is lowest; for a short prompt with the default
    // output budget that is the lowest completion price (ties: the lowest prompt price).
    const cost = (e: any) => Number(e.pricing.completion) * 1000 + Number(e.pricing.prompt);
    const cheapest = Math.min(...paid.map(cost));
    const floor = await s.chat({ model: "qwen/qwen3-coder:floor", messages: user() });
    const provider = ((await floor.json()) as any).provider;
    const sent = (await s.up.lastRequest())!.body.model;
    const picked = paid.find((e) => e.tag === provider && e.upstream_model === sent)!;
    expect(picked).toBeDefined();
    expect(cost(picked)).toBeCloseTo(cheapest, 12);
    // The free variant is listed as its own endpoint.
    expect(eps.some((e) => e.variant === "free" && e.pricing.prompt === "0")).toBe(true);
    // Unknown models are 404.
    expect((await s.gw.fetch("/v1/models/nobody/nothing/endpoints")).status).toBe(404);
  });
});

describe("catalog refresh through the Cron Trigger", () => {
  const newModel = {
    id: "newlab/wonder-1",
    canonical_slug: "newlab/wonder-1",
    name: "NewLab: Wonder 1",
    created: 1790000000,
    description: "A model released after the shipped catalog",
    context_length: 200000,
    architecture: { modality: "text->text", input_modalities: ["text"], output_modalities: ["text"], tokenizer: "Other" },
    pricing: { prompt: "0.000002", completion: "0.000008", request: "0", image: "0" },
    top_provider: { context_length: 200000, max_completion_tokens: 32000, is_moderated: false },
    supported_parameters: ["tools", "tool_choice", "max_tokens", "temperature"],
  };

  const runCron = async (s: Rig) => {
    const ctx = createExecutionContext();
    await worker.scheduled!(createScheduledController({ cron: "*/30 * * * *", scheduledTime: Date.now() }), s.gw.env, ctx);
    await waitOnExecutionContext(ctx);
  };

  it("a model only a provider's GET /models lists becomes listed and routable, priced from the listing", async () => {
    const s = await rig("refresh");
    await s.up.script({ match: "/openrouter/v1/models", body: { data: [newModel] } });

    // Before: unknown.
    expect((await s.gw.fetch("/v1/models/newlab/wonder-1")).status).toBe(404);
    const before = await s.chat({ model: "newlab/wonder-1", messages: user() });
    expect(before.status).toBe(400);
    expect(((await before.json()) as any).error.message).toMatch(/Unknown model/);

    await runCron(s);
    const listed = (await s.up.requests()).filter((r) => r.method === "GET").map((r) => r.path);
    expect(listed).toEqual(expect.arrayContaining(["/openai/v1/models", "/anthropic/v1/models", "/gemini/v1beta/models", "/openrouter/v1/models", "/groq/v1/models"]));

    // After: listed with the listing's price, and routable.
    const info = await s.gw.fetch("/v1/models/newlab/wonder-1");
    expect(info.status).toBe(200);
    const m = (await info.json()) as any;
    expect(m.pricing.prompt).toBe("0.000002");
    expect(m.pricing_known).toBe(true);
    expect((await list(s)).some((x) => x.id === "newlab/wonder-1")).toBe(true);

    const res = await s.chat({ model: "newlab/wonder-1", messages: user() });
    expect(res.status).toBe(200);
    const body = (await res.json()) as any;
    expect(body.provider).toBe("openrouter");
    expect((await s.up.lastRequest())!.path).toBe("/openrouter/v1/chat/completions");
    expect((await s.up.lastRequest())!.body.model).toBe("newlab/wonder-1");
    const expected = (body.usage.prompt_tokens * 2 + body.usage.completion_tokens * 8) / 1e6;
    expect(Number(res.headers.get("x-arouter-cost"))).toBeCloseTo(expected, 6);
  });

  it("a new id from a first-party list becomes a listed model (price unknown, flagged)", async () => {
    const s = await rig("refresh-openai");
    await s.up.script({ match: "/openai/v1/models", body: { object: "list", data: [{ id: "gpt-test-2099", object: "model", created: 1790000000, owned_by: "system" }] } });
    expect((await s.gw.fetch("/v1/models/openai/gpt-test-2099")).status).toBe(404);
    await runCron(s);
    const info = await s.gw.fetch("/v1/models/openai/gpt-test-2099");
    expect(info.status).toBe(200);
    expect(((await info.json()) as any).pricing_known).toBe(false);
    const res = await s.chat({ model: "openai/gpt-test-2099", messages: user() });
    expect(res.status).toBe(200);
    expect((await s.up.lastRequest())!.body.model).toBe("gpt-test-2099");
  });

  it("a failed refresh keeps the last good catalog", async () => {
    const s = await rig("refresh-fail");
    await s.up.script({ match: "/openrouter/v1/models", body: { data: [newModel] } });
    await runCron(s);
    expect((await s.gw.fetch("/v1/models/newlab/wonder-1")).status).toBe(200);
    // Next run: OpenRouter's list fails.
    await s.up.script({ match: "/openrouter/v1/models", status: 500 });
    await runCron(s);
    expect((await s.gw.fetch("/v1/models/newlab/wonder-1")).status).toBe(200);
    expect((await s.chat({ model: "newlab/wonder-1", messages: user() })).status).toBe(200);
  });
});
