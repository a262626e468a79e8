/**
 * Every response carries its usage and cost, computed here independently from the catalog price
 * (data/models.json) × the usage the response itself reports:
 * - OpenAI surface: `usage.cost` (USD) in the body, and in the final usage chunk of a stream;
 * - Anthropic and Gemini surfaces: their native usage, untouched, plus an `x-arouter-cost` header.
 *   A streamed answer's headers leave before its usage is known, so streams carry no header; a
 *   translated Anthropic stream puts the cost in its final message_delta usage (checked below),
 *   and every stream's cost is in the usage record (GET /api/v1/generation), checked here.
 * And every request leaves one usage record with all its fields, and no prompt or completion
 * text anywhere in D1.
 */
import { describe, expect, it } from "vitest";
import { MICROS_PER_USD } from "../../src/money";
import { generation, keyObject, usageRows } from "../helpers/books";
import { catalogPrices, expectedCost } from "../helpers/prices";
import { rig } from "../helpers/rig";
import { expectedFinish, type Reply } from "../helpers/surface-reply";
import { SURFACES } from "../helpers/surface-request";

const UPSTREAMS = [
  // Requested by its bare id: the record keeps what the caller asked for next to the model served.
  { requested: "gpt-4o-mini", model: "openai/gpt-4o-mini", provider: "openai" },
  { requested: "anthropic/claude-haiku-4.5", model: "anthropic/claude-haiku-4.5", provider: "anthropic" },
  { requested: "google/gemini-2.5-flash", model: "google/gemini-2.5-flash", provider: "google" },
];

describe("usage and cost on every response, and its usage record", () => {
  for (const surface of SURFACES) {
    it(`${surface} surface: native usage + cost from the catalog price, streamed and not, from every upstream`, async () => {
      const marker = `PROMPT-MARKER-${crypto.randomUUID()}`;
      const { gw, key, hash, ask } = await rig(`acct-cost-${surface}`, { key: { limit: 5 } });
      const seen: Array<{ a: Reply; stream: boolean; u: (typeof UPSTREAMS)[number]; before: number }> = [];
      for (const u of UPSTREAMS) {
        for (const stream of [false, true]) {
          const before = Date.now();
          const a = await ask(surface, { model: u.requested, text: `Say hello. ${marker}`, maxTokens: 50, framing: stream ? "sse" : "json" });
          expect(a.status, a.raw).toBe(200);
          seen.push({ a, stream, u, before });
        }
      }

      for (const { a, stream, u } of seen) {
        const what = `${u.provider}${stream ? " streamed" : ""}`;
        const usage = a.usage!;
        expect(usage.input, what).toBeGreaterThan(0);
        expect(usage.output, what).toBeGreaterThan(0);
        expect(a.finish, what).toBe(expectedFinish(surface, "stop"));
        expect(a.text, what).toContain("Hello");
        const expected = expectedCost(u.model, u.provider, usage);
        expect(expected).toBeGreaterThan(0);
        if (surface === "openai") {
          // usage.cost in USD, in the body or the stream's final usage chunk.
          expect(a.cost, what).toBeCloseTo(expected / MICROS_PER_USD, 12);
        } else if (!stream) {
          expect(a.headers.get("x-arouter-cost"), what).toBe((expected / MICROS_PER_USD).toFixed(6));
        } else {
          expect(a.headers.get("x-arouter-cost"), what).toBeNull();
        }
        expect(a.headers.get("x-arouter-provider"), what).toBe(u.provider);
        expect(a.headers.get("x-arouter-model"), what).toBe(u.model);

        const g = await generation(gw, key, a.generationId!);
        expect(g, what).toMatchObject({
          id: a.generationId,
          api_key_hash: hash,
          requested_model: u.requested,
          model: u.model,
          provider_name: u.provider,
          surface,
          streamed: stream,
          tokens_prompt: usage.input,
          tokens_completion: usage.output,
          native_tokens_cached: 0,
          native_tokens_cache_write: 0,
          cost_micros: expected,
          total_cost: expected / MICROS_PER_USD,
          status: 200,
          finish_reason: "stop",
        });
        expect(g.latency, what).toBeGreaterThanOrEqual(0);
        expect(g.ttft, what).toBeGreaterThanOrEqual(0);
        expect(g.ttft, what).toBeLessThanOrEqual(g.latency);
        expect(Date.parse(g.created_at)).toBeGreaterThan(Date.now() - 60_000);
      }

      // One record per request, and the key's usage is their sum.
      const rows = await usageRows(gw, hash);
      expect(rows).toHaveLength(seen.length);
      const total = rows.reduce((s, r) => s + r.cost_micros, 0);
      const data = await keyObject(gw, hash);
      expect(Math.round(data.usage * MICROS_PER_USD)).toBe(total);
      expect(Math.round(data.limit_remaining * MICROS_PER_USD)).toBe(5 * MICROS_PER_USD - total);

      // No prompt or completion text anywhere in D1.
      const dump = await dumpD1(gw.env.DB);
      expect(dump).not.toContain(marker);
      expect(dump).not.toContain("Hello from fake");
      expect(dump).toContain(seen[0].a.generationId!); // (the dump does hold the records)
    });
  }

  it("a translated Anthropic stream carries the cost in its final message_delta usage", async () => {
    const { ask } = await rig("acct-cost-anthropic-stream");
    const a = await ask("anthropic", { model: "openai/gpt-4o-mini", text: "Say hello.", maxTokens: 50, framing: "sse" });
    expect(a.status).toBe(200);
    const deltas = a.chunks.filter((e) => e.type === "message_delta");
    expect(deltas).toHaveLength(1);
    const usage = deltas[0].usage as { input_tokens: number; output_tokens: number; cost: number };
    const expected = expectedCost("openai/gpt-4o-mini", "openai", { input: usage.input_tokens, output: usage.output_tokens });
    expect(expected).toBeGreaterThan(0);
    expect(usage.cost).toBeCloseTo(expected / MICROS_PER_USD, 12);
    expect(a.cost, "the cost the caller was told").toBe(usage.cost);
  });

  it("the native usage shapes are kept: no foreign fields in Anthropic's usage or Gemini's usageMetadata", async () => {
    const { ask } = await rig("acct-cost-native");
    const a = await ask("anthropic", { model: "google/gemini-2.5-flash", text: "hi", maxTokens: 20 });
    expect(Object.keys(a.body.usage).sort()).toEqual(expect.arrayContaining(["input_tokens", "output_tokens"]));
    expect(a.body.usage.cost).toBeUndefined();
    const g = await ask("gemini", { model: "anthropic/claude-haiku-4.5", text: "hi", maxTokens: 20 });
    expect(g.body.usageMetadata).toMatchObject({ promptTokenCount: expect.any(Number), candidatesTokenCount: expect.any(Number), totalTokenCount: expect.any(Number) });
    expect(g.body.usageMetadata.cost).toBeUndefined();
    expect(Number(a.headers.get("x-arouter-cost"))).toBeGreaterThan(0);
    expect(Number(g.headers.get("x-arouter-cost"))).toBeGreaterThan(0);
  });
});

