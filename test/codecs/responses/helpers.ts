/// <reference types="vite/client" />
import type { CanonicalRequest, StreamEvent, Usage } from "../../../src/canonical/types";
import type { EncodeContext } from "../../../src/codecs/codec";
import { responsesCodec } from "../../../src/codecs/responses";
import { collect, fromArray } from "../../helpers/streams";

export const codec = responsesCodec;

export const ctx = (over: Partial<EncodeContext> = {}): EncodeContext => ({
  id: "gen-1771000000-TestTestTestTestTest",
  model: "openai/gpt-5.1-codex",
  provider: "openai",
  created: 1771000000,
  cost: (u: Usage) => (u.inputTokens * 2 + u.outputTokens * 8) / 1_000_000,
  ...over,
});

/** The caller's request as the Responses surface decodes it (for EncodeContext.request). */
export const request = (body: Record<string, unknown>): CanonicalRequest => responsesCodec.decodeRequest({ model: "m", input: "hi", ...body });

/** Feeds `text` to the stream decoder `chunkSize` bytes at a time (1 = every byte boundary). */
export async function decodeSse(text: string, chunkSize = 1): Promise<StreamEvent[]> {
  const bytes = new TextEncoder().encode(text);
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += chunkSize) chunks.push(bytes.slice(i, i + chunkSize));
  return collect(fromArray(chunks).pipeThrough(responsesCodec.decodeStream()));
}

export async function encodeEvents(events: StreamEvent[], c: EncodeContext = ctx()): Promise<string> {
  const chunks = await collect(fromArray(events).pipeThrough(responsesCodec.encodeStream(c)));
  const decoder = new TextDecoder();
  return chunks.map((b) => decoder.decode(b, { stream: true })).join("") + decoder.decode();
}

export interface WireEvent {
  type: string;
  sequence_number: number;
  [key: string]: any;
}

/** The events of a Responses SSE body (comments skipped); asserts `event:` matches the JSON type. */
export function wireEvents(sse: string): WireEvent[] {
  return sse
    .split("\n\n")
    .filter((f) => f !== "" && !f.startsWith(":"))
    .map((f) => {
      const m = /^event: (.+)\ndata: (.*)$/s.exec(f);
      if (!m) throw new Error(`not an event frame: ${f.slice(0, 80)}`);
      const data = JSON.parse(m[2]) as WireEvent;
      if (data.type !== m[1]) throw new Error(`event ${m[1]} carries type ${data.type}`);
      return data;
    });
}

/** Concatenated text / reasoning and tool calls of canonical events. */
export function summarize(events: StreamEvent[]) {
  let text = "";
  let reasoning = "";
  const tools: Record<number, { id: string; name: string; args: string; custom?: boolean; thoughtSignature?: string }> = {};
  const payloads: StreamEvent[] = [];
  for (const e of events) {
    if (e.type === "text-delta") text += e.text;
    else if (e.type === "reasoning-delta") reasoning += e.text;
    else if (e.type === "tool-call-start") tools[e.index] = { id: e.id, name: e.name, args: "", ...(e.custom ? { custom: true } : {}), ...(e.thoughtSignature ? { thoughtSignature: e.thoughtSignature } : {}) };
    else if (e.type === "tool-call-delta") tools[e.index].args += e.argumentsDelta;
    else if (e.type === "reasoning-signature" || e.type === "reasoning-redacted" || e.type === "reasoning-encrypted") payloads.push(e);
  }
  return { text, reasoning, tools, payloads };
}
