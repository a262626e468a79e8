import type { Context } from "hono";
import { BadRequestError, PayloadTooLargeError } from "../errors/gateway-error";
import { isRecord, safeJsonParse } from "../streams/json";
import type { AppBindings } from "../env";

const DEFAULT_MAX_BODY = 10 * 1024 * 1024;

/** Reads a JSON object body with a size cap: 413 when too large, 400 when not a JSON object. */
export async function readJsonObject(c: Context<AppBindings>): Promise<{ body: Record<string, unknown>; bytes: number }> {
  const max = Number(c.env.MAX_BODY_BYTES) || DEFAULT_MAX_BODY;
  const declared = Number(c.req.header("content-length"));
  if (Number.isFinite(declared) && declared > max) throw new PayloadTooLargeError(`Request body is ${declared} bytes; the limit is ${max} bytes.`);
  // With a declared length within the cap, one native read; otherwise a capped streaming read.
  const { text, bytes } = Number.isFinite(declared) && c.req.header("content-length") ? await readWhole(c.req.raw, max) : await readCapped(c.req.raw, max);
  if (text.trim() === "") throw new BadRequestError("Request body is empty; expected a JSON object.");
  const parsed = safeJsonParse(text);
  if (!parsed.ok) throw new BadRequestError(`Request body is not valid JSON: ${parsed.error}`);
  if (!isRecord(parsed.value)) throw new BadRequestError("Request body must be a JSON object.");
  // Bytes, not UTF-16 units: spend reservations size the prompt from it (CJK text is 3 bytes a character).
  return { body: parsed.value, bytes };
}

async function readWhole(req: Request, max: number): Promise<{ text: string; bytes: number }> {
  const buf = await req.arrayBuffer();
  if (buf.byteLength > max) throw new PayloadTooLargeError(`Request body exceeds the limit of ${max} bytes.`);
  return { text: utf8.decode(buf), bytes: buf.byteLength };
}

const utf8 = new TextDecoder();

/** Reads the body but stops (413) as soon as it passes the cap, so a huge upload is not buffered. */
async function readCapped(req: Request, max: number): Promise<{ text: string; bytes: number }> {
  if (!req.body) return { text: "", bytes: 0 };
  const reader = req.body.getReader();
  const decoder = new TextDecoder();
  let total = 0;
  let text = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > max) {
      await reader.cancel().catch(() => {});
      throw new PayloadTooLargeError(`Request body exceeds the limit of ${max} bytes.`);
    }
    text += decoder.decode(value, { stream: true });
  }
  return { text: text + decoder.decode(), bytes: total };
}

/** Percent-decoding of a path segment a caller wrote; a broken escape is the caller's error (400), never a URIError. */
export function decodePath(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw new BadRequestError(`The path contains a malformed percent-encoding: '${s.slice(0, 200)}'.`);
  }
}
