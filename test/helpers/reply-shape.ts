/**
 * The one shape every caller-format answer is read into (test/helpers/surface-reply.ts), and the
 * small checks the per-format readers (reply-openai/-anthropic/-gemini.ts) share.
 */
import { expect } from "vitest";
import type { Call, Framing, Surface } from "./surface-request";

export interface Usage {
  /** Prompt tokens, cached reads and cache writes included. */
  input: number;
  /** Output tokens, reasoning included. */
  output: number;
  /** Reasoning tokens, where the format reports them separately. */
  reasoning?: number;
}

export interface ReplyError {
  message: string;
  /** The HTTP status, or the in-band error's own code where the format has one. */
  status?: number;
  /** The caller-format type: OpenAI and Anthropic `error.type`, Gemini `error.status`. */
  type?: string;
  /** A stream that was committed (200) and then ended with an error event. */
  inBand: boolean;
  /** The error object as the caller received it (`body.error`, or the error chunk's `error`). */
  detail: any;
}

/** What a caller can read off one answer, whatever its surface and framing. */
export interface Reply {
  surface: Surface;
  framing: Framing;
  status: number;
  headers: Headers;
  /** Well formed and complete: a 200 answer, or a stream that ended normally. */
  ok: boolean;
  generationId: string | null;
  retryAfter: string | null;
  /** The response's own id and model (chat.completion id, message id, responseId / modelVersion). */
  id?: string;
  model?: string;
  text: string;
  reasoning: string;
  /** Thinking signature (Anthropic) as the caller sees it. */
  signature?: string;
  calls: Call[];
  /** Finish / stop reason in the caller's own vocabulary. */
  finish: string | null;
  usage?: Usage;
  /**
   * The cost (USD) the caller was told: OpenAI `usage.cost` (body or final usage chunk); elsewhere
   * the x-arouter-cost header, or for a stream the cost in its final usage (translated Anthropic
   * message_delta, Gemini's last usageMetadata) or in a final `: x-arouter-cost: …` SSE comment
   * (same-format Anthropic streams; a same-format Gemini stream carries none, see reply-gemini.ts).
   */
  cost?: number;
  error?: ReplyError;
  /** Keep-alives received while waiting: SSE comments, Anthropic pings before the first event, Gemini blank lines. */
  keepAlives: number;
  /** Streams: every payload (OpenAI chunks without [DONE], Anthropic events with pings, Gemini elements). */
  chunks: any[];
  /** JSON answers and HTTP errors: the parsed body. */
  body?: any;
  raw: string;
}

/** What a format reader fills in; surface-reply.ts adds status, headers and the rest. */
export type Answer = Pick<Reply, "text" | "reasoning" | "calls" | "finish" | "chunks"> &
  Partial<Pick<Reply, "id" | "model" | "signature" | "usage" | "cost" | "error" | "body" | "keepAlives">>;

export const noContent = (): Pick<Reply, "text" | "reasoning" | "calls" | "finish"> => ({ text: "", reasoning: "", calls: [], finish: null });

export function fail(what: string, detail: unknown): never {
  throw new Error(`${what}: ${typeof detail === "string" ? detail.slice(0, 600) : JSON.stringify(detail).slice(0, 600)}`);
}

/** Validates against one of the codecs' strict schemas (what the caller's SDK would accept). */
export function valid(schema: { safeParse(v: unknown): { success: boolean; error?: unknown } }, value: unknown, what: string): any {
  const r = schema.safeParse(value);
  if (!r.success) fail(`${what} does not match the caller's schema (${String(r.error).slice(0, 300)})`, value);
  return value;
}

export function jsonOf(text: string, what: string): any {
  try {
    return JSON.parse(text);
  } catch {
    return fail(`${what} is not JSON`, text);
  }
}

export const parseArgs = (s: string): Record<string, unknown> => (s === "" ? {} : (JSON.parse(s) as Record<string, unknown>));

export function expectContentType(res: Response, type: string): void {
  expect(res.headers.get("content-type") ?? "").toContain(type);
}

export const keepAliveComments = (comments: string[]) => comments.filter((c) => c.includes("keep-alive")).length;
