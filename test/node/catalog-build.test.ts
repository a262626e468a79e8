// The catalog build's matcher and derivations (scripts/catalog/*), with real tricky id pairs from
// the sources, and the committed data/models.json checked against its sources.
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { groupOffers, mergeOffers, modelIdFor, toEndpoint, type Offer } from "../../scripts/catalog/assemble.mjs";
import { hasPrice, isModerated, perMillionToPerToken, pricingStrings, supportedParameters } from "../../scripts/catalog/derive.mjs";
import { modelKey } from "../../scripts/catalog/normalize.mjs";
import { parseUpstream } from "../../scripts/catalog/provider-ids.mjs";
import { catalogStats } from "../../scripts/catalog/stats.mjs";

/** The key a provider's upstream id matches under. */
const key = (provider: string, upstream: string, keepDate = false) => {
  const p = parseUpstream(provider, upstream)!;
  return modelKey(p.author, p.name, { keepDate });
};

describe("matching the same model across providers", () => {
  it.each([
    ["Llama 3.1 8B", [["openrouter", "meta-llama/llama-3.1-8b-instruct"], ["amazon-bedrock", "us.meta.llama3-1-8b-instruct-v1:0"], ["cloudflare", "@cf/meta/llama-3.1-8b-instruct-fp8-fast"], ["together", "meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo"], ["nebius", "meta-llama/Llama-3.1-8B-Instruct"], ["fireworks", "accounts/fireworks/models/llama-v3p1-8b-instruct"], ["sambanova", "Meta-Llama-3.1-8B-Instruct"]]],
    ["Claude Sonnet 4.5", [["anthropic", "claude-sonnet-4-5-20250929"], ["openrouter", "anthropic/claude-sonnet-4.5"], ["google-vertex", "claude-sonnet-4-5@20250929"], ["amazon-bedrock", "global.anthropic.claude-sonnet-4-5-20250929-v1:0"]]],
    ["GLM 4.5", [["fireworks", "accounts/fireworks/models/glm-4p5"], ["deepinfra", "zai-org/GLM-4.5"], ["openrouter", "z-ai/glm-4.5"], ["z-ai", "glm-4.5"]]],
    ["GLM 4.7", [["cerebras", "zai-glm-4.7"], ["z-ai", "glm-4.7"], ["baseten", "zai-org/GLM-4.7"], ["huggingface", "zai-org/GLM-4.7-FP8:together"]]],
    ["Kimi K2", [["together", "moonshotai/Kimi-K2-Instruct"], ["openrouter", "moonshotai/kimi-k2"], ["groq", "moonshotai/kimi-k2-instruct"]]],
    ["gpt-oss-120b", [["amazon-bedrock", "openai.gpt-oss-120b-1:0"], ["cerebras", "gpt-oss-120b"], ["groq", "openai/gpt-oss-120b"], ["fireworks", "accounts/fireworks/models/gpt-oss-120b"]]],
    ["Qwen3 235B 2507", [["nebius", "Qwen/Qwen3-235B-A22B-Instruct-2507"], ["openrouter", "qwen/qwen3-235b-a22b-2507"], ["cerebras", "qwen-3-235b-a22b-instruct-2507"]]],
    ["DeepSeek V3", [["novita", "deepseek/deepseek_v3"], ["together", "deepseek-ai/DeepSeek-V3"]]],
    ["Gemma 4 31B", [["cerebras", "gemma-4-31b"], ["openrouter", "google/gemma-4-31b-it"], ["sambanova", "gemma-4-31B-it"]]],
    ["Nova Pro", [["amazon-bedrock", "amazon.nova-pro-v1:0"], ["openrouter", "amazon/nova-pro-v1"]]],
    ["MiniMax M2", [["minimax", "MiniMax-M2"], ["openrouter", "minimax/minimax-m2"], ["huggingface", "MiniMaxAI/MiniMax-M2:novita"]]],
  ])("%s", (_name, ids) => {
    const keys = new Set((ids as string[][]).map(([p, u]) => key(p, u)));
    expect([...keys]).toHaveLength(1);
  });

  it.each([
    ["different sizes", ["openrouter", "meta-llama/llama-3.1-8b-instruct"], ["openrouter", "meta-llama/llama-3.1-70b-instruct"]],
    ["a re-release", ["openrouter", "qwen/qwen3-235b-a22b"], ["openrouter", "qwen/qwen3-235b-a22b-2507"]],
    ["thinking vs instruct", ["nebius", "Qwen/Qwen3-235B-A22B-Thinking-2507"], ["nebius", "Qwen/Qwen3-235B-A22B-Instruct-2507"]],
    ["a dated version", ["together", "deepseek-ai/DeepSeek-R1"], ["nebius", "deepseek-ai/DeepSeek-R1-0528"]],
    ["Kimi K2 0905", ["openrouter", "moonshotai/kimi-k2"], ["groq", "moonshotai/kimi-k2-instruct-0905"]],
    ["mini", ["openai", "gpt-5"], ["openai", "gpt-5-mini"]],
    ["lite", ["google", "gemini-2.5-flash"], ["google", "gemini-2.5-flash-lite"]],
    ["V3 vs V3.1", ["together", "deepseek-ai/DeepSeek-V3"], ["chutes", "deepseek-ai/DeepSeek-V3.1"]],
    ["coder sizes", ["nebius", "Qwen/Qwen3-Coder-30B-A3B-Instruct"], ["nebius", "Qwen/Qwen3-Coder-480B-A35B-Instruct"]],
    ["Mistral Small 2402 vs 24B", ["amazon-bedrock", "mistral.mistral-small-2402-v1:0"], ["openrouter", "mistralai/mistral-small-24b-instruct-2501"]],
  ])("keeps apart: %s", (_name, a, b) => {
    expect(key(a[0], a[1])).not.toBe(key(b[0], b[1]));
  });

  it("keeps the version in ids that are versions (deepseek-v3 is not deepseek)", () => {
    expect(modelKey("deepseek", "deepseek-v3")).toBe("deepseek/v-3");
    expect(modelKey("deepseek", "deepseek-v3")).not.toBe(modelKey("deepseek", "deepseek-chat"));
  });

  it("keeps a dated snapshot apart where the date is the version (curated keep_dates)", () => {
    const june = key("amazon-bedrock", "anthropic.claude-3-5-sonnet-20240620-v1:0", true);
    const october = key("amazon-bedrock", "anthropic.claude-3-5-sonnet-20241022-v2:0");
    expect(june).not.toBe(october);
    expect(october).toBe(key("openrouter", "anthropic/claude-3.5-sonnet"));
  });

  it("splits a base model from its instruct model when one provider lists both", () => {
    const offers: Offer[] = [
      { provider: "openrouter", upstream: "meta-llama/llama-3.1-405b", source: "t", rank: 2, cost: { input: 4, output: 4 } },
      { provider: "openrouter", upstream: "meta-llama/llama-3.1-405b-instruct", source: "t", rank: 2, cost: { input: 3, output: 3 } },
      { provider: "together", upstream: "meta-llama/Meta-Llama-3.1-405B-Instruct-Turbo", source: "t", rank: 2, cost: { input: 3.5, output: 3.5 } },
    ];
    const groups = groupOffers(mergeOffers(offers), { groupOf: new Map(), keepDates: new Set(), sameModel: new Map() });
    const ids = [...groups].map(([k, list]) => [modelIdFor(k, list), list.map((o) => o.provider).sort()]);
    expect(ids).toEqual(
      expect.arrayContaining([
        ["meta-llama/llama-3.1-405b-instruct", ["openrouter", "together"]],
        ["meta-llama/llama-3.1-405b", ["openrouter"]],
      ]),
    );
  });

  it("names a model by its author's own API, else OpenRouter's id, else the Hugging Face repo", () => {
    const rules = { groupOf: new Map<string, string>(), keepDates: new Set<string>(), sameModel: new Map<string, string>() };
    const one = (offers: Offer[]) => {
      const [[k, list]] = [...groupOffers(mergeOffers(offers), rules)];
      return modelIdFor(k, list);
    };
    const o = (provider: string, upstream: string): Offer => ({ provider, upstream, source: "t", rank: 2, cost: { input: 1, output: 1 } });
    expect(one([o("anthropic", "claude-sonnet-4-5-20250929"), o("amazon-bedrock", "global.anthropic.claude-sonnet-4-5-20250929-v1:0")])).toBe("anthropic/claude-sonnet-4.5");
    expect(one([o("nebius", "moonshotai/Kimi-K2-Instruct"), o("openrouter", "moonshotai/kimi-k2")])).toBe("moonshotai/kimi-k2");
    expect(one([o("amazon-bedrock", "us.meta.llama3-3-70b-instruct-v1:0"), o("nebius", "meta-llama/Llama-3.3-70B-Instruct")])).toBe("meta-llama/llama-3.3-70b-instruct");
  });

  it("merges offers of one endpoint: the best-ranked price, gaps filled from the others", () => {
    const [m] = mergeOffers([
      { provider: "groq", upstream: "x", source: "md", rank: 3, cost: { input: 9, output: 9 }, context: 8192, tool_call: true },
      { provider: "groq", upstream: "x", source: "gp", rank: 2, cost: { input: 1, output: 2 } },
    ]);
    expect(m).toMatchObject({ source: "gp", cost: { input: 1, output: 2 }, context: 8192, tool_call: true });
  });
});

