// Fallbacks end to end: endpoint and model fallback on 429 / 5xx / timeouts / connection errors,
// what never falls back (a 400, a stream that already sent content), cool-down, Retry-After and
// the total routing deadline.
import { beforeEach, describe, expect, it } from "vitest";
import { readSse } from "../helpers/sse";
import { readReply } from "../helpers/surface-reply";
import { openaiChunk } from "../helpers/upstream-scripts";
import { NO_OPENROUTER } from "../helpers/fake-upstream";
import { rig } from "../helpers/rig";
import { CLOSED_PORT_URL, resetRouting, user } from "./helpers";

beforeEach(resetRouting);

// gpt-oss-120b has five endpoints; provider.order puts Groq first and Cerebras second.
const MODEL = "openai/gpt-oss-120b";
const GROQ_FIRST = { order: ["groq", "cerebras"] };
const GROQ = "groq:openai/gpt-oss-120b";
const CEREBRAS = "cerebras:gpt-oss-120b";

/** An OpenAI-surface stream read whole (ends with [DONE], one error chunk at most: checked by the reader). */
const streamReply = (res: Response) => readReply({ surface: "openai", framing: "sse" }, res);

const contentChunk = (text: string) => openaiChunk({ role: "assistant", content: text }, { id: "chatcmpl-x", model: "openai/gpt-oss-120b" });

