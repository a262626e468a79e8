/**
 * Reservations are always settled or released, never leaked: a streamed request the client aborts
 * is recorded with the tokens seen so far and charged for them; an upstream failure releases the
 * reservation (limit_remaining comes back whole); a mid-stream cut bills what was delivered; a
 * reservation nobody settles (a crashed isolate) expires through the key's Durable Object alarm.
 */
import { runDurableObjectAlarm } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { reserve, setSpendClockForTesting } from "../../src/spend/client";
import { RESERVATION_TTL_MS } from "../../src/spend/spend-counter";
import { MICROS_PER_USD } from "../../src/money";
import { generation, keyObject, usageRows } from "../helpers/books";
import { NO_OPENROUTER } from "../helpers/fake-upstream";
import type { Gateway } from "../helpers/gateway";
import { expectedCost } from "../helpers/prices";
import { rig } from "../helpers/rig";
import { parseSse } from "../helpers/sse";
import { SURFACES, type Surface } from "../helpers/surface-request";

const LIMIT_USD = 1;
const LIMIT = LIMIT_USD * MICROS_PER_USD;

/** The key's books are clean: no reservation outstanding, limit_remaining = limit − usage exactly. */
async function expectNoOutstanding(gw: Gateway, hash: string) {
  await gw.settled();
  const k = await keyObject(gw, hash);
  expect(Math.round(k.limit_remaining * MICROS_PER_USD)).toBe(LIMIT - Math.round(k.usage * MICROS_PER_USD));
  return k;
}

/** Reads SSE `data:` events until the stream goes quiet, then aborts the request; returns how many came. */
async function readUntilQuietThenAbort(res: Response, ac: AbortController, quietMs = 300): Promise<number> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = "";
  for (;;) {
    const r = await Promise.race([reader.read(), new Promise<null>((ok) => setTimeout(() => ok(null), quietMs))]);
    if (r === null) break;
    if (r.done) throw new Error("the stream ended instead of stalling");
    text += decoder.decode(r.value, { stream: true });
  }
  ac.abort();
  await reader.cancel().catch(() => {});
  return parseSse(text, { partial: true }).events.length;
}

const CASES: Array<{ surface: Surface; model: string; provider: string }> = [
  { surface: "openai", model: "openai/gpt-4o-mini", provider: "openai" }, // same format: passthrough
  { surface: "openai", model: "anthropic/claude-haiku-4.5", provider: "anthropic" },
  { surface: "anthropic", model: "anthropic/claude-haiku-4.5", provider: "anthropic" },
  { surface: "anthropic", model: "google/gemini-2.5-flash", provider: "google" },
  { surface: "gemini", model: "google/gemini-2.5-flash", provider: "google" },
  { surface: "gemini", model: "openai/gpt-4o-mini", provider: "openai" },
];

describe("client abort of a streamed request", () => {
  for (const { surface, model, provider } of CASES) {
    it(`${surface} surface → ${provider}: recorded with the tokens seen, charged for them, reservation settled`, async () => {
      const { up, gw, key, hash, call, send } = await rig(`acct-abort-${surface}-${provider}`, { key: { limit: LIMIT_USD } });
      const maxTokens = 40;
      // The upstream sends most of a 40-token answer (each piece about six characters), then stalls
      // with the connection open; the client reads what came and leaves.
      await up.configure({ chunks: 80 });
      await up.script({ fault: "stall", stallAfterChunks: 36 });
      const ac = new AbortController();
      const res = await send(call(surface, { model, text: "Tell me a long story.", maxTokens, framing: "sse", signal: ac.signal }));
      expect(res.status).toBe(200);
      const id = res.headers.get("x-generation-id")!;
      expect(await readUntilQuietThenAbort(res, ac)).toBeGreaterThan(25);
      expect(await up.waitForAborted(1)).toBe(1);

      const g = await generation(gw, key, id);
      expect(g).toMatchObject({ surface, streamed: true, status: 499, provider_name: provider, model, requested_model: model });
      expect(g.finish_reason).not.toBe("stop");
      expect(g.tokens_prompt).toBeGreaterThan(0);
      // Tokens seen so far: something, and never more than the upstream was allowed to produce.
      expect(g.tokens_completion).toBeGreaterThan(0);
      expect(g.tokens_completion).toBeLessThanOrEqual(maxTokens);
      expect(g.cost_micros).toBe(
        expectedCost(model, provider, { input: g.tokens_prompt, output: g.tokens_completion, cached: g.native_tokens_cached, cacheWrite: g.native_tokens_cache_write }),
      );
      expect(g.cost_micros).toBeGreaterThan(0);

      const k = await expectNoOutstanding(gw, hash);
      expect(Math.round(k.usage * MICROS_PER_USD)).toBe(g.cost_micros);
      expect((await usageRows(gw, hash)).length).toBe(1);
    });
  }
});

describe("client abort before the first token", () => {
  it("during keep-alives: recorded as 499 with nothing charged, the reservation released", async () => {
    const { up, gw, key, hash, call, send } = await rig("acct-abort-early", { key: { limit: LIMIT_USD }, env: { STREAM_KEEPALIVE_MS: "30" } });
    await up.script({ firstByteDelayMs: 2000 });
    const ac = new AbortController();
    const res = await send(call("anthropic", { model: "anthropic/claude-haiku-4.5", text: "hi", maxTokens: 1000, framing: "sse", signal: ac.signal }));
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(first).toMatch(/^: ?keep-alive|^event: ping/); // an SSE comment, or Anthropic's own ping
    // The reservation is held while the upstream thinks.
    expect((await keyObject(gw, hash)).limit_remaining).toBeLessThan(LIMIT_USD);
    ac.abort();
    await reader.cancel().catch(() => {});
    expect(await up.waitForAborted(1)).toBe(1);
    const g = await generation(gw, key, res.headers.get("x-generation-id")!);
    expect(g).toMatchObject({ status: 499, cost_micros: 0, tokens_completion: 0, streamed: true, surface: "anthropic" });
    const k = await expectNoOutstanding(gw, hash);
    expect(k.usage).toBe(0);
  });
});

