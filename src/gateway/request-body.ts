import type { Context } from "hono";
import { BadRequestError, PayloadTooLargeError } from "../errors/gateway-error";
import { checkJsonDepth } from "../canonical/request-limits";
import { isRecord, safeJsonParse } from "../streams/json";
import type { AppBindings } from "../env";

const DEFAULT_MAX_BODY = 10 * 1024 * 1024;

/**
 * The request body's bytes with the size cap (MAX_BODY_BYTES): 413 when too large, found before
 * reading when the length is declared, else as soon as the streamed body passes the cap (a huge
 * upload is never buffered whole). JSON bodies and multipart uploads (src/media) share it.
 */
export async function readBodyCapped(c: Context<AppBindings>): Promise<Uint8Array> {
  const max = Number(c.env.MAX_BODY_BYTES) || DEFAULT_MAX_BODY;
  const declared = Number(c.req.header("content-length"));
  if (Number.isFinite(declared) && declared > max) throw new PayloadTooLargeError(`Request body is ${declared} bytes; the limit is ${max} bytes.`);
  // With a declared length within the cap, one native read; otherwise a capped streaming read.
  const buf = Number.isFinite(declared) && c.req.header("content-length") ? new Uint8Array(await c.req.raw.arrayBuffer()) : await readCapped(c.req.raw, max);
  if (buf.byteLength > max) throw new PayloadTooLargeError(`Request body exceeds the limit of ${max} bytes.`);
  return buf;
}

/** Reads a JSON object body with a size cap: 413 when too large, 400 when not a JSON object. */
export async function readJsonObject(c: Context<AppBindings>): Promise<{ body: Record<string, unknown>; bytes: number }> {
  const buf = await readBodyCapped(c);
  const text = utf8.decode(buf);
  if (text.trim() === "") throw new BadRequestError("Request body is empty; expected a JSON object.");
  const parsed = safeJsonParse(text);
  if (!parsed.ok) throw new BadRequestError(`Request body is not valid JSON: ${parsed.error}`);
  if (!isRecord(parsed.value)) throw new BadRequestError("Request body must be a JSON object.");
  checkJsonDepth(parsed.value);
  // Bytes, not UTF-16 units: spend reservations size the prompt from it (CJK text is 3 bytes a character).
  return { body: parsed.value, bytes: buf.byteLength };
}

const utf8 = new TextDecoder();

async function readCapped(req: Request, max: number): Promise<Uint8Array> {
  if (!req.body) return new Uint8Array();
  const reader = req.body.getReader();
  const parts: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > max) {
      await reader.cancel().catch(() => {});
      throw new PayloadTooLargeError(`Request body exceeds the limit of ${max} bytes.`);
    }
    parts.push(value);
  }
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

/** Percent-decoding of a path segment a caller wrote; a broken escape is the caller's error (400), never a URIError. */
export function decodePath(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw new BadRequestError(`The path contains a malformed percent-encoding: '${s.slice(0, 200)}'.`);
  }
}
