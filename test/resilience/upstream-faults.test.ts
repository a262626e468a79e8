/**
 * Upstream faults on every surface × upstream format × framing: whatever the upstream does, the
 * caller gets a well-formed answer or error in its own format, the reservation is settled or
 * released, and exactly one usage record is written (its cost = its tokens × the catalog price).
 */
import { describe, expect, it } from "vitest";
import { expectBalancedBooks, rowOf } from "../helpers/books";
import type { WireFormat } from "../helpers/fake-answers";
import { NO_OPENROUTER, type FakeSession, type FakeStep } from "../helpers/fake-upstream";
import { expectedCost } from "../helpers/prices";
import { rig } from "../helpers/rig";
import { readReply, type Reply } from "../helpers/surface-reply";
import { FRAMINGS, SURFACES, type Framing, type Surface } from "../helpers/surface-request";
import { contentChunks } from "../helpers/upstream-scripts";
import { MODEL_FOR, OVERLOADED_STATUS, plain, rowStatusOf } from "./helpers";

const LIMIT = 10;

function garbage(f: WireFormat): string {
  if (f === "openai") return `data: {"id":"chatcmpl-r","choices":[{"delta":{"content":"x"}\n\n`;
  if (f === "anthropic") return `event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":\n\n`;
  return `data: {"candidates":[{"content":\r\n\r\n`;
}

/** The upstream's own, well-formed in-band error event. */
function upstreamErrorEvent(f: WireFormat): string {
  if (f === "openai") return `data: {"error":{"message":"Provider overloaded","code":503}}\n\n`;
  if (f === "anthropic") return `event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n`;
  return `data: {"error":{"code":503,"message":"The model is overloaded.","status":"UNAVAILABLE"}}\r\n\r\n`;
}

/** A non-streamed body cut in the middle (for reset-after). */
const HALF_BODY = ['{"id":"x","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"Hel', 'lo"}}]}'];

type Expect = "ok" | "error" | "in-band" | "error-or-in-band";

interface Fault {
  name: string;
  /**
   * Faults whose handling depends on the upstream's format (decoders, passthrough vs translation)
   * run against every upstream format; the others against one, rotating across surfaces and modes.
   */
  everyUpstream?: boolean;
  only?: "json" | "stream";
  env?: Record<string, string>;
  /** Point every provider at a closed port instead of the fake. */
  refused?: boolean;
  steps?: (f: WireFormat, mode: Framing) => FakeStep[];
  expect: Expect;
  /** The HTTP status expected (one, any of several, or per surface). */
  status?: number | number[] | ((surface: Surface) => number);
  /** The upstream connection must have been aborted by the gateway. */
  upstreamAborted?: boolean;
  check?: (o: Reply) => void;
}

