/**
 * Nothing lost: a few hundred mixed requests (all surfaces and upstream formats, streamed and
 * not, successes, scripted upstream faults, client aborts) against one key with a spend limit,
 * run concurrently. Afterwards the books must agree exactly with what the upstream served:
 * one usage record per request; for every completed request, exactly the tokens the fake upstream
 * reported (recomputed here from what it received); every record's cost = its tokens × the
 * catalog price; and the key's spend counter = Σ record costs, with no reservation left open.
 */
import { describe, expect, it } from "vitest";
import { expectBalancedBooks, rowOf } from "../helpers/books";
import { fakePromptTokens, type WireFormat } from "../helpers/fake-answers";
import { fakeSession, NO_OPENROUTER, type FakeStep } from "../helpers/fake-upstream";
import { gateway } from "../helpers/gateway";
import { expectedCost } from "../helpers/prices";
import { readReply, type Reply } from "../helpers/surface-reply";
import { FRAMINGS, SURFACES, surfaceCall, type Framing, type Surface } from "../helpers/surface-request";
import { contentChunks } from "../helpers/upstream-scripts";
import { MODEL_FOR, plain, prng, rowStatusOf } from "./helpers";

const REQUESTS = 240;
const CONCURRENCY = 12;
const SEED = 20261121;
const LIMIT = 25;

type Kind =
  | "ok"
  | "http-error" // 500 / 503 / 429 before anything is sent
  | "malformed" // non-streamed: a broken body
  | "hang" // no answer: timeout
  | "cut" // streamed: reset after some content
  | "truncated" // streamed: ends without its terminator
  | "client-abort" // streamed: the caller leaves mid-stream
  | "client-abort-early"; // the caller leaves before the answer starts

interface Plan {
  i: number;
  surface: Surface;
  upstream: WireFormat;
  mode: Framing;
  kind: Kind;
  chunks: number;
}

interface Result {
  plan: Plan;
  id: string | null;
  outcome?: Reply;
  /** Tokens the fake reported for a completed answer, recomputed from what it received. */
  served?: { input: number; output: number };
}

function plans(): Plan[] {
  const r = prng(SEED);
  const out: Plan[] = [];
  for (let i = 0; i < REQUESTS; i++) {
    const surface = r.pick(SURFACES);
    const mode = r.pick(FRAMINGS[surface]);
    const upstream = r.pick(["openai", "anthropic", "gemini"] as WireFormat[]);
    const streamed = mode !== "json";
    const kinds: Kind[] = streamed
      ? ["ok", "ok", "ok", "ok", "http-error", "hang", "cut", "truncated", "client-abort", "client-abort-early"]
      : ["ok", "ok", "ok", "ok", "http-error", "malformed", "hang", "client-abort-early"];
    const kind = r.pick(kinds);
    // A caller that leaves mid-stream needs a stream long enough to leave in the middle of.
    out.push({ i, surface, upstream, mode, kind, chunks: kind === "client-abort" ? 60 + r.int(20) : 3 + r.int(25) });
  }
  return out;
}

