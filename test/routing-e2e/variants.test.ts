// Variants end to end: the fake upstream shows which endpoint the gateway picked and what knob it sent.
import { beforeEach, describe, expect, it } from "vitest";
import { expectOk, readReply } from "../helpers/surface-reply";
import { rig } from "../helpers/rig";
import { resetRouting, user } from "./helpers";

beforeEach(resetRouting);

describe(":floor", () => {
  it("sends the request to the cheapest endpoint of a multi-endpoint model", async () => {
    const s = await rig("floor");
    // Plain id: the catalog order's first endpoint (Fireworks), which is not the cheapest.
    const plain = await s.chat({ model: "openai/gpt-oss-120b", messages: user() });
    expect(plain.status).toBe(200);
    const plainBody = (await plain.json()) as any;
    expect(plainBody.provider).not.toBe("openrouter");

    const res = await s.chat({ model: "openai/gpt-oss-120b:floor", messages: user() });
    expect(res.status).toBe(200);
    const body = (await res.json()) as any;
    // OpenRouter lists gpt-oss-120b at $0.072/$0.28 per M tokens, below every other endpoint.
    expect(body.provider).toBe("openrouter");
    expect(res.headers.get("x-arouter-provider")).toBe("openrouter");
    expect(res.headers.get("x-arouter-model")).toBe("openai/gpt-oss-120b");
    const hits = await s.hits();
    expect(hits).toHaveLength(2);
    expect(hits[0]).toBe(`${plainBody.provider}:${(await s.up.requests())[0].body.model}`);
    expect(hits[1]).toBe("openrouter:openai/gpt-oss-120b");
    // The model that answered: the fake echoes the upstream id it was asked for.
    expect(body.model).toBe("openai/gpt-oss-120b");
  });

  it("picks the cheapest for streams too, and reports the provider in the chunks", async () => {
    const s = await rig("floor-stream");
    const res = await s.chat({ model: "qwen/qwen3-coder:floor", messages: user(), stream: true });
    expect(res.status).toBe(200);
    const { chunks } = expectOk(await readReply({ surface: "openai", framing: "sse" }, res));
    expect(chunks.length).toBeGreaterThan(0);
    // qwen3-coder: DeepInfra's FP4 "Turbo" endpoint ($0.30 / $1.20) is the cheapest paid endpoint.
    expect(await s.hits()).toEqual(["deepinfra:Qwen/Qwen3-Coder-480B-A35B-Instruct-Turbo"]);
    expect(res.headers.get("x-arouter-provider")).toBe("deepinfra");
    for (const c of chunks) expect(c.provider).toBe("deepinfra");
  });
});

describe(":nitro", () => {
  it("picks the endpoint with the best measured throughput once stats exist", async () => {
    const s = await rig("nitro");
    const model = "openai/gpt-oss-120b";
    // Measure two endpoints: Fireworks (first in catalog order, so what the plain id gets) is slow,
    // Groq is fast.
    await s.up.script({ match: "/fireworks/", firstByteDelayMs: 400, times: 2 });
    const plain = await s.chat({ model, messages: user() });
    expect(((await plain.json()) as any).provider).toBe("fireworks");
    const slow = await s.chat({ model, messages: user(), provider: { only: ["fireworks"] } });
    expect(slow.status).toBe(200);
    const fast = await s.chat({ model, messages: user(), provider: { only: ["groq"] } });
    expect(fast.status).toBe(200);
    await s.gw.settled();

    const res = await s.chat({ model: `${model}:nitro`, messages: user() });
    expect(res.status).toBe(200);
    expect(((await res.json()) as any).provider).toBe("groq");
    expect((await s.hits()).at(-1)).toBe("groq:openai/gpt-oss-120b");

    // The endpoints listing shows the measured throughput.
    const eps = (await (await s.gw.fetch(`/v1/models/${model}/endpoints`)).json()) as any;
    const byTag = new Map(eps.data.endpoints.map((e: any) => [e.tag, e]));
    const groq = byTag.get("groq") as any;
    const fw = byTag.get("fireworks") as any;
    expect(groq.throughput).toBeGreaterThan(0);
    expect(fw.throughput).toBeGreaterThan(0);
    expect(groq.throughput).toBeGreaterThan(fw.throughput);
  });

  it("measures streamed throughput too", async () => {
    const s = await rig("nitro-stream");
    const model = "openai/gpt-oss-120b";
    await s.up.script({ match: "/fireworks/", chunkDelayMs: 60 });
    for (const only of ["fireworks", "groq"]) {
      const r = await s.chat({ model, messages: user(), stream: true, provider: { only: [only] } });
      expect(r.status).toBe(200);
      await r.text();
    }
    await s.gw.settled();
    const res = await s.chat({ model: `${model}:nitro`, messages: user(), stream: true });
    await res.text();
    expect((await s.hits()).at(-1)).toBe("groq:openai/gpt-oss-120b");
  });
});

