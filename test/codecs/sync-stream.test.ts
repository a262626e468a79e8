/// <reference types="vite/client" />
/**
 * The synchronous stages (Codec.streamDecoder / streamEncoder, used by the fused stream pipeline)
 * against the TransformStream forms (decodeStream / encodeStream): same events from the same
 * bytes however they are chunked, and the same output bytes from the same events.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { FormatName, StreamEvent, Usage } from "../../src/canonical/types";
import { CODECS } from "../../src/codecs";
import type { EncodeContext } from "../../src/codecs/codec";
import { decodeGeminiJsonArrayStream, geminiJsonArrayStreamDecoder } from "../../src/codecs/gemini";
import type { SyncTransformer } from "../../src/streams/sync-transformer";

const FIXTURES: Record<FormatName, Record<string, string>> = {
  openai: import.meta.glob("../fixtures/openai/*.sse", { query: "?raw", import: "default", eager: true }),
  anthropic: import.meta.glob("../fixtures/anthropic/*.sse", { query: "?raw", import: "default", eager: true }),
  gemini: import.meta.glob("../fixtures/gemini/*.sse", { query: "?raw", import: "default", eager: true }),
  responses: import.meta.glob("../fixtures/responses/*.sse", { query: "?raw", import: "default", eager: true }),
};
const GEMINI_ARRAY: Record<string, string> = import.meta.glob("../fixtures/gemini/*.jsonstream", { query: "?raw", import: "default", eager: true });
const FORMATS: FormatName[] = ["openai", "anthropic", "gemini", "responses"];

const utf8 = new TextEncoder();

/** Chunks of 1..7 bytes (cutting through UTF-8 sequences, CRLFs and JSON alike). */
function smallChunks(text: string): Uint8Array[] {
  const bytes = utf8.encode(text);
  const out: Uint8Array[] = [];
  for (let i = 0, n = 1; i < bytes.length; i += n, n = (n % 7) + 1) out.push(bytes.slice(i, i + n));
  return out;
}

function runSync<I, O>(t: SyncTransformer<I, O>, input: I[]): O[] {
  const out: O[] = [];
  const emit = (o: O) => out.push(o);
  for (const chunk of input) t.transform(chunk, emit);
  t.flush(emit);
  return out;
}

async function runStream<I, O>(ts: TransformStream<I, O>, input: I[]): Promise<O[]> {
  const source = new ReadableStream<I>({
    start(c) {
      for (const chunk of input) c.enqueue(chunk);
      c.close();
    },
  });
  const out: O[] = [];
  const reader = source.pipeThrough(ts).getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return out;
    out.push(value);
  }
}

const text = (chunks: Uint8Array[]) => {
  const d = new TextDecoder();
  return chunks.map((c) => d.decode(c, { stream: true })).join("") + d.decode();
};

const CTXS: EncodeContext[] = [
  { id: "gen-1700000000-sync", model: "test/model", provider: "test", created: 1700000000 },
  {
    id: "gen-1700000001-sync",
    model: "test/model",
    provider: "test",
    created: 1700000001,
    includeReasoning: false,
    framing: "sse",
    cost: (u: Usage) => (u.inputTokens + 4 * u.outputTokens) / 1e6,
  },
];

// Tool calls without an upstream id get a random one: make it the same for both runs.
beforeEach(() => {
  vi.spyOn(crypto, "getRandomValues").mockImplementation(<T extends ArrayBufferView | null>(a: T): T => {
    if (a) new Uint8Array(a.buffer, a.byteOffset, a.byteLength).fill(7);
    return a;
  });
});
afterEach(() => vi.restoreAllMocks());

