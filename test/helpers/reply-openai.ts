/** Reads OpenAI Chat Completions answers (JSON, SSE, error envelopes) into the Reply shape. */
import { expect } from "vitest";
import { openaiResponseSchema, openaiStreamChunkSchema } from "../../src/codecs/openai";
import type { Call } from "./surface-request";
import { fail, jsonOf, keepAliveComments, parseArgs, valid, type Answer, type ReplyError, type Usage } from "./reply-shape";
import type { ParsedSse } from "./sse";

function openaiUsage(u: any): Usage {
  expect(u.total_tokens).toBe(u.prompt_tokens + u.completion_tokens);
  return { input: u.prompt_tokens, output: u.completion_tokens, reasoning: u.completion_tokens_details?.reasoning_tokens || undefined };
}

export function readOpenAIJson(body: unknown): Answer {
  const b = valid(openaiResponseSchema, body, "chat.completion");
  const m = b.choices[0].message;
  return {
    id: b.id,
    model: b.model,
    text: m.content ?? "",
    reasoning: m.reasoning ?? "",
    signature: (m.reasoning_details ?? []).find((d: any) => d.signature)?.signature,
    calls: (m.tool_calls ?? []).map((tc: any) => ({ id: tc.id, name: tc.function.name, args: parseArgs(tc.function.arguments) })),
    finish: b.choices[0].finish_reason,
    usage: openaiUsage(b.usage),
    cost: b.usage.cost,
    chunks: [],
    body: b,
  };
}

/** Text of the content deltas of some chunks (a partial stream too). */
export const openaiText = (chunks: any[]) => chunks.flatMap((c) => c.choices ?? []).map((ch: any) => ch.delta?.content ?? "").join("");

/**
 * A whole stream: ends with exactly one [DONE]; every chunk valid and of one id; a complete one has
 * exactly one finish_reason and ends with the usage chunk (no choices); a failed one has one error
 * chunk (finish_reason "error") and no content after it.
 */
export function readOpenAIStream({ events, comments, raw }: ParsedSse): Answer {
  expect(events.length, raw).toBeGreaterThan(0);
  expect(events.at(-1)!.data, `OpenAI stream must end with [DONE]: ${raw.slice(-300)}`).toBe("[DONE]");
  expect(events.filter((e) => e.data === "[DONE]").length, "exactly one [DONE]").toBe(1);
  const chunks = events.slice(0, -1).map((e) => valid(openaiStreamChunkSchema, jsonOf(e.data, "openai chunk"), "chat.completion.chunk"));
  expect(new Set(chunks.map((c) => c.id)).size, "one id for every chunk").toBeLessThanOrEqual(1);
  let errorChunk: any;
  let text = "";
  let reasoning = "";
  let signature: string | undefined;
  let finish: string | null = null;
  let usageChunk: any;
  const calls = new Map<number, { id?: string; name: string; args: string }>();
  for (const c of chunks) {
    if (errorChunk && c.choices.length > 0) fail("content after an in-band error", c);
    if (c.error) {
      expect(errorChunk, "one error chunk").toBeUndefined();
      expect(c.choices[0]?.finish_reason, JSON.stringify(c)).toBe("error");
      errorChunk = c;
      continue;
    }
    if (c.usage) usageChunk = c;
    for (const ch of c.choices) {
      const d = ch.delta ?? {};
      text += d.content ?? "";
      reasoning += d.reasoning ?? "";
      for (const rd of d.reasoning_details ?? []) if (rd.signature) signature = rd.signature;
      for (const tc of d.tool_calls ?? []) {
        const cur = calls.get(tc.index) ?? { name: "", args: "" };
        if (tc.id) cur.id = tc.id;
        if (tc.function?.name) cur.name = tc.function.name;
        cur.args += tc.function?.arguments ?? "";
        calls.set(tc.index, cur);
      }
      if (ch.finish_reason) {
        expect(finish, "one finish_reason").toBeNull();
        finish = ch.finish_reason;
      }
    }
  }
  const base = { id: chunks[0]?.id, model: chunks[0]?.model, text, reasoning, signature, finish, chunks, keepAlives: keepAliveComments(comments) };
  const usage = usageChunk ? { input: usageChunk.usage.prompt_tokens, output: usageChunk.usage.completion_tokens } : undefined;
  if (errorChunk) {
    const code = Number(errorChunk.error.code);
    const error: ReplyError = { message: errorChunk.error.message, status: Number.isFinite(code) ? code : undefined, type: errorChunk.error.type, inBand: true, detail: errorChunk.error };
    return { ...base, calls: [], usage, error };
  }
  expect(finish, `stream ended without a finish_reason: ${raw.slice(-400)}`).not.toBeNull();
  const last = chunks.at(-1);
  expect(last.choices, "the stream ends with the usage chunk").toEqual([]);
  const sorted: Call[] = [...calls.entries()].sort((a, b) => a[0] - b[0]).map(([, c]) => ({ id: c.id, name: c.name, args: parseArgs(c.args) }));
  return { ...base, calls: sorted, usage: openaiUsage(last.usage), cost: last.usage.cost };
}

/** An HTTP error body: OpenAI's envelope, with `code` = the HTTP status (OpenRouter's convention). */
export function openaiError(status: number, body: any): ReplyError {
  const raw = JSON.stringify(body);
  expect(body?.error, raw).toBeTypeOf("object");
  expect(body.error.code, raw).toBe(status);
  expect(body.error.type, raw).toBeTypeOf("string");
  expect(body.type, raw).toBeUndefined();
  return { message: body.error.message, status, type: body.error.type, inBand: false, detail: body.error };
}
