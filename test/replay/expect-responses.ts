/**
 * What an OpenAI Responses recording says, from its raw JSON (see expect.ts): the Response
 * object's output items, or for a stream the items a client ends up with (each output index:
 * its added item, grown by its deltas, replaced by its done item), and the terminal event's
 * status and usage. Written from FORMATS.md §3, independently of the codec under test.
 */
import type { FinishReason } from "../../src/canonical/types";
import type { CallSummary, Outcome, UsageSummary } from "./expect";

type Rec = Record<string, unknown>;
const isRecord = (v: unknown): v is Rec => typeof v === "object" && v !== null && !Array.isArray(v);
const num = (v: unknown): number => (typeof v === "number" && Number.isFinite(v) ? v : 0);
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
const list = (v: unknown): Rec[] => (Array.isArray(v) ? v.filter(isRecord) : []);

function parseArgs(text: string): unknown {
  if (text.trim() === "") return {};
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

const empty = (): Outcome => ({ text: "", reasoning: "", signatures: [], redacted: [], encrypted: [], toolCalls: [], usage: { input: 0, output: 0, cached: 0, cacheWrite: 0, reasoning: 0 } });

function usage(u: unknown): UsageSummary {
  if (!isRecord(u)) return empty().usage;
  const inD = isRecord(u.input_tokens_details) ? u.input_tokens_details : {};
  const outD = isRecord(u.output_tokens_details) ? u.output_tokens_details : {};
  const input = num(u.input_tokens);
  const output = num(u.output_tokens);
  const reasoning = num(outD.reasoning_tokens);
  // A server counting reasoning apart: input + output + reasoning == total.
  const apart = reasoning > 0 && typeof u.total_tokens === "number" && u.total_tokens === input + output + reasoning;
  return { input, output: apart ? output + reasoning : output, cached: num(inD.cached_tokens), cacheWrite: num(inD.cache_write_tokens), reasoning };
}

function finish(status: string | undefined, reason: string | undefined, hasCalls: boolean): FinishReason {
  if (status === "incomplete") return reason === "content_filter" ? "content_filter" : "length";
  return hasCalls ? "tool_calls" : "stop";
}

/**
 * OpenAI bills the images its image_generation tool makes as gpt-image-1 output tokens, by quality
 * and size (https://platform.openai.com/docs/guides/image-generation, "Cost and latency"), and
 * leaves them out of the response's usage: what a client is charged adds them to the output.
 */
const IMAGE_TOKENS: Record<string, Record<string, number>> = {
  low: { "1024x1024": 272, "1024x1536": 408, "1536x1024": 400 },
  medium: { "1024x1024": 1056, "1024x1536": 1584, "1536x1024": 1568 },
  high: { "1024x1024": 4160, "1024x1536": 6240, "1536x1024": 6208 },
};
function imageToolTokens(items: Rec[]): number {
  let n = 0;
  for (const item of items) {
    if (item.type !== "image_generation_call" || !str(item.result)) continue;
    const quality = str(item.quality);
    const size = str(item.size);
    if (quality === undefined || size === undefined) continue; // no tool metadata: billed in usage
    n += IMAGE_TOKENS[quality]?.[size] ?? 6240; // an unstated size or quality: the dearest image
  }
  return n;
}

/** Text, reasoning and calls of finished output items. */
function fromItems(items: Rec[], out: Outcome): void {
  for (const item of items) {
    switch (item.type) {
      case "message":
        for (const p of list(item.content)) out.text += str(p.text) ?? str(p.refusal) ?? "";
        break;
      case "reasoning": {
        const summary = list(item.summary).map((s) => str(s.text) ?? "").join("\n\n");
        out.reasoning += summary || list(item.content).map((c) => str(c.text) ?? "").join("");
        const enc = str(item.encrypted_content);
        if (enc) out.encrypted.push(enc);
        break;
      }
      case "function_call":
      case "custom_tool_call": {
        const ns = str(item.namespace);
        const name = (ns ? `${ns}__` : "") + (str(item.name) ?? "");
        const args = item.type === "function_call" ? parseArgs(str(item.arguments) ?? "") : { input: str(item.input) ?? "" };
        const call: CallSummary = { id: str(item.call_id) || undefined, name, args };
        out.toolCalls.push(call);
        break;
      }
      // web_search_call, code_interpreter_call, shell_call…: OpenAI-only items, not caller content.
    }
  }
}

export function responsesResponse(body: Rec): Outcome {
  const out = empty();
  fromItems(list(body.output), out);
  out.usage = usage(body.usage);
  out.usage.output += imageToolTokens(list(body.output));
  const reason = isRecord(body.incomplete_details) ? str(body.incomplete_details.reason) : undefined;
  out.finish = finish(str(body.status), reason, out.toolCalls.length > 0);
  return out;
}

const errorMessage = (e: unknown): string | undefined => (isRecord(e) ? (str(e.message) ?? (isRecord(e.error) ? str(e.error.message) : undefined)) : undefined);

/**
 * A stream: each output index's item as added, replaced by its done item; where deltas were
 * streamed for a part (text per content part, reasoning, arguments, custom input) what the
 * client saw is the deltas, else the done item's value (servers that send done events only).
 */
export function responsesStream(payloads: unknown[]): Outcome {
  const out = empty();
  const items = new Map<number, Rec>();
  const deltas = new Map<string, string>();
  const add = (key: string, delta: unknown) => deltas.set(key, (deltas.get(key) ?? "") + (str(delta) ?? ""));
  const summaryParts = new Map<number, number>();
  for (const p of payloads) {
    if (!isRecord(p)) continue;
    const index = num(p.output_index);
    switch (p.type) {
      case "error":
        out.error = { message: errorMessage(p) };
        return out;
      case "response.failed":
        out.error = { message: isRecord(p.response) ? errorMessage(p.response.error) : undefined };
        return out;
      case "response.output_item.added":
        if (isRecord(p.item)) items.set(index, { ...p.item });
        break;
      case "response.output_item.done":
        if (isRecord(p.item)) items.set(index, { ...items.get(index), ...p.item });
        break;
      case "response.output_text.delta":
      case "response.refusal.delta":
        add(`${index}/text/${num(p.content_index)}`, p.delta);
        break;
      case "response.reasoning_summary_part.added": {
        const n = summaryParts.get(index) ?? 0;
        summaryParts.set(index, n + 1);
        if (n > 0) add(`${index}/reasoning`, "\n\n");
        break;
      }
      case "response.reasoning_summary_text.delta":
        add(`${index}/reasoning`, p.delta);
        break;
      case "response.reasoning_text.delta":
        if (!summaryParts.has(index)) add(`${index}/reasoning`, p.delta);
        break;
      case "response.function_call_arguments.delta":
      case "response.custom_tool_call_input.delta":
        add(`${index}/call`, p.delta);
        break;
      case "response.completed":
      case "response.incomplete": {
        const r = isRecord(p.response) ? p.response : {};
        const final = [...items.entries()].sort(([a], [b]) => a - b).map(([i, item]) => streamed(i, item, deltas));
        fromItems(final, out);
        out.usage = usage(r.usage);
        out.usage.output += imageToolTokens(final);
        const reason = isRecord(r.incomplete_details) ? str(r.incomplete_details.reason) : undefined;
        out.finish = finish(p.type === "response.incomplete" ? "incomplete" : "completed", reason, out.toolCalls.length > 0);
        return out;
      }
    }
  }
  out.error = {}; // truncated: no terminal event
  return out;
}

/** An item with the streamed deltas in place of its final values. */
function streamed(index: number, item: Rec, deltas: Map<string, string>): Rec {
  const d = (key: string) => deltas.get(`${index}/${key}`);
  switch (item.type) {
    case "message":
      return { ...item, content: list(item.content).map((c, i) => ({ ...c, text: d(`text/${i}`) ?? str(c.text) ?? str(c.refusal) ?? "" })) };
    case "reasoning": {
      const text = d("reasoning");
      return text === undefined ? item : { ...item, summary: [{ type: "summary_text", text }], content: [] };
    }
    case "function_call":
      return { ...item, arguments: d("call") ?? item.arguments };
    case "custom_tool_call":
      return { ...item, input: d("call") ?? item.input };
    default:
      return item;
  }
}
