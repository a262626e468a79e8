// provider: {order, only, ignore, sort, max_price, require_parameters} end to end: the fake shows
// which endpoint each preference sends the request to.
import { beforeEach, describe, expect, it } from "vitest";
import { rig, type Rig } from "../helpers/rig";
import { resetRouting, user } from "./helpers";

beforeEach(resetRouting);

// gpt-oss-120b: Fireworks, Groq, Together, Cerebras, OpenRouter (catalog order; OpenRouter cheapest).
const MODEL = "openai/gpt-oss-120b";

const providerOf = async (res: Response) => {
  const body = (await res.json()) as any;
  expect(res.status, JSON.stringify(body)).toBe(200);
  return body.provider as string;
};
const ask = (s: Rig, provider: Record<string, unknown>, extra: Record<string, unknown> = {}) => s.chat({ model: MODEL, messages: user(), provider, ...extra });

describe("provider preferences", () => {
  it("without preferences: the catalog order", async () => {
    const s = await rig("prefs-none");
    expect(await providerOf(await s.chat({ model: MODEL, messages: user() }))).toBe("fireworks");
  });

  it("only / ignore / order", async () => {
    const s = await rig("prefs-basic");
    expect(await providerOf(await ask(s, { only: ["together"] }))).toBe("together");
    expect(await providerOf(await ask(s, { ignore: ["fireworks", "together"] }))).toBe("groq");
    expect(await providerOf(await ask(s, { order: ["cerebras", "groq"] }))).toBe("cerebras");
    // Provider aliases work (xai → x-ai, gemini → google).
    expect(await providerOf(await s.chat({ model: "google/gemini-2.5-flash", messages: user(), provider: { only: ["gemini"] } }))).toBe("google");
    expect(await s.hits()).toEqual([
      "together:openai/gpt-oss-120b",
      "groq:openai/gpt-oss-120b",
      "cerebras:gpt-oss-120b",
      "gemini:gemini-2.5-flash",
    ]);
  });

  it("only never falls back outside the list; ignore never uses an ignored one", async () => {
    const s = await rig("prefs-strict");
    await s.up.script({ status: 503, times: 10 });
    const res = await ask(s, { only: ["together", "groq"] });
    expect(res.status).toBe(503); // every endpoint overloaded
    expect((await s.hits()).map((h) => h.split(":")[0]).sort()).toEqual(["groq", "together"]);
  });

  it("an impossible preference is a 400 before any upstream call", async () => {
    const s = await rig("prefs-impossible");
    for (const provider of [{ only: ["anthropic"] }, { ignore: ["fireworks", "together", "groq", "cerebras", "openrouter"] }, { order: ["anthropic"], allow_fallbacks: false }]) {
      const res = await ask(s, provider);
      expect(res.status).toBe(400);
    }
    expect(await s.hits()).toEqual([]);
  });

  it("sort: price picks the cheapest endpoint", async () => {
    const s = await rig("prefs-price");
    expect(await providerOf(await ask(s, { sort: "price" }))).toBe("openrouter");
    // order wins over sort for the providers it names.
    expect(await providerOf(await ask(s, { sort: "price", order: ["groq"] }))).toBe("groq");
  });

  it("sort: throughput and sort: latency use the measured stats", async () => {
    const s = await rig("prefs-speed");
    // Cerebras answers late (high latency, low throughput); Groq fast; nothing else is measured.
    await s.up.script({ match: "/cerebras/", firstByteDelayMs: 300 });
    expect(await providerOf(await ask(s, { only: ["cerebras"] }))).toBe("cerebras");
    expect(await providerOf(await ask(s, { only: ["groq"] }))).toBe("groq");
    await s.gw.settled();
    expect(await providerOf(await ask(s, { sort: "throughput" }))).toBe("groq");
    expect(await providerOf(await ask(s, { sort: "latency" }))).toBe("groq");
    // Measured endpoints come before unmeasured ones, slowest last among the measured.
    expect(await providerOf(await ask(s, { sort: "latency", ignore: ["groq"] }))).toBe("cerebras");
  });

  it("max_price (USD per million tokens) keeps only endpoints within it", async () => {
    const s = await rig("prefs-max-price");
    // Only OpenRouter ($0.039 / $0.18) is within $0.10 prompt and $0.50 completion.
    expect(await providerOf(await ask(s, { max_price: { prompt: 0.1, completion: 0.5 } }))).toBe("openrouter");
    // Fireworks and Together ($0.15 / $0.60) also fit $0.15 / $0.60; catalog order then picks Fireworks.
    expect(await providerOf(await ask(s, { max_price: { prompt: 0.15, completion: 0.6 } }))).toBe("fireworks");
    const none = await ask(s, { max_price: { prompt: 0.01 } });
    expect(none.status).toBe(400);
    expect(((await none.json()) as any).error.message).toMatch(/max_price/);
    expect(await s.hits()).toEqual(["openrouter:openai/gpt-oss-120b", "fireworks:accounts/fireworks/models/gpt-oss-120b"]);
  });

  it("max_price also bounds the fallbacks", async () => {
    const s = await rig("prefs-max-price-fb");
    await s.up.script({ match: "/fireworks/", status: 503 });
    // Groq is next in catalog order and within $0.15 / $0.60.
    expect(await providerOf(await ask(s, { max_price: { prompt: 0.15, completion: 0.6 } }))).toBe("groq");
    await s.up.script([{ match: "/fireworks/", status: 503 }, { match: "/groq/", status: 503 }, { match: "/together/", status: 503 }, { match: "/openrouter/", status: 503 }]);
    const res = await ask(s, { max_price: { prompt: 0.15, completion: 0.6 } });
    expect(res.status).toBe(503); // every endpoint tried overloaded
    // Cerebras ($0.35 / $0.75) was never tried.
    expect((await s.hits()).some((h) => h.startsWith("cerebras"))).toBe(false);
  });

  it("a max_tokens above an endpoint's output limit goes to an endpoint that allows it", async () => {
    const s = await rig("prefs-max-tokens");
    // Fireworks (first) allows 32768 output tokens, Together 131072.
    expect(await providerOf(await s.chat({ model: MODEL, messages: user(), max_tokens: 50_000 }))).toBe("together");
    expect((await s.up.lastRequest())!.body.max_tokens).toBe(50_000);
    expect(await providerOf(await s.chat({ model: MODEL, messages: user(), max_tokens: 1000 }))).toBe("fireworks");
    // Above every endpoint's limit: a ceiling, not a demand — the first endpoint serves it at its own maximum.
    const tooMany = await s.chat({ model: MODEL, messages: user(), max_tokens: 500_000 });
    expect(tooMany.status).toBe(200);
    expect(tooMany.headers.get("x-arouter-max-tokens-clamped")).toBe("500000->32768");
    expect(await providerOf(tooMany)).toBe("fireworks");
    expect((await s.up.lastRequest())!.body.max_tokens).toBe(32_768);
    expect((await s.hits()).length).toBe(3);
  });

  it("require_parameters skips endpoints that do not support what the request uses", async () => {
    const s = await rig("prefs-require");
    const rf = { type: "json_schema", json_schema: { name: "out", schema: { type: "object", properties: { a: { type: "string" } } } } };
    // kimi-k2: DeepInfra (first) has no structured outputs.
    const plain = await s.chat({ model: "moonshotai/kimi-k2", messages: user(), response_format: rf });
    expect(await providerOf(plain)).toBe("deepinfra");
    const strict = await s.chat({ model: "moonshotai/kimi-k2", messages: user(), response_format: rf, provider: { require_parameters: true } });
    expect(await providerOf(strict)).toBe("fireworks");
    expect((await s.up.lastRequest())!.body.response_format.type).toBe("json_schema");
  });
});