describe(":free", () => {
  it("uses only zero-price endpoints and bills nothing", async () => {
    const s = await rig("free");
    const res = await s.chat({ model: "meta-llama/llama-3.3-70b-instruct:free", messages: user() });
    expect(res.status).toBe(200);
    const body = (await res.json()) as any;
    expect(body.provider).toBe("openrouter");
    expect(await s.hits()).toEqual(["openrouter:meta-llama/llama-3.3-70b-instruct:free"]);
    expect(res.headers.get("x-arouter-cost")).toBe("0.000000");

    // The plain id never uses the shared free endpoint.
    const paid = await s.chat({ model: "meta-llama/llama-3.3-70b-instruct", messages: user() });
    expect(((await paid.json()) as any).provider).not.toBe("openrouter");
    expect(Number(paid.headers.get("x-arouter-cost"))).toBeGreaterThan(0);
  });

  it("does not fall back to a paid endpoint when the free one fails", async () => {
    const s = await rig("free-fail");
    await s.up.script({ status: 503 });
    const res = await s.chat({ model: "meta-llama/llama-3.3-70b-instruct:free", messages: user() });
    expect(res.status).toBe(503); // the free endpoint overloaded
    expect(await s.hits()).toEqual(["openrouter:meta-llama/llama-3.3-70b-instruct:free"]);
  });

  it("is rate limited per key like a free tier (429 with Retry-After), the paid id is not", async () => {
    const s = await rig("free-rate", { env: { FREE_TIER_REQUESTS_PER_MINUTE: "2" } });
    const model = "meta-llama/llama-3.3-70b-instruct";
    for (let i = 0; i < 2; i++) expect((await s.chat({ model: `${model}:free`, messages: user() })).status).toBe(200);
    const limited = await s.chat({ model: `${model}:free`, messages: user() });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(((await limited.json()) as any).error.message).toMatch(/Free-tier rate limit/);
    expect(await s.hits()).toHaveLength(2);
    // The same model at its paid endpoints is not counted against the free window.
    expect((await s.chat({ model, messages: user() })).status).toBe(200);
  });

  it("rejects a model without free endpoints", async () => {
    const s = await rig("free-none");
    const res = await s.chat({ model: "anthropic/claude-sonnet-4.6:free", messages: user() });
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).error.message).toMatch(/no free endpoints/);
    expect(await s.hits()).toEqual([]);
  });
});

