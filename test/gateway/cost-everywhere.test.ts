import { describe, expect, it } from "vitest";
import { flushUsage } from "../../src/spend/client";
import { fakeSession } from "../helpers/fake-upstream";
import { gateway, jsonPost, readSse, type Gateway } from "../helpers/gateway";

/** Every answer reports its cost where its format allows, equal to the generation record's. */
async function setup(name: string) {
  const up = fakeSession(name);
  const gw = gateway(up.env);
  const { key, hash } = await gw.createKey();
  return { up, gw, key, hash };
}

async function recordedCost(gw: Gateway, key: string, hash: string, id: string): Promise<number> {
  await gw.settled();
  await flushUsage(gw.env, hash);
  const res = await gw.fetch(`/api/v1/generation?id=${id}`, { headers: { authorization: `Bearer ${key}` } });
  const body = (await res.json()) as { data: { total_cost: number } };
  expect(body.data.total_cost).toBeGreaterThan(0);
  return body.data.total_cost;
}

const geminiBody = { contents: [{ role: "user", parts: [{ text: "Hi" }] }] };

describe("cost on every answer", () => {
  for (const [framing, query] of [["sse", "?alt=sse"], ["json-array", ""]] as const) {
    it(`Gemini surface, translated stream (${framing}): the last chunk's usageMetadata.cost`, async () => {
      const { gw, key, hash } = await setup(`cost-gemini-${framing}`);
      const res = await gw.fetch(`/v1beta/models/openai/gpt-4o-mini:streamGenerateContent${query}`, jsonPost(geminiBody, { "x-goog-api-key": key }));
      expect(res.status).toBe(200);
      const text = await res.text();
      const chunks: Array<{ usageMetadata: { cost?: number } }> =
        framing === "sse"
          ? text.split(/\r?\n\r?\n/).filter((b) => b.startsWith("data: ")).map((b) => JSON.parse(b.slice(6)))
          : JSON.parse(text);
      const costs = chunks.map((c) => c.usageMetadata.cost);
      expect(costs.slice(0, -1).every((c) => c === undefined)).toBe(true);
      expect(costs.at(-1)).toBeCloseTo(await recordedCost(gw, key, hash, res.headers.get("x-generation-id")!), 9);
    });
  }

  it("Gemini surface, not streamed: x-arouter-cost equals the record (the body keeps Google's own usage shape)", async () => {
    const { gw, key, hash } = await setup("cost-gemini-json");
    const res = await gw.fetch("/v1beta/models/anthropic/claude-haiku-4.5:generateContent", jsonPost(geminiBody, { "x-goog-api-key": key }));
    const body = (await res.json()) as { usageMetadata: { cost?: number } };
    expect(body.usageMetadata.cost).toBeUndefined();
    expect(Number(res.headers.get("x-arouter-cost"))).toBeCloseTo(await recordedCost(gw, key, hash, res.headers.get("x-generation-id")!), 6);
  });

  it("Anthropic → Anthropic (same-format bytes): a final SSE comment carries the cost", async () => {
    const { gw, key, hash } = await setup("cost-anthropic-passthrough");
    const res = await gw.fetch(
      "/v1/messages",
      jsonPost({ model: "anthropic/claude-haiku-4.5", max_tokens: 64, stream: true, messages: [{ role: "user", content: "Hi" }] }, { "x-api-key": key }),
    );
    const { events, comments, raw } = await readSse(res);
    expect(events.at(-1)!.event).toBe("message_stop");
    const comment = comments.find((c) => c.startsWith(": x-arouter-cost: "));
    expect(comment, raw.slice(-300)).toBeDefined();
    expect(raw.trimEnd().endsWith(comment!)).toBe(true);
    expect(Number(comment!.slice(": x-arouter-cost: ".length))).toBeCloseTo(await recordedCost(gw, key, hash, res.headers.get("x-generation-id")!), 6);
  });

  it("Gemini → Gemini (same-format bytes, SSE): no trailing comment (Gemini CLI's SDK would fail on it); the cost is in the record", async () => {
    const { gw, key, hash } = await setup("cost-gemini-passthrough");
    const res = await gw.fetch("/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse", jsonPost(geminiBody, { "x-goog-api-key": key }));
    const { comments, raw } = await readSse(res);
    // @google/genai 1.x throws "Incomplete JSON segment at the end" on anything after the last data: event.
    expect(comments).toEqual([]);
    expect(raw.endsWith("}\r\n\r\n")).toBe(true);
    expect(await recordedCost(gw, key, hash, res.headers.get("x-generation-id")!)).toBeGreaterThan(0);
  });
});
