/**
 * Server-sent events, both directions. The decoder keeps only the current partial line and
 * the current event's data, so memory stays constant whatever the stream length.
 */
export interface SseEvent {
  event?: string;
  data: string;
}

import type { SyncTransformer } from "./sync-transformer";

const encoder = new TextEncoder();

/** SSE bytes → events, as a synchronous stage (see sync-transformer.ts). */
export function sseDecoder(): SyncTransformer<Uint8Array, SseEvent> {
  const textDecoder = new TextDecoder();
  let buffer = "";
  let eventName: string | undefined;
  let dataLines: string[] = [];

  const dispatch = (emit: (e: SseEvent) => void) => {
    if (dataLines.length > 0) emit({ event: eventName, data: dataLines.length === 1 ? dataLines[0] : dataLines.join("\n") });
    eventName = undefined;
    dataLines = [];
  };
  const processLine = (line: string, emit: (e: SseEvent) => void) => {
    if (line === "") return dispatch(emit);
    if (line.charCodeAt(0) === 58 /* ':' comment */) return;
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32) value = value.slice(1);
    if (field === "data") dataLines.push(value);
    else if (field === "event") eventName = value;
    // id / retry are irrelevant for LLM streams.
  };
  const drain = (emit: (e: SseEvent) => void) => {
    let start = 0;
    for (;;) {
      const nl = buffer.indexOf("\n", start);
      if (nl === -1) break;
      const end = nl > start && buffer.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      processLine(buffer.slice(start, end), emit);
      start = nl + 1;
    }
    buffer = start === 0 ? buffer : buffer.slice(start);
  };

  return {
    transform(chunk, emit) {
      buffer += textDecoder.decode(chunk, { stream: true });
      drain(emit);
    },
    flush(emit) {
      buffer += textDecoder.decode();
      drain(emit);
      if (buffer.length > 0) processLine(buffer.endsWith("\r") ? buffer.slice(0, -1) : buffer, emit);
      buffer = "";
      // A stream that ends without the final blank line still delivers its last event.
      dispatch(emit);
    },
  };
}

export class SseDecoderStream extends TransformStream<Uint8Array, SseEvent> {
  constructor() {
    const t = sseDecoder();
    super({
      transform(chunk, controller) {
        t.transform(chunk, (e) => controller.enqueue(e));
      },
      flush(controller) {
        t.flush((e) => controller.enqueue(e));
      },
    });
  }
}

export function sseFrame(data: string, event?: string): Uint8Array {
  return encoder.encode(event ? `event: ${event}\ndata: ${data}\n\n` : `data: ${data}\n\n`);
}

export function sseComment(text: string): Uint8Array {
  return encoder.encode(`: ${text}\n\n`);
}

export const SSE_HEADERS = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache",
  connection: "keep-alive",
} as const;