describe("endpoint fallback before the first byte", () => {
  for (const status of [429, 500, 502, 503]) {
    for (const stream of [false, true]) {
      it(`${status} → the next endpoint answers (${stream ? "stream" : "non-stream"})`, async () => {
        const s = await rig(`fb-${status}`);
        await s.up.script({ match: "/groq/", status });
        const res = await s.chat({ model: MODEL, messages: user(), stream, provider: GROQ_FIRST });
        expect(res.status).toBe(200);
        expect(res.headers.get("x-arouter-provider")).toBe("cerebras");
        if (stream) {
          const { chunks, text, ok } = await streamReply(res);
          expect(ok).toBe(true);
          expect(text.length).toBeGreaterThan(0);
          expect(chunks.every((c) => c.provider === "cerebras")).toBe(true);
          expect(chunks.some((c) => c.error)).toBe(false);
        } else {
          const body = (await res.json()) as any;
          expect(body.provider).toBe("cerebras");
          expect(body.model).toBe("gpt-oss-120b");
          expect(body.choices[0].message.content.length).toBeGreaterThan(0);
        }
        expect(await s.hits()).toEqual([GROQ, CEREBRAS]);
      });
    }
  }

  for (const stream of [false, true]) {
    it(`a timeout (upstream hangs) → the next endpoint answers (${stream ? "stream" : "non-stream"})`, async () => {
      const s = await rig("fb-timeout", { env: { UPSTREAM_TIMEOUT_MS: "250", STREAM_KEEPALIVE_MS: "5000" } });
      await s.up.script({ match: "/groq/", fault: "hang" });
      const t0 = Date.now();
      const res = await s.chat({ model: MODEL, messages: user(), stream, provider: GROQ_FIRST });
      expect(res.status).toBe(200);
      expect(res.headers.get("x-arouter-provider")).toBe("cerebras");
      if (stream) expect((await streamReply(res)).ok).toBe(true);
      else expect(((await res.json()) as any).provider).toBe("cerebras");
      expect(Date.now() - t0).toBeGreaterThanOrEqual(240);
      expect(Date.now() - t0).toBeLessThan(3000);
      expect(await s.hits()).toEqual([GROQ, CEREBRAS]);
      // The hung request was abandoned, not left open.
      expect(await s.up.waitForAborted(1)).toBeGreaterThanOrEqual(1);
    });

    it(`a connection error (closed port) → the next endpoint answers (${stream ? "stream" : "non-stream"})`, async () => {
      const s = await rig("fb-conn", { env: { GROQ_BASE_URL: CLOSED_PORT_URL } });
      const res = await s.chat({ model: MODEL, messages: user(), stream, provider: GROQ_FIRST });
      expect(res.status).toBe(200);
      expect(res.headers.get("x-arouter-provider")).toBe("cerebras");
      if (stream) expect((await streamReply(res)).ok).toBe(true);
      else expect(((await res.json()) as any).provider).toBe("cerebras");
      // Groq never reached the fake: only Cerebras did.
      expect(await s.hits()).toEqual([CEREBRAS]);
    });

    it(`a reset connection → the next endpoint answers (${stream ? "stream" : "non-stream"})`, async () => {
      const s = await rig("fb-reset");
      await s.up.script({ match: "/groq/", fault: "reset" });
      const res = await s.chat({ model: MODEL, messages: user(), stream, provider: GROQ_FIRST });
      expect(res.status).toBe(200);
      expect(res.headers.get("x-arouter-provider")).toBe("cerebras");
      if (stream) expect((await streamReply(res)).ok).toBe(true);
      else expect(((await res.json()) as any).provider).toBe("cerebras");
      expect(await s.hits()).toEqual([GROQ, CEREBRAS]);
    });
  }

  it("a non-stream body cut off mid-way (nothing sent to the client yet) → the next endpoint answers", async () => {
    const s = await rig("fb-cut-body");
    await s.up.script({ match: "/groq/", chunks: ['{"id":"chatcmpl-1","object":"chat.completion","choices":[{"index":0,', '"message":{}}]}'], fault: "reset-after", resetAfterChunks: 1 });
    const res = await s.chat({ model: MODEL, messages: user(), provider: GROQ_FIRST });
    expect(res.status).toBe(200);
    expect(((await res.json()) as any).provider).toBe("cerebras");
    expect(await s.hits()).toEqual([GROQ, CEREBRAS]);
  });

  it("a stream whose headers came but no token within the timeout → the next endpoint answers", async () => {
    const s = await rig("fb-stall", { env: { UPSTREAM_TIMEOUT_MS: "250", STREAM_KEEPALIVE_MS: "100" } });
    await s.up.script({ match: "/groq/", chunks: [contentChunk("never")], fault: "stall", stallAfterChunks: 0 });
    const t0 = Date.now();
    const res = await s.chat({ model: MODEL, messages: user(), stream: true, provider: GROQ_FIRST });
    expect(res.status).toBe(200);
    const { raw } = await readSse(res);
    expect(Date.now() - t0).toBeLessThan(3000);
    // Keep-alives flowed while waiting; then Cerebras' answer, complete.
    expect(raw).toContain(": keep-alive");
    expect(raw).toContain('"provider":"cerebras"');
    expect(raw.trimEnd().endsWith("data: [DONE]")).toBe(true);
    expect(raw).not.toContain("never");
    expect(await s.hits()).toEqual([GROQ, CEREBRAS]);
  });

  it("a stream that errors in-band before any content → the next endpoint answers", async () => {
    const s = await rig("fb-inband-early");
    await s.up.script({ match: "/groq/", chunks: [`data: ${JSON.stringify({ error: { message: "overloaded", code: 503 } })}\n\n`] });
    const res = await s.chat({ model: MODEL, messages: user(), stream: true, provider: GROQ_FIRST });
    expect(res.status).toBe(200);
    const { chunks, ok } = await streamReply(res);
    expect(ok).toBe(true);
    expect(chunks.some((c) => c.error)).toBe(false);
    expect(await s.hits()).toEqual([GROQ, CEREBRAS]);
  });

  it("keeps going through several failing endpoints in order", async () => {
    const s = await rig("fb-chain");
    await s.up.script([{ match: "/groq/", status: 500 }, { match: "/cerebras/", status: 503 }]);
    const res = await s.chat({ model: MODEL, messages: user(), provider: { order: ["groq", "cerebras", "together"] } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as any).provider).toBe("together");
    expect(await s.hits()).toEqual([GROQ, CEREBRAS, "together:openai/gpt-oss-120b"]);
  });
});

