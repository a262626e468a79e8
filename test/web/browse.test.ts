import { describe, expect, it } from "vitest";
import type { CatalogModel } from "../../src/catalog/types";
import { filterModels, parseBrowseQuery, sortModels } from "../../src/web/browse";
import { toModelView, type EndpointView, type ModelView } from "../../src/web/catalog-view";
import { perMillion, priceRows, tokens } from "../../src/web/format";

function model(id: string, o: { prompt?: string | null; completion?: string; ctx?: number; created?: number; out?: string[]; inp?: string[]; params?: string[]; providers?: string[]; tps?: number; free?: boolean }): ModelView {
  const pricing = o.prompt === null ? null : { prompt: o.prompt ?? "0.000001", completion: o.completion ?? "0.000002" };
  const m: CatalogModel = {
    id, canonical_slug: id, name: id.toUpperCase(), created: o.created ?? 0, description: `about ${id}`, context_length: o.ctx ?? 8000,
    architecture: { input_modalities: o.inp ?? ["text"], output_modalities: o.out ?? ["text"], tokenizer: "x", instruct_type: null },
    pricing, top_provider: { context_length: o.ctx ?? 8000, max_completion_tokens: 1000, is_moderated: false }, per_request_limits: null,
    supported_parameters: o.params ?? ["max_tokens"], default_parameters: {}, expiration_date: null, endpoints: [],
  };
  const eps: EndpointView[] = (o.providers ?? [id.split("/")[0]]).map((p) => ({
    endpoint: { provider: p, upstream_model: id, context_length: o.ctx ?? 8000, max_completion_tokens: 1000, pricing, supported_parameters: o.params ?? ["max_tokens"], ...(o.free ? { variant: "free" as const } : {}) },
    providerId: p, providerName: p.toUpperCase(), callId: id, coolingDown: false,
    stats: o.tps === undefined ? undefined : { throughput: o.tps, samples: 1, at: 1 },
  }));
  return toModelView(m, eps);
}

const models = [
  model("openai/a", { prompt: "0.000003", ctx: 128_000, created: 300, params: ["tools", "max_tokens"], inp: ["text", "image"], tps: 50 }),
  model("anthropic/b", { prompt: "0.000001", ctx: 200_000, created: 100, params: ["tools", "reasoning"], providers: ["anthropic", "openrouter"], tps: 90 }),
  model("google/c", { prompt: null, ctx: 1_000_000, created: 200, out: ["text", "image"] }),
  model("openai/embed", { prompt: "0.0000001", completion: "0", out: ["embeddings"] }),
  model("meta/free", { prompt: "0", completion: "0", free: true }),
];
const ids = (list: ModelView[]) => list.map((m) => m.model.id);
const q = (raw: Record<string, string | string[]>) => parseBrowseQuery(Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, Array.isArray(v) ? v : [v]])));

describe("model browser filters and sorts", () => {
  it("filters by text, modalities, parameters, provider, context and price", () => {
    expect(ids(filterModels(models, q({ q: "anthropic" })))).toEqual(["anthropic/b"]);
    expect(ids(filterModels(models, q({ q: "ABOUT embed" })))).toEqual(["openai/embed"]);
    expect(ids(filterModels(models, q({ output: "image" })))).toEqual(["google/c"]);
    expect(ids(filterModels(models, q({ output: ["image", "embeddings"] })))).toEqual(["google/c", "openai/embed"]);
    expect(ids(filterModels(models, q({ input: "image" })))).toEqual(["openai/a"]);
    expect(ids(filterModels(models, q({ params: ["tools", "reasoning"] })))).toEqual(["anthropic/b"]);
    expect(ids(filterModels(models, q({ provider: "openrouter" })))).toEqual(["anthropic/b"]);
    expect(ids(filterModels(models, q({ min_context: "200000" })))).toEqual(["anthropic/b", "google/c"]);
    expect(ids(filterModels(models, q({ max_price: "1" })))).toEqual(["anthropic/b", "openai/embed", "meta/free"]);
    expect(ids(filterModels(models, q({ max_price: "0" })))).toEqual(["meta/free"]);
  });

  it("sorts by price (unpriced last both ways), context, newest and throughput (unmeasured last)", () => {
    expect(ids(sortModels(models, "price_asc"))).toEqual(["meta/free", "openai/embed", "anthropic/b", "openai/a", "google/c"]);
    expect(ids(sortModels(models, "price_desc"))).toEqual(["openai/a", "anthropic/b", "openai/embed", "meta/free", "google/c"]);
    expect(ids(sortModels(models, "context"))[0]).toBe("google/c");
    expect(ids(sortModels(models, "newest")).slice(0, 3)).toEqual(["openai/a", "google/c", "anthropic/b"]);
    expect(ids(sortModels(models, "throughput")).slice(0, 2)).toEqual(["anthropic/b", "openai/a"]);
  });

  it("keeps the valid parts of a query and drops the invalid ones", () => {
    const parsed = q({ q: " gpt ", sort: "bogus", min_context: "lots", provider: "a,b" });
    expect(parsed).toMatchObject({ q: "gpt", sort: "newest", provider: ["a", "b"] });
    expect(parsed.min_context).toBeUndefined();
  });
});

describe("price display", () => {
  it("shows per-token prices per million and unit prices per unit, skipping zeros, keeping unknown fields", () => {
    expect(priceRows({ prompt: "0.000003", completion: "0.000015", request: "0", image: "0.04", input_cache_read: "0.0000003", per_second_video: "0.1" })).toEqual([
      { label: "Input", value: "$3.00", unit: "per 1M tokens" },
      { label: "Output", value: "$15.00", unit: "per 1M tokens" },
      { label: "Image", value: "$0.04", unit: "per image" },
      { label: "Cached input", value: "$0.30", unit: "per 1M tokens" },
      { label: "Per second video", value: "$0.10", unit: "" },
    ]);
    expect(priceRows({ image: { "1024x1024": { standard: "0.04" } } })).toEqual([{ label: "Image · 1024x1024 · standard", value: "$0.04", unit: "per image" }]);
    expect(priceRows(null)).toEqual([]);
    expect(perMillion(0.00000015)).toBe("$0.15");
    expect(perMillion(0)).toBe("free");
    expect(perMillion(null)).toBe("—");
    expect(tokens(1_048_576)).toBe("1.05M");
    expect(tokens(128_000)).toBe("128K");
  });
});
