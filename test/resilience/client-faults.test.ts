/**
 * Client faults: a caller that goes away (mid-stream, before the first token, during a non-streamed
 * call) and a caller that reads slowly. The upstream call must be aborted, the request recorded once
 * with what was generated so far, and a slow reader must not make the gateway buffer the upstream.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { expectBalancedBooks, rowOf } from "../helpers/books";
import { fakePromptTokens, type WireFormat } from "../helpers/fake-answers";
import { expectedCost } from "../helpers/prices";
import { rig, type Rig } from "../helpers/rig";
import { partialText, readReply } from "../helpers/surface-reply";
import { SURFACES, type Framing, type Surface } from "../helpers/surface-request";
import { MODEL_FOR, plain, sleep } from "./helpers";

const LIMIT = 10;
const UPSTREAMS: WireFormat[] = ["openai", "anthropic", "gemini"];
const STREAM_MODES: Record<Surface, Framing[]> = { openai: ["sse"], anthropic: ["sse"], gemini: ["sse", "json-array"] };

/**
 * The caller leaves `afterMs` after the upstream got the request, before any answer: the upstream
 * fetch is aborted, one 499 record is written and nothing is billed or left reserved.
 */
async function expectAbortBilledNothing(r: Rig, surface: Surface, model: string, mode: Framing, afterMs: number): Promise<void> {
  const ac = new AbortController();
  const pending = r.send(r.call(surface, plain(model, mode, { signal: ac.signal })));
  await r.up.waitForRequests(1);
  if (afterMs > 0) await sleep(afterMs);
  ac.abort();
  const res = await pending;
  await res.body?.cancel().catch(() => {});
  expect(await r.up.waitForAborted(1)).toBe(1);
  const b = await expectBalancedBooks(r.gw, r.hash, LIMIT, 1);
  expect(b.rows[0].status).toBe(499);
  expect(b.rows[0].cost_micros).toBe(0);
}

describe.each(SURFACES)("client abort on the %s surface", (surface: Surface) => {
  for (const mode of STREAM_MODES[surface]) {
    describe.concurrent(mode, () => {
      it.each(UPSTREAMS)(`mid-stream (→ %s): the upstream fetch is aborted and the tokens seen so far are billed`, async (upstream) => {
        const { up, gw, hash, call, send } = await rig(`abort-${surface}`, { key: { limit: LIMIT } });
        await up.configure({ chunks: 200, chunkDelayMs: 15 });
        const ac = new AbortController();
        const res = await send(call(surface, plain(MODEL_FOR[upstream], mode, { maxTokens: 1000, signal: ac.signal })));
        expect(res.status).toBe(200);
        const id = res.headers.get("x-generation-id");
        const reader = res.body!.getReader();
        const dec = new TextDecoder();
        let raw = "";
        // Read until some answer text has arrived (json-array: some elements), then walk away.
        while (mode === "json-array" ? (raw.match(/"text"/g) ?? []).length < 4 : partialText(surface, raw).length < 20) {
          const { value, done } = await reader.read();
          expect(done, "the stream must still be running when the client leaves").toBe(false);
          raw += dec.decode(value, { stream: true });
        }
        const seen = mode === "json-array" ? "" : partialText(surface, raw);
        await reader.cancel();
        ac.abort();
        expect(await up.waitForAborted(1)).toBe(1);

        const b = await expectBalancedBooks(gw, hash, LIMIT, 1);
        const row = rowOf(b, id);
        expect(row.status).toBe(499);
        expect(row.completion_tokens).toBeGreaterThan(0);
        expect(row.completion_tokens).toBeGreaterThanOrEqual(Math.ceil(seen.length / 4));
        // Far less than the 200-piece answer the upstream would have produced.
        expect(row.completion_tokens).toBeLessThan(200);
        expect(row.prompt_tokens).toBeGreaterThan(0);
        if (upstream === "anthropic") {
          // Anthropic reports input tokens up front: the record has the upstream's own number.
          const sent = (await up.requests())[0];
          expect(row.prompt_tokens).toBe(fakePromptTokens(sent));
        }
        expect(row.cost_micros).toBe(expectedCost(MODEL_FOR[upstream], row.provider!, { input: row.prompt_tokens, output: row.completion_tokens }));
      });

      it.each(UPSTREAMS)("before the first token (→ %s): the upstream fetch is aborted, nothing is billed", async (upstream) => {
        const r = await rig(`abort-early-${surface}`, { env: { STREAM_KEEPALIVE_MS: "30" }, key: { limit: LIMIT } });
        await r.up.script({ firstByteDelayMs: 3000 });
        // Past the keep-alive (30 ms): the stream is committed, still without content.
        await expectAbortBilledNothing(r, surface, MODEL_FOR[upstream], mode, 80);
      });
    });
  }

  it.concurrent.each(UPSTREAMS)("during a non-streamed call (→ %s): the upstream fetch is aborted, nothing is billed", async (upstream) => {
    const r = await rig(`abort-json-${surface}`, { key: { limit: LIMIT } });
    await r.up.script({ firstByteDelayMs: 3000 });
    await expectAbortBilledNothing(r, surface, MODEL_FOR[upstream], "json", 0);
  });
});

