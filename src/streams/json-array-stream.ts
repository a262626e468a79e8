/**
 * Splits a streamed JSON array (`[{…}\n,\r\n{…}\n]`, Gemini's streamGenerateContent without
 * alt=sse) into the JSON text of each top-level element, as they complete. Only the element
 * being read is buffered.
 */
export class JsonArrayDecoderStream extends TransformStream<Uint8Array, string> {
  constructor() {
    const textDecoder = new TextDecoder();
    let depth = 0; // 0 = outside the array, 1 = inside it, >1 = inside an element
    let inString = false;
    let escaped = false;
    let current = "";

    const feed = (text: string, controller: TransformStreamDefaultController<string>) => {
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
            controller.enqueue(current + text.slice(elementStart, i + 1));
            current = "";
            elementStart = -1;
          }
        }
      }
      if (elementStart !== -1 && depth > 1) current += text.slice(elementStart);
    };

    super({
      transform(chunk, controller) {
        feed(textDecoder.decode(chunk, { stream: true }), controller);
      },
      flush(controller) {
        feed(textDecoder.decode(), controller);
      },
    });
  }
}
