import { describe, expect, it } from "vitest";
import { FAKE_PROVIDERS, NO_OPENROUTER } from "../helpers/fake-upstream";
import { jsonPost, readSse } from "../helpers/gateway";
import { rig } from "../helpers/rig";

const setup = (env: Record<string, unknown> = {}) => rig("openai-surface", { env: { ...NO_OPENROUTER, ...env } });

const anthropicMessage = {
  id: "msg_01XFDUDYJgAACzvnptvVoYEL",
  type: "message",
  role: "assistant",
  model: "claude-sonnet-4-6",
  content: [
    { type: "thinking", thinking: "The user greets me.", signature: "EqQBCkYIARgCIkB" },
    { type: "text", text: "Hello!" },
  ],
  stop_reason: "end_turn",
  stop_sequence: null,
  usage: { input_tokens: 12, cache_creation_input_tokens: 5, cache_read_input_tokens: 100, output_tokens: 30 },
};

describe("OpenAI surface → Anthropic upstream", () => {
  it("translates the request and answers in the OpenAI shape", async () => {
    const { up, chat } = await setup();
    await up.script({ body: anthropicMessage });
    const res = await chat({
      model: "anthropic/claude-sonnet-4.6",
      messages: [
        { role: "system", content: "Be terse." },
        { role: "user", content: "Hi" },
      ],
      temperature: 0.3,
      stop: ["END"],
      user: "u-42",
    });
    expect(res.status).toBe(200);
    const sent = (await up.lastRequest())!;
    expect(sent.path).toBe("/anthropic/v1/messages");
    expect(sent.headers["x-api-key"]).toBe("sk-ant-fake");
    expect(sent.headers["anthropic-version"]).toBeTruthy();
    expect(sent.body.system).toEqual([{ type: "text", text: "Be terse." }]);
    expect(sent.body.messages).toEqual([{ role: "user", content: [{ type: "text", text: "Hi" }] }]);
    expect(sent.body.max_tokens).toBeGreaterThan(0);
    expect(sent.body.temperature).toBe(0.3);
    expect(sent.body.stop_sequences).toEqual(["END"]);
    expect(sent.body.metadata).toEqual({ user_id: "u-42" });

    const body = (await res.json()) as any;
    expect(body.id).toMatch(/^gen-/);
    expect(res.headers.get("x-generation-id")).toBe(body.id);
    expect(body.object).toBe("chat.completion");
    expect(body.provider).toBe("anthropic");
    expect(body.model).toBe("claude-sonnet-4-6");
    expect(body.choices[0].message.content).toBe("Hello!");
    expect(body.choices[0].message.reasoning).toBe("The user greets me.");
    expect(body.choices[0].finish_reason).toBe("stop");
    expect(body.choices[0].native_finish_reason).toBe("end_turn");
    expect(body.usage.prompt_tokens).toBe(117);
    expect(body.usage.completion_tokens).toBe(30);
    expect(body.usage.total_tokens).toBe(147);
    expect(body.usage.prompt_tokens_details.cached_tokens).toBe(100);
  });

  it("streams chunks with tool-call deltas, a usage chunk and [DONE]", async () => {
    const { up, chat } = await setup();
    const ev = (type: string, data: object) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
    await up.script({
      chunks: [
        ev("message_start", { message: { id: "msg_1", type: "message", role: "assistant", model: "claude-sonnet-4-6", content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 50, output_tokens: 1 } } }),
        ev("content_block_start", { index: 0, content_block: { type: "text", text: "" } }),
        ev("content_block_delta", { index: 0, delta: { type: "text_delta", text: "Checking." } }),
        ev("content_block_stop", { index: 0 }),
        ev("content_block_start", { index: 1, content_block: { type: "tool_use", id: "toolu_A", name: "get_weather", input: {} } }),
        ev("content_block_delta", { index: 1, delta: { type: "input_json_delta", partial_json: "" } }),
        ev("content_block_delta", { index: 1, delta: { type: "input_json_delta", partial_json: '{"city":' } }),
        ev("content_block_delta", { index: 1, delta: { type: "input_json_delta", partial_json: '"Paris"}' } }),
        ev("content_block_stop", { index: 1 }),
        ev("content_block_start", { index: 2, content_block: { type: "tool_use", id: "toolu_B", name: "get_weather", input: {} } }),
        ev("content_block_delta", { index: 2, delta: { type: "input_json_delta", partial_json: '{"city":"Rome"}' } }),
        ev("content_block_stop", { index: 2 }),
        ev("message_delta", { delta: { stop_reason: "tool_use", stop_sequence: null }, usage: { output_tokens: 40 } }),
        ev("message_stop", {}),
      ],
    });
    const res = await chat({
      model: "anthropic/claude-sonnet-4.6",
      stream: true,
      messages: [{ role: "user", content: "weather in Paris and Rome?" }],
      tools: [{ type: "function", function: { name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } } } } }],
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const { events } = await readSse(res);
    expect(events.at(-1)!.data).toBe("[DONE]");
    const chunks = events.slice(0, -1).map((e) => JSON.parse(e.data));
    for (const c of chunks) expect(c.object).toBe("chat.completion.chunk");
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
    const text = chunks.flatMap((c) => c.choices).map((ch: any) => ch.delta?.content ?? "").join("");
    expect(text).toBe("Checking.");
    const calls = new Map<number, { id?: string; name?: string; args: string }>();
    for (const c of chunks) for (const ch of c.choices) for (const tc of ch.delta?.tool_calls ?? []) {
      const cur = calls.get(tc.index) ?? { args: "" };
      if (tc.id) cur.id = tc.id;
      if (tc.function?.name) cur.name = tc.function.name;
      cur.args += tc.function?.arguments ?? "";
      calls.set(tc.index, cur);
    }
    expect([...calls.keys()]).toEqual([0, 1]);
    expect(calls.get(0)).toEqual({ id: "toolu_A", name: "get_weather", args: '{"city":"Paris"}' });
    expect(calls.get(1)).toEqual({ id: "toolu_B", name: "get_weather", args: '{"city":"Rome"}' });
    const finish = chunks.find((c) => c.choices[0]?.finish_reason);
    expect(finish.choices[0].finish_reason).toBe("tool_calls");
    const usageChunk = chunks.at(-1);
    expect(usageChunk.choices).toEqual([]);
    expect(usageChunk.usage).toMatchObject({ prompt_tokens: 50, completion_tokens: 40, total_tokens: 90 });
  });
});

