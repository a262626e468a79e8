/**
 * AWS's binary event-stream encoding (application/vnd.amazon.eventstream), as a synchronous
 * stage: bytes in any chunking → one decoded message per frame. Each frame starts with its own
 * total length, so the only framing here is waiting for that many bytes; the frame itself
 * (prelude and message CRC32 checks, typed headers, payload) is decoded by AWS's maintained
 * codec, @smithy/eventstream-codec. Memory: at most one frame is buffered.
 */
import { EventStreamCodec } from "@smithy/eventstream-codec";
import type { SyncTransformer } from "../../streams/sync-transformer";

export interface EventStreamMessage {
  /** `:message-type`: event, exception or error. */
  messageType: string;
  /** `:event-type` / `:exception-type` / `:error-code`. */
  type: string;
  /** UTF-8 payload (JSON for Bedrock). */
  payload: string;
}

export type EventStreamItem = { ok: true; message: EventStreamMessage } | { ok: false; error: string };

const PRELUDE = 12;
const MIN_FRAME = 16;
/** Bedrock frames are small; a length beyond this means the stream is not event-stream at all. */
const MAX_FRAME = 16 * 1024 * 1024;

const textDecoder = new TextDecoder();
const codec = new EventStreamCodec(
  (bytes) => textDecoder.decode(bytes),
  (text) => new TextEncoder().encode(text),
);

function headerString(headers: Record<string, { type: string; value: unknown }>, name: string): string | undefined {
  const h = headers[name];
  return h && typeof h.value === "string" ? h.value : undefined;
}

/**
 * Frames → messages. A corrupt frame (bad length or checksum) ends the stream with one
 * `{ok: false}` item; so do bytes left over at the end (a cut frame).
 */
export function eventStreamDecoder(): SyncTransformer<Uint8Array, EventStreamItem> {
  let buf: Uint8Array = new Uint8Array(0);
  let failed = false;
  const fail = (emit: (i: EventStreamItem) => void, error: string) => {
    failed = true;
    buf = new Uint8Array(0);
    emit({ ok: false, error });
  };
  return {
    transform(chunk, emit) {
      if (failed) return;
      if (buf.length === 0) buf = chunk;
      else {
        const joined = new Uint8Array(buf.length + chunk.length);
        joined.set(buf);
        joined.set(chunk, buf.length);
        buf = joined;
      }
      while (buf.length >= PRELUDE) {
        const total = new DataView(buf.buffer, buf.byteOffset, buf.byteLength).getUint32(0, false);
        if (total < MIN_FRAME || total > MAX_FRAME) return fail(emit, `invalid event-stream frame length ${total}`);
        if (buf.length < total) return;
        let decoded: ReturnType<EventStreamCodec["decode"]>;
        try {
          decoded = codec.decode(buf.subarray(0, total));
        } catch (err) {
          return fail(emit, err instanceof Error ? err.message : "corrupt event-stream frame");
        }
        buf = buf.subarray(total);
        const h = decoded.headers;
        const messageType = headerString(h, ":message-type") ?? "event";
        const type = headerString(h, messageType === "exception" ? ":exception-type" : messageType === "error" ? ":error-code" : ":event-type") ?? "";
        const payload = messageType === "error" ? (headerString(h, ":error-message") ?? textDecoder.decode(decoded.body)) : textDecoder.decode(decoded.body);
        emit({ ok: true, message: { messageType, type, payload } });
        if (failed) return;
      }
    },
    flush(emit) {
      if (!failed && buf.length > 0) fail(emit, `event stream ended inside a frame (${buf.length} bytes left)`);
    },
  };
}