describe("derived values", () => {
  it("turns $/1M prices into exact USD-per-token strings, with media units", () => {
    expect(perMillionToPerToken(2.5)).toBe("0.0000025");
    expect(perMillionToPerToken(0.075)).toBe("0.000000075");
    expect(pricingStrings({ input: 3, output: 15, cache_read: 0.3 })).toEqual({
      prompt: "0.000003", completion: "0.000015", request: "0", image: "0", web_search: "0", internal_reasoning: "0", input_cache_read: "0.0000003", input_cache_write: "0.000003",
    });
    expect(pricingStrings({ input: 5, image_output: 40, per_image: { "high|1024x1024": 0.167 } })).toMatchObject({ image_output: "0.00004", per_image: { "high|1024x1024": "0.167" } });
    expect(pricingStrings({ audio_second: 0.0001, character: 0.000015 })).toMatchObject({ audio_second: "0.0001", character: "0.000015", prompt: "0" });
    expect(hasPrice({ input: 0, output: 0, cache_read: 1 })).toBe(false);
    expect(hasPrice({ per_image: { "*|*": 0.04 } })).toBe(true);
  });

  it("marks moderated providers and Responses-only OpenAI endpoints", () => {
    expect(isModerated("azure", "gpt-4o")).toBe(true);
    expect(isModerated("amazon-bedrock", "global.anthropic.claude-sonnet-4-6")).toBe(true);
    expect(isModerated("amazon-bedrock", "us.meta.llama3-3-70b-instruct-v1:0")).toBe(false);
    expect(isModerated("openrouter", "openai/gpt-4o")).toBe(false);
    const ep = (provider: string, upstream: string) => toEndpoint({ provider, upstream, source: "t", rank: 1, cost: { input: 1, output: 1 } });
    expect(ep("openai", "gpt-5-pro").wire).toBe("responses");
    expect(ep("azure", "gpt-5.3-codex").wire).toBe("responses");
    expect(ep("openai", "gpt-5").wire).toBeUndefined();
    expect(ep("openrouter", "openai/gpt-5-pro").wire).toBeUndefined();
    expect(ep("together", "Qwen/Qwen3-Coder-480B-A35B-Instruct-FP8").quantization).toBe("fp8");
  });

  it("derives parameters from the provider's API", () => {
    expect(supportedParameters("anthropic", "claude-sonnet-4-6", { tool_call: true, reasoning: true })).toEqual(expect.arrayContaining(["tools", "reasoning", "top_k", "structured_outputs"]));
    expect(supportedParameters("anthropic", "claude-sonnet-4-6", { tool_call: true })).not.toContain("seed");
    expect(supportedParameters("groq", "llama-3.3-70b-versatile", { tool_call: true })).toEqual(expect.arrayContaining(["seed", "parallel_tool_calls"]));
    expect(supportedParameters("openai", "o3", { temperature: false })).not.toContain("temperature");
  });

  it("counts priced models, providers and real alternatives", () => {
    const ep = (provider: string, price: string | null, variant?: string) => ({ provider, pricing: price ? { prompt: price, completion: price } : null, ...(variant ? { variant } : {}) });
    const arch = { input_modalities: ["text"], output_modalities: ["text"] };
    const stats = catalogStats([
      { architecture: arch, endpoints: [ep("groq", "1"), ep("openrouter", "2")] },
      { architecture: arch, endpoints: [ep("groq", "1"), ep("together", "2")] },
      { architecture: { ...arch, output_modalities: ["image"] }, endpoints: [ep("openrouter", "0", "free"), ep("x", null)] },
    ]);
    expect(stats).toMatchObject({ priced: 2, multiProvider: 2, multiDirect: 1, pricedProviders: 3, providers: 4, imageOutput: 1 });
  });
});

describe("the committed catalog", () => {
  it("is what the build makes from its sources (build-catalog --check), and it reports the counts", () => {
    const r = spawnSync(process.execPath, ["scripts/build-catalog.mjs", "--check"], { encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("data/models.json is up to date");
    const [, priced, providers, multi] = /(\d+) priced models from (\d+) providers.*?(\d+) models with paid endpoints on two or more providers/.exec(r.stdout)!;
    expect(Number(priced)).toBeGreaterThanOrEqual(400);
    expect(Number(providers)).toBeGreaterThanOrEqual(30);
    expect(Number(multi)).toBeGreaterThanOrEqual(60);
  });
});