/** Every row of every table of the D1 database, as one string. */
async function dumpD1(db: D1Database): Promise<string> {
  const tables = await db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'").all<{ name: string }>();
  let out = "";
  for (const { name } of tables.results) {
    const rows = await db.prepare(`SELECT * FROM "${name}"`).all();
    out += `${name}\n${JSON.stringify(rows.results)}\n`;
  }
  return out;
}

describe("cost of cached, cache-write and reasoning tokens", () => {
  it("Anthropic upstream: cache reads and writes at their own prices (OpenAI surface usage.cost)", async () => {
    const { up, gw, key, hash, ask } = await rig("acct-cost-cache");
    await up.script({
      body: {
        id: "msg_1", type: "message", role: "assistant", model: "claude-haiku-4-5", content: [{ type: "text", text: "ok" }],
        stop_reason: "end_turn", stop_sequence: null,
        usage: { input_tokens: 12, cache_creation_input_tokens: 500, cache_read_input_tokens: 1000, output_tokens: 30 },
      },
    });
    const { body } = await ask("openai", { model: "anthropic/claude-haiku-4.5", text: "hi", maxTokens: 100 });
    const p = catalogPrices("anthropic/claude-haiku-4.5");
    expect(p.cacheRead).toBeLessThan(p.prompt);
    expect(p.cacheWrite).toBeGreaterThan(p.prompt);
    const expected = expectedCost("anthropic/claude-haiku-4.5", undefined, { input: 1512, cached: 1000, cacheWrite: 500, output: 30 });
    expect(body.usage.prompt_tokens).toBe(1512);
    expect(body.usage.prompt_tokens_details.cached_tokens).toBe(1000);
    expect(body.usage.cost).toBeCloseTo(expected / MICROS_PER_USD, 12);
    const g = await generation(gw, key, body.id);
    expect(g).toMatchObject({ tokens_prompt: 1512, native_tokens_cached: 1000, native_tokens_cache_write: 500, tokens_completion: 30, cost_micros: expected });
    expect((await usageRows(gw, hash))[0].cost_micros).toBe(expected);
  });

  it("Gemini upstream: cached content and thinking tokens (billed as output) on the Anthropic surface", async () => {
    const { up, gw, key, ask } = await rig("acct-cost-reasoning");
    await up.script({
      body: {
        candidates: [{ content: { role: "model", parts: [{ text: "ok" }] }, finishReason: "STOP", index: 0 }],
        usageMetadata: { promptTokenCount: 1000, cachedContentTokenCount: 400, candidatesTokenCount: 10, thoughtsTokenCount: 200, totalTokenCount: 1210 },
        modelVersion: "gemini-2.5-flash",
      },
    });
    const res = await ask("anthropic", { model: "google/gemini-2.5-flash", text: "hi", maxTokens: 1000 });
    expect(res.status).toBe(200);
    const expected = expectedCost("google/gemini-2.5-flash", undefined, { input: 1000, cached: 400, output: 210 });
    expect(res.headers.get("x-arouter-cost")).toBe((expected / MICROS_PER_USD).toFixed(6));
    const g = await generation(gw, key, res.generationId!);
    expect(g).toMatchObject({ tokens_prompt: 1000, native_tokens_cached: 400, tokens_completion: 210, native_tokens_reasoning: 200, cost_micros: expected });
  });
});

describe("a model with no known price", () => {
  it("on a key without a limit: served, recorded at 0 µ$, and no cost claimed in the response", async () => {
    const { gw, hash, ask } = await rig("acct-cost-unpriced");
    const unpriced = { model: "openai/gpt-99-unreleased", text: "hi", maxTokens: 20 };
    const res = await ask("openai", unpriced);
    expect(res.status).toBe(200);
    const body = res.body;
    expect(body.usage.prompt_tokens).toBeGreaterThan(0);
    expect(body.usage.cost).toBeUndefined();
    expect(res.headers.get("x-arouter-cost")).toBeNull();
    const a = await ask("anthropic", unpriced);
    expect(a.status).toBe(200);
    expect(a.headers.get("x-arouter-cost")).toBeNull();
    const rows = await usageRows(gw, hash);
    expect(rows.map((r) => [r.requested_model, r.provider, r.cost_micros, r.status])).toEqual([
      ["openai/gpt-99-unreleased", "openai", 0, 200],
      ["openai/gpt-99-unreleased", "openai", 0, 200],
    ]);
  });
});
