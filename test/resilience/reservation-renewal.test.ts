/**
 * Long streams renew their spend reservation (RESERVATION_RENEW_MS) so the Durable Object's TTL
 * never drops it mid-stream. Renewing every few ms over concurrent ~150 ms streams: each renewal
 * replaces its own request's reservation (same id), so when the streams end nothing is left
 * reserved and every stream is charged exactly once. (A renewal still in flight at the end is
 * awaited before the settle; in workerd one isolate's calls reach the object in order, so that
 * race does not show here — it guards deployments, where separate stubs carry no such order.)
 */
import { describe, expect, it } from "vitest";
import { fakeSession } from "../helpers/fake-upstream";
import { gateway } from "../helpers/gateway";
import { MODEL_FOR, buildCall, expectBalancedBooks, readOutcome } from "./helpers";

const LIMIT = 10;
const STREAMS = 6;

describe("reservation renewal", () => {
  it("no reservation outlives its stream, however often it was renewed", async () => {
    const up = fakeSession("renewal-race");
    await up.configure({ chunks: 30, chunkDelayMs: 5 });
    const gw = gateway({ ...up.env, RESERVATION_RENEW_MS: "2" });
    const { key, hash } = await gw.createKey({ limit: LIMIT });
    const outcomes = await Promise.all(
      Array.from({ length: STREAMS }, async () => {
        const call = buildCall({ surface: "openai", model: MODEL_FOR.anthropic, mode: "sse" }, key);
        return readOutcome("openai", "sse", await gw.fetch(call.path, call.init));
      }),
    );
    for (const o of outcomes) {
      expect(o.status).toBe(200);
      expect(o.ok).toBe(true);
    }
    // One row per stream, each charged at the catalog price, and nothing left reserved.
    const b = await expectBalancedBooks(gw, hash, LIMIT, STREAMS);
    expect(b.rows.every((r) => r.status === 200)).toBe(true);
  });
});
