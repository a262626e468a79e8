/**
 * The one reader of streamed bodies in the tests: SSE (any line ending) and Gemini's streamed JSON
 * array. Pure functions over text, so a test can also read the part of a stream it received
 * before walking away (`partial`).
 */

export interface SseEvent {
  event?: string;
  data: string;
}

export interface ParsedSse {
  events: SseEvent[];
  /** Comment lines (`: keep-alive`), kept for keep-alive checks. */
  comments: string[];
  raw: string;
}

/**
 * Splits SSE text into events (data lines joined with "\n") and comments. With `partial`, the text
 * after the last blank line is left out: it may be an event still arriving.
 */
export function parseSse(raw: string, opts: { partial?: boolean } = {}): ParsedSse {
  const events: SseEvent[] = [];
  const comments: string[] = [];
  const blocks = raw.split(/\r?\n\r?\n/);
  if (opts.partial) blocks.pop();
  for (const block of blocks) {
    let event: string | undefined;
    const data: string[] = [];
    for (const line of block.split(/\r?\n/)) {
      if (line.startsWith(":")) comments.push(line);
      else if (line.startsWith("event:")) event = line.slice(6).trim();
      else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
    }
    if (data.length) events.push({ event, data: data.join("\n") });
  }
  return { events, comments, raw };
}

/** Reads an SSE body to its end. */
export async function readSse(res: Response): Promise<ParsedSse> {
  return parseSse(await res.text());
}

/** Gemini's streamed JSON array (`[{…}\n,\r\n{…}]`), whole: its elements. */
export function parseJsonArrayStream(raw: string): unknown[] {
  if (!raw.trimStart().startsWith("[")) throw new Error(`not a streamed JSON array: ${raw.slice(0, 200)}`);
  const parsed: unknown = JSON.parse(raw);
  if (!Array.isArray(parsed)) throw new Error(`not a streamed JSON array: ${raw.slice(0, 200)}`);
  return parsed;
}