// ---------------------------------------------------------------- slow reader

/**
 * Wraps the global fetch so the test can see how many bytes the gateway has pulled from the
 * upstream, to compare with what the client has read: a gateway that buffers for a slow client
 * pulls the whole answer at once.
 */
function meterUpstreamReads(upstreamBase: string) {
  const original = globalThis.fetch;
  const counter = { pulled: 0 };
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input: RequestInfo | URL, init?: RequestInit) => {
    const res = await original(input, init);
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    if (!url.startsWith(upstreamBase) || !res.body) return res;
    const counted = res.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, c) {
          counter.pulled += chunk.byteLength;
          c.enqueue(chunk);
        },
      }),
    );
    return new Response(counted, { status: res.status, statusText: res.statusText, headers: res.headers });
  });
  return counter;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("slow reader", () => {
  const SIZE = 4_000_000;
  const cases: Array<[Surface, WireFormat, Framing]> = [
    ["openai", "openai", "sse"],
    ["openai", "anthropic", "sse"],
    ["anthropic", "anthropic", "sse"], // same format: the upstream's bytes are passed through
    ["anthropic", "gemini", "sse"],
    ["gemini", "gemini", "sse"], // same format: passthrough
    ["gemini", "openai", "json-array"],
  ];
  it.each(cases)("%s surface ← %s (%s): the upstream is read at the client's pace, and the stream completes", async (surface, upstream, mode) => {
    const { up, gw, hash, call, send } = await rig(`slow-${surface}`, { key: { limit: LIMIT } });
    await up.script({ size: SIZE });
    const counter = meterUpstreamReads(up.baseUrl);
    const c = call(surface, plain(MODEL_FOR[upstream], mode, { maxTokens: 4096 }));
    const res = await send(c);
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    let delivered = 0;
    const chunks: Uint8Array[] = [];
    const take = async () => {
      const { value, done } = await reader.read();
      if (!done) {
        delivered += value.byteLength;
        chunks.push(value);
      }
      return done;
    };
    await take();
    // The client stalls: the gateway may read a little ahead, never the whole answer.
    await sleep(400);
    const aheadWhileStalled = counter.pulled - delivered;
    expect(counter.pulled, "bytes pulled from the upstream while the client stalled").toBeLessThan(SIZE / 4);
    // Then it reads slowly, in bursts, checking the lead stays bounded.
    let maxLead = aheadWhileStalled;
    let reads = 0;
    while (!(await take())) {
      if (++reads % 50 === 0) {
        await sleep(5);
        maxLead = Math.max(maxLead, counter.pulled - delivered);
      }
    }
    expect(maxLead, "gateway read-ahead over the client").toBeLessThan(1_000_000);
    vi.restoreAllMocks();

    const all = new Uint8Array(delivered);
    let at = 0;
    for (const c of chunks) {
      all.set(c, at);
      at += c.byteLength;
    }
    const whole = new Response(all, { status: 200, headers: res.headers });
    const o = await readReply(c, whole);
    expect(o.ok).toBe(true);
    expect(o.text.length).toBeGreaterThan(SIZE * 0.8);
    const b = await expectBalancedBooks(gw, hash, LIMIT, 1);
    expect(rowOf(b, o.generationId).status).toBe(200);
  });
});
