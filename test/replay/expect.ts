/**
 * What a recording says, computed straight from its raw JSON — independently of the codecs under
 * test, so a decoder or encoder that loses or invents something makes the replay fail.
 *
 * The same `Outcome` shape summarizes decoded canonical responses and stream events, so
 * expectations and results compare field by field. Usage follows the canonical conventions
 * (src/canonical/types.ts): input includes cached and cache-write tokens, output includes
 * reasoning tokens; the per-provider conversions are written out here from FORMATS.md.
 */
import type { CanonicalResponse, FinishReason, StreamEvent } from "../../src/canonical/types";
import type { ReplayUnit, Wire } from "./corpus";
import { responsesResponse, responsesStream } from "./expect-responses";
import { parseSse } from "../helpers/sse";

export interface UsageSummary {
  input: number;
  output: number;
  cached: number;
  cacheWrite: number;
  reasoning: number;
}

export interface CallSummary {
  /** Undefined when the recording has no id (Gemini): the decoder invents one. */
  id?: string;
  name: string;
  /** Parsed arguments (the raw text when it is not JSON). */
  args: unknown;
  thoughtSignature?: string;
}

export interface Outcome {
  text: string;
  reasoning: string;
  /** Thinking-block signatures (Anthropic; OpenRouter reasoning_details), in order. */
  signatures: string[];
  /** Redacted/encrypted reasoning payloads, in order. */
  redacted: string[];
  /** Opaque reasoning payloads of other families (OpenAI's encrypted_content), in order. */
  encrypted: string[];
  toolCalls: CallSummary[];
  usage: UsageSummary;
  finish?: FinishReason;
  /**
   * A failure the stream reports in-band. `message` is the upstream's own text when the
   * recording carries one; absent for failures the replay detects itself (truncation, splice).
   */
  error?: { message?: string; status?: number };
}

type Rec = Record<string, unknown>;
const isRecord = (v: unknown): v is Rec => typeof v === "object" && v !== null && !Array.isArray(v);
const num = (v: unknown): number => (typeof v === "number" && Number.isFinite(v) ? v : 0);
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

