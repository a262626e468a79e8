// Multipart bodies of the media APIs (image edits, audio uploads): read with the same size cap as
// JSON bodies, parsed by the runtime's own form-data parser; a malformed body is the caller's 400.
import type { Context } from "hono";
import type { AppBindings } from "../env";
import { BadRequestError } from "../errors/gateway-error";
import { readBodyCapped } from "../gateway/request-body";

export interface MultipartBody {
  form: FormData;
  bytes: number;
}

/** Reads a multipart/form-data body: 413 past MAX_BODY_BYTES, 400 when it is not well-formed multipart. */
export async function readMultipart(c: Context<AppBindings>): Promise<MultipartBody> {
  const type = c.req.header("content-type") ?? "";
  if (!/^multipart\/form-data\s*;/i.test(type) || !/boundary=/i.test(type)) {
    throw new BadRequestError("Expected a multipart/form-data body (with a boundary), as the OpenAI SDKs send for uploads.");
  }
  const buf = await readBodyCapped(c);
  if (buf.byteLength === 0) throw new BadRequestError("Request body is empty; expected multipart/form-data.");
  try {
    const form = await new Request("http://multipart.local/", { method: "POST", headers: { "content-type": type }, body: buf }).formData();
    return { form, bytes: buf.byteLength };
  } catch (err) {
    const detail = err instanceof Error ? `: ${err.message}` : "";
    throw new BadRequestError(`Malformed multipart/form-data body${detail}`);
  }
}

/** A text field of a form ("" and absent are both undefined). */
export function formText(form: FormData, name: string): string | undefined {
  const v = form.get(name);
  return typeof v === "string" && v !== "" ? v : undefined;
}

/** A numeric field; a value that is not a number is the caller's 400 naming the field. */
export function formNumber(form: FormData, name: string): number | undefined {
  const v = formText(form, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new BadRequestError(`Invalid '${name}': expected a number, got '${v.slice(0, 50)}'.`);
  return n;
}

/** The uploaded files of a field (also its `name[]` spelling, which SDKs use for lists). */
export function formFiles(form: FormData, name: string): File[] {
  return [...form.getAll(name), ...form.getAll(`${name}[]`)].filter((v): v is File => typeof v !== "string");
}
