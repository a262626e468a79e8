/**
 * The worst-case reservation must truly bound what the request is then charged, or a key can end
 * up past its limit. Measured end to end: the gateway states the reservation in its 402 (a key
 * with a 1 µ$ limit is refused with "could cost up to $X"); the same request is then run with the
 * limit lifted and its charged cost (GET /api/v1/generation) compared. The fake upstream counts
 * prompt tokens as bytes/4 of the body it receives, and every answer here uses its whole
 * max_tokens, so the output part of the bound is tight and any input under-estimate shows.
 */
import { describe, expect, it } from "vitest";
import { MICROS_PER_USD } from "../../src/money";
import { generation, keyObject, patchKey } from "../helpers/books";
import { rig } from "../helpers/rig";
import { readReply, type Reply } from "../helpers/surface-reply";
import { SURFACES } from "../helpers/surface-request";

const UPSTREAMS = [
  { model: "openai/gpt-4o-mini", provider: "openai" },
  { model: "anthropic/claude-haiku-4.5", provider: "anthropic" },
  { model: "google/gemini-2.5-flash", provider: "google" },
];

const TEXTS: Record<string, string> = {
  tiny: "x",
  ascii: "Please summarise the plot of a short story about a lighthouse keeper. ".repeat(4),
  // 3 UTF-8 bytes per character: a body's length in UTF-16 units is a third of its size in bytes.
  cjk: "你好世界，请用中文回答这个问题。".repeat(12),
  emoji: "🙂🚀".repeat(40),
};

/** The reservation the gateway makes for this request, in micro-USD, read from its 402 message. */
function reservedMicros(refused: Reply): number {
  expect(refused.status).toBe(402);
  const msg = refused.error!.message;
  const m = /could cost up to \$(\d+(?:\.\d+)?)/.exec(msg);
  expect(m, msg).not.toBeNull();
  const micros = Math.round(Number(m![1]) * MICROS_PER_USD);
  if (refused.surface === "openai") expect(Math.round(refused.error!.detail.metadata.request_max_cost * MICROS_PER_USD)).toBe(micros);
  return micros;
}

describe("the worst-case reservation bounds the charged cost", () => {
  for (const { model, provider } of UPSTREAMS) {
    it(`${model}: every surface, streamed and not, tiny to multi-byte prompts`, async () => {
      const { up, gw, key, hash, call, send } = await rig(`acct-bound-${provider}`, { key: { limit: 0.000001 } });
      const maxTokens = 8;
      await up.configure({ chunks: maxTokens + 4 });
      const failures: string[] = [];
      for (const surface of SURFACES) {
        for (const stream of [false, true]) {
          for (const [label, text] of Object.entries(TEXTS)) {
            const c = call(surface, { model, text, maxTokens, framing: stream ? "sse" : "json" });
            // 1 µ$ left: the request is refused and the 402 states its reservation.
            const { usage } = await keyObject(gw, hash);
            await patchKey(gw, hash, { limit: usage + 0.000001 });
            const reserved = reservedMicros(await readReply(c, await send(c)));
            await patchKey(gw, hash, { limit: 1000 });
            const a = await readReply(c, await send(c));
            expect(a.status, a.raw).toBe(200);
            const g = await generation(gw, key, a.generationId!);
            expect(g.tokens_completion).toBe(maxTokens);
            if (g.cost_micros > reserved) failures.push(`${surface}${stream ? "/stream" : ""}/${label}: charged ${g.cost_micros} > reserved ${reserved} (prompt tokens ${g.tokens_prompt})`);
          }
        }
      }
      expect(failures).toEqual([]);
    });
  }
});
