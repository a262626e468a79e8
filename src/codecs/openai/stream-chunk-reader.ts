/**
 * Reads one parsed chat.completion.chunk into the lenient upstream types, by hand.
 *
 * Why not zod here: workerd forbids `new Function`, so zod runs its slow path, which measured
 * ~4x the cost of JSON.parse itself per chunk, on every token of every stream. This reader
 * costs a few typeof checks. It is also deliberately forgiving: a field of an unexpected type
 * is treated as absent instead of failing the whole stream. Only a chunk whose `choices` is not
 * an array is rejected, because then nothing in it can be trusted.
 */
import { isRecord } from "../../streams/json";
import type { OpenAIReasoningDetail } from "./openai-api";
import type { UpstreamContentPart, UpstreamMessage, UpstreamToolCall, UpstreamUsage } from "./openai-response-api";

export interface ReadChoice {
  index?: number;
  delta?: UpstreamMessage;
  finish_reason?: string;
  native_finish_reason?: string;
  usage?: UpstreamUsage;
}

export interface ReadChunk {
  id?: string;
  model?: string;
  choices: ReadChoice[];
  usage?: UpstreamUsage;
  error?: unknown;
}

const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

function readUsage(v: unknown): UpstreamUsage | undefined {
  if (!isRecord(v)) return undefined;
  const ptd = isRecord(v.prompt_tokens_details) ? v.prompt_tokens_details : undefined;
  const ctd = isRecord(v.completion_tokens_details) ? v.completion_tokens_details : undefined;
  return {
    prompt_tokens: num(v.prompt_tokens),
    completion_tokens: num(v.completion_tokens),
    total_tokens: num(v.total_tokens),
    prompt_tokens_details: ptd && { cached_tokens: num(ptd.cached_tokens), cache_write_tokens: num(ptd.cache_write_tokens), audio_tokens: num(ptd.audio_tokens), image_tokens: num(ptd.image_tokens) },
    completion_tokens_details: ctd && { reasoning_tokens: num(ctd.reasoning_tokens), audio_tokens: num(ctd.audio_tokens), image_tokens: num(ctd.image_tokens) },
    prompt_cache_hit_tokens: num(v.prompt_cache_hit_tokens),
    reasoning_tokens: num(v.reasoning_tokens),
  };
}

function readDetail(v: unknown): OpenAIReasoningDetail | undefined {
  if (!isRecord(v) || typeof v.type !== "string") return undefined;
  return { type: v.type, text: str(v.text), signature: str(v.signature), summary: str(v.summary), data: str(v.data), format: str(v.format) };
}

function readToolCall(v: unknown): UpstreamToolCall | undefined {
  if (!isRecord(v)) return undefined;
  const fn = isRecord(v.function) ? v.function : undefined;
  const args = fn?.arguments;
  return {
    index: num(v.index),
    id: str(v.id),
    function: fn && { name: str(fn.name), arguments: typeof args === "string" || isRecord(args) ? args : undefined },
  };
}

function readContentPart(v: unknown): UpstreamContentPart | undefined {
  if (!isRecord(v)) return undefined;
  const t = v.thinking;
  const thinking = typeof t === "string" ? t : Array.isArray(t) ? t.filter(isRecord).map((x) => ({ text: str(x.text) })) : undefined;
  return { type: str(v.type), text: str(v.text), thinking };
}

const present = <T>(v: T | undefined): v is T => v !== undefined;

function readDelta(v: unknown): UpstreamMessage | undefined {
  if (!isRecord(v)) return undefined;
  const fc = isRecord(v.function_call) ? v.function_call : undefined;
  return {
    content: Array.isArray(v.content) ? v.content.map(readContentPart).filter(present) : str(v.content),
    refusal: str(v.refusal),
    reasoning: str(v.reasoning),
    reasoning_content: str(v.reasoning_content),
    reasoning_details: Array.isArray(v.reasoning_details) ? v.reasoning_details.map(readDetail).filter(present) : undefined,
    tool_calls: Array.isArray(v.tool_calls) ? v.tool_calls.map(readToolCall).filter(present) : undefined,
    function_call: fc && { name: str(fc.name), arguments: str(fc.arguments) },
    images: v.images,
    audio: v.audio,
  };
}

/** undefined when the value is not a chunk at all (not an object, or `choices` not an array). */
export function readChunk(v: unknown): ReadChunk | undefined {
  if (!isRecord(v)) return undefined;
  if (v.choices !== undefined && v.choices !== null && !Array.isArray(v.choices)) return undefined;
  const choices: ReadChoice[] = [];
  for (const c of list(v.choices)) {
    if (!isRecord(c)) continue;
    choices.push({
      index: num(c.index),
      delta: readDelta(c.delta),
      finish_reason: str(c.finish_reason),
      native_finish_reason: str(c.native_finish_reason),
      usage: readUsage(c.usage),
    });
  }
  // Groq's older API reports usage only under x_groq.
  const usage = readUsage(v.usage) ?? (isRecord(v.x_groq) ? readUsage(v.x_groq.usage) : undefined);
  const error = v.error ?? (v.object === "error" ? v : undefined);
  return { id: str(v.id), model: str(v.model), choices, usage, error: error ?? undefined };
}