describe("OpenAI surface → OpenAI-format upstreams", () => {
  it("asks OpenAI for stream usage and passes the stream through in order", async () => {
    const { up, chat } = await setup();
    const res = await chat({ model: "openai/gpt-4o", stream: true, messages: [{ role: "user", content: "Hi" }] });
    expect(res.status).toBe(200);
    const { events } = await readSse(res);
    const sent = (await up.lastRequest())!;
    expect(sent.path).toBe("/openai/v1/chat/completions");
    expect(sent.headers.authorization).toBe(`Bearer ${FAKE_PROVIDERS.OPENAI.key}`);
    expect(sent.body.model).toBe("gpt-4o");
    expect(sent.body.stream_options).toEqual({ include_usage: true });
    expect(events.at(-1)!.data).toBe("[DONE]");
    const last = JSON.parse(events.at(-2)!.data);
    expect(last.choices).toEqual([]);
    expect(last.usage.total_tokens).toBe(last.usage.prompt_tokens + last.usage.completion_tokens);
  });

  it("resolves bare ids to their provider", async () => {
    const { up, chat } = await setup();
    expect((await chat({ model: "gpt-4o", messages: [{ role: "user", content: "Hi" }] })).status).toBe(200);
    expect((await up.lastRequest())!.path).toBe("/openai/v1/chat/completions");
    expect((await chat({ model: "claude-sonnet-4-20250514", messages: [{ role: "user", content: "Hi" }] })).status).toBe(200);
    expect((await up.lastRequest())!.body.model).toBe("claude-sonnet-4-20250514");
    expect((await chat({ model: "gemini-2.0-flash", messages: [{ role: "user", content: "Hi" }] })).status).toBe(200);
    expect((await up.lastRequest())!.path).toBe("/gemini/v1beta/models/gemini-2.0-flash:generateContent");
  });

  it("maps DeepSeek reasoning_content to message.reasoning", async () => {
    const { up, chat } = await setup();
    await up.script({
      body: {
        id: "x", object: "chat.completion", created: 1, model: "deepseek-reasoner",
        choices: [{ index: 0, message: { role: "assistant", content: "42", reasoning_content: "6*7" }, finish_reason: "stop" }],
        usage: { prompt_tokens: 10, completion_tokens: 20, total_tokens: 30, completion_tokens_details: { reasoning_tokens: 15 }, prompt_cache_hit_tokens: 4, prompt_cache_miss_tokens: 6 },
      },
    });
    const res = await chat({ model: "deepseek/deepseek-v4-flash", messages: [{ role: "user", content: "?" }] });
    const body = (await res.json()) as any;
    expect((await up.lastRequest())!.path).toBe("/deepseek/v1/chat/completions");
    expect(body.choices[0].message).toMatchObject({ content: "42", reasoning: "6*7" });
    expect(body.usage.completion_tokens_details.reasoning_tokens).toBe(15);
    expect(body.provider).toBe("deepseek");
  });
});

