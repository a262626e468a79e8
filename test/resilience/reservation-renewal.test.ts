/**
 * Long streams renew their spend reservation (RESERVATION_RENEW_MS) so the Durable Object's TTL
 * never drops it mid-stream. Renewing every few ms: the stored reservation's expiry moves forward
 * while the streams run, each renewal replaces its own request's reservation (same id), and when
 * the streams end nothing is left reserved and every stream is charged exactly once. (A renewal
 * still in flight at the end is awaited before the settle; in workerd one isolate's calls reach the
 * object in order, so that race does not show here — it guards deployments, where separate stubs
 * carry no such order.)
 */
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { Reservation } from "../../src/spend/types";
import { expectBalancedBooks } from "../helpers/books";
import { rig } from "../helpers/rig";
import { stubFor } from "../spend/helpers";
import { MODEL_FOR, plain, sleep } from "./helpers";

const LIMIT = 10;
const STREAMS = 4;

/** The key's stored reservations (a key with a limit stores them). */
const stored = (hash: string) =>
  runInDurableObject(stubFor(hash), (_o, state) =>
    state.storage.sql.exec<{ data: string }>("SELECT data FROM reservations").toArray().map((r) => JSON.parse(r.data) as Reservation),
  );

describe("reservation renewal", () => {
  it("renewals push the expiry forward and no reservation outlives its stream", async () => {
    const { up, gw, hash, ask } = await rig("renewal", { env: { RESERVATION_RENEW_MS: "2" }, key: { limit: LIMIT } });
    await up.configure({ chunks: 40, chunkDelayMs: 5 });
    const running = Promise.all(Array.from({ length: STREAMS }, () => ask("openai", plain(MODEL_FOR.anthropic, "sse"))));
    await up.waitForRequests(STREAMS);
    const early = await stored(hash);
    await sleep(60);
    const later = await stored(hash);
    expect(early.length).toBe(STREAMS);
    // The streams are still running: every reservation is observed twice, so the loop below checks renewals, not nothing.
    expect(later.length).toBe(STREAMS);
    for (const r of later) {
      const before = early.find((e) => e.id === r.id);
      expect(before, "the same request's reservation, replaced").toBeDefined();
      expect(r.expiresAt).toBeGreaterThan(before!.expiresAt);
    }

    for (const o of await running) {
      expect(o.status).toBe(200);
      expect(o.ok).toBe(true);
    }
    // One row per stream, each charged at the catalog price, and nothing left reserved.
    const b = await expectBalancedBooks(gw, hash, LIMIT, STREAMS);
    expect(b.rows.every((r) => r.status === 200)).toBe(true);
    expect(await stored(hash)).toEqual([]);
  });
});
