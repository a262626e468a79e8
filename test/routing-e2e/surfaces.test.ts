// Fallback and the all-failed error on each surface, in that surface's own format; fields clients
// still send that ARouter accepts and ignores.
import { beforeEach, describe, expect, it } from "vitest";
import { expectOk, readReply } from "../helpers/surface-reply";
import { anthropicEvent } from "../helpers/upstream-scripts";
import { rig } from "../helpers/rig";
import { resetRouting, user } from "./helpers";

beforeEach(resetRouting);

// claude-sonnet-4 is served by Anthropic and by OpenRouter; gemini-2.5-flash by Google and OpenRouter.
const CLAUDE = "anthropic/claude-sonnet-4";
const GEMINI = "google/gemini-2.5-flash";
/** A stream read whole on the surface's own grammar (checked by the reader). */
const readStream = (surface: "openai" | "anthropic", res: Response) => readReply({ surface, framing: "sse" }, res);

describe("Anthropic surface", () => {
  for (const stream of [false, true]) {
    it(`falls back from Anthropic to OpenRouter on a 529 (${stream ? "stream" : "non-stream"})`, async () => {
      const s = await rig("anth-fb");
      await s.up.script({ match: "/anthropic/", status: 529 });
      const res = await s.messages({ model: CLAUDE, max_tokens: 200, messages: user(), stream });
      expect(res.status).toBe(200);
      expect(res.headers.get("x-arouter-provider")).toBe("openrouter");
      if (stream) {
        const types = expectOk(await readStream("anthropic", res)).chunks.map((e) => e.type);
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
    const s = await rig("anth-fb-inband");
    await s.up.script({ match: "/anthropic/", chunks: [anthropicEvent("error", { error: { type: "overloaded_error", message: "Overloaded" } })] });
    const res = await s.messages({ model: CLAUDE, max_tokens: 200, messages: user(), stream: true });
    expect(res.status).toBe(200);
    const { chunks } = expectOk(await readStream("anthropic", res));
    expect(chunks.map((e) => e.type)).not.toContain("error");
    expect(chunks.at(-1).type).toBe("message_stop");
    expect(await s.hits()).toEqual(["anthropic:claude-sonnet-4-20250514", "openrouter:anthropic/claude-sonnet-4"]);
  });

  it("same-format stream: headers but no token within the timeout → falls back", async () => {
    const s = await rig("anth-fb-stall", { env: { UPSTREAM_TIMEOUT_MS: "250", STREAM_KEEPALIVE_MS: "5000" } });
    await s.up.script({ match: "/anthropic/", chunks: [anthropicEvent("ping", {})], fault: "stall", stallAfterChunks: 0 });
    const t0 = Date.now();
    const res = await s.messages({ model: CLAUDE, max_tokens: 200, messages: user(), stream: true });
    expect(res.status).toBe(200);
    const { chunks } = expectOk(await readStream("anthropic", res));
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(chunks.at(-1).type).toBe("message_stop");
    expect(res.headers.get("x-arouter-provider")).toBe("openrouter");
    expect(await s.hits()).toEqual(["anthropic:claude-sonnet-4-20250514", "openrouter:anthropic/claude-sonnet-4"]);
  });

  it("all endpoints fail: one Anthropic-shaped error listing the attempts", async () => {
    const s = await rig("anth-all-fail");
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
    const s = await rig("anth-400");
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
      const s = await rig("gem-fb");
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
    const s = await rig("gem-all-fail");
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
    const s = await rig("ignored");
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
    const s = await rig("ignored-stream");
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
    // (ends with [DONE] right after the trailer: checked by the reader)
    const trailer = expectOk(await readStream("openai", res)).chunks.at(-1);
    expect(trailer.choices).toEqual([]);
    expect(trailer.usage.total_tokens).toBeGreaterThan(0);
    expect((await s.up.lastRequest())!.body.transforms).toBeUndefined();
  });
});
