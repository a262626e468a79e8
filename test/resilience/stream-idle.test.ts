/**
 * The idle timeout of a stream whose content has started (STREAM_IDLE_TIMEOUT_MS): an upstream that
 * keeps the connection open but sends nothing more is aborted, the caller's stream ends with a
 * well-formed in-band 504 error in its own format after the content it already got, the tokens seen
 * are billed and exactly one usage record is written. A slow but alive upstream (chunks, or only
 * its own pings, spaced under the timeout) and a slow client are never cut.
 */
import { describe, expect, it } from "vitest";
import { expectBalancedBooks, rowOf } from "../helpers/books";
import type { WireFormat } from "../helpers/fake-answers";
import { expectedCost } from "../helpers/prices";
import { NO_OPENROUTER } from "../helpers/fake-upstream";
import { rig } from "../helpers/rig";
import { readReply } from "../helpers/surface-reply";
import type { Framing, Surface } from "../helpers/surface-request";
import { anthropicEvent, contentChunks } from "../helpers/upstream-scripts";
import { MODEL_FOR, plain, sleep } from "./helpers";

const LIMIT = 10;
const IDLE_MS = 300;
/** Small idle timeout; the first-token timeout and keep-alives far away so only the idle timer can fire. */
const ENV = { ...NO_OPENROUTER, STREAM_IDLE_TIMEOUT_MS: String(IDLE_MS), UPSTREAM_TIMEOUT_MS: "20000", STREAM_KEEPALIVE_MS: "20000" };

/** Each surface × a translated upstream and a same-format one (passthrough for Anthropic and Gemini SSE). */
const CASES: Array<[Surface, WireFormat, Framing]> = [
  ["openai", "anthropic", "sse"],
  ["openai", "openai", "sse"],
  ["anthropic", "gemini", "sse"],
  ["anthropic", "anthropic", "sse"],
  ["gemini", "openai", "sse"],
  ["gemini", "gemini", "sse"],
  ["gemini", "anthropic", "json-array"],
  ["gemini", "gemini", "json-array"],
];

describe.concurrent("upstream stalls after content started", () => {
  it.each(CASES)(
    "%s surface ← %s upstream (%s): aborted after the idle timeout, in-band 504, tokens seen billed, one record",
    async (surface, upstream, mode) => {
      const { up, gw, hash, ask } = await rig(`idle-stall-${surface}-${upstream}-${mode}`, { env: ENV, key: { limit: LIMIT } });
      // Content, then silence with the connection left open.
      await up.script({ fault: "stall", chunks: contentChunks(upstream) });
      const model = MODEL_FOR[upstream];
      const started = Date.now();
      const o = await ask(surface, plain(model, mode));
      const elapsed = Date.now() - started;
      const raw = o.raw;

      const label = JSON.stringify({ status: o.status, ok: o.ok, error: o.error, raw: raw.slice(-400) });
      expect(o.status, label).toBe(200);
      expect(o.error?.inBand, label).toBe(true);
      expect(o.text, "the content comes first").toBe("Hello there, partial");
      expect(o.error!.message, label).toContain(`no data for ${IDLE_MS} ms`);
      if (o.error!.status !== undefined) expect(o.error!.status, label).toBe(504);
      if (surface === "anthropic") expect(raw, "Anthropic's timeout error type").toContain('"type":"timeout_error"');
      expect(raw.indexOf("Hello"), "error after the content").toBeLessThan(raw.indexOf(`no data for ${IDLE_MS} ms`));
      expect(elapsed, "waited out the idle timeout").toBeGreaterThanOrEqual(IDLE_MS);
      expect(elapsed, "not much longer than the idle timeout").toBeLessThan(IDLE_MS + 4000);

      // One upstream call (no fallback after content), aborted by the gateway.
      expect((await up.requests()).length).toBe(1);
      expect(await up.waitForAborted(1)).toBe(1);

      // One record, the reservation settled (outstanding back to 0), the tokens seen charged.
      const b = await expectBalancedBooks(gw, hash, LIMIT, 1);
      const row = rowOf(b, o.generationId);
      expect(row.status).toBe(504);
      expect(row.streamed).toBe(1);
      expect(row.completion_tokens).toBeGreaterThan(0);
      expect(row.completion_tokens).toBeGreaterThanOrEqual(Math.ceil(o.text.length / 4));
      expect(row.cost_micros).toBe(expectedCost(model, row.provider!, { input: row.prompt_tokens, output: row.completion_tokens }));
      expect(row.cost_micros).toBeGreaterThan(0);
    },
    20_000,
  );

  it("before the first content the first-token timeout governs, not the idle timeout", async () => {
    const env = { ...NO_OPENROUTER, STREAM_IDLE_TIMEOUT_MS: "100", UPSTREAM_TIMEOUT_MS: "700", STREAM_KEEPALIVE_MS: "20000" };
    const { up, gw, hash, ask } = await rig("idle-before-content", { env, key: { limit: LIMIT } });
    await up.script({ fault: "stall", stallAfterChunks: 0, chunks: contentChunks("openai") });
    const started = Date.now();
    const o = await ask("openai", plain(MODEL_FOR.openai, "sse"));
    expect(o.status).toBe(504);
    expect(o.error!.message).toContain("sent no token within");
    expect(Date.now() - started).toBeGreaterThanOrEqual(650);
    expect(await up.waitForAborted(1)).toBe(1);
    const b = await expectBalancedBooks(gw, hash, LIMIT, 1);
    expect(rowOf(b, o.generationId).status).toBe(504);
    expect(rowOf(b, o.generationId).cost_micros).toBe(0);
  }, 20_000);
});

