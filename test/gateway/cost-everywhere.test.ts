import { describe, expect, it } from "vitest";
import { generation, usageRows } from "../helpers/books";
import { rig, type Rig } from "../helpers/rig";
import { parseSse } from "../helpers/sse";
import { COST_COMMENT, readReply, type Reply } from "../helpers/surface-reply";

/** Every answer reports its cost where its format allows, equal to the generation record's. */
async function recordedCost(r: Rig, reply: Reply): Promise<number> {
  await usageRows(r.gw, r.hash); // settled and flushed to D1
  const g = await generation(r.gw, r.key, reply.generationId!);
  expect(g.total_cost).toBeGreaterThan(0);
  return g.total_cost;
}

const geminiBody = { contents: [{ role: "user", parts: [{ text: "Hi" }] }] };

describe("cost on every answer", () => {
  for (const [framing, query] of [["sse", "?alt=sse"], ["json-array", ""]] as const) {
    it(`Gemini surface, translated stream (${framing}): the last chunk's usageMetadata.cost`, async () => {
      const r = await rig(`cost-gemini-${framing}`);
      const reply = await readReply({ surface: "gemini", framing }, await r.gemini("openai/gpt-4o-mini", "streamGenerateContent", geminiBody, query));
      expect(reply.status).toBe(200);
      const costs: Array<number | undefined> = reply.chunks.map((c) => c.usageMetadata.cost);
      expect(costs.slice(0, -1).every((c) => c === undefined)).toBe(true);
      expect(costs.at(-1)).toBeCloseTo(await recordedCost(r, reply), 9);
      expect(reply.cost).toBe(costs.at(-1));
    });
  }

  it("Gemini surface, not streamed: x-arouter-cost equals the record (the body keeps Google's own usage shape)", async () => {
    const r = await rig("cost-gemini-json");
    const reply = await readReply({ surface: "gemini", framing: "json" }, await r.gemini("anthropic/claude-haiku-4.5", "generateContent", geminiBody));
    expect(reply.body.usageMetadata.cost).toBeUndefined();
    expect(Number(reply.headers.get("x-arouter-cost"))).toBeCloseTo(await recordedCost(r, reply), 6);
  });

  it("Anthropic → Anthropic (same-format bytes): a final SSE comment carries the cost", async () => {
    const r = await rig("cost-anthropic-passthrough");
    const res = await r.messages({ model: "anthropic/claude-haiku-4.5", max_tokens: 64, stream: true, messages: [{ role: "user", content: "Hi" }] });
    const reply = await readReply({ surface: "anthropic", framing: "sse" }, res);
    expect(reply.chunks.at(-1).type).toBe("message_stop");
    const comment = parseSse(reply.raw).comments.find((c) => c.startsWith(COST_COMMENT));
    expect(comment, reply.raw.slice(-300)).toBeDefined();
    expect(reply.raw.trimEnd().endsWith(comment!)).toBe(true);
    expect(Number(comment!.slice(COST_COMMENT.length))).toBeCloseTo(await recordedCost(r, reply), 6);
    expect(reply.cost).toBe(Number(comment!.slice(COST_COMMENT.length)));
  });

  it("Gemini → Gemini (same-format bytes, SSE): no trailing comment (Gemini CLI's SDK would fail on it); the cost is in the record", async () => {
    const r = await rig("cost-gemini-passthrough");
    const reply = await readReply({ surface: "gemini", framing: "sse" }, await r.gemini("gemini-2.5-flash", "streamGenerateContent", geminiBody, "?alt=sse"));
    // @google/genai 1.x throws "Incomplete JSON segment at the end" on anything after the last data: event.
    expect(parseSse(reply.raw).comments).toEqual([]);
    expect(reply.raw.endsWith("}\r\n\r\n")).toBe(true);
    expect(reply.cost).toBeUndefined();
    expect(await recordedCost(r, reply)).toBeGreaterThan(0);
  });
});
