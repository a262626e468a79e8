import { describe, expect, it } from "vitest";
import {
  costMicros,
  microsToUsdPerToken,
  toPricingMicros,
  toPricingStrings,
  usdPerTokenToMicros,
  worstCaseMicros,
} from "../../src/catalog/pricing";

describe("price conversion", () => {
  it("turns USD-per-token strings into micro-USD per token exactly", () => {
    expect(usdPerTokenToMicros("0.000003")).toBe(3);
    expect(usdPerTokenToMicros("0.0000025")).toBe(2.5);
    expect(usdPerTokenToMicros("0.00000015")).toBe(0.15);
    expect(usdPerTokenToMicros("0.00000002")).toBe(0.02);
    expect(usdPerTokenToMicros("0")).toBe(0);
    expect(usdPerTokenToMicros("-1")).toBeUndefined();
    expect(usdPerTokenToMicros("abc")).toBeUndefined();
    expect(usdPerTokenToMicros(undefined)).toBeUndefined();
  });

  it("round-trips through strings", () => {
    expect(microsToUsdPerToken(3)).toBe("0.000003");
    expect(microsToUsdPerToken(0.15)).toBe("0.00000015");
    expect(microsToUsdPerToken(0)).toBe("0");
    const s = toPricingStrings({ prompt: 3, completion: 15, inputCacheRead: 0.3, inputCacheWrite: 3.75 });
    expect(s).toEqual({
      prompt: "0.000003",
      completion: "0.000015",
      request: "0",
      image: "0",
      web_search: "0",
      internal_reasoning: "0",
      input_cache_read: "0.0000003",
      input_cache_write: "0.00000375",
    });
    expect(toPricingMicros(s)).toEqual({ prompt: 3, completion: 15, inputCacheRead: 0.3, inputCacheWrite: 3.75 });
  });

  it("treats missing or 'varies' prices as unknown", () => {
    expect(toPricingMicros(null)).toBeUndefined();
    expect(toPricingMicros({ prompt: "-1", completion: "-1" })).toBeUndefined();
    expect(toPricingMicros({ prompt: "0", completion: "0" })).toEqual({ prompt: 0, completion: 0 });
  });
});

describe("costMicros", () => {
  const sonnet = { prompt: 3, completion: 15, inputCacheRead: 0.3, inputCacheWrite: 3.75 };

  it("charges plain input and output", () => {
    // 1000 × $3/M + 500 × $15/M = 3000 + 7500 micro-USD
    expect(costMicros(sonnet, { inputTokens: 1000, outputTokens: 500 })).toBe(10_500);
  });

  it("charges cached reads and cache writes at their own rates (both are part of inputTokens)", () => {
    // uncached 1000 × 3 + cached 8000 × 0.3 + written 1000 × 3.75 + output 100 × 15
    const usage = { inputTokens: 10_000, cachedInputTokens: 8000, cacheWriteTokens: 1000, outputTokens: 100 };
    expect(costMicros(sonnet, usage)).toBe(3000 + 2400 + 3750 + 1500);
  });

  it("falls back to the prompt price for cache rates a provider does not list", () => {
    const p = { prompt: 2, completion: 8 };
    expect(costMicros(p, { inputTokens: 100, cachedInputTokens: 50, cacheWriteTokens: 10, outputTokens: 0 })).toBe(200);
  });

  it("adds the per-request fee and rounds up", () => {
    expect(costMicros({ prompt: 0.15, completion: 0.6, request: 5 }, { inputTokens: 1, outputTokens: 1 })).toBe(6); // 0.75 + 5 → 6
    expect(costMicros({ prompt: 0.1, completion: 0.4 }, { inputTokens: 3, outputTokens: 0 })).toBe(1); // 0.3 → 1
    // Float noise must not add a micro-dollar: 10 × 0.1 is 1.0000000000000002 in binary.
    expect(costMicros({ prompt: 0.1, completion: 0 }, { inputTokens: 10, outputTokens: 0 })).toBe(1);
  });

  it("is zero for free endpoints and never negative", () => {
    expect(costMicros({ prompt: 0, completion: 0 }, { inputTokens: 10_000, outputTokens: 10_000 })).toBe(0);
    expect(costMicros(sonnet, { inputTokens: 10, cachedInputTokens: 50, outputTokens: 0 })).toBe(15);
  });
});

describe("worstCaseMicros", () => {
  it("prices all input at the dearest input rate plus the full output budget", () => {
    const sonnet = { prompt: 3, completion: 15, inputCacheRead: 0.3, inputCacheWrite: 3.75 };
    expect(worstCaseMicros(sonnet, 1000, 1000)).toBe(3750 + 15_000);
    expect(worstCaseMicros({ prompt: 2.5, completion: 10, request: 1 }, 101, 0)).toBe(254); // 252.5 + 1 → 254
    expect(worstCaseMicros({ prompt: 0, completion: 0 }, 1e6, 1e6)).toBe(0);
  });
});
