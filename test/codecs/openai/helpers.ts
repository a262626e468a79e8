/// <reference types="vite/client" />
import type { StreamEvent, Usage } from "../../../src/canonical/types";
import type { EncodeContext } from "../../../src/codecs/codec";
import { openaiCodec } from "../../../src/codecs/openai";
import { collect } from "../../helpers/streams";

export const ctx = (over: Partial<EncodeContext> = {}): EncodeContext => ({
  id: "gen-1771000000-TestTestTestTestTest",
  model: "openai/gpt-4.1-mini",
  provider: "openai",
  created: 1771000000,
  cost: (u: Usage) => (u.inputTokens * 2 + u.outputTokens * 8) / 1_000_000,
  ...over,
});


/** Feeds `text` to the stream decoder `chunkSize` bytes at a time (1 = every byte boundary). */
export async function decodeSse(text: string, chunkSize = 1): Promise<StreamEvent[]> {
  const bytes = new TextEncoder().encode(text);
  const source = new ReadableStream<Uint8Array>({
    start(controller) {
      for (let i = 0; i < bytes.length; i += chunkSize) controller.enqueue(bytes.slice(i, i + chunkSize));
      controller.close();
    },
  });
  return collect(source.pipeThrough(openaiCodec.decodeStream()));
}

export async function encodeEvents(events: StreamEvent[], c: EncodeContext = ctx()): Promise<string> {
  const source = new ReadableStream<StreamEvent>({
    start(controller) {
      for (const e of events) controller.enqueue(e);
      controller.close();
    },
  });
  const chunks = await collect(source.pipeThrough(openaiCodec.encodeStream(c)));
  const decoder = new TextDecoder();
  return chunks.map((b) => decoder.decode(b)).join("");
}

/** The JSON payloads of an SSE body (comments and [DONE] excluded). */
export function dataPayloads(sse: string): unknown[] {
  return sse
    .split("\n\n")
    .filter((f) => f.startsWith("data: ") && f !== "data: [DONE]")
    .map((f) => JSON.parse(f.slice(6)) as unknown);
}

/** Concatenates text/reasoning deltas and tool-call arguments so tests can assert on content. */
export function summarize(events: StreamEvent[]) {
  let text = "";
  let reasoning = "";
  const tools: Record<number, { id: string; name: string; args: string }> = {};
  for (const e of events) {
    if (e.type === "text-delta") text += e.text;
    else if (e.type === "reasoning-delta") reasoning += e.text;
    else if (e.type === "tool-call-start") tools[e.index] = { id: e.id, name: e.name, args: "" };
    else if (e.type === "tool-call-delta") tools[e.index].args += e.argumentsDelta;
  }
  return { text, reasoning, tools };
}

/** Events with consecutive text/reasoning deltas merged (byte-split independent). */
export function kinds(events: StreamEvent[]): string[] {
  const out: string[] = [];
  for (const e of events) if (out[out.length - 1] !== e.type || !e.type.endsWith("-delta")) out.push(e.type);
  return out;
}