async function runOne(p: Plan, key: string, timeouts: Record<string, string>): Promise<Result> {
  const up = fakeSession(`lost-${p.i}`);
  await up.configure({ chunks: p.chunks, chunkDelayMs: p.kind === "client-abort" ? 15 : 0 });
  // The early abort must beat the upstream timeout, whatever the machine's load.
  const gw = gateway({ ...up.env, ...NO_OPENROUTER, ...(p.kind === "client-abort-early" ? {} : timeouts) });
  const steps: Record<Kind, FakeStep[]> = {
    ok: [],
    "http-error": [[{ status: 500 }, { status: 503 }, { status: 429, headers: { "retry-after": "30" } }][p.i % 3]],
    malformed: [{ body: '{"id":"x","choices":[' }],
    hang: [{ fault: "hang" }],
    cut: [{ fault: "reset-after", resetAfterChunks: p.upstream === "anthropic" ? 4 : 3 }],
    truncated: [{ fault: "truncate", chunks: contentChunks(p.upstream) }],
    "client-abort": [],
    "client-abort-early": [{ firstByteDelayMs: 5000 }],
  };
  if (steps[p.kind].length) await up.script(steps[p.kind]);

  const ac = new AbortController();
  const call = surfaceCall(p.surface, key, plain(MODEL_FOR[p.upstream], p.mode, { text: `request ${p.i}`, maxTokens: 64, signal: ac.signal }));
  const pending = gw.fetch(call.path, call.init);

  if (p.kind === "client-abort-early") {
    await up.waitForRequests(1);
    ac.abort();
    const res = await pending;
    await res.body?.cancel().catch(() => {});
    expect(await up.waitForAborted(1)).toBe(1);
    await gw.settled();
    return { plan: p, id: res.headers.get("x-generation-id") };
  }
  const res = await pending;
  const id = res.headers.get("x-generation-id");
  if (p.kind === "client-abort") {
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    await reader.read();
    await reader.read();
    await reader.cancel();
    ac.abort();
    expect(await up.waitForAborted(1)).toBe(1);
    await gw.settled();
    return { plan: p, id };
  }
  const outcome = await readReply(call, res);
  await gw.settled();
  const result: Result = { plan: p, id, outcome };
  if (p.kind === "ok") {
    expect(outcome.ok, `request ${p.i} (${p.surface} ← ${p.upstream}, ${p.mode}) should succeed: ${outcome.error?.message}`).toBe(true);
    const sent = await up.requests();
    expect(sent.length).toBe(1);
    // The fake's usage for a default answer: ceil(request bytes / 4) in, one token per text piece out.
    result.served = { input: fakePromptTokens(sent[0]), output: p.chunks };
  } else {
    expect(outcome.ok, `request ${p.i} (${p.kind}) must not look like a success`).toBe(false);
  }
  return result;
}

describe("nothing lost", () => {
  it(`${REQUESTS} mixed requests (seed ${SEED}): records and spend agree exactly with what the upstream served`, { timeout: 120_000 }, async () => {
    const gw = gateway();
    const { key, hash } = await gw.createKey({ limit: LIMIT });
    const all = plans();
    const results: Result[] = [];
    // Long enough that an "ok" answer never times out on a loaded machine; "hang" waits it out.
    const env = { UPSTREAM_TIMEOUT_MS: "1500", STREAM_KEEPALIVE_MS: "10000" };
    for (let i = 0; i < all.length; i += CONCURRENCY) {
      results.push(...(await Promise.all(all.slice(i, i + CONCURRENCY).map((p) => runOne(p, key, env)))));
    }
    const kinds = new Map<Kind, number>();
    for (const r of results) kinds.set(r.plan.kind, (kinds.get(r.plan.kind) ?? 0) + 1);
    // The mix really contains every kind.
    expect([...kinds.keys()].sort()).toEqual(["client-abort", "client-abort-early", "cut", "hang", "http-error", "malformed", "ok", "truncated"]);

    const b = await expectBalancedBooks(gw, hash, LIMIT, REQUESTS);
    let servedCost = 0;
    for (const r of results) {
      const row = rowOf(b, r.id);
      const { plan: p } = r;
      const what = `request ${p.i} (${p.kind}, ${p.surface} ← ${p.upstream}, ${p.mode}): ${JSON.stringify(row)}`;
      expect(row.surface, what).toBe(p.surface);
      expect(row.streamed, what).toBe(p.mode === "json" ? 0 : 1);
      if (p.kind === "ok") {
        expect(row.status, what).toBe(200);
        expect([row.prompt_tokens, row.completion_tokens], what).toEqual([r.served!.input, r.served!.output]);
        expect(row.cost_micros, what).toBe(expectedCost(MODEL_FOR[p.upstream], row.provider!, r.served!));
      } else if (p.kind === "client-abort") {
        expect(row.status, what).toBe(499);
        expect(row.completion_tokens, what).toBeGreaterThan(0);
      } else if (p.kind === "client-abort-early") {
        expect(row.status, what).toBe(499);
        expect(row.cost_micros, what).toBe(0);
      } else if (r.outcome && !r.outcome.error?.inBand) {
        // Failed before anything was sent: recorded with its (surface-neutral) status, nothing charged.
        expect(row.status, what).toBe(rowStatusOf(p.surface, r.outcome.status));
        expect(row.cost_micros, what).toBe(0);
      } else {
        // Cut after content: what was generated is billed, the failure is on record.
        expect(row.status, what).toBeGreaterThanOrEqual(400);
        expect(row.completion_tokens, what).toBeGreaterThan(0);
      }
      servedCost += row.cost_micros;
    }
    expect(b.totalMicros).toBe(servedCost);
    expect(b.rows.filter((r) => r.status === 200).length).toBe(kinds.get("ok"));
  });
});
