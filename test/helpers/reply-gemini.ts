/** Reads Gemini generateContent answers (JSON, both stream framings, error envelopes) into the Reply shape. */
import { expect } from "vitest";
import { geminiResponseSchema, geminiStreamChunkSchema } from "../../src/codecs/gemini";
import type { Call } from "./surface-request";
import { jsonOf, noContent, valid, type Answer, type ReplyError, type Usage } from "./reply-shape";
import type { ParsedSse } from "./sse";

function geminiUsage(u: any): Usage {
  expect(u.totalTokenCount).toBe((u.promptTokenCount ?? 0) + (u.candidatesTokenCount ?? 0) + (u.thoughtsTokenCount ?? 0));
  return { input: u.promptTokenCount, output: (u.candidatesTokenCount ?? 0) + (u.thoughtsTokenCount ?? 0), reasoning: u.thoughtsTokenCount || undefined };
}

function addParts(parts: any[], acc: Pick<Answer, "text" | "reasoning" | "calls">): void {
  for (const p of parts) {
    if (p.functionCall) {
      expect(typeof p.functionCall.args, "function calls arrive whole").toBe("object");
      const call: Call = { name: p.functionCall.name, args: p.functionCall.args };
      if (p.functionCall.id) call.id = p.functionCall.id;
      if (p.thoughtSignature) call.thoughtSignature = p.thoughtSignature;
      acc.calls.push(call);
    } else if (typeof p.text === "string") {
      if (p.thought) acc.reasoning += p.text;
      else acc.text += p.text;
    }
  }
}

export function readGeminiJson(body: unknown): Answer {
  const b = valid(geminiResponseSchema, body, "GenerateContentResponse");
  const acc = noContent();
  addParts(b.candidates[0].content?.parts ?? [], acc);
  return { id: b.responseId, model: b.modelVersion, ...acc, finish: b.candidates[0].finishReason, usage: geminiUsage(b.usageMetadata), chunks: [], body: b };
}

/** Answer text (thoughts left out) of some stream elements (a partial stream too). */
export function geminiText(elements: any[]): string {
  const acc = noContent();
  for (const el of elements) addParts(el.candidates?.[0]?.content?.parts ?? [], acc);
  return acc.text;
}

/** Elements of an alt=sse stream, which Google frames with CRLF only: every event ends with CRLF CRLF. */
export function geminiSseElements({ events, raw }: ParsedSse): unknown[] {
  expect(raw.endsWith("\r\n\r\n"), `every SSE event ends with CRLF CRLF: ${raw.slice(-200)}`).toBe(true);
  expect(raw.replace(/\r\n/g, ""), "every line break is CRLF").not.toContain("\n");
  return events.map((e) => jsonOf(e.data, "gemini sse chunk"));
}

/**
 * Keep-alives of an alt=sse stream: blank lines between events. The gateway writes no SSE comment
 * on this surface, since @google/genai 1.x (inside Gemini CLI) reads nothing but `data:` events
 * (src/codecs/gemini/encode-stream.ts).
 */
function geminiKeepAlives({ comments, raw }: ParsedSse): number {
  expect(comments, "no SSE comment in a Gemini stream").toEqual([]);
  return raw.replace(/data: [^\r\n]*\r\n\r\n/g, "").split("\r\n").length - 1;
}

/**
 * A whole stream, from either framing. Every element valid; a failed one ends with its one
 * `{error}` element; in a complete one every element carries usageMetadata (a running total that
 * never goes down) and only the last a finishReason.
 */
export function readGeminiStream(elements: unknown[], sse: ParsedSse | undefined): Answer {
  const raw = sse?.raw ?? JSON.stringify(elements);
  expect(elements.length, raw).toBeGreaterThan(0);
  const chunks = elements.map((el) => valid(geminiStreamChunkSchema, el, "Gemini stream chunk"));
  const keepAlives = sse ? geminiKeepAlives(sse) : 0;
  const errorAt = chunks.findIndex((c) => c.error);
  if (errorAt >= 0) {
    expect(errorAt, `nothing after an error element: ${raw.slice(-300)}`).toBe(chunks.length - 1);
    const e = chunks[errorAt].error;
    const error: ReplyError = { message: e.message, status: e.code, type: e.status, inBand: true, detail: e };
    const seen = chunks.slice(0, errorAt);
    const withUsage = seen.filter((c) => c.usageMetadata).at(-1);
    return { ...noContent(), text: geminiText(seen), usage: withUsage ? geminiUsage(withUsage.usageMetadata) : undefined, error, chunks, keepAlives };
  }
  const acc = noContent();
  const totals: number[] = [];
  chunks.forEach((c, i) => {
    const cand = c.candidates[0];
    addParts(cand.content?.parts ?? [], acc);
    if (i < chunks.length - 1) expect(cand.finishReason, "finishReason only on the last chunk").toBeUndefined();
    expect(c.usageMetadata, "usageMetadata on every chunk").toBeDefined();
    totals.push(c.usageMetadata.totalTokenCount ?? 0);
  });
  for (let i = 1; i < totals.length; i++) expect(totals[i], "the running total never goes down").toBeGreaterThanOrEqual(totals[i - 1]);
  const last = chunks.at(-1);
  expect(last.candidates[0].finishReason, `Gemini stream ended without a finishReason or an error: ${raw.slice(-300)}`).toBeDefined();
  const { usageMetadata } = last;
  return { id: last.responseId, model: last.modelVersion, ...acc, finish: last.candidates[0].finishReason, usage: geminiUsage(usageMetadata), cost: usageMetadata.cost, chunks, keepAlives };
}

/** An HTTP error body: Google's envelope, `{error: {code, message, status}}` and nothing else. */
export function geminiError(status: number, body: any): ReplyError {
  const raw = JSON.stringify(body);
  expect(Object.keys(body ?? {}), raw).toEqual(["error"]);
  expect(body.error, raw).toBeTypeOf("object");
  expect(body.error.code, raw).toBe(status);
  expect(body.error.status, raw).toMatch(/^[A-Z_]+$/);
  expect(body.error.type, raw).toBeUndefined();
  return { message: body.error.message, status, type: body.error.status, inBand: false, detail: body.error };
}