const FAULTS: Fault[] = [
  { name: "connection refused", refused: true, expect: "error", status: 502 },
  { name: "no response (hang) → 504", env: { UPSTREAM_TIMEOUT_MS: "250", STREAM_KEEPALIVE_MS: "10000" }, steps: () => [{ fault: "hang" }], expect: "error", status: 504, upstreamAborted: true },
  {
    name: "no response after keep-alives committed the stream → in-band 504",
    only: "stream",
    env: { UPSTREAM_TIMEOUT_MS: "300", STREAM_KEEPALIVE_MS: "40" },
    steps: () => [{ fault: "hang" }],
    // json-array framing has no keep-alive, so it stays an HTTP 504.
    expect: "error-or-in-band",
    status: 504,
    upstreamAborted: true,
  },
  {
    name: "slow first byte",
    env: { STREAM_KEEPALIVE_MS: "40" },
    steps: () => [{ firstByteDelayMs: 300 }],
    expect: "ok",
  },
  { name: "reset before any byte", steps: () => [{ fault: "reset" }], expect: "error", status: 502 },
  {
    name: "headers, then silence (stall before any content) → 504",
    env: { UPSTREAM_TIMEOUT_MS: "300", STREAM_KEEPALIVE_MS: "10000" },
    steps: (f, mode) => [{ fault: "stall", stallAfterChunks: mode === "json" ? 1 : 0, chunks: mode === "json" ? HALF_BODY : contentChunks(f) }],
    expect: "error",
    status: 504,
    upstreamAborted: true,
  },
  {
    everyUpstream: true, name: "reset mid-body / mid-stream",
    steps: (f, mode) => (mode === "json" ? [{ fault: "reset-after", resetAfterChunks: 1, chunks: HALF_BODY }] : [{ fault: "reset-after", resetAfterChunks: f === "anthropic" ? 5 : 3 }]),
    expect: "error-or-in-band",
  },
  { everyUpstream: true, name: "malformed JSON body", only: "json", steps: () => [{ body: '{"id": "x", "choices": [ {"mess' }], expect: "error", status: 502 },
  { everyUpstream: true, name: "JSON of the wrong shape", only: "json", steps: () => [{ body: { hello: "world" } }], expect: "error", status: 502 },
  { everyUpstream: true, name: "malformed SSE after content", only: "stream", steps: (f) => [{ chunks: [...contentChunks(f), garbage(f)] }], expect: "in-band" },
  { everyUpstream: true, name: "malformed SSE before content", only: "stream", steps: (f) => [{ chunks: [garbage(f)] }], expect: "error-or-in-band" },
  { everyUpstream: true, name: "truncated SSE (no terminator)", only: "stream", steps: (f) => [{ fault: "truncate", chunks: contentChunks(f) }], expect: "in-band" },
  {
    everyUpstream: true,
    name: "upstream's own error event after content → one in-band error",
    only: "stream",
    steps: (f) => [{ chunks: [...contentChunks(f), upstreamErrorEvent(f)] }],
    expect: "in-band",
  },
  {
    everyUpstream: true,
    name: "upstream's own error event before any content → HTTP error",
    only: "stream",
    steps: (f) => [{ chunks: [upstreamErrorEvent(f)] }],
    expect: "error",
    // Every format's event says "overloaded": the caller's overloaded status (overloaded.test.ts).
    status: (surface) => OVERLOADED_STATUS[surface],
  },
  { everyUpstream: true, name: "empty 200 stream", only: "stream", steps: () => [{ fault: "truncate", chunks: [""] }], expect: "error-or-in-band" },
  // 500/502 are upstream failures (502); 503/529 an overloaded upstream (overloaded.test.ts).
  ...[500, 502, 503, 529].map((s): Fault => ({
    name: `upstream ${s}`,
    everyUpstream: s >= 503,
    steps: () => [{ status: s }],
    expect: "error",
    status: s >= 503 ? (surface: Surface) => OVERLOADED_STATUS[surface] : 502,
  })),
  {
    everyUpstream: true, name: "upstream 429 with Retry-After",
    steps: () => [{ status: 429, headers: { "retry-after": "7" } }],
    expect: "error",
    status: 429,
    check: (o) => expect(o.retryAfter).toBe("7"),
  },
  {
    name: "5 MB response",
    steps: () => [{ size: 5_000_000 }],
    expect: "ok",
    check: (o) => expect(o.text.length).toBeGreaterThan(4_000_000),
  },
];

const UPSTREAMS: WireFormat[] = ["openai", "anthropic", "gemini"];

describe.each(SURFACES)("%s surface", (surface: Surface) => {
  FRAMINGS[surface].forEach((mode, m) => {
    const rotated = UPSTREAMS[(SURFACES.indexOf(surface) + m) % UPSTREAMS.length];
    const faults = FAULTS.filter((f) => !f.only || (f.only === "json") === (mode === "json"));
    const cases = UPSTREAMS.flatMap((upstream) =>
      faults.filter((f) => f.everyUpstream || upstream === rotated).map((f) => [`→ ${upstream} upstream: ${f.name}`, upstream, f] as const),
    );
    describe.concurrent(mode, () => {
      it.each(cases)("%s", async (_name, upstream, fault) => {
        await runFault(surface, upstream, mode, fault);
      });
    });
  });
});