describe("OpenAI surface → Gemini upstream", () => {
  it("calls streamGenerateContent with alt=sse and the key header", async () => {
    const { up, chat } = await setup();
    const res = await chat({ model: "google/gemini-2.5-flash", stream: true, messages: [{ role: "user", content: "Hi" }] });
    expect(res.status).toBe(200);
    const { events } = await readSse(res);
    const sent = (await up.lastRequest())!;
    expect(sent.path).toBe("/gemini/v1beta/models/gemini-2.5-flash:streamGenerateContent");
    expect(sent.query.alt).toBe("sse");
    expect(sent.headers["x-goog-api-key"]).toBe(FAKE_PROVIDERS.GEMINI.key);
    expect(sent.body.contents).toEqual([{ role: "user", parts: [{ text: "Hi" }] }]);
    const text = events.slice(0, -1).map((e) => JSON.parse(e.data)).flatMap((c) => c.choices).map((c: any) => c.delta?.content ?? "").join("");
    expect(text.length).toBeGreaterThan(0);
  });
});

describe("errors on the OpenAI surface", () => {
  it("401 for missing, wrong and management keys", async () => {
    const { gw } = await setup();
    const body = { model: "openai/gpt-4o", messages: [{ role: "user", content: "Hi" }] };
    for (const auth of [undefined, "Bearer lr_live_wrong", "Bearer lr_mgmt_test_bootstrap_key_0000000000", "Basic abc"]) {
      const res = await gw.fetch("/v1/chat/completions", jsonPost(body, auth ? { authorization: auth } : {}));
      expect(res.status).toBe(401);
      const err = (await res.json()) as any;
      expect(err.error.code).toBe(401);
      expect(typeof err.error.message).toBe("string");
    }
  });

  it("400 naming an unknown model, and naming a bad field; no upstream call", async () => {
    const { up, chat } = await setup();
    const r1 = await chat({ model: "nope/not-a-model", messages: [{ role: "user", content: "Hi" }] });
    expect(r1.status).toBe(400);
    expect(((await r1.json()) as any).error.message).toContain("nope/not-a-model");
    const r2 = await chat({ model: "openai/gpt-4o", messages: [{ role: "user", content: 5 }] });
    expect(r2.status).toBe(400);
    expect(((await r2.json()) as any).error.message).toMatch(/messages/);
    const r3 = await chat("{not json");
    expect(r3.status).toBe(400);
    expect((await up.requests()).length).toBe(0);
  });

  it("503 naming the variable when a provider is not configured", async () => {
    const { chat } = await setup({ MISTRAL_API_KEY: "" });
    const res = await chat({ model: "mistral/mistral-large-latest", messages: [{ role: "user", content: "Hi" }] });
    expect(res.status).toBe(503);
    expect(((await res.json()) as any).error.message).toContain("MISTRAL_API_KEY");
  });

  it("502 with the upstream's own message in metadata.raw", async () => {
    const { up, chat } = await setup();
    await up.script({ status: 500, body: { type: "error", error: { type: "api_error", message: "boom inside" } } });
    const res = await chat({ model: "anthropic/claude-sonnet-4.6", messages: [{ role: "user", content: "Hi" }] });
    expect(res.status).toBe(502);
    const err = (await res.json()) as any;
    expect(err.error.code).toBe(502);
    expect(err.error.message).toContain("boom inside");
    expect(err.error.metadata.provider_name).toBe("anthropic");
    expect(JSON.stringify(err.error.metadata.raw)).toContain("boom inside");
  });

  it("504 when the upstream does not answer in time", async () => {
    const { up, chat } = await setup({ UPSTREAM_TIMEOUT_MS: "200" });
    await up.script({ fault: "hang" });
    const res = await chat({ model: "openai/gpt-4o", messages: [{ role: "user", content: "Hi" }] });
    expect(res.status).toBe(504);
    expect(((await res.json()) as any).error.code).toBe(504);
  });

  it("413 for a body over the limit, 404 for an unknown route", async () => {
    const { gw, key, chat } = await setup({ MAX_BODY_BYTES: "1000" });
    const big = await chat({ model: "openai/gpt-4o", messages: [{ role: "user", content: "x".repeat(5000) }] });
    expect(big.status).toBe(413);
    expect(((await big.json()) as any).error.code).toBe(413);
    const nf = await gw.fetch("/v1/nothing-here", { headers: { authorization: `Bearer ${key}` } });
    expect(nf.status).toBe(404);
    expect(((await nf.json()) as any).error.code).toBe(404);
  });
});