describe("what does not fall back", () => {
  for (const stream of [false, true]) {
    it(`a 400 from the upstream is the caller's error: no fallback (${stream ? "stream" : "non-stream"})`, async () => {
      const s = await rig("no-fb-400");
      await s.up.script({ match: "/groq/", status: 400, message: "Invalid value for 'temperature'" });
      const res = await s.chat({ model: MODEL, messages: user(), stream, provider: GROQ_FIRST });
      expect(res.status).toBe(400);
      const body = (await res.json()) as any;
      expect(body.error.message).toContain("Invalid value for 'temperature'");
      expect(body.error.metadata.provider_name).toBe("groq");
      expect(await s.hits()).toEqual([GROQ]);
    });
  }

  it("once content was streamed, a failure is an in-band error, not a fallback", async () => {
    const s = await rig("no-fb-midstream");
    await s.up.script({ match: "/groq/", chunks: [contentChunk("Hello"), contentChunk(" world")], fault: "reset-after", resetAfterChunks: 1 });
    const res = await s.chat({ model: MODEL, messages: user(), stream: true, provider: GROQ_FIRST });
    expect(res.status).toBe(200);
    const { chunks, text, error } = await streamReply(res);
    expect(error?.inBand).toBe(true);
    expect(text).toBe("Hello");
    const err = chunks.find((c) => c.error);
    expect(err).toBeDefined();
    expect(err.error.message).toMatch(/groq/i);
    expect(err.choices[0].finish_reason).toBe("error");
    expect(chunks.filter((c) => c.error)).toHaveLength(1);
    // Cerebras was never asked.
    expect(await s.hits()).toEqual([GROQ]);
  });

  it("allow_fallbacks:false stops after the first endpoint", async () => {
    const s = await rig("no-fb-allow");
    await s.up.script({ match: "/groq/", status: 503 });
    const res = await s.chat({ model: MODEL, messages: user(), provider: { order: ["groq"], allow_fallbacks: false } });
    // An overloaded upstream is the OpenAI surface's 503 (test/resilience/overloaded.test.ts).
    expect(res.status).toBe(503);
    expect(await s.hits()).toEqual([GROQ]);
  });
});

