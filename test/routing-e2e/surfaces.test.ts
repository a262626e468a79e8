// Fallback and the all-failed error on each surface, in that surface's own format; fields clients
// still send that ARouter accepts and ignores.
import { beforeEach, describe, expect, it } from "vitest";
import { readSse } from "../helpers/gateway";
import { resetRouting, setup, user } from "./helpers";

beforeEach(resetRouting);

// claude-sonnet-4 is served by Anthropic and by OpenRouter; gemini-2.5-flash by Google and OpenRouter.
const CLAUDE = "anthropic/claude-sonnet-4";
const GEMINI = "google/gemini-2.5-flash";
const anthropicEvent = (type: string, data: object) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;

describe("Anthropic surface", () => {
  for (const stream of [false, true]) {
    it(`falls back from Anthropic to OpenRouter on a 529 (${stream ? "stream" : "non-stream"})`, async () => {
      const s = await setup("anth-fb");
      await s.up.script({ match: "/anthropic/", status: 529 });
      const res = await s.messages({ model: CLAUDE, max_tokens: 200, messages: user(), stream });
      expect(res.status).toBe(200);
      expect(res.headers.get("x-arouter-provider")).toBe("openrouter");
      if (stream) {
        const { events } = await readSse(res);
        const types = events.map((e) => e.event);
        expect(types[0]).toBe("message_start");
        expect(types.at(-1)).toBe("message_stop");
        expect(types).not.toContain("error");
      } else {
        const body = (await res.json()) as any;
        expect(body.type).toBe("message");
        expect(body.content[0].text.length).toBeGreaterThan(0);
      }
      expect(await s.hits()).toEqual(["anthropic:claude-sonnet-4-20250514", "openrouter:anthropic/claude-sonnet-4"]);
    });
  }

  it("same-format stream whose first event is an overloaded error → falls back", async () => {
    const s = await setup("anth-fb-inband");
    await s.up.script({ match: "/anthropic/", chunks: [anthropicEvent("error", { error: { type: "overloaded_error", message: "Overloaded" } })] });
    const res = await s.messages({ model: CLAUDE, max_tokens: 200, messages: user(), stream: true });
    expect(res.status).toBe(200);
    const { events } = await readSse(res);
    expect(events.map((e) => e.event)).not.toContain("error");
    expect(events.at(-1)!.event).toBe("message_stop");
    expect(await s.hits()).toEqual(["anthropic:claude-sonnet-4-20250514", "openrouter:anthropic/claude-sonnet-4"]);
  });

  it("same-format stream: headers but no token within the timeout → falls back", async () => {
    const s = await setup("anth-fb-stall", { UPSTREAM_TIMEOUT_MS: "250", STREAM_KEEPALIVE_MS: "5000" });
    await s.up.script({ match: "/anthropic/", chunks: [anthropicEvent("ping", {})], fault: "stall", stallAfterChunks: 0 });
    const t0 = Date.now();
    const res = await s.messages({ model: CLAUDE, max_tokens: 200, messages: user(), stream: true });
    expect(res.status).toBe(200);
    const { events } = await readSse(res);
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(events.at(-1)!.event).toBe("message_stop");
    expect(res.headers.get("x-arouter-provider")).toBe("openrouter");
    expect(await s.hits()).toEqual(["anthropic:claude-sonnet-4-20250514", "openrouter:anthropic/claude-sonnet-4"]);
  });

  it("all endpoints fail: one Anthropic-shaped error listing the attempts", async () => {
    const s = await setup("anth-all-fail");
    await s.up.script({ status: 503, times: 4 });
    const res = await s.messages({ model: CLAUDE, max_tokens: 200, messages: user() });
    // Every endpoint overloaded: Anthropic's own 529 overloaded_error, which its SDKs retry.
    expect(res.status).toBe(529);
    const body = (await res.json()) as any;
    expect(body.type).toBe("error");
    expect(body.error.type).toBe("overloaded_error");
    expect(body.error.message).toMatch(/All 2 endpoints failed/);
    expect(body.error.message).toContain("anthropic/claude-sonnet-4-20250514");
    expect(body.error.message).toContain("openrouter/anthropic/claude-sonnet-4");
  });

  it("a 400 is returned as is, without trying OpenRouter", async () => {
    const s = await setup("anth-400");
    await s.up.script({ match: "/anthropic/", status: 400, message: "messages.0.content: bad" });
    const res = await s.messages({ model: CLAUDE, max_tokens: 200, messages: user() });
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).error.message).toContain("messages.0.content: bad");
    expect(await s.hits()).toEqual(["anthropic:claude-sonnet-4-20250514"]);
  });
});

