/**
 * The Responses surface is metered like every other: usage with its cost (computed here from the
 * catalog price, independently of the gateway's pricing code), one usage record per request with
 * surface "responses", the key's limit enforced before any upstream call, and fallback before the
 * first token inside one reservation.
 */
import { describe, expect, it } from "vitest";
import { MICROS_PER_USD } from "../../src/money";
import { generation, usageRows } from "../helpers/books";
import { NO_OPENROUTER } from "../helpers/fake-upstream";
import { expectedCost } from "../helpers/prices";
import { rig } from "../helpers/rig";
import { jsonPost } from "../helpers/gateway";
import { readResponse, readStream, type Rec } from "./helpers";

const UPSTREAMS = [
  { requested: "gpt-4o-mini", model: "openai/gpt-4o-mini", provider: "openai" },
  { requested: "anthropic/claude-haiku-4.5", model: "anthropic/claude-haiku-4.5", provider: "anthropic" },
  { requested: "google/gemini-2.5-flash", model: "google/gemini-2.5-flash", provider: "google" },
];

describe("Responses surface accounting", () => {
  it("reports usage.cost from the catalog price and leaves one usage record per request, streamed or not", async () => {
    const { gw, key, hash } = await rig("resp-acct", { key: { limit: 5 }, env: NO_OPENROUTER });
    const post = (body: Rec) => gw.fetch("/v1/responses", jsonPost(body, { authorization: `Bearer ${key}` }));
    let n = 0;
    for (const u of UPSTREAMS) {
      for (const stream of [false, true]) {
        const res = await post({ model: u.requested, input: "Say hello.", max_output_tokens: 50, stream, store: false });
        const read = stream ? await readStream(res) : undefined;
        const response = read ? read.final : await readResponse(res);
        n++;
        const usage = response.usage as { input_tokens: number; output_tokens: number; cost?: number };
        const expected = expectedCost(u.model, u.provider, { input: usage.input_tokens, output: usage.output_tokens });
        expect(expected).toBeGreaterThan(0);
        const usd = (expected / MICROS_PER_USD).toFixed(6);
        if (u.provider === "openai") {
          // Same format (store: false → OpenAI's own answer, passed through): the cost is in the
          // header, or a final SSE comment after the upstream's own events, as for every passthrough.
          expect(usage.cost).toBeUndefined();
          if (read) expect(read.comments.at(-1)).toBe(`: x-arouter-cost: ${usd}`);
        } else expect(usage.cost).toBeCloseTo(expected / MICROS_PER_USD, 12);
        if (!stream) expect(res.headers.get("x-arouter-cost")).toBe(usd);
        expect(res.headers.get("x-arouter-provider")).toBe(u.provider);
        // A passed-through answer keeps OpenAI's id; the generation id is in the header either way.
        const genId = res.headers.get("x-generation-id")!;
        if (u.provider !== "openai") expect(response.id).toBe(genId);
        const g = await generation(gw, key, genId);
        expect(g).toMatchObject({
          id: genId,
          requested_model: u.requested,
          model: u.model,
          provider_name: u.provider,
          surface: "responses",
          streamed: stream,
          tokens_prompt: usage.input_tokens,
          tokens_completion: usage.output_tokens,
          cost_micros: expected,
          status: 200,
          finish_reason: "stop",
        });
      }
    }
    const rows = await usageRows(gw, hash);
    expect(rows).toHaveLength(n);
    expect(rows.every((r) => r.surface === "responses")).toBe(true);
  });

  it("a key whose limit cannot cover the request is refused (402, insufficient_quota) before any upstream call", async () => {
    const { gw, key, up } = await rig("resp-acct-limit", { key: { limit: 0.000001 }, env: NO_OPENROUTER });
    const res = await gw.fetch("/v1/responses", jsonPost({ model: "anthropic/claude-haiku-4.5", input: "Say hello." }, { authorization: `Bearer ${key}` }));
    expect(res.status).toBe(402);
    expect(await res.json()).toMatchObject({ error: { type: "insufficient_quota", code: "insufficient_quota" } });
    expect(await up.requests()).toHaveLength(0);
  });

  it("falls back to the next model before the first token, in one request and one record", async () => {
    const { gw, key, hash, up } = await rig("resp-acct-fallback", { env: NO_OPENROUTER });
    await up.script({ match: "/anthropic/", status: 500, message: "boom" });
    const res = await gw.fetch(
      "/v1/responses",
      jsonPost({ model: "anthropic/claude-haiku-4.5", models: ["anthropic/claude-haiku-4.5", "google/gemini-2.5-flash"], input: "Say hello.", stream: true }, { authorization: `Bearer ${key}` }),
    );
    const { final } = await readStream(res);
    expect(final.model).toBe("gemini-2.5-flash");
    expect(res.headers.get("x-arouter-provider")).toBe("google");
    const rows = await usageRows(gw, hash);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ provider: "google", surface: "responses", status: 200 });
    // The answer that was kept is the one the caller got.
    const stored = (await (await gw.fetch(`/v1/responses/${String(final.id)}`, { headers: { authorization: `Bearer ${key}` } })).json()) as Rec;
    expect(stored.output).toEqual(final.output);
  });
});
