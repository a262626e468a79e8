import type { StreamEvent } from "../canonical/types";
import type { Codec, EncodeContext } from "../codecs/codec";
import { sseComment } from "../streams/sse";

/**
 * Where a streamed response is written. Translated streams write canonical events into the
 * caller's encoder; same-format streams write the upstream's own bytes and only borrow the
 * encoder to render the things the gateway itself adds (keep-alives, a mid-stream error).
 */
export interface StreamSink {
  readonly readable: ReadableStream<Uint8Array>;
  event(ev: StreamEvent): Promise<void>;
  raw(bytes: Uint8Array): Promise<void>;
  close(): Promise<void>;
  abort(reason: unknown): Promise<void>;
}

export function translatingSink(surface: Codec, ctx: EncodeContext): StreamSink {
  const encoder = surface.encodeStream(ctx);
  const writer = encoder.writable.getWriter();
  return {
    readable: encoder.readable,
    event: (ev) => writer.write(ev),
    raw: () => Promise.reject(new Error("raw bytes written to a translating sink")),
    close: () => writer.close(),
    abort: (reason) => writer.abort(reason),
  };
}

export function passthroughSink(surface: Codec, ctx: EncodeContext): StreamSink {
  const channel = new TransformStream<Uint8Array, Uint8Array>();
  const writer = channel.writable.getWriter();
  return {
    readable: channel.readable,
    // Only gateway-made events reach a passthrough sink: keep-alives and a mid-stream error.
    // A comment line is a valid keep-alive in every SSE dialect (clients must ignore it).
    event: async (ev) => {
      if (ev.type === "keep-alive") return writer.write(surface.streamKeepAlive?.() ?? KEEP_ALIVE);
      if (ev.type === "error") return writer.write(await renderAlone(surface, ctx, ev));
    },
    raw: (bytes) => writer.write(bytes),
    close: () => writer.close(),
    abort: (reason) => writer.abort(reason),
  };
}

const KEEP_ALIVE = sseComment("keep-alive");

/** Renders one event through a fresh encoder of the caller's format. */
async function renderAlone(surface: Codec, ctx: EncodeContext, ev: StreamEvent): Promise<Uint8Array> {
  const source = new ReadableStream<StreamEvent>({
    start(c) {
      c.enqueue(ev);
      c.close();
    },
  });
  return new Uint8Array(await new Response(source.pipeThrough(surface.encodeStream(ctx))).arrayBuffer());
}
