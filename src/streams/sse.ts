/**
 * Server-sent events, both directions. The decoder keeps only the current partial line and
 * the current event's data, so memory stays constant whatever the stream length.
 */
export interface SseEvent {
  event?: string;
  data: string;
}

const encoder = new TextEncoder();

export class SseDecoderStream extends TransformStream<Uint8Array, SseEvent> {
  constructor() {
    const textDecoder = new TextDecoder();
    let buffer = "";
    let eventName: string | undefined;
    let dataLines: string[] = [];

    const dispatch = (controller: TransformStreamDefaultController<SseEvent>) => {
      if (dataLines.length > 0) controller.enqueue({ event: eventName, data: dataLines.join("\n") });
      eventName = undefined;
      dataLines = [];
    };
    const processLine = (line: string, controller: TransformStreamDefaultController<SseEvent>) => {
      if (line === "") return dispatch(controller);
      if (line.charCodeAt(0) === 58 /* ':' comment */) return;
      const colon = line.indexOf(":");
      const field = colon === -1 ? line : line.slice(0, colon);
      let value = colon === -1 ? "" : line.slice(colon + 1);
      if (value.charCodeAt(0) === 32) value = value.slice(1);
      if (field === "data") dataLines.push(value);
      else if (field === "event") eventName = value;
      // id / retry are irrelevant for LLM streams.
    };
    const drain = (controller: TransformStreamDefaultController<SseEvent>) => {
      let start = 0;
      for (;;) {
        const nl = buffer.indexOf("\n", start);
        if (nl === -1) break;
        const end = nl > start && buffer.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
        processLine(buffer.slice(start, end), controller);
        start = nl + 1;
      }
      buffer = start === 0 ? buffer : buffer.slice(start);
    };

    super({
      transform(chunk, controller) {
        buffer += textDecoder.decode(chunk, { stream: true });
        drain(controller);
      },
      flush(controller) {
        buffer += textDecoder.decode();
        drain(controller);
        if (buffer.length > 0) processLine(buffer.replace(/\r$/, ""), controller);
        buffer = "";
        // A stream that ends without the final blank line still delivers its last event.
        dispatch(controller);
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
