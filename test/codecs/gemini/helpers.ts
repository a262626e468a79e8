/// <reference types="vite/client" />
import type { StreamEvent } from "../../../src/canonical/types";
import type { EncodeContext } from "../../../src/codecs/codec";
import { decodeGeminiJsonArrayStream, geminiCodec } from "../../../src/codecs/gemini";
import { chunkBytes, collect, fromArray } from "../../helpers/streams";


export const ctx: EncodeContext = {
  id: "gen-1700000000-abc",
  model: "google/gemini-2.5-flash",
  provider: "google",
  created: 1700000000,
};




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
