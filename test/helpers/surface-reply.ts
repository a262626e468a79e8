/**
 * Reads any surface's answer, JSON or stream, into one Reply (test/helpers/reply-shape.ts), and
 * asserts on the way that it is well formed for the caller: valid against the codecs' strict
 * schemas, a stream that terminates by its format's grammar, or an error envelope of the caller's
 * own format (never a 500).
 */
import { expect } from "vitest";
import type { Gateway } from "./gateway";
import { anthropicError, anthropicText, readAnthropicJson, readAnthropicStream } from "./reply-anthropic";
import { geminiError, geminiSseElements, geminiText, readGeminiJson, readGeminiStream } from "./reply-gemini";
import { openaiError, openaiText, readOpenAIJson, readOpenAIStream } from "./reply-openai";
import { expectContentType, jsonOf, noContent, type Answer, type Reply, type ReplyError, type Usage } from "./reply-shape";
import { parseJsonArrayStream, parseSse } from "./sse";
import type { Surface, SurfaceCall } from "./surface-request";

export type { Reply, ReplyError, Usage } from "./reply-shape";

/** The SSE comment a same-format stream ends with (its cost: no header can follow a stream). */
export const COST_COMMENT = ": x-arouter-cost: ";

/** Which reader: the caller's surface and the framing it asked for. */
export type ReplyKind = Pick<SurfaceCall, "surface" | "framing">;

export async function readReply({ surface, framing }: ReplyKind, res: Response): Promise<Reply> {
  const base = {
    surface,
    framing,
    status: res.status,
    headers: res.headers,
    generationId: res.headers.get("x-generation-id"),
    retryAfter: res.headers.get("retry-after"),
  };
  if (res.status !== 200) {
    expect(res.status, "never a 500").not.toBe(500);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(600);
    expectContentType(res, "application/json");
    const raw = await res.text();
    const body = jsonOf(raw, `${surface} error body`);
    return { ...base, ...noContent(), ok: false, error: surfaceError(surface, res.status, body), keepAlives: 0, chunks: [], body, raw };
  }
  const raw = await res.text();
  let answer: Answer;
  let commentCost: number | undefined;
  if (framing === "json") {
    expectContentType(res, "application/json");
    const body = jsonOf(raw, `${surface} response`);
    answer = surface === "openai" ? readOpenAIJson(body) : surface === "anthropic" ? readAnthropicJson(body) : readGeminiJson(body);
  } else if (framing === "json-array") {
    expect(surface, "only Gemini streams a JSON array").toBe("gemini");
    expectContentType(res, "application/json");
    answer = readGeminiStream(parseJsonArrayStream(raw), undefined);
  } else {
    expectContentType(res, "text/event-stream");
    const sse = parseSse(raw);
    const comment = sse.comments.find((c) => c.startsWith(COST_COMMENT));
    if (comment !== undefined) commentCost = Number(comment.slice(COST_COMMENT.length));
    answer = surface === "openai" ? readOpenAIStream(sse) : surface === "anthropic" ? readAnthropicStream(sse) : readGeminiStream(geminiSseElements(sse), sse);
  }
  // OpenAI callers are told the cost in usage.cost; the others in a header, or (streams) in-band.
  const header = res.headers.get("x-arouter-cost");
  const cost = surface === "openai" ? answer.cost : (answer.cost ?? commentCost ?? (header === null ? undefined : Number(header)));
  return { ...base, keepAlives: 0, ...answer, cost, ok: !answer.error, raw };
}

/** Sends a built request through the gateway and reads the answer. */
export async function ask(gw: Gateway, call: SurfaceCall): Promise<Reply> {
  return readReply(call, await gw.fetch(call.path, call.init));
}

/** The reply of a successful request (throws with the caller's error otherwise). */
export function expectOk(r: Reply): Reply & { usage: Usage } {
  if (r.error?.inBand) throw new Error(`in-band error: ${JSON.stringify(r.error.detail)}`);
  if (!r.ok) throw new Error(`caller got HTTP ${r.status}: ${r.raw.slice(0, 600)}`);
  expect(r.usage, "a complete answer reports usage").toBeDefined();
  return r as Reply & { usage: Usage };
}

/** An HTTP error body, checked to be the surface's own envelope with a message. */
export function surfaceError(surface: Surface | "embeddings", status: number, body: any): ReplyError {
  const e = surface === "anthropic" ? anthropicError(status, body) : surface === "gemini" ? geminiError(status, body) : openaiError(status, body);
  expect(e.message, JSON.stringify(body)).toBeTypeOf("string");
  expect(e.message.length, JSON.stringify(body)).toBeGreaterThan(0);
  return e;
}

/** The message of an HTTP error body, after checking the envelope is the surface's own. */
export const errorMessage = (surface: Surface | "embeddings", status: number, body: any): string => surfaceError(surface, status, body).message;

/** Answer text in the complete SSE events of a stream still arriving. */
export function partialText(surface: Surface, raw: string): string {
  const payloads = parseSse(raw, { partial: true })
    .events.filter((e) => e.data !== "[DONE]")
    .map((e) => JSON.parse(e.data));
  return surface === "openai" ? openaiText(payloads) : surface === "anthropic" ? anthropicText(payloads) : geminiText(payloads);
}

/** Finish/stop reasons a caller sees, per surface. */
export function expectedFinish(surface: Surface, kind: "stop" | "tool"): string {
  if (surface === "openai") return kind === "tool" ? "tool_calls" : "stop";
  if (surface === "anthropic") return kind === "tool" ? "tool_use" : "end_turn";
  return "STOP";
}