describe.concurrent("slow but alive", () => {
  it.each(CASES)(
    "%s surface ← %s upstream (%s): chunks 100 ms apart, longer than the idle timeout in all, are not cut",
    async (surface, upstream, mode) => {
      const { up, gw, hash, ask } = await rig(`idle-slow-${surface}-${upstream}-${mode}`, { env: ENV, key: { limit: LIMIT } });
      await up.configure({ chunks: 8 });
      await up.script({ chunkDelayMs: 100 });
      const started = Date.now();
      const o = await ask(surface, plain(MODEL_FOR[upstream], mode));
      const elapsed = Date.now() - started;
      expect(o.ok, JSON.stringify(o.error)).toBe(true);
      expect(elapsed, "the stream as a whole outlasted the idle timeout").toBeGreaterThan(2 * IDLE_MS);
      expect(await up.aborted()).toBe(0);
      const b = await expectBalancedBooks(gw, hash, LIMIT, 1);
      const row = rowOf(b, o.generationId);
      expect(row.status).toBe(200);
      expect(row.completion_tokens).toBe(o.usage!.output);
    },
    20_000,
  );

  // Anthropic sends `event: ping` while it works: bytes from the upstream, so not silence.
  it.each(["openai", "anthropic"] as const)(
    "%s surface ← anthropic upstream: only pings for longer than the idle timeout mid-stream, not cut",
    async (surface) => {
      const { up, gw, hash, ask } = await rig(`idle-pings-${surface}`, { env: ENV, key: { limit: LIMIT } });
      const [start, blockStart, hello] = contentChunks("anthropic");
      const ping = anthropicEvent("ping", {});
      await up.script({
        chunkDelayMs: 100,
        chunks: [
          start, blockStart, hello, ping, ping, ping, ping, ping, ping, ping,
          anthropicEvent("content_block_delta", { index: 0, delta: { type: "text_delta", text: " again" } }),
          anthropicEvent("content_block_stop", { index: 0 }),
          anthropicEvent("message_delta", { delta: { stop_reason: "end_turn", stop_sequence: null }, usage: { output_tokens: 3 } }),
          anthropicEvent("message_stop", {}),
        ],
      });
      const started = Date.now();
      const o = await ask(surface, plain(MODEL_FOR.anthropic, "sse"));
      expect(o.ok, JSON.stringify(o.error)).toBe(true);
      expect(o.text).toBe("Hello again");
      expect(Date.now() - started).toBeGreaterThan(2 * IDLE_MS);
      expect(await up.aborted()).toBe(0);
      const b = await expectBalancedBooks(gw, hash, LIMIT, 1);
      expect(rowOf(b, o.generationId).status).toBe(200);
    },
    20_000,
  );

  // While the client does not read, the gateway does not read the upstream either: that wait is
  // the client's, not upstream silence.
  it.each([
    ["openai", "openai"],
    ["anthropic", "anthropic"],
  ] as const)("%s surface ← %s upstream: a client that pauses longer than the idle timeout is not cut", async (surface, upstream) => {
    const { up, gw, hash, call, send } = await rig(`idle-slow-client-${surface}`, { env: ENV, key: { limit: LIMIT } });
    await up.script({ size: 1_000_000 });
    const c = call(surface, plain(MODEL_FOR[upstream], "sse", { maxTokens: 4096 }));
    const res = await send(c);
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    const parts: Uint8Array[] = [];
    const first = await reader.read();
    parts.push(first.value!);
    await sleep(3 * IDLE_MS);
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      parts.push(value);
    }
    const o = await readReply(c, new Response(new Blob(parts), { headers: res.headers }));
    expect(o.ok, JSON.stringify({ msg: o.error?.message })).toBe(true);
    expect(o.text.length).toBeGreaterThan(500_000);
    const b = await expectBalancedBooks(gw, hash, LIMIT, 1);
    expect(rowOf(b, o.generationId ?? res.headers.get("x-generation-id")).status).toBe(200);
  }, 20_000);
});
