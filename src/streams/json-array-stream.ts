/**
 * Splits a streamed JSON array (`[{…}\n,\r\n{…}\n]`, Gemini's streamGenerateContent without
 * alt=sse) into the JSON text of each top-level element, as they complete. Only the element
 * being read is buffered.
 */
import type { SyncTransformer } from "./sync-transformer";

/** JSON-array bytes → element texts, as a synchronous stage (see sync-transformer.ts). */
export function jsonArrayDecoder(): SyncTransformer<Uint8Array, string> {
  const textDecoder = new TextDecoder();
  let depth = 0; // 0 = outside the array, 1 = inside it, >1 = inside an element
  let inString = false;
  let escaped = false;
  let current = "";

  const feed = (text: string, emit: (element: string) => void) => {
    let elementStart = depth > 1 ? 0 : -1;
    for (let i = 0; i < text.length; i++) {
      const ch = text.charCodeAt(i);
      if (inString) {
        if (escaped) escaped = false;
        else if (ch === 92 /* \\ */) escaped = true;
        else if (ch === 34 /* " */) inString = false;
        continue;
      }
      if (ch === 34) {
        inString = true;
        if (depth === 1) elementStart = i; // a bare string element
      } else if (ch === 91 /* [ */ || ch === 123 /* { */) {
        if (depth === 1) elementStart = i;
        depth++;
      } else if (ch === 93 /* ] */ || ch === 125 /* } */) {
        depth--;
        if (depth === 1 && elementStart !== -1) {
          emit(current + text.slice(elementStart, i + 1));
          current = "";
          elementStart = -1;
        }
      }
    }
    if (elementStart !== -1 && depth > 1) current += text.slice(elementStart);
  };

  return {
    transform(chunk, emit) {
      feed(textDecoder.decode(chunk, { stream: true }), emit);
    },
    flush(emit) {
      feed(textDecoder.decode(), emit);
    },
  };
}

export class JsonArrayDecoderStream extends TransformStream<Uint8Array, string> {
  constructor() {
    const t = jsonArrayDecoder();
    super({
      transform(chunk, controller) {
        t.transform(chunk, (s) => controller.enqueue(s));
      },
      flush(controller) {
        t.flush((s) => controller.enqueue(s));
      },
    });
  }
}