describe("streamDecoder() vs decodeStream()", () => {
  for (const format of FORMATS) {
    const fixtures = Object.entries(FIXTURES[format]);
    it(`${format}: ${fixtures.length} fixtures, same events from small chunks`, async () => {
      expect(fixtures.length).toBeGreaterThan(2);
      const codec = CODECS[format];
      for (const [name, body] of fixtures) {
        const chunks = smallChunks(body);
        const viaStream = await runStream(codec.decodeStream(), chunks);
        const viaSync = runSync(codec.streamDecoder(), chunks);
        expect(viaStream.length, name).toBeGreaterThan(0);
        expect(viaSync, name).toStrictEqual(viaStream);
        // Whole body in one chunk: same events again.
        expect(runSync(codec.streamDecoder(), [utf8.encode(body)]), name).toStrictEqual(viaStream);
      }
    });
  }

  it("gemini JSON-array framing: geminiJsonArrayStreamDecoder() vs decodeGeminiJsonArrayStream()", async () => {
    const fixtures = Object.entries(GEMINI_ARRAY);
    expect(fixtures.length).toBeGreaterThan(0);
    for (const [name, body] of fixtures) {
      const chunks = smallChunks(body);
      const viaStream = await runStream(decodeGeminiJsonArrayStream(), chunks);
      expect(viaStream.length, name).toBeGreaterThan(0);
      expect(runSync(geminiJsonArrayStreamDecoder(), chunks), name).toStrictEqual(viaStream);
    }
  });

  it("malformed input: the same error event from both forms", async () => {
    for (const format of FORMATS) {
      const codec = CODECS[format];
      const chunks = smallChunks('data: {"type":"message_start","message":{"id":5}}\n\ndata: {not json\n\n');
      const viaStream = await runStream(codec.decodeStream(), chunks);
      expect(viaStream.some((e) => e.type === "error"), format).toBe(true);
      expect(runSync(codec.streamDecoder(), chunks), format).toStrictEqual(viaStream);
    }
  });
});

describe("streamEncoder(ctx) vs encodeStream(ctx)", () => {
  // Every fixture's events (from every upstream format) into every caller format.
  const corpus: Array<[string, () => StreamEvent[]]> = FORMATS.flatMap((format) =>
    Object.entries(FIXTURES[format]).map(([name, body]): [string, () => StreamEvent[]] => [
      name,
      () => runSync(CODECS[format].streamDecoder(), [utf8.encode(body)]),
    ]),
  );
  const extra: StreamEvent[] = [
    { type: "start", model: "upstream/model" },
    { type: "keep-alive" },
    { type: "reasoning-delta", text: "thinking \u2014 \"quoted\"\n" },
    { type: "reasoning-signature", signature: "c2ln" },
    { type: "reasoning-redacted", data: "opaque" },
    { type: "text-delta", text: "h\u00e9llo \ud83c\udf0d" },
    { type: "tool-call-start", index: 0, id: "call_1", name: "f", thoughtSignature: "c2ln" },
    { type: "tool-call-delta", index: 0, argumentsDelta: '{"a":' },
    { type: "tool-call-delta", index: 0, argumentsDelta: "1}" },
    { type: "usage", usage: { inputTokens: 10, outputTokens: 5, cachedInputTokens: 2, reasoningTokens: 1 } },
    { type: "finish", finishReason: "tool_calls", nativeFinishReason: "tool_use" },
  ];
  corpus.push(["synthetic", () => extra], ["synthetic + error", () => [...extra.slice(0, 8), { type: "error", status: 529, message: "overloaded" }]]);

  for (const format of FORMATS) {
    it(`${format}: same bytes for ${corpus.length} event lists`, async () => {
      const codec = CODECS[format];
      for (const ctx of [...CTXS, { ...CTXS[0], framing: "json-array" as const }]) {
        for (const [name, events] of corpus) {
          const viaStream = await runStream(codec.encodeStream(ctx), events());
          const viaSync = runSync(codec.streamEncoder(ctx), events());
          expect(viaStream.length, name).toBeGreaterThan(0);
          // Same frames, not just the same concatenation.
          expect(viaSync.map((c) => text([c])), `${name} ${ctx.id}`).toEqual(viaStream.map((c) => text([c])));
        }
      }
    });
  }
});