describe("streaming behaviour", () => {
  it("sends keep-alive comments while waiting for a slow first token, then the answer", async () => {
    const { up, chat } = await setup({ STREAM_KEEPALIVE_MS: "50" });
    await up.script({ firstByteDelayMs: 400 });
    const res = await chat({ model: "openai/gpt-4o", stream: true, messages: [{ role: "user", content: "Hi" }] });
    expect(res.status).toBe(200);
    const { comments, events } = await readSse(res);
    expect(comments.some((c) => c.includes("keep-alive"))).toBe(true);
    expect(events.at(-1)!.data).toBe("[DONE]");
  });

  it("keeps the HTTP status of an error that happens before anything is sent", async () => {
    const { up, chat } = await setup();
    await up.script({ status: 429, headers: { "retry-after": "7" }, body: { error: { message: "slow down", type: "rate_limit_error" } } });
    const res = await chat({ model: "openai/gpt-4o", stream: true, messages: [{ role: "user", content: "Hi" }] });
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("7");
  });

  it("reports a mid-stream upstream failure as an error chunk, never a silent cut", async () => {
    const { up, chat } = await setup();
    await up.script({
      fault: "reset-after",
      resetAfterChunks: 2,
      chunks: [
        `data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}\n\n`,
        `data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":[{"index":0,"delta":{"content":"Hel"},"finish_reason":null}]}\n\n`,
        `data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":[{"index":0,"delta":{"content":"lo"},"finish_reason":null}]}\n\n`,
      ],
    });
    const res = await chat({ model: "openai/gpt-4o", stream: true, messages: [{ role: "user", content: "Hi" }] });
    expect(res.status).toBe(200);
    const { events } = await readSse(res);
    const chunks = events.filter((e) => e.data !== "[DONE]").map((e) => JSON.parse(e.data));
    const errChunk = chunks.find((c) => c.error);
    expect(errChunk).toBeDefined();
    expect(errChunk.choices[0].finish_reason).toBe("error");
    expect(typeof errChunk.error.message).toBe("string");
  });

  it("aborts the upstream request when the client goes away", async () => {
    const { up, gw, key } = await setup();
    await up.script({ chunks: Array.from({ length: 40 }, (_, i) => `data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":[{"index":0,"delta":{"content":"t${i} "},"finish_reason":null}]}\n\n`), chunkDelayMs: 50 });
    const ac = new AbortController();
    const res = await gw.fetch("/v1/chat/completions", { ...jsonPost({ model: "openai/gpt-4o", stream: true, messages: [{ role: "user", content: "Hi" }] }, { authorization: `Bearer ${key}` }), signal: ac.signal });
    const reader = res.body!.getReader();
    await reader.read();
    await reader.cancel();
    ac.abort();
    expect(await up.waitForAborted(1, 3000)).toBe(1);
  });
});