describe(":thinking", () => {
  it("Anthropic: sends a thinking budget", async () => {
    const s = await rig("think-anthropic");
    const res = await s.chat({ model: "anthropic/claude-sonnet-4.6:thinking", messages: user() });
    expect(res.status).toBe(200);
    const sent = (await s.up.lastRequest())!;
    expect(sent.path).toBe("/anthropic/v1/messages");
    expect(sent.body.thinking.type).toBe("enabled");
    expect(sent.body.thinking.budget_tokens).toBeGreaterThanOrEqual(1024);
    expect(sent.body.max_tokens).toBeGreaterThan(sent.body.thinking.budget_tokens);
    const body = (await res.json()) as any;
    expect(body.provider).toBe("anthropic");
    expect(body.choices[0].message.reasoning).toBeTruthy();

    // Without the variant no thinking is requested.
    await s.chat({ model: "anthropic/claude-sonnet-4.6", messages: user() });
    expect((await s.up.lastRequest())!.body.thinking).toBeUndefined();
  });

  it("Anthropic surface (same format): the variant still turns thinking on", async () => {
    const s = await rig("think-anthropic-native");
    const res = await s.messages({ model: "anthropic/claude-sonnet-4.6:thinking", max_tokens: 20000, messages: user() });
    expect(res.status).toBe(200);
    const sent = (await s.up.lastRequest())!;
    expect(sent.body.model).toBe("claude-sonnet-4-6");
    expect(sent.body.thinking?.type).toBe("enabled");
    const body = (await res.json()) as any;
    expect(body.content.some((b: any) => b.type === "thinking")).toBe(true);
  });

  it("Gemini: sends thinkingConfig", async () => {
    const s = await rig("think-gemini");
    const res = await s.chat({ model: "google/gemini-2.5-flash:thinking", messages: user(), provider: { only: ["google"] } });
    expect(res.status).toBe(200);
    const sent = (await s.up.lastRequest())!;
    expect(sent.path).toContain("/gemini/v1beta/models/gemini-2.5-flash:generateContent");
    expect(sent.body.generationConfig.thinkingConfig.includeThoughts).toBe(true);
    expect(sent.body.generationConfig.thinkingConfig.thinkingBudget).toBeGreaterThan(0);

    await s.chat({ model: "google/gemini-2.5-flash", messages: user(), provider: { only: ["google"] } });
    expect((await s.up.lastRequest())!.body.generationConfig?.thinkingConfig).toBeUndefined();
  });

  it("OpenAI: sends reasoning_effort", async () => {
    const s = await rig("think-openai");
    const res = await s.chat({ model: "openai/o4-mini:thinking", messages: user(), provider: { only: ["openai"] } });
    expect(res.status).toBe(200);
    const sent = (await s.up.lastRequest())!;
    expect(sent.path).toBe("/openai/v1/chat/completions");
    expect(sent.body.reasoning_effort).toBe("high");
    // A caller's own effort is kept.
    await s.chat({ model: "openai/o4-mini:thinking", messages: user(), reasoning_effort: "low", provider: { only: ["openai"] } });
    expect((await s.up.lastRequest())!.body.reasoning_effort).toBe("low");
  });

  it("OpenRouter endpoint: sends its reasoning object", async () => {
    const s = await rig("think-openrouter");
    await s.chat({ model: "openai/o4-mini:thinking", messages: user(), provider: { only: ["openrouter"] } });
    const sent = (await s.up.lastRequest())!;
    expect(sent.path).toBe("/openrouter/v1/chat/completions");
    expect(sent.body.reasoning).toMatchObject({ enabled: true, effort: "high" });
  });

  it("DeepSeek: turns thinking mode on", async () => {
    const s = await rig("think-deepseek");
    const res = await s.chat({ model: "deepseek/deepseek-v4-flash:thinking", messages: user() });
    expect(res.status).toBe(200);
    const sent = (await s.up.lastRequest())!;
    expect(sent.path).toBe("/deepseek/v1/chat/completions");
    // DeepSeek's own toggle (thinking.type) plus its effort control.
    expect(sent.body.thinking).toEqual({ type: "enabled" });
    expect(sent.body.reasoning_effort).toBe("high");
    const body = (await res.json()) as any;
    expect(body.choices[0].message.reasoning).toBeTruthy();

    // DeepSeek thinks by default: switching reasoning off must say so explicitly.
    await s.chat({ model: "deepseek/deepseek-v4-flash", messages: user(), reasoning: { enabled: false } });
    const off = (await s.up.lastRequest())!;
    expect(off.body.thinking).toEqual({ type: "disabled" });
    expect(off.body.reasoning_effort).toBeUndefined();
  });

  it("rejects a model that cannot reason", async () => {
    const s = await rig("think-none");
    const res = await s.chat({ model: "openai/gpt-4o-mini:thinking", messages: user() });
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).error.message).toMatch(/does not support reasoning/);
    expect(await s.hits()).toEqual([]);
  });
});
