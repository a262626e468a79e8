/// <reference types="vite/client" />
import type { StreamEvent } from "../../../src/canonical/types";
import type { EncodeContext } from "../../../src/codecs/codec";
import { anthropicCodec } from "../../../src/codecs/anthropic";
import { chunkBytes, collect, fromArray } from "../../helpers/streams";


export const ctx: EncodeContext = { id: "gen-1700000000-abc", model: "anthropic/claude-sonnet-4-5", provider: "anthropic", created: 1700000000 };




export async function decodeSse(text: string, chunkSize = 1): Promise<StreamEvent[]> {
  return collect(fromArray(chunkBytes(text, chunkSize)).pipeThrough(anthropicCodec.decodeStream()));
}

export async function encodeEvents(events: StreamEvent[], context: EncodeContext = ctx): Promise<string> {
  const chunks = await collect(fromArray(events).pipeThrough(anthropicCodec.encodeStream(context)));
  const decoder = new TextDecoder();
  return chunks.map((c) => decoder.decode(c, { stream: true })).join("") + decoder.decode();
}

/** Parses SSE text into `{event, data}` pairs (data JSON-parsed). */
export function parseSse(text: string): Array<{ event: string; data: Record<string, unknown> }> {
  return text
    .split("\n\n")
    .filter((b) => b.trim() !== "")
    .map((block) => {
      const lines = block.split("\n");
      const event = lines.find((l) => l.startsWith("event: "))?.slice(7) ?? "";
      const data = lines
        .filter((l) => l.startsWith("data: "))
        .map((l) => l.slice(6))
        .join("\n");
      return { event, data: JSON.parse(data) as Record<string, unknown> };
    });
}

/** Merges consecutive deltas so assertions read like the final content. */
export function coalesce(events: StreamEvent[]): StreamEvent[] {
  const out: StreamEvent[] = [];
  for (const ev of events) {
    const last = out[out.length - 1];
    if (last?.type === "text-delta" && ev.type === "text-delta") last.text += ev.text;
    else if (last?.type === "reasoning-delta" && ev.type === "reasoning-delta") last.text += ev.text;
    else if (last?.type === "tool-call-delta" && ev.type === "tool-call-delta" && last.index === ev.index) last.argumentsDelta += ev.argumentsDelta;
    else out.push({ ...ev });
  }
  return out;
}