describe("Gemini surface", () => {
  for (const [label, action, query] of [
    ["non-stream", "generateContent", ""],
    ["stream, JSON array", "streamGenerateContent", ""],
    ["stream, SSE", "streamGenerateContent", "?alt=sse"],
  ] as const) {
    it(`falls back from Google to OpenRouter on a 503 (${label})`, async () => {
      const s = await setup("gem-fb");
      await s.up.script({ match: "/gemini/", status: 503 });
      const res = await s.gemini(GEMINI, action, { contents: [{ role: "user", parts: [{ text: "Hello" }] }] }, query);
      expect(res.status).toBe(200);
      expect(res.headers.get("x-arouter-provider")).toBe("openrouter");
      const text = await res.text();
      expect(text).toContain('"candidates"');
      expect(text).not.toContain('"error"');
      expect(await s.hits()).toEqual(["gemini:gemini-2.5-flash", "openrouter:google/gemini-2.5-flash"]);
    });
  }

  it("all endpoints fail: one Gemini-shaped error listing the attempts", async () => {
    const s = await setup("gem-all-fail");
    await s.up.script({ status: 500, times: 4 });
    const res = await s.gemini(GEMINI, "generateContent", { contents: [{ role: "user", parts: [{ text: "Hello" }] }] });
    expect(res.status).toBe(502);
    const body = (await res.json()) as any;
    expect(body.error.code).toBe(502);
    expect(typeof body.error.status).toBe("string");
    expect(body.error.message).toMatch(/All 2 endpoints failed/);
    expect(body.error.message).toContain("google/gemini-2.5-flash");
  });
});

describe("OpenAI surface: accepted and ignored fields", () => {
  it("transforms, route, usage.include and stream_options cause no error and are not sent upstream", async () => {
    const s = await setup("ignored");
    const res = await s.chat({
      model: "openai/gpt-4o-mini",
      messages: user(),
      transforms: ["middle-out"],
      route: "fallback",
      usage: { include: true },
      stream_options: { include_usage: true },
      provider: { only: ["openai"] },
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as any;
    expect(body.usage.total_tokens).toBeGreaterThan(0);
    const sent = (await s.up.lastRequest())!.body;
    for (const k of ["transforms", "route", "usage", "stream_options", "provider", "models", "session_id"]) expect(sent).not.toHaveProperty(k);

    // Sent to a non-OpenAI upstream as well.
    const a = await s.chat({ model: "anthropic/claude-sonnet-4.6", messages: user(), transforms: [], route: "fallback", usage: { include: false } });
    expect(a.status).toBe(200);
    const sentA = (await s.up.lastRequest())!.body;
    for (const k of ["transforms", "route", "usage"]) expect(sentA).not.toHaveProperty(k);
  });

  it("stream_options.include_usage with a stream: usage arrives in the trailer", async () => {
    const s = await setup("ignored-stream");
    const res = await s.chat({
      model: "openai/gpt-4o-mini",
      messages: user(),
      stream: true,
      stream_options: { include_usage: true },
      usage: { include: true },
      transforms: ["middle-out"],
      provider: { only: ["openai"] },
    });
    expect(res.status).toBe(200);
    const { events } = await readSse(res);
    expect(events.at(-1)!.data).toBe("[DONE]");
    const trailer = JSON.parse(events.at(-2)!.data);
    expect(trailer.choices).toEqual([]);
    expect(trailer.usage.total_tokens).toBeGreaterThan(0);
    expect((await s.up.lastRequest())!.body.transforms).toBeUndefined();
  });
});
