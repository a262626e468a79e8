/// <reference types="vite/client" />
import type { StreamEvent } from "../../../src/canonical/types";
import type { EncodeContext } from "../../../src/codecs/codec";
import { decodeGeminiJsonArrayStream, geminiCodec } from "../../../src/codecs/gemini";

const encoder = new TextEncoder();

export const ctx: EncodeContext = {
  id: "gen-1700000000-abc",
  model: "google/gemini-2.5-flash",
  provider: "google",
  created: 1700000000,
};

/** Splits text into chunks of `size` bytes (1 = the most awkward boundaries, mid UTF-8 sequence). */
export function chunkBytes(text: string, size: number): Uint8Array[] {
  const bytes = encoder.encode(text);
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.slice(i, i + size));
  return out;
}

export async function collect<T>(readable: ReadableStream<T>): Promise<T[]> {
  const out: T[] = [];
  const reader = readable.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return out;
    out.push(value);
  }
}

export function fromArray<T>(items: T[]): ReadableStream<T> {
  return new ReadableStream<T>({
    start(controller) {
      for (const item of items) controller.enqueue(item);
      controller.close();
    },
  });
}

export async function decodeSse(text: string, chunkSize = 1): Promise<StreamEvent[]> {
  return collect(fromArray(chunkBytes(text, chunkSize)).pipeThrough(geminiCodec.decodeStream()));
}

export async function decodeArray(text: string, chunkSize = 1): Promise<StreamEvent[]> {
  return collect(fromArray(chunkBytes(text, chunkSize)).pipeThrough(decodeGeminiJsonArrayStream()));
}

export async function encodeEvents(events: StreamEvent[], context: EncodeContext): Promise<string> {
  const chunks = await collect(fromArray(events).pipeThrough(geminiCodec.encodeStream(context)));
  const decoder = new TextDecoder();
  return chunks.map((c) => decoder.decode(c, { stream: true })).join("") + decoder.decode();
}

/** Merges consecutive text / reasoning deltas so assertions do not depend on chunking. */
export function coalesce(events: StreamEvent[]): StreamEvent[] {
  const out: StreamEvent[] = [];
  for (const e of events) {
    const last = out[out.length - 1];
    if (last && (e.type === "text-delta" || e.type === "reasoning-delta") && last.type === e.type) {
      last.text += e.text;
    } else if (last && e.type === "tool-call-delta" && last.type === "tool-call-delta" && last.index === e.index) {
      last.argumentsDelta += e.argumentsDelta;
    } else {
      out.push({ ...e });
    }
  }
  return out;
}
