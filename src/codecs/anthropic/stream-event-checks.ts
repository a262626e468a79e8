// Anthropic stream event schemas and the hand-written checks that keep zod off the hot path
// (used by decode-stream.ts).
import { z } from "zod";
import { isRecord } from "../../streams/json";
import { contentBlockDeltaSchema, contentBlockStopSchema, responseBlockSchema } from "./anthropic-api";

const usageLike = z.looseObject({
  input_tokens: z.number().nullish(),
  output_tokens: z.number().nullish(),
  cache_creation_input_tokens: z.number().nullish(),
  cache_read_input_tokens: z.number().nullish(),
});
// Lenient on purpose: some Anthropic-compatible servers send a trimmed message object.
export const messageStartSchema = z.looseObject({
  message: z.looseObject({
    id: z.string().optional(),
    model: z.string().optional(),
    usage: usageLike.optional(),
    content: z.array(responseBlockSchema).optional(),
    stop_reason: z.string().nullish(),
  }),
});
export const messageDeltaSchema = z.looseObject({
  delta: z.looseObject({ stop_reason: z.string().nullish() }),
  usage: usageLike.extend({ output_tokens_details: z.looseObject({ thinking_tokens: z.number().nullish() }).nullish() }).nullish(),
});
export const blockStartSchema = z.looseObject({ index: z.number(), content_block: z.looseObject({ type: z.string() }) });
export const errorEventSchema = z.looseObject({ error: z.looseObject({ type: z.string().optional(), message: z.string().optional() }) });

// ---- hand-written checks: each accepts only values its zod schema accepts (JSON input) ----

export type Checked<T> = { success: true; data: T } | { success: false; error: z.ZodError };

/**
 * `schema.safeParse(data)` without zod on the hot path: `valid` accepts a subset of what the
 * schema accepts (the shapes real streams send), and anything else goes to zod, so every
 * verdict and error message is still the schema's. Zod without `new Function` (workerd) costs
 * more than the JSON.parse of the event it checks.
 */
export function check<T>(schema: z.ZodType<T>, valid: (v: Record<string, unknown>) => boolean, data: Record<string, unknown>): Checked<T> {
  return valid(data) ? { success: true, data: data as T } : schema.safeParse(data);
}

const isNum = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
const nullishNum = (v: unknown) => v === undefined || v === null || isNum(v);
const nullishStr = (v: unknown) => v === undefined || v === null || typeof v === "string";
const optStr = (v: unknown) => v === undefined || typeof v === "string";

const validUsageLike = (u: unknown): u is Record<string, unknown> =>
  isRecord(u) &&
  nullishNum(u.input_tokens) &&
  nullishNum(u.output_tokens) &&
  nullishNum(u.cache_creation_input_tokens) &&
  nullishNum(u.cache_read_input_tokens);

const KNOWN_BLOCKS = new Set(["text", "thinking", "redacted_thinking", "tool_use"]);

/** responseBlockSchema */
function validResponseBlock(b: unknown): boolean {
  if (!isRecord(b) || typeof b.type !== "string") return false;
  switch (b.type) {
    case "text":
      return typeof b.text === "string" && (b.citations === undefined || b.citations === null || Array.isArray(b.citations));
    case "thinking":
      return typeof b.thinking === "string" && typeof b.signature === "string";
    case "redacted_thinking":
      return typeof b.data === "string";
    case "tool_use":
      return typeof b.id === "string" && typeof b.name === "string" && "input" in b;
    default:
      return !KNOWN_BLOCKS.has(b.type);
  }
}

export function validMessageStart(d: Record<string, unknown>): boolean {
  const m = d.message;
  return (
    isRecord(m) &&
    optStr(m.id) &&
    optStr(m.model) &&
    (m.usage === undefined || validUsageLike(m.usage)) &&
    (m.content === undefined || (Array.isArray(m.content) && m.content.every(validResponseBlock))) &&
    nullishStr(m.stop_reason)
  );
}

export function validMessageDelta(d: Record<string, unknown>): boolean {
  if (!isRecord(d.delta) || !nullishStr(d.delta.stop_reason)) return false;
  const u = d.usage;
  if (u === undefined || u === null) return true;
  if (!validUsageLike(u)) return false;
  const details = u.output_tokens_details;
  return details === undefined || details === null || (isRecord(details) && nullishNum(details.thinking_tokens));
}

export const validBlockStart = (d: Record<string, unknown>) => isNum(d.index) && isRecord(d.content_block) && typeof d.content_block.type === "string";

/** contentBlockDeltaSchema */
export function validBlockDelta(d: Record<string, unknown>): boolean {
  if (d.type !== "content_block_delta" || !isCount(d.index)) return false;
  const delta = d.delta;
  if (!isRecord(delta)) return false;
  switch (delta.type) {
    case "text_delta":
      return typeof delta.text === "string";
    case "thinking_delta":
      return typeof delta.thinking === "string";
    case "signature_delta":
      return typeof delta.signature === "string";
    case "input_json_delta":
      return typeof delta.partial_json === "string";
    default:
      return typeof delta.type === "string";
  }
}

/** contentBlockStopSchema */
export const validBlockStop = (d: Record<string, unknown>) => d.type === "content_block_stop" && isCount(d.index);

export const validErrorEvent = (d: Record<string, unknown>) => isRecord(d.error) && optStr(d.error.type) && optStr(d.error.message);
