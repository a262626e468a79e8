/**
 * The surface harness itself (test/helpers/): the reply reader accepts what each format's grammar
 * allows and rejects what it does not (so the suites built on it can fail), the partial reader
 * leaves out an event still arriving, and the price oracle is exact.
 */
import { describe, expect, it } from "vitest";
import { UPSTREAMS } from "../helpers/fake-answers";
import { expectedCost } from "../helpers/prices";
import { expectOk, partialText, readReply, type ReplyKind } from "../helpers/surface-reply";
import { surfaceCall } from "../helpers/surface-request";
import { anthropicEvent, geminiChunk, openaiChunk, scriptedText } from "../helpers/upstream-scripts";

const sse = (chunks: string[]) => new Response(chunks.join(""), { headers: { "content-type": "text/event-stream" } });
const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
const OPENAI_SSE: ReplyKind = { surface: "openai", framing: "sse" };
const ANTHROPIC_SSE: ReplyKind = { surface: "anthropic", framing: "sse" };
const GEMINI_SSE: ReplyKind = { surface: "gemini", framing: "sse" };

/** A well-formed answer "Hello there" in the upstream's own format (the gateway's caller formats are the same wire formats). */
const streamOf = (u: keyof typeof UPSTREAMS) => scriptedText(UPSTREAMS[u], true, "Hello there").chunks!;

describe("reply reader", () => {
  it("reads a complete stream of each format into one shape", async () => {
    for (const [kind, chunks] of [
      [OPENAI_SSE, streamOf("openai")],
      [ANTHROPIC_SSE, streamOf("anthropic")],
      [GEMINI_SSE, streamOf("gemini")],
    ] as const) {
      const r = expectOk(await readReply(kind, sse([...chunks])));
      expect(r.text, kind.surface).toBe("Hello there");
      expect(r.usage, kind.surface).toMatchObject({ input: 21, output: 9 });
      expect(r.finish, kind.surface).toBe({ openai: "stop", anthropic: "end_turn", gemini: "STOP" }[kind.surface]);
    }
  });

  it("rejects an OpenAI stream without [DONE], with two finish reasons, or without its usage chunk", async () => {
    const chunks = streamOf("openai");
    await expect(readReply(OPENAI_SSE, sse(chunks.slice(0, -1)))).rejects.toThrow(/\[DONE\]/);
    const twice = [...chunks.slice(0, -2), openaiChunk({}, { id: "chatcmpl-scripted", finish: "stop" }), ...chunks.slice(-2)];
    await expect(readReply(OPENAI_SSE, sse(twice))).rejects.toThrow(/one finish_reason/);
    await expect(readReply(OPENAI_SSE, sse([...chunks.slice(0, -2), chunks.at(-1)!]))).rejects.toThrow(/usage chunk/);
  });

  it("rejects an Anthropic stream that stops early or names an event after another type", async () => {
    const chunks = streamOf("anthropic");
    await expect(readReply(ANTHROPIC_SSE, sse(chunks.slice(0, -1)))).rejects.toThrow(/message_stop/);
    await expect(readReply(ANTHROPIC_SSE, sse([chunks[0].replace("event: message_start", "event: ping"), ...chunks.slice(1)]))).rejects.toThrow(/event name/);
  });

  it("reads an Anthropic in-band error as the reply's error, and rejects an unknown error type", async () => {
    const chunks = streamOf("anthropic").slice(0, 3);
    const r = await readReply(ANTHROPIC_SSE, sse([...chunks, anthropicEvent("error", { error: { type: "overloaded_error", message: "Overloaded" } })]));
    expect(r.ok).toBe(false);
    expect(r.error).toMatchObject({ inBand: true, type: "overloaded_error", message: "Overloaded" });
    expect(r.text).toBe("Hello ");
    await expect(readReply(ANTHROPIC_SSE, sse([...chunks, anthropicEvent("error", { error: { type: "oops", message: "x" } })]))).rejects.toThrow();
  });

  it("rejects a Gemini SSE stream framed with LF, or with a finishReason before its last element", async () => {
    const chunks = streamOf("gemini");
    await expect(readReply(GEMINI_SSE, sse(chunks.map((c) => c.replace(/\r\n/g, "\n"))))).rejects.toThrow(/CRLF/);
    const early = geminiChunk([{ text: "Hello " }], { model: "gemini-2.5-flash", usage: { input: 21, output: 4 }, finish: true });
    await expect(readReply(GEMINI_SSE, sse([early, chunks[1]]))).rejects.toThrow(/finishReason only on the last chunk/);
  });

  it("reads an HTTP error in the surface's own envelope, and rejects a 500 or a foreign envelope", async () => {
    const r = await readReply({ surface: "gemini", framing: "json" }, json({ error: { code: 429, message: "slow down", status: "RESOURCE_EXHAUSTED" } }, 429));
    expect(r.error).toMatchObject({ inBand: false, status: 429, type: "RESOURCE_EXHAUSTED", message: "slow down" });
    await expect(readReply({ surface: "openai", framing: "json" }, json({ error: { code: 500, type: "api_error", message: "x" } }, 500))).rejects.toThrow(/never a 500/);
    await expect(readReply({ surface: "openai", framing: "json" }, json({ type: "error", error: { type: "api_error", message: "x" } }, 502))).rejects.toThrow();
  });

  it("reads the text of the complete events of a stream still arriving", () => {
    const [role, hello, there] = streamOf("openai");
    expect(partialText("openai", role + hello + there.slice(0, 20))).toBe("Hello ");
  });
});

describe("request builder", () => {
  it("puts the key where each surface's SDK does, and the framing in the path or the body", () => {
    const o = surfaceCall("openai", "k1", { model: "m", framing: "sse" });
    expect(o.path).toBe("/v1/chat/completions");
    expect(new Headers(o.init.headers).get("authorization")).toBe("Bearer k1");
    expect(o.body).toMatchObject({ model: "m", stream: true, messages: [{ role: "user", content: "Hi there" }] });
    const a = surfaceCall("anthropic", "k2", { model: "m", text: "yo" });
    expect(new Headers(a.init.headers).get("x-api-key")).toBe("k2");
    expect(a.body).toEqual({ model: "m", max_tokens: 1024, messages: [{ role: "user", content: "yo" }] });
    const g = surfaceCall("gemini", "k3", { model: "p/m", framing: "json-array", maxTokens: 7 });
    expect(g.path).toBe("/v1beta/models/p/m:streamGenerateContent");
    expect(new Headers(g.init.headers).get("x-goog-api-key")).toBe("k3");
    expect(g.body).toEqual({ contents: [{ role: "user", parts: [{ text: "Hi there" }] }], generationConfig: { maxOutputTokens: 7 } });
  });
});

describe("price oracle", () => {
  it("prices cache reads and writes at their own rates, exactly, rounded up to a micro-USD", () => {
    // claude-sonnet-4.6: $3/M input, $0.30/M cache read, $3.75/M cache write, $15/M output.
    expect(expectedCost("anthropic/claude-sonnet-4.6", "anthropic", { input: 2150, cached: 2000, cacheWrite: 50, output: 40 })).toBe(
      Math.ceil(100 * 3 + 2000 * 0.3 + 50 * 3.75 + 40 * 15),
    );
    expect(expectedCost("anthropic/claude-sonnet-4.6", "anthropic", { input: 1, output: 0 })).toBe(3);
  });
});