describe("all candidates fail", () => {
  it("one OpenAI-shaped error listing every attempt (non-stream)", async () => {
    const s = await rig("all-fail");
    await s.up.script({ status: 503, times: 10 });
    const res = await s.chat({ model: MODEL, messages: user(), provider: { only: ["groq", "cerebras", "together"] } });
    // The last failure (an overloaded upstream) decides the status: 503.
    expect(res.status).toBe(503);
    const body = (await res.json()) as any;
    expect(body.error.code).toBe(503);
    expect(body.error.type).toBe("overloaded_error");
    expect(body.error.message).toMatch(/All 3 endpoints failed/);
    expect(body.error.metadata.attempts).toHaveLength(3);
    for (const p of ["groq", "cerebras", "together"]) expect(body.error.message).toContain(p);
    expect(res.headers.get("x-generation-id")).toMatch(/^gen-/);
    expect((await s.hits()).length).toBe(3);
  });

  it("lists attempts when the last failure is a timeout", async () => {
    const s = await rig("all-fail-timeout", { env: { UPSTREAM_TIMEOUT_MS: "200" } });
    await s.up.script([{ match: "/groq/", status: 500 }, { match: "/cerebras/", fault: "hang" }]);
    const res = await s.chat({ model: MODEL, messages: user(), provider: { only: ["groq", "cerebras"], order: ["groq", "cerebras"] } });
    expect(res.status).toBe(504);
    const body = (await res.json()) as any;
    expect(body.error.message).toMatch(/All 2 endpoints failed/);
    expect(body.error.metadata.attempts).toHaveLength(2);
    expect(body.error.metadata.attempts[0]).toMatch(/^groq\//);
    expect(body.error.metadata.attempts[1]).toMatch(/^cerebras\/.*200 ms/);
  });

  it("a stream that fails everywhere before content: an HTTP error, not a 200 stream", async () => {
    const s = await rig("all-fail-stream", { env: { STREAM_KEEPALIVE_MS: "5000" } });
    await s.up.script({ status: 500, times: 10 });
    const res = await s.chat({ model: MODEL, messages: user(), stream: true, provider: { only: ["groq", "cerebras"] } });
    expect(res.status).toBe(502);
    const body = (await res.json()) as any;
    expect(body.error.message).toMatch(/All 2 endpoints failed/);
    expect(body.error.metadata.attempts).toHaveLength(2);
  });

  it("after keep-alives committed the stream: one in-band error listing the attempts", async () => {
    const s = await rig("all-fail-stream-ka", { env: { STREAM_KEEPALIVE_MS: "50" } });
    await s.up.script([
      { match: "/groq/", status: 500, firstByteDelayMs: 150 },
      { match: "/cerebras/", status: 502, firstByteDelayMs: 50 },
    ]);
    const res = await s.chat({ model: MODEL, messages: user(), stream: true, provider: { only: ["groq", "cerebras"], order: ["groq", "cerebras"] } });
    expect(res.status).toBe(200);
    const { events, comments } = await readSse(res);
    expect(comments).toContain(": keep-alive");
    expect(events.at(-1)!.data).toBe("[DONE]");
    const chunks = events.filter((e) => e.data !== "[DONE]").map((e) => JSON.parse(e.data));
    const errs = chunks.filter((c) => c.error);
    expect(errs).toHaveLength(1);
    expect(errs[0].error.message).toMatch(/All 2 endpoints failed/);
    expect(errs[0].error.message).toContain("groq");
    expect(errs[0].error.message).toContain("cerebras");
    expect(errs[0].choices[0].finish_reason).toBe("error");
    // Nothing but the error and the usage trailer.
    expect(chunks.filter((c) => !c.error).every((c) => c.choices.length === 0)).toBe(true);
    expect(await s.hits()).toEqual([GROQ, CEREBRAS]);
  });
});

describe("fallback models", () => {
  for (const stream of [false, true]) {
    it(`models: [a, b] → b answers when a fails; the response names b (${stream ? "stream" : "non-stream"})`, async () => {
      const s = await rig("models-list");
      await s.up.script({ match: "/anthropic/", status: 529 });
      const res = await s.chat({ model: "anthropic/claude-sonnet-4.6", models: ["openai/gpt-4o-mini"], messages: user(), stream, provider: { only: ["anthropic", "openai"] } });
      expect(res.status).toBe(200);
      expect(res.headers.get("x-arouter-model")).toBe("openai/gpt-4o-mini");
      expect(res.headers.get("x-arouter-provider")).toBe("openai");
      if (stream) {
        const { chunks } = await streamReply(res);
        expect(chunks.every((c) => c.model === "gpt-4o-mini" && c.provider === "openai")).toBe(true);
      } else {
        const body = (await res.json()) as any;
        expect(body.model).toBe("gpt-4o-mini");
        expect(body.provider).toBe("openai");
      }
      expect(await s.hits()).toEqual(["anthropic:claude-sonnet-4-6", "openai:gpt-4o-mini"]);
    });
  }

  it("tries the models in the order given, model first", async () => {
    const s = await rig("models-order");
    await s.up.script([{ match: "/gemini/", status: 500 }, { match: "/anthropic/", status: 500 }]);
    const res = await s.chat({
      model: "google/gemini-2.5-flash",
      models: ["anthropic/claude-sonnet-4.6", "openai/gpt-4o-mini"],
      messages: user(),
      provider: { only: ["google", "anthropic", "openai"] },
    });
    expect(res.status).toBe(200);
    expect(await s.hits()).toEqual(["gemini:gemini-2.5-flash", "anthropic:claude-sonnet-4-6", "openai:gpt-4o-mini"]);
  });

  it("allow_fallbacks:false still tries the fallback models (one endpoint each)", async () => {
    const s = await rig("models-nofb");
    await s.up.script({ match: "/groq/", status: 500 });
    const res = await s.chat({ model: MODEL, models: ["openai/gpt-4o-mini"], messages: user(), provider: { order: ["groq", "openai"], allow_fallbacks: false } });
    expect(res.status).toBe(200);
    expect(await s.hits()).toEqual([GROQ, "openai:gpt-4o-mini"]);
  });

  it("a 400 from model a does not try model b", async () => {
    const s = await rig("models-400");
    await s.up.script({ match: "/anthropic/", status: 400 });
    const res = await s.chat({ model: "anthropic/claude-sonnet-4.6", models: ["openai/gpt-4o-mini"], messages: user() });
    expect(res.status).toBe(400);
    expect(await s.hits()).toEqual(["anthropic:claude-sonnet-4-6"]);
  });
});

describe("cool-down", () => {
  it("an endpoint failing repeatedly is skipped until its cool-down ends", async () => {
    const s = await rig("cooldown");
    await s.up.script({ match: "/groq/", status: 503, times: 3 });
    for (let i = 0; i < 3; i++) {
      const r = await s.chat({ model: MODEL, messages: user(), provider: GROQ_FIRST });
      expect(r.status).toBe(200);
    }
    expect(await s.hits()).toEqual([GROQ, CEREBRAS, GROQ, CEREBRAS, GROQ, CEREBRAS]);
    // Groq is cooling down: the next request goes straight to Cerebras.
    const r = await s.chat({ model: MODEL, messages: user(), provider: GROQ_FIRST });
    expect(((await r.json()) as any).provider).toBe("cerebras");
    expect((await s.hits()).slice(6)).toEqual([CEREBRAS]);
    // The endpoints listing shows it.
    const eps = (await (await s.gw.fetch(`/v1/models/${MODEL}/endpoints`)).json()) as any;
    expect(eps.data.endpoints.find((e: any) => e.tag === "groq").status).toBe(-1);
    expect(eps.data.endpoints.find((e: any) => e.tag === "cerebras").status).toBe(0);
  });

  it("a cooling endpoint is still used when it is the only one", async () => {
    const s = await rig("cooldown-only", { env: NO_OPENROUTER });
    await s.up.script({ match: "/anthropic/", status: 503, times: 3 });
    for (let i = 0; i < 3; i++) expect((await s.chat({ model: "anthropic/claude-sonnet-4.6", messages: user() })).status).toBe(503);
    const r = await s.chat({ model: "anthropic/claude-sonnet-4.6", messages: user() });
    expect(r.status).toBe(200);
  });

  it("400s do not count towards a cool-down", async () => {
    const s = await rig("cooldown-400");
    await s.up.script({ match: "/groq/", status: 400, times: 4 });
    for (let i = 0; i < 4; i++) expect((await s.chat({ model: MODEL, messages: user(), provider: GROQ_FIRST })).status).toBe(400);
    const r = await s.chat({ model: MODEL, messages: user(), provider: GROQ_FIRST });
    expect(((await r.json()) as any).provider).toBe("groq");
  });
});

describe("Retry-After", () => {
  it("a 429 with another endpoint available moves on at once", async () => {
    const s = await rig("ra-next");
    await s.up.script({ match: "/groq/", status: 429, headers: { "retry-after": "2" } });
    const t0 = Date.now();
    const res = await s.chat({ model: MODEL, messages: user(), provider: GROQ_FIRST });
    expect(res.status).toBe(200);
    expect(Date.now() - t0).toBeLessThan(1500);
    expect(await s.hits()).toEqual([GROQ, CEREBRAS]);
  });

  it("the rate-limited endpoint is skipped while its Retry-After lasts", async () => {
    const s = await rig("ra-skip");
    await s.up.script({ match: "/groq/", status: 429, headers: { "retry-after": "30" } });
    expect((await s.chat({ model: MODEL, messages: user(), provider: GROQ_FIRST })).status).toBe(200);
    expect((await s.chat({ model: MODEL, messages: user(), provider: GROQ_FIRST })).status).toBe(200);
    expect(await s.hits()).toEqual([GROQ, CEREBRAS, CEREBRAS]);
  });

  for (const stream of [false, true]) {
    it(`the only endpoint: waits a short Retry-After and retries it once (${stream ? "stream" : "non-stream"})`, async () => {
      const s = await rig("ra-wait", { env: { ...NO_OPENROUTER, STREAM_KEEPALIVE_MS: "5000" } });
      await s.up.script({ match: "/anthropic/", status: 429, headers: { "retry-after": "1" } });
      const t0 = Date.now();
      const res = await s.chat({ model: "anthropic/claude-sonnet-4.6", messages: user(), stream });
      expect(res.status).toBe(200);
      await res.text();
      expect(Date.now() - t0).toBeGreaterThanOrEqual(950);
      expect(await s.hits()).toEqual(["anthropic:claude-sonnet-4-6", "anthropic:claude-sonnet-4-6"]);
    });
  }

  it("a Retry-After beyond the bound is not waited for: 429 passes it on", async () => {
    const s = await rig("ra-long", { env: NO_OPENROUTER });
    await s.up.script({ match: "/anthropic/", status: 429, headers: { "retry-after": "120" } });
    const t0 = Date.now();
    const res = await s.chat({ model: "anthropic/claude-sonnet-4.6", messages: user() });
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("120");
    expect(((await res.json()) as any).error.type).toBe("rate_limit_error");
    expect(await s.hits()).toEqual(["anthropic:claude-sonnet-4-6"]);
  });

  it("retries are bounded: a second 429 is returned", async () => {
    const s = await rig("ra-bounded", { env: NO_OPENROUTER });
    await s.up.script({ match: "/anthropic/", status: 429, headers: { "retry-after": "0" }, times: 5 });
    const res = await s.chat({ model: "anthropic/claude-sonnet-4.6", messages: user() });
    expect(res.status).toBe(429);
    expect(((await res.json()) as any).error.message).toMatch(/All 2 attempts failed/);
    expect((await s.hits()).length).toBe(2);
  });
});

describe("total deadline", () => {
  for (const stream of [false, true]) {
    it(`stops trying endpoints when ROUTING_DEADLINE_MS is spent (${stream ? "stream" : "non-stream"})`, async () => {
      // Each attempt may wait 400 ms, all of them 600 ms: the second attempt gets only 200 ms and
      // the other two endpoints are never tried (without a deadline: 4 × 400 ms).
      const s = await rig("deadline", { env: { UPSTREAM_TIMEOUT_MS: "400", ROUTING_DEADLINE_MS: "600", STREAM_KEEPALIVE_MS: "5000" } });
      await s.up.script({ fault: "hang", times: 10 });
      const t0 = Date.now();
      const res = await s.chat({ model: MODEL, messages: user(), stream, provider: { only: ["groq", "cerebras", "together", "fireworks"] } });
      const elapsed = Date.now() - t0;
      expect(res.status).toBe(504);
      expect(elapsed).toBeGreaterThanOrEqual(590);
      expect(elapsed).toBeLessThan(1500);
      const body = (await res.json()) as any;
      expect(body.error.metadata.attempts).toHaveLength(2);
      // The second attempt only got what the deadline left.
      expect(Number(/within (\d+) ms/.exec(body.error.metadata.attempts[1])![1])).toBeLessThan(400);
      expect(body.error.message).toMatch(/routing deadline of 600 ms reached/);
      expect((await s.hits()).length).toBe(2);
    });
  }

  it("defaults to twice UPSTREAM_TIMEOUT_MS", async () => {
    const s = await rig("deadline-default", { env: { UPSTREAM_TIMEOUT_MS: "300" } });
    await s.up.script({ fault: "hang", times: 10 });
    const t0 = Date.now();
    const res = await s.chat({ model: MODEL, messages: user(), provider: { only: ["groq", "cerebras", "together", "fireworks"] } });
    expect(res.status).toBe(504);
    expect(Date.now() - t0).toBeLessThan(1150);
    expect((await s.hits()).length).toBe(2);
  });
});