export function parseArgs(text: string): unknown {
  if (text.trim() === "") return {};
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

const empty = (): Outcome => ({
  text: "",
  reasoning: "",
  signatures: [],
  redacted: [],
  encrypted: [],
  toolCalls: [],
  usage: { input: 0, output: 0, cached: 0, cacheWrite: 0, reasoning: 0 },
});

// ------------------------------------------------------------------ raw payload extraction

/** The JSON payloads of a stream unit, in order ([DONE] excluded). */
export function streamPayloads(unit: ReplayUnit): unknown[] {
  if (unit.framing === "json-array") return JSON.parse(unit.text) as unknown[];
  const datas =
    unit.framing === "chunks"
      ? unit.text.split("\n").map((l) => l.replace(/\r$/, "")).filter((l) => l.trim() !== "")
      : parseSse(unit.text).events.map((e) => e.data); // the tests' own SSE reader, not the codecs' decoder
  return datas.filter((d) => d.trim() !== "[DONE]").map((d) => JSON.parse(d) as unknown);
}

/** The wire bytes a provider would have sent (FORMATS.md replay checklist for *.chunks.txt). */
export function wireBody(unit: ReplayUnit): string {
  if (unit.framing !== "chunks") return unit.text;
  const lines = unit.text.split("\n").map((l) => l.replace(/\r$/, "")).filter((l) => l.trim() !== "");
  switch (unit.wire) {
    case "anthropic":
      return lines.map((l) => `event: ${(JSON.parse(l) as Rec).type}\ndata: ${l}\n\n`).join("");
    case "gemini":
      return lines.map((l) => `data: ${l}\r\n\r\n`).join("");
    case "openai":
      return lines.map((l) => `data: ${l}\n\n`).join("") + "data: [DONE]\n\n";
    case "responses":
      return lines.map((l) => `event: ${(JSON.parse(l) as Rec).type}\ndata: ${l}\n\n`).join("");
  }
}

// ------------------------------------------------------------------ OpenAI chat completions

const OPENAI_FINISH: Record<string, FinishReason> = {
  stop: "stop",
  length: "length",
  tool_calls: "tool_calls",
  function_call: "tool_calls",
  content_filter: "content_filter",
};

function openaiFinish(reason: string | undefined, hasCalls: boolean): FinishReason {
  const mapped = reason ? OPENAI_FINISH[reason] : undefined;
  if (mapped && mapped !== "stop") return mapped;
  return hasCalls ? "tool_calls" : "stop";
}

function openaiUsage(u: unknown): UsageSummary | undefined {
  if (!isRecord(u)) return undefined;
  const ptd = isRecord(u.prompt_tokens_details) ? u.prompt_tokens_details : {};
  const ctd = isRecord(u.completion_tokens_details) ? u.completion_tokens_details : {};
  const prompt = num(u.prompt_tokens);
  const completion = num(u.completion_tokens);
  const reasoning = num(ctd.reasoning_tokens ?? u.reasoning_tokens);
  // xAI: completion_tokens excludes reasoning (FORMATS.md §6: prompt + completion + reasoning == total).
  const excludes = reasoning > 0 && (u.total_tokens != null ? num(u.total_tokens) === prompt + completion + reasoning : reasoning > completion);
  return {
    input: prompt,
    output: excludes ? completion + reasoning : completion,
    cached: num(ptd.cached_tokens ?? u.prompt_cache_hit_tokens),
    cacheWrite: num(ptd.cache_write_tokens),
    reasoning,
  };
}

/** Mistral content parts: text, and thinking parts whose `thinking` is a string or text list. */
function openaiContent(content: unknown, out: Outcome): void {
  if (typeof content === "string") out.text += content;
  else if (Array.isArray(content)) {
    for (const p of content) {
      if (!isRecord(p)) continue;
      if (p.type === "thinking") {
        const t = p.thinking;
        out.reasoning += typeof t === "string" ? t : Array.isArray(t) ? t.map((x) => (isRecord(x) ? (str(x.text) ?? "") : "")).join("") : "";
      } else if (typeof p.text === "string") out.text += p.text;
    }
  }
}

function firstChoice(v: Rec): Rec | undefined {
  const choices = Array.isArray(v.choices) ? v.choices.filter(isRecord) : [];
  return choices.find((c) => num(c.index) === 0) ?? choices[0];
}

function openaiResponse(body: Rec): Outcome {
  const out = empty();
  const choice = firstChoice(body);
  const m = isRecord(choice?.message) ? choice.message : {};
  out.reasoning += str(m.reasoning_content) ?? str(m.reasoning) ?? "";
  openaiContent(m.content, out);
  if (out.text === "" && typeof m.refusal === "string") out.text = m.refusal;
  for (const tc of Array.isArray(m.tool_calls) ? m.tool_calls.filter(isRecord) : []) {
    const fn = isRecord(tc.function) ? tc.function : {};
    if (typeof fn.name !== "string" || !fn.name) continue;
    const args = fn.arguments;
    out.toolCalls.push({ id: str(tc.id) || undefined, name: fn.name, args: typeof args === "string" ? parseArgs(args) : (args ?? {}) });
  }
  out.usage = openaiUsage(body.usage) ?? out.usage;
  out.finish = openaiFinish(str(choice?.finish_reason), out.toolCalls.length > 0);
  return out;
}

function openaiStream(payloads: unknown[]): Outcome {
  const out = empty();
  const calls = new Map<string, { id?: string; name?: string; args: string }>();
  let lastKey: string | undefined;
  let finishReason: string | undefined;
  for (const p of payloads) {
    if (!isRecord(p)) continue;
    if (p.error !== undefined && p.error !== null) {
      const e = p.error;
      out.error = { message: isRecord(e) && typeof e.message === "string" ? e.message : String(e) };
      return out;
    }
    const choice = firstChoice(p);
    const usage = openaiUsage(p.usage) ?? openaiUsage(choice?.usage) ?? (isRecord(p.x_groq) ? openaiUsage(p.x_groq.usage) : undefined);
    if (usage) out.usage = usage;
    const d = isRecord(choice?.delta) ? choice.delta : undefined;
    if (d) {
      out.reasoning += str(d.reasoning_content) ?? str(d.reasoning) ?? "";
      openaiContent(d.content, out);
      if (typeof d.refusal === "string") out.text += d.refusal;
      for (const tc of Array.isArray(d.tool_calls) ? d.tool_calls.filter(isRecord) : []) {
        const key = typeof tc.index === "number" ? `i${tc.index}` : typeof tc.id === "string" && tc.id ? `id${tc.id}` : (lastKey ?? "i0");
        lastKey = key;
        let call = calls.get(key);
        if (!call) calls.set(key, (call = { args: "" }));
        if (typeof tc.id === "string" && tc.id && !call.id) call.id = tc.id;
        const fn = isRecord(tc.function) ? tc.function : {};
        if (typeof fn.name === "string" && fn.name && !call.name) call.name = fn.name;
        if (typeof fn.arguments === "string") call.args += fn.arguments;
        else if (isRecord(fn.arguments)) call.args += JSON.stringify(fn.arguments);
      }
    }
    if (typeof choice?.finish_reason === "string" && finishReason === undefined) finishReason = choice.finish_reason;
  }
  for (const c of calls.values()) if (c.name) out.toolCalls.push({ id: c.id, name: c.name, args: parseArgs(c.args) });
  out.finish = openaiFinish(finishReason, out.toolCalls.length > 0);
  return out;
}

// ------------------------------------------------------------------ Anthropic messages

function anthropicFinish(reason: string | undefined): FinishReason {
  switch (reason) {
    case "max_tokens":
    case "model_context_window_exceeded":
      return "length";
    case "tool_use":
      return "tool_calls";
    case "refusal":
      return "content_filter";
    default:
      return "stop"; // end_turn, stop_sequence, pause_turn
  }
}

function anthropicUsage(u: Rec): UsageSummary {
  const read = num(u.cache_read_input_tokens);
  const write = num(u.cache_creation_input_tokens);
  const details = isRecord(u.output_tokens_details) ? u.output_tokens_details : {};
  return { input: num(u.input_tokens) + read + write, output: num(u.output_tokens), cached: read, cacheWrite: write, reasoning: num(details.thinking_tokens) };
}

function anthropicBlock(b: Rec, out: Outcome): void {
  switch (b.type) {
    case "text":
      out.text += str(b.text) ?? "";
      break;
    case "thinking":
      out.reasoning += str(b.thinking) ?? "";
      if (typeof b.signature === "string" && b.signature) out.signatures.push(b.signature);
      break;
    case "redacted_thinking":
      if (typeof b.data === "string") out.redacted.push(b.data);
      break;
    case "tool_use":
      out.toolCalls.push({ id: str(b.id), name: str(b.name) ?? "", args: b.input ?? {} });
      break;
    // server_tool_use, *_tool_result, compaction, fallback…: Anthropic-only, not caller content.
  }
}

function anthropicResponse(body: Rec): Outcome {
  const out = empty();
  for (const b of Array.isArray(body.content) ? body.content.filter(isRecord) : []) anthropicBlock(b, out);
  if (isRecord(body.usage)) out.usage = anthropicUsage(body.usage);
  out.finish = anthropicFinish(str(body.stop_reason));
  return out;
}

function anthropicStream(payloads: unknown[]): Outcome {
  const out = empty();
  let messageId: string | undefined;
  let started = false;
  let contentSeen = false;
  let usage: Rec = {};
  let stopReason: string | undefined;
  let stopped = false;
  const blocks = new Map<number, { type: string; args?: string; input?: unknown; call?: CallSummary; signature?: string }>();
  for (const p of payloads) {
    if (!isRecord(p)) continue;
    switch (p.type) {
      case "message_start": {
        const msg = isRecord(p.message) ? p.message : {};
        if (started) {
          // Same id again: a harmless duplicate. Another id after content: a spliced generation.
          if (contentSeen && msg.id !== messageId) {
            out.error = {}; // a spliced generation cannot be merged
            return out;
          }
          break;
        }
        started = true;
        messageId = str(msg.id);
        usage = isRecord(msg.usage) ? { ...msg.usage } : {};
        stopReason = str(msg.stop_reason);
        for (const b of Array.isArray(msg.content) ? msg.content.filter(isRecord) : []) {
          contentSeen = true;
          anthropicBlock(b, out);
        }
        break;
      }
      case "content_block_start": {
        contentSeen = true;
        const b = isRecord(p.content_block) ? p.content_block : {};
        const type = str(b.type) ?? "";
        const state: { type: string; args?: string; input?: unknown; call?: CallSummary; signature?: string } = { type };
        if (type === "text") out.text += str(b.text) ?? "";
        else if (type === "thinking") {
          out.reasoning += str(b.thinking) ?? "";
          state.signature = str(b.signature) || undefined;
        } else if (type === "redacted_thinking" && typeof b.data === "string") out.redacted.push(b.data);
        else if (type === "tool_use") {
          state.call = { id: str(b.id), name: str(b.name) ?? "", args: {} };
          state.args = "";
          state.input = b.input;
          out.toolCalls.push(state.call);
        }
        blocks.set(num(p.index), state);
        break;
      }
      case "content_block_delta": {
        const block = blocks.get(num(p.index));
        const d = isRecord(p.delta) ? p.delta : {};
        if (!block) break;
        if (block.type === "text" && d.type === "text_delta") out.text += str(d.text) ?? "";
        else if (block.type === "thinking" && d.type === "thinking_delta") out.reasoning += str(d.thinking) ?? "";
        else if (block.type === "thinking" && d.type === "signature_delta") block.signature = str(d.signature);
        else if (block.type === "tool_use" && d.type === "input_json_delta") block.args += str(d.partial_json) ?? "";
        break;
      }
      case "content_block_stop": {
        const block = blocks.get(num(p.index));
        blocks.delete(num(p.index));
        if (block?.type === "thinking" && block.signature) out.signatures.push(block.signature);
        if (block?.call) block.call.args = block.args ? parseArgs(block.args) : (block.input ?? {});
        break;
      }
      case "message_delta": {
        const d = isRecord(p.delta) ? p.delta : {};
        if (isRecord(p.usage)) for (const [k, v] of Object.entries(p.usage)) if (v !== null && v !== undefined) usage[k] = v;
        if (typeof d.stop_reason === "string") stopReason = d.stop_reason;
        break;
      }
      case "message_stop":
        stopped = true;
        break;
      case "error": {
        const e = isRecord(p.error) ? p.error : {};
        out.error = { message: str(e.message) ?? "error" };
        return out;
      }
    }
    if (stopped) break; // anything after message_stop is not part of this message
  }
  if (!stopped) {
    out.error = {}; // truncated
    return out;
  }
  out.usage = anthropicUsage(usage);
  out.finish = anthropicFinish(stopReason);
  return out;
}

// ------------------------------------------------------------------ Gemini generateContent

const GEMINI_FILTER = new Set(["SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY", "IMAGE_PROHIBITED_CONTENT", "IMAGE_RECITATION"]);

function geminiFinish(reason: string | undefined, hasCalls: boolean): FinishReason {
  if (reason === undefined || reason === "STOP") return hasCalls ? "tool_calls" : "stop";
  if (reason === "MAX_TOKENS") return "length";
  if (GEMINI_FILTER.has(reason)) return "content_filter";
  return "error";
}

function geminiUsage(u: Rec): UsageSummary {
  const thoughts = num(u.thoughtsTokenCount);
  return {
    input: num(u.promptTokenCount) + num(u.toolUsePromptTokenCount),
    output: num(u.candidatesTokenCount) + thoughts,
    cached: num(u.cachedContentTokenCount),
    cacheWrite: 0,
    reasoning: thoughts,
  };
}

/** `$.a.b[0]` → ["a","b",0] (the paths Vertex sends in partialArgs). */
function jsonPath(path: string): Array<string | number> {
  const out: Array<string | number> = [];
  for (const m of path.slice(1).matchAll(/\.([^.[\]]+)|\[(\d+)\]|\["([^"]+)"\]|\['([^']+)'\]/g)) {
    out.push(m[2] !== undefined ? Number(m[2]) : (m[1] ?? m[3] ?? m[4]));
  }
  return out;
}

function setPath(root: Rec, path: Array<string | number>, value: unknown, append: boolean): void {
  let node: Rec | unknown[] = root;
  for (let i = 0; i < path.length - 1; i++) {
    const k = path[i];
    const container = (node as Record<string | number, unknown>)[k];
    if (typeof container !== "object" || container === null) (node as Record<string | number, unknown>)[k] = typeof path[i + 1] === "number" ? [] : {};
    node = (node as Record<string | number, unknown>)[k] as Rec | unknown[];
  }
  const last = path[path.length - 1];
  const cur = (node as Record<string | number, unknown>)[last];
  (node as Record<string | number, unknown>)[last] = append && typeof cur === "string" && typeof value === "string" ? cur + value : value;
}

interface GeminiState {
  out: Outcome;
  partial?: { call: CallSummary; args: Rec; continuing?: string };
}

function geminiParts(parts: unknown[], s: GeminiState): void {
  const out = s.out;
  for (const part of parts) {
    if (!isRecord(part)) continue;
    const fc = isRecord(part.functionCall) ? part.functionCall : undefined;
    if (fc) {
      if (typeof fc.name === "string" && fc.name) {
        s.partial = undefined;
        const call: CallSummary = { id: str(fc.id) || undefined, name: fc.name, args: fc.args ?? {} };
        if (typeof part.thoughtSignature === "string") call.thoughtSignature = part.thoughtSignature;
        out.toolCalls.push(call);
        if (fc.willContinue === true || fc.partialArgs !== undefined) {
          const args = isRecord(fc.args) ? { ...fc.args } : {};
          call.args = args;
          s.partial = { call, args };
        }
      }
      if (s.partial && Array.isArray(fc.partialArgs)) {
        for (const pa of fc.partialArgs.filter(isRecord)) {
          if (typeof pa.jsonPath !== "string") continue;
          const path = jsonPath(pa.jsonPath);
          if (typeof pa.stringValue === "string") {
            setPath(s.partial.args, path, pa.stringValue, s.partial.continuing === pa.jsonPath);
            s.partial.continuing = pa.willContinue === true ? pa.jsonPath : undefined;
          } else {
            s.partial.continuing = undefined;
            const v = "numberValue" in pa ? pa.numberValue : "boolValue" in pa ? pa.boolValue : "nullValue" in pa ? null : undefined;
            if (v !== undefined) setPath(s.partial.args, path, v, false);
          }
        }
      }
      if (s.partial && fc.willContinue !== true) s.partial = undefined;
      continue;
    }
    if (typeof part.text === "string") {
      if (part.thought === true) out.reasoning += part.text;
      else out.text += part.text;
    }
    // inlineData, executableCode, codeExecutionResult, toolCall/toolResponse: Gemini-only.
  }
}

function geminiChunks(chunks: unknown[], stream: boolean): Outcome {
  const s: GeminiState = { out: empty() };
  let finishReason: string | undefined;
  let blocked: string | undefined;
  for (const c of chunks) {
    if (!isRecord(c)) continue;
    if (isRecord(c.error)) {
      s.out.error = { message: str(c.error.message) ?? "error" };
      return s.out;
    }
    const cands = Array.isArray(c.candidates) ? c.candidates.filter(isRecord) : [];
    const cand = cands.find((x) => num(x.index) === 0);
    if (cand && finishReason === undefined) {
      const content = isRecord(cand.content) ? cand.content : {};
      geminiParts(Array.isArray(content.parts) ? content.parts : [], s);
      if (typeof cand.finishReason === "string") finishReason = cand.finishReason;
    }
    if (!cand && isRecord(c.promptFeedback) && typeof c.promptFeedback.blockReason === "string") blocked = c.promptFeedback.blockReason;
    const u = isRecord(c.usageMetadata) ? c.usageMetadata : undefined;
    if (u && (u.promptTokenCount !== undefined || u.totalTokenCount !== undefined)) s.out.usage = geminiUsage(u);
  }
  if (blocked !== undefined && finishReason === undefined) s.out.finish = "content_filter";
  else if (stream && finishReason === undefined) s.out.error = {}; // truncated
  else s.out.finish = geminiFinish(finishReason, s.out.toolCalls.length > 0);
  return s.out;
}

// ------------------------------------------------------------------ entry points

export function expectedFromResponse(wire: Wire, body: unknown): Outcome {
  if (!isRecord(body)) throw new Error("response body is not an object");
  switch (wire) {
    case "openai":
      return openaiResponse(body);
    case "anthropic":
      return anthropicResponse(body);
    case "gemini":
      return geminiChunks([body], false);
    case "responses":
      return responsesResponse(body);
  }
}

export function expectedFromStream(unit: ReplayUnit): Outcome {
  const payloads = streamPayloads(unit);
  switch (unit.wire) {
    case "openai":
      return openaiStream(payloads);
    case "anthropic":
      return anthropicStream(payloads);
    case "gemini":
      return geminiChunks(payloads, true);
    case "responses":
      return responsesStream(payloads);
  }
}

/** The error message a recorded error body carries (all three envelopes nest it under `error`). */
export function expectedErrorMessage(body: unknown): string | undefined {
  const root = Array.isArray(body) ? body[0] : body;
  if (!isRecord(root)) return undefined;
  const e = root.error;
  if (isRecord(e)) return str(e.message);
  return str(e) ?? str(root.message);
}

// ------------------------------------------------------------------ summaries of codec output

function usageOf(u: { inputTokens: number; outputTokens: number; cachedInputTokens?: number; cacheWriteTokens?: number; reasoningTokens?: number } | undefined): UsageSummary {
  return {
    input: u?.inputTokens ?? 0,
    output: u?.outputTokens ?? 0,
    cached: u?.cachedInputTokens ?? 0,
    cacheWrite: u?.cacheWriteTokens ?? 0,
    reasoning: u?.reasoningTokens ?? 0,
  };
}

export function summarizeResponse(res: CanonicalResponse): Outcome {
  const out = empty();
  for (const p of res.content) {
    if (p.type === "text") out.text += p.text;
    else if (p.type === "reasoning") {
      if (p.redactedData !== undefined) out.redacted.push(p.redactedData);
      else {
        out.reasoning += p.text;
        if (p.signature) out.signatures.push(p.signature);
        if (p.encrypted) out.encrypted.push(p.encrypted.data);
      }
    } else {
      const call: CallSummary = { id: p.id, name: p.name, args: parseArgs(p.arguments) };
      if (p.thoughtSignature) call.thoughtSignature = p.thoughtSignature;
      out.toolCalls.push(call);
    }
  }
  out.usage = usageOf(res.usage);
  out.finish = res.finishReason;
  return out;
}

export function summarizeEvents(events: StreamEvent[]): Outcome {
  const out = empty();
  const calls = new Map<number, { call: CallSummary; args: string }>();
  for (const e of events) {
    switch (e.type) {
      case "start":
        if (e.usage) out.usage = usageOf(e.usage);
        break;
      case "text-delta":
        out.text += e.text;
        break;
      case "reasoning-delta":
        out.reasoning += e.text;
        break;
      case "reasoning-signature":
        out.signatures.push(e.signature);
        break;
      case "reasoning-redacted":
        out.redacted.push(e.data);
        break;
      case "reasoning-encrypted":
        out.encrypted.push(e.data);
        break;
      case "tool-call-start": {
        const call: CallSummary = { id: e.id, name: e.name, args: {} };
        if (e.thoughtSignature) call.thoughtSignature = e.thoughtSignature;
        calls.set(e.index, { call, args: "" });
        out.toolCalls.push(call);
        break;
      }
      case "tool-call-delta": {
        const c = calls.get(e.index);
        if (c) c.args += e.argumentsDelta;
        else throw new Error(`tool-call-delta for unknown index ${e.index}`);
        break;
      }
      case "usage":
        out.usage = usageOf(e.usage);
        break;
      case "finish":
        if (out.finish === undefined) out.finish = e.finishReason;
        break;
      case "error":
        if (!out.error) out.error = { message: e.message, status: e.status };
        break;
    }
  }
  for (const c of calls.values()) c.call.args = parseArgs(c.args);
  return out;
}
