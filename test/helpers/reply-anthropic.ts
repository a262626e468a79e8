/** Reads Anthropic Messages answers (JSON, SSE, error envelopes) into the Reply shape. */
import { expect } from "vitest";
import { anthropicResponseSchema, anthropicStreamChunkSchema } from "../../src/codecs/anthropic";
import { anthropicErrorBodySchema } from "../../src/codecs/anthropic/anthropic-api";
import type { Call } from "./surface-request";
import { fail, jsonOf, keepAliveComments, noContent, parseArgs, valid, type Answer, type ReplyError, type Usage } from "./reply-shape";
import type { ParsedSse } from "./sse";

/** Every error type Anthropic documents (docs.anthropic.com/en/api/errors). */
export const ANTHROPIC_ERROR_TYPES = [
  "invalid_request_error", "authentication_error", "permission_error", "not_found_error", "request_too_large",
  "rate_limit_error", "api_error", "overloaded_error", "timeout_error", "billing_error",
];

function anthropicUsage(u: any): Usage {
  return {
    input: (u.input_tokens ?? 0) + (u.cache_read_input_tokens ?? 0) + (u.cache_creation_input_tokens ?? 0),
    output: u.output_tokens,
    reasoning: u.output_tokens_details?.thinking_tokens || undefined,
  };
}

function fromContent(content: any[]): Pick<Answer, "text" | "reasoning" | "signature" | "calls"> {
  let text = "";
  let reasoning = "";
  let signature: string | undefined;
  const calls: Call[] = [];
  for (const b of content) {
    if (b.type === "text") text += b.text;
    else if (b.type === "thinking") {
      reasoning += b.thinking;
      if (b.signature) signature = b.signature;
    } else if (b.type === "tool_use") {
      expect(b.id).toMatch(/^[a-zA-Z0-9_-]+$/);
      calls.push({ id: b.id, name: b.name, args: b.input });
    }
  }
  return { text, reasoning, signature, calls };
}

export function readAnthropicJson(body: unknown): Answer {
  const b = valid(anthropicResponseSchema, body, "Anthropic message");
  return { id: b.id, model: b.model, ...fromContent(b.content), finish: b.stop_reason, usage: anthropicUsage(b.usage), chunks: [], body: b };
}

/** Text of the text deltas of some events (a partial stream too). */
export const anthropicText = (events: any[]) =>
  events.map((e) => (e.type === "content_block_delta" && e.delta?.type === "text_delta" ? e.delta.text : "")).join("");

/**
 * A whole stream. Every event valid, its SSE name equal to its type. A failed one ends with its one
 * `error` event. A complete one follows the grammar: message_start, then blocks that each go
 * content_block_start → deltas of the block's own kind → content_block_stop with consecutive
 * indexes, then exactly one message_delta and a final message_stop; `ping` may appear anywhere.
 */
export function readAnthropicStream({ events, comments, raw }: ParsedSse): Answer {
  expect(events.length, raw).toBeGreaterThan(0);
  const chunks = events.map((e) => {
    const data = valid(anthropicStreamChunkSchema, jsonOf(e.data, "anthropic event"), "Anthropic event");
    expect(e.event, `SSE event name equals data.type: ${e.data}`).toBe(data.type);
    return data;
  });
  const real = chunks.filter((p) => p.type !== "ping");
  // Anthropic's keep-alive is a `ping` event (SDKs ignore pings anywhere).
  const firstReal = chunks.findIndex((p) => p.type !== "ping");
  const keepAlives = keepAliveComments(comments) + (firstReal === -1 ? chunks.length : firstReal);
  const start = real.find((p) => p.type === "message_start");
  const errors = real.filter((p) => p.type === "error");
  if (errors.length) {
    expect(errors.length, "one error event").toBe(1);
    expect(real.at(-1)!.type, `nothing after event: error: ${raw.slice(-300)}`).toBe("error");
    const e = errors[0].error;
    expect(ANTHROPIC_ERROR_TYPES).toContain(e.type);
    const error: ReplyError = { message: e.message, type: e.type, inBand: true, detail: e };
    return { ...noContent(), text: anthropicText(chunks), usage: start ? anthropicUsage(start.message.usage ?? {}) : undefined, error, chunks, keepAlives };
  }
  expect(real[0]?.type, raw.slice(0, 300)).toBe("message_start");
  expect(real.at(-1)?.type, `Anthropic stream must end with message_stop or error: ${raw.slice(-300)}`).toBe("message_stop");
  expect(real.at(-2)?.type).toBe("message_delta");
  expect(real.filter((p) => p.type === "message_delta")).toHaveLength(1);
  const delta = real.at(-2);
  const u = { ...start.message.usage, ...delta.usage };
  return {
    id: start.message.id,
    model: start.message.model,
    ...fromContent(blocksOf(real.slice(1, -2))),
    finish: delta.delta.stop_reason,
    usage: anthropicUsage(u),
    cost: delta.usage.cost,
    chunks,
    keepAlives,
  };
}

/** The content blocks of the events between message_start and message_delta, checking their grammar. */
function blocksOf(events: any[]): any[] {
  const content: any[] = [];
  let open: { index: number; block: any; json: string } | undefined;
  for (const p of events) {
    if (p.type === "content_block_start") {
      expect(open, "a block starts only after the previous one stopped").toBeUndefined();
      expect(p.index).toBe(content.length);
      open = { index: p.index, block: { ...p.content_block }, json: "" };
    } else if (p.type === "content_block_delta") {
      expect(open?.index).toBe(p.index);
      const b = open!.block;
      const d = p.delta;
      if (b.type === "text") {
        expect(d.type).toBe("text_delta");
        b.text += d.text;
      } else if (b.type === "thinking") {
        expect(["thinking_delta", "signature_delta"]).toContain(d.type);
        if (d.type === "thinking_delta") b.thinking += d.thinking;
        else b.signature = d.signature;
      } else if (b.type === "tool_use") {
        expect(d.type).toBe("input_json_delta");
        open!.json += d.partial_json;
      } else fail(`delta for a ${b.type} block`, p);
    } else if (p.type === "content_block_stop") {
      expect(open?.index).toBe(p.index);
      if (open!.block.type === "tool_use") open!.block.input = parseArgs(open!.json);
      content.push(open!.block);
      open = undefined;
    } else fail(`unexpected ${p.type} between message_start and message_delta`, p);
  }
  expect(open).toBeUndefined();
  return content;
}

/** An HTTP error body: Anthropic's envelope with one of its documented error types. */
export function anthropicError(status: number, body: any): ReplyError {
  valid(anthropicErrorBodySchema, body, "Anthropic error");
  expect(body.type).toBe("error");
  expect(ANTHROPIC_ERROR_TYPES, JSON.stringify(body)).toContain(body.error.type);
  return { message: body.error.message, status, type: body.error.type, inBand: false, detail: body.error };
}