async function runFault(surface: Surface, upstream: WireFormat, mode: Framing, fault: Fault) {
  const closed = (env: Record<string, string>) =>
    Object.fromEntries(Object.entries(env).map(([k, v]) => [k, k.endsWith("_BASE_URL") ? v.replace(/^http:\/\/[^/]+/, "http://127.0.0.1:9") : v]));
  const env = (up: FakeSession) => ({ ...(fault.refused ? closed(up.env) : {}), ...NO_OPENROUTER, ...fault.env });
  const { up, gw, hash, call, send } = await rig(`res-${surface}-${upstream}`, { env, key: { limit: LIMIT } });
  if (fault.steps) await up.script(fault.steps(upstream, mode));
  const model = MODEL_FOR[upstream];
  const c = call(surface, plain(model, mode));
  const o = await readReply(c, await send(c));

  const inBand = o.error?.inBand === true;
  const label = `${fault.name}: ${JSON.stringify({ status: o.status, ok: o.ok, inBand, msg: o.error?.message })}`;
  switch (fault.expect) {
    case "ok":
      expect(o.ok, label).toBe(true);
      break;
    case "error":
      expect(o.status, label).toBeGreaterThanOrEqual(400);
      break;
    case "in-band":
      expect(o.status, label).toBe(200);
      expect(inBand, label).toBe(true);
      break;
    case "error-or-in-band":
      expect(o.ok, label).toBe(false);
      break;
  }
  const status = typeof fault.status === "function" ? fault.status(surface) : fault.status;
  if (status !== undefined && !inBand) {
    const allowed = Array.isArray(status) ? status : [status];
    expect(allowed, label).toContain(o.status);
  }
  if (status !== undefined && inBand && o.error!.status !== undefined && !Array.isArray(status)) expect(o.error!.status, label).toBe(status);
  if (!o.ok) expect(o.error!.message.length).toBeGreaterThan(0);
  if (fault.name.startsWith("slow first byte") && mode === "sse") expect(o.keepAlives, "keep-alive comments while waiting").toBeGreaterThan(0);
  if (fault.name.includes("after keep-alives") && mode === "sse") {
    expect(o.keepAlives).toBeGreaterThan(0);
    expect(inBand, label).toBe(true);
  }
  fault.check?.(o);

  // Exactly one upstream call (no hidden retries), none when the upstream is unreachable.
  expect((await up.requests()).length).toBe(fault.refused ? 0 : 1);
  if (fault.upstreamAborted) expect(await up.waitForAborted(1)).toBeGreaterThanOrEqual(1);

  const b = await expectBalancedBooks(gw, hash, LIMIT, 1);
  const row = rowOf(b, o.generationId);
  expect(row.surface).toBe(surface);
  expect(row.streamed).toBe(mode === "json" ? 0 : 1);
  if (o.ok) {
    expect(row.status).toBe(200);
    expect(o.usage, "a complete answer reports usage").toBeDefined();
    expect(row.prompt_tokens).toBe(o.usage!.input);
    expect(row.completion_tokens).toBe(o.usage!.output);
    expect(row.cost_micros).toBe(expectedCost(model, row.provider!, o.usage!));
    expect(row.cost_micros).toBeGreaterThan(0);
  } else if (!inBand) {
    // Nothing was generated: nothing is charged, the failure is still on record with its status.
    expect(row.status).toBe(rowStatusOf(surface, o.status));
    expect(row.cost_micros).toBe(0);
  } else {
    expect(row.status).toBeGreaterThanOrEqual(400);
    if (o.text.length > 0) {
      // Tokens the caller saw are billed.
      expect(row.completion_tokens).toBeGreaterThanOrEqual(Math.ceil(o.text.length / 4));
      expect(row.cost_micros).toBeGreaterThan(0);
    }
  }
}

/** A model with two endpoints of the same format: openai first, openrouter as the fallback. */
const TWO_ENDPOINTS = "openai/gpt-4o-mini";

const FALLBACK_FAULTS: Array<[string, FakeStep, Record<string, string>]> = [
  ["no response (hang)", { match: "/openai/v1/", fault: "hang" }, { UPSTREAM_TIMEOUT_MS: "250", STREAM_KEEPALIVE_MS: "10000" }],
  ["503", { match: "/openai/v1/", status: 503 }, {}],
  ["connection reset", { match: "/openai/v1/", fault: "reset" }, {}],
];

// Sequential: endpoint health is per isolate, and the follow-up request checks the primary is still first.
describe.each(SURFACES)("fallback on the %s surface", (surface: Surface) => {
  for (const mode of ["json", "sse"] as const) {
    it.each(FALLBACK_FAULTS)(`${mode}: primary fails before any content (%s) → the next endpoint answers, one record`, async (_n, step, env) => {
      const r = await rig(`fallback-${surface}`, { env, key: { limit: LIMIT } });
      const { up, gw, hash } = r;
      await up.script(step);
      const o = await r.ask(surface, plain(TWO_ENDPOINTS, mode));
      expect(o.ok, JSON.stringify(o.error)).toBe(true);
      const paths = (await up.requests()).map((r) => r.path);
      expect(paths).toEqual(["/openai/v1/chat/completions", "/openrouter/v1/chat/completions"]);
      if (step.fault === "hang") expect(await up.waitForAborted(1)).toBe(1);

      // The primary is still tried first next time (one failure is no cool-down), and answers.
      const o2 = await r.ask(surface, plain(TWO_ENDPOINTS, mode));
      expect(o2.ok).toBe(true);
      expect((await up.requests()).at(-1)!.path).toBe("/openai/v1/chat/completions");

      const b = await expectBalancedBooks(gw, hash, LIMIT, 2);
      const row = rowOf(b, o.generationId);
      expect(row.provider).toBe("openrouter");
      expect(row.status).toBe(200);
      expect([row.prompt_tokens, row.completion_tokens]).toEqual([o.usage!.input, o.usage!.output]);
      expect(rowOf(b, o2.generationId).provider).toBe("openai");
    });
  }
});
