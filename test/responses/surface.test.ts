/**
 * POST /v1/responses end to end, against upstreams of every format: the answer's shape, usage and
 * cost, the generation id, streams and their keep-alive, tools, errors in the Responses shape.
 */
import { describe, expect, it } from "vitest";
import { items, outputText, readResponse, readStream, setup, WEATHER_FUNCTION, type Rec } from "./helpers";

const UPSTREAMS = [
  { model: "openai/gpt-4o", text: "Hello from fake openai (gpt-4o)", path: "/openai/v1/responses" },
  { model: "anthropic/claude-sonnet-4.6", text: "Hello from fake anthropic (claude-sonnet-4-6)", path: "/anthropic/v1/messages" },
  { model: "google/gemini-2.5-flash", text: "Hello from fake gemini (gemini-2.5-flash)", path: "/gemini/v1beta/models/gemini-2.5-flash:generateContent" },
  { model: "deepseek/deepseek-v4-flash", text: "Hello from fake deepseek (deepseek-v4-flash)", path: "/deepseek/v1/chat/completions" },
];

describe("POST /v1/responses", () => {
  for (const u of UPSTREAMS) {
    it(`answers a Response object with usage, cost and the generation id (${u.model})`, async () => {
      const s = await setup("resp-surface");
      const res = await s.post({ model: u.model, instructions: "Be brief.", input: "Say hello", max_output_tokens: 200, metadata: { run: "1" } });
      const body = await readResponse(res);
      expect(res.headers.get("x-generation-id")).toMatch(/^gen-/);
      expect(body.id).toBe(res.headers.get("x-generation-id"));
      expect(body).toMatchObject({ object: "response", status: "completed", instructions: "Be brief.", max_output_tokens: 200, metadata: { run: "1" }, store: true });
      expect(outputText(body)).toBe(u.text);
      const usage = body.usage as Rec;
      expect(usage.input_tokens).toBeGreaterThan(0);
      expect(usage.output_tokens).toBeGreaterThan(0);
      expect(usage.total_tokens).toBe((usage.input_tokens as number) + (usage.output_tokens as number));
      expect(usage).toMatchObject({ input_tokens_details: { cached_tokens: 0 }, output_tokens_details: { reasoning_tokens: expect.any(Number) } });
      expect(usage.cost).toBeGreaterThan(0);
      expect(Number(res.headers.get("x-arouter-cost"))).toBeCloseTo(usage.cost as number, 6);
      const sent = (await s.up.lastRequest())!;
      expect(sent.path.startsWith(u.path.split(":")[0])).toBe(true);
      await s.gw.settled();
      const gen = await s.gw.fetch(`/api/v1/generation?id=${body.id}`, { headers: { authorization: `Bearer ${s.key}` } });
      expect(gen.status).toBe(200);
      expect(((await gen.json()) as { data: Rec }).data).toMatchObject({ id: body.id });
    });

    it(`streams the exact event sequence, with tool calls (${u.model})`, async () => {
      const s = await setup("resp-stream");
      const res = await s.post({ model: u.model, input: "What's the weather in Paris?", tools: [WEATHER_FUNCTION], stream: true });
      const { types, final } = await readStream(res);
      expect(types.slice(0, 2)).toEqual(["response.created", "response.in_progress"]);
      expect(types).toContain("response.function_call_arguments.delta");
      expect(types.at(-1)).toBe("response.completed");
      const calls = items(final, "function_call");
      expect(calls.length).toBeGreaterThan(0);
      expect(calls[0]).toMatchObject({ name: "get_weather", status: "completed" });
      expect(JSON.parse(calls[0].arguments as string)).toHaveProperty("city");
      expect((final.usage as Rec).cost).toBeGreaterThan(0);
      expect(final.id).toBe(res.headers.get("x-generation-id"));
    });
  }

  it("keeps a stream alive with SSE comments while no token has arrived", async () => {
    const s = await setup("resp-keepalive", { STREAM_KEEPALIVE_MS: "50" });
    await s.up.script({ firstByteDelayMs: 400 });
    const res = await s.post({ model: "anthropic/claude-sonnet-4.6", input: "Hi", stream: true });
    const { comments, types } = await readStream(res);
    expect(comments.some((c) => c.includes("keep-alive"))).toBe(true);
    expect(types.at(-1)).toBe("response.completed");
  });

  it("answers errors in the Responses shape: bad input, unknown model, no key, upstream failure", async () => {
    const s = await setup("resp-errors");
    const bad = await s.post({ model: "openai/gpt-4o", input: [{ role: "robot", content: "x" }] });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { type: "invalid_request_error", message: expect.stringContaining("input[0]") } });

    const unknown = await s.post({ model: "nope/not-a-model", input: "x" });
    expect(unknown.status).toBeGreaterThanOrEqual(400);
    expect(((await unknown.json()) as { error: Rec }).error).toHaveProperty("message");

    const anon = await s.gw.fetch("/v1/responses", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ model: "openai/gpt-4o", input: "x" }) });
    expect(anon.status).toBe(401);
    expect(await anon.json()).toMatchObject({ error: { code: "invalid_api_key" } });

    await s.up.script({ status: 400, message: "bad thing" });
    const upstream = await s.post({ model: "anthropic/claude-sonnet-4.6", input: "x" });
    expect(upstream.status).toBe(400);
    expect(((await upstream.json()) as { error: Rec }).error.message).toContain("bad thing");
  });

  it("fails in-band after the stream started: an error event, then response.failed", async () => {
    const s = await setup("resp-inband");
    await s.up.script({
      chunks: [
        'event: message_start\ndata: {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-4-6","content":[],"stop_reason":null,"usage":{"input_tokens":5,"output_tokens":1}}}\n\n',
        'event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}\n\n',
        'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hel"}}\n\n',
      ],
      fault: "truncate",
    });
    const res = await s.post({ model: "anthropic/claude-sonnet-4.6", input: "Hi", stream: true });
    const { types, final } = await readStream(res, true);
    expect(types).toContain("response.output_text.delta");
    expect(types.at(-2)).toBe("error");
    expect(final).toMatchObject({ status: "failed", error: { message: expect.any(String) } });
  });

  it("lists the surface in usage records and drops what an upstream cannot take (x-arouter-dropped)", async () => {
    const s = await setup("resp-dropped");
    const res = await s.post({ model: "anthropic/claude-sonnet-4.6", input: "Search the news", tools: [{ type: "web_search" }, WEATHER_FUNCTION] });
    const body = await readResponse(res);
    expect(res.headers.get("x-arouter-dropped")).toBe("tool web_search");
    expect(items(body, "web_search_call")).toEqual([]);
    // The caller's tools are still echoed, as OpenAI does.
    expect((body.tools as Rec[]).map((t) => t.type)).toEqual(["web_search", "function"]);
    const sent = (await s.up.lastRequest())!.body as Rec;
    expect((sent.tools as Rec[]).map((t) => t.name)).toEqual(["get_weather"]);
    await s.gw.settled();
    const gen = await s.gw.fetch(`/api/v1/generation?id=${body.id}`, { headers: { authorization: `Bearer ${s.key}` } });
    expect(((await gen.json()) as { data: Rec }).data).toMatchObject({ surface: "responses" });
  });

  it("refuses a forced built-in tool where no endpoint can run it (400 naming it), runs it on OpenAI", async () => {
    const s = await setup("resp-forced");
    const tools = [{ type: "web_search" }];
    const res = await s.post({ model: "anthropic/claude-sonnet-4.6", input: "Search", tools, tool_choice: { type: "web_search" } });
    expect(res.status).toBe(400);
    const err = ((await res.json()) as { error: Rec }).error;
    expect(err.message).toContain("tool web_search");
    expect((await s.up.requests()).length).toBe(0);

    const ok = await s.post({ model: "openai/gpt-4o", input: "Search", tools, tool_choice: { type: "web_search" } });
    await readResponse(ok);
    const sent = (await s.up.lastRequest())!;
    expect(sent.path).toBe("/openai/v1/responses");
    expect(sent.body).toMatchObject({ tools, tool_choice: { type: "web_search" } });
  });

  it("skips the endpoints that cannot run a required native feature and keeps the others in order", async () => {
    const s = await setup("resp-skip", (up) => ({ OPENROUTER_API_KEY: up.env.OPENROUTER_API_KEY, GITHUB_TOKEN: "" }));
    const body = { model: "openai/gpt-4o", input: "Search", tools: [{ type: "web_search" }], provider: { order: ["openrouter", "openai"] } };
    // Offered only: the first endpoint in the order answers (OpenRouter, through chat completions, without the tool).
    const offered = await s.post(body);
    await readResponse(offered);
    expect(offered.headers.get("x-arouter-provider")).toBe("openrouter");
    expect(offered.headers.get("x-arouter-dropped")).toBe("tool web_search");
    // Forced: OpenRouter's endpoint cannot run it and is skipped.
    const forced = await s.post({ ...body, tool_choice: { type: "web_search" } });
    await readResponse(forced);
    expect(forced.headers.get("x-arouter-provider")).toBe("openai");
    expect((await s.up.requests()).map((r) => r.path)).toEqual(["/openrouter/v1/chat/completions", "/openai/v1/responses"]);
    // A stored prompt needs OpenAI too.
    const prompt = await s.post({ model: "anthropic/claude-sonnet-4.6", prompt: { id: "pmpt_1" }, input: "x" });
    expect(prompt.status).toBe(400);
    expect(((await prompt.json()) as { error: Rec }).error.message).toContain("prompt (OpenAI's Responses API)");
  });
});