describe("upstream failure releases the reservation", () => {
  const MODEL = "anthropic/claude-haiku-4.5"; // one endpoint: no fallback to hide the failure
  for (const surface of SURFACES) {
    for (const stream of [false, true]) {
      it(`${surface}${stream ? " streamed" : ""}: a 500 before anything was sent → 502 in the caller's format, nothing charged`, async () => {
        const { up, gw, hash, ask } = await rig(`acct-fail-${surface}-${stream}`, { env: NO_OPENROUTER, key: { limit: LIMIT_USD } });
        await up.script({ status: 500, message: "boom" });
        const a = await ask(surface, { model: MODEL, text: "hi", maxTokens: 1000, framing: stream ? "sse" : "json" });
        expect(a.status).toBe(502);
        // (in the caller's own error envelope: checked by the reader)
        expect(a.error!.message).toMatch(/anthropic.*500.*boom/);
        const k = await expectNoOutstanding(gw, hash);
        expect(k.usage).toBe(0);
        expect(k.limit_remaining).toBe(LIMIT_USD);
        // The failed request is still recorded (status, no cost).
        const rows = await usageRows(gw, hash);
        expect(rows).toHaveLength(1);
        expect(rows[0]).toMatchObject({ id: a.generationId, status: 502, cost_micros: 0, completion_tokens: 0, provider: "anthropic", surface, streamed: stream ? 1 : 0 });
      });
    }
  }

  it("a stream cut mid-answer is billed for what was delivered; the rest of the reservation comes back", async () => {
    const { up, gw, key, hash, ask } = await rig("acct-fail-midstream", { key: { limit: LIMIT_USD } });
    await up.configure({ chunks: 30 });
    await up.script({ fault: "reset-after", resetAfterChunks: 12 });
    const a = await ask("openai", { model: MODEL, text: "Tell me a story.", maxTokens: 1000, framing: "sse" });
    expect(a.status).toBe(200);
    expect(a.text.length).toBeGreaterThan(0);
    const g = await generation(gw, key, a.generationId!);
    expect(g.status).toBe(502);
    expect(g.tokens_completion).toBeGreaterThan(0);
    expect(g.tokens_completion).toBeLessThan(30);
    expect(g.cost_micros).toBe(expectedCost(MODEL, undefined, { input: g.tokens_prompt, output: g.tokens_completion }));
    const k = await expectNoOutstanding(gw, hash);
    expect(Math.round(k.usage * MICROS_PER_USD)).toBe(g.cost_micros);
  });

  it("a fallback attempt's failure releases its reservation before the next endpoint reserves", async () => {
    // openai/gpt-4o-mini is served by openai, then openrouter.
    const { up, gw, hash, ask } = await rig("acct-fail-fallback", { key: { limit: LIMIT_USD } });
    await up.script({ match: "/openai/", status: 503 });
    const a = await ask("openai", { model: "openai/gpt-4o-mini", text: "hi", maxTokens: 100 });
    expect(a.status, a.raw).toBe(200);
    expect(a.headers.get("x-arouter-provider")).toBe("openrouter");
    const rows = await usageRows(gw, hash);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ id: a.generationId, provider: "openrouter", status: 200 });
    const k = await expectNoOutstanding(gw, hash);
    expect(Math.round(k.usage * MICROS_PER_USD)).toBe(rows[0].cost_micros);
  });
});

describe("reservation expiry", () => {
  it("a reservation never settled (crashed isolate) blocks room until the alarm drops it after the TTL", async () => {
    const { gw, hash, ask } = await rig("acct-expiry", { key: { limit: 0.01 } });
    const t0 = Date.UTC(2031, 2, 3, 12, 0, 0);
    await setSpendClockForTesting(gw.env, hash, t0);
    // What the pipeline does before an upstream call; the isolate then "crashes" and never settles.
    await reserve(gw.env, { hash }, { requestId: "gen-crashed-isolate", micros: 9_000, provider: "anthropic", model: "anthropic/claude-haiku-4.5" });
    expect((await keyObject(gw, hash)).limit_remaining).toBeCloseTo(0.001, 9);

    const hi = () => ask("anthropic", { model: "anthropic/claude-haiku-4.5", text: "hi", maxTokens: 1000 });
    const refused = await hi();
    expect(refused.status).toBe(402);
    expect(refused.error!.message).toMatch(/\$0\.001 of the \$0\.01 limit is left.*lower max_tokens may fit/);

    // Before the TTL the alarm keeps it; after, it is gone and the room is back.
    const stub = gw.env.SPEND.get(gw.env.SPEND.idFromName(hash));
    await setSpendClockForTesting(gw.env, hash, t0 + RESERVATION_TTL_MS - 1);
    await runDurableObjectAlarm(stub);
    expect((await keyObject(gw, hash)).limit_remaining).toBeCloseTo(0.001, 9);
    await setSpendClockForTesting(gw.env, hash, t0 + RESERVATION_TTL_MS + 1);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect((await keyObject(gw, hash)).limit_remaining).toBe(0.01);

    const ok = await hi();
    expect(ok.status).toBe(200);
    await gw.settled();
    const k = await keyObject(gw, hash);
    expect(k.usage).toBeGreaterThan(0);
    expect(Math.round(k.limit_remaining * MICROS_PER_USD)).toBe(10_000 - Math.round(k.usage * MICROS_PER_USD));
  });
});
