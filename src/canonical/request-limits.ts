/**
 * Limits every surface enforces on a request before routing it, so odd input is a 400 naming the
 * field — never a 500, a hang, or a value that travels on to an upstream, a usage row or a header:
 * - model ids are printable ASCII (no space or control character) and at most 256 characters;
 * - an output budget (max_tokens, maxOutputTokens) is at least 1;
 * - a session id (`auto` pins) is at most 128 printable characters;
 * - a JSON body nests at most MAX_JSON_DEPTH levels (deeper schemas overflow recursive code).
 */
import { BadRequestError } from "../errors/gateway-error";
import type { CanonicalRequest, RoutingOptions } from "./types";

export const MAX_MODEL_ID_LENGTH = 256;
export const MAX_SESSION_ID_LENGTH = 128;
/** Nesting levels of objects and arrays in a request body (Google's API parser also stops at 100). */
export const MAX_JSON_DEPTH = 100;

/** Printable ASCII without the space: what every provider's model ids are made of. */
const PRINTABLE_ID = /^[\x21-\x7e]+$/;
/** Session ids are opaque strings clients make up: printable ASCII, spaces allowed. */
const PRINTABLE_TEXT = /^[\x20-\x7e]+$/;

/** A value in an error message: quoted, shortened, control characters visible. */
const shown = (s: string) => JSON.stringify(s.length > 80 ? `${s.slice(0, 80)}…` : s);

export function checkModelId(id: string, field: string): void {
  if (id.length > MAX_MODEL_ID_LENGTH) {
    throw new BadRequestError(`${field}: a model id is at most ${MAX_MODEL_ID_LENGTH} characters (got ${id.length}).`, { fields: [field] });
  }
  if (!PRINTABLE_ID.test(id)) {
    throw new BadRequestError(`${field}: ${shown(id)} is not a model id (printable characters only, no spaces).`, { fields: [field] });
  }
}

/** Whether `id` can be a session id (what checkSessionId accepts). */
export const isSessionId = (id: string): boolean => id.length <= MAX_SESSION_ID_LENGTH && PRINTABLE_TEXT.test(id);

export function checkSessionId(id: string | undefined, field: string): void {
  if (id === undefined) return;
  if (!isSessionId(id)) {
    throw new BadRequestError(`${field}: a session id is 1 to ${MAX_SESSION_ID_LENGTH} printable characters.`, { fields: [field] });
  }
}

/** The model id and its fallback list (`models`). */
export function checkModelIds(req: { model: string; routing?: RoutingOptions }, field: string): void {
  checkModelId(req.model, field);
  req.routing?.models?.forEach((m, i) => checkModelId(m, `models[${i}]`));
}

/** How a surface names the fields these checks look at. */
export interface LimitFields {
  model: string;
  maxTokens: string;
}

/** The checks above on a decoded chat request (also count_tokens). */
export function checkChatRequest(req: CanonicalRequest, fields: LimitFields): void {
  checkModelIds(req, fields.model);
  if (req.maxTokens !== undefined && !(req.maxTokens >= 1)) {
    throw new BadRequestError(`${fields.maxTokens}: must be at least 1 (got ${req.maxTokens}).`, { fields: [fields.maxTokens] });
  }
  checkSessionId(req.routing?.sessionId, "session_id");
}

/** Whether a parsed JSON value nests deeper than `max` levels (iterative: a deep value cannot overflow it). */
export function jsonDepthExceeds(value: unknown, max = MAX_JSON_DEPTH): boolean {
  if (typeof value !== "object" || value === null) return false;
  const stack: unknown[] = [value];
  const depths: number[] = [1];
  while (stack.length > 0) {
    const v = stack.pop() as object;
    const d = depths.pop()!;
    if (d > max) return true;
    const children = Array.isArray(v) ? v : Object.values(v);
    for (const c of children) {
      if (typeof c === "object" && c !== null) {
        stack.push(c);
        depths.push(d + 1);
      }
    }
  }
  return false;
}

export function checkJsonDepth(value: unknown): void {
  if (jsonDepthExceeds(value)) {
    throw new BadRequestError(`Request body nests deeper than ${MAX_JSON_DEPTH} levels of objects and arrays.`);
  }
}
