// Tests of the fake upstream itself (run inside workerd, talking to the loopback server).
import { describe, expect, it } from "vitest";
import {
  fakeSession,
  fakeUpstreamUrl,
  listSharedFixtures,
  readSharedFixture,
  describeWithSharedFixtures,
  sleep,
  type FakeSession,
} from "./helpers/fake-upstream";

// ───────── helpers ─────────

interface Ev {
  event?: string;
  data: string;
  raw: string;
}

/** Split a raw SSE body with an exact separator and parse each event's fields. */
function sseEvents(text: string, sep: "\n\n" | "\r\n\r\n"): Ev[] {
  expect(text.endsWith(sep)).toBe(true);
  return text
    .slice(0, -sep.length)
    .split(sep)
    .map((raw) => {
      const ev: Ev = { data: "", raw };
      for (const line of raw.split(sep === "\n\n" ? "\n" : "\r\n")) {
        if (line.startsWith("event: ")) ev.event = line.slice(7);
        else if (line.startsWith("data: ")) ev.data = line.slice(6);
        else throw new Error(`unexpected SSE line: ${JSON.stringify(line)}`);
      }
      return ev;
    });
}

const oaHeaders = (s: FakeSession, provider = "OPENAI") => ({
  "content-type": "application/json",
  authorization: `Bearer ${s.env[`${provider}_API_KEY`]}`,
});
const anHeaders = (s: FakeSession) => ({
  "content-type": "application/json",
  "x-api-key": s.env.ANTHROPIC_API_KEY,
  "anthropic-version": "2023-06-01",
});
const gmHeaders = (s: FakeSession) => ({ "content-type": "application/json", "x-goog-api-key": s.env.GEMINI_API_KEY });

const WEATHER_TOOL_OA = {
  type: "function",
  function: {
    name: "get_weather",
    description: "Weather for a city",
    parameters: { type: "object", properties: { location: { type: "string" }, unit: { type: "string", enum: ["c", "f"] } }, required: ["location"] },
  },
};

async function openaiChat(s: FakeSession, body: Record<string, unknown>, provider = "OPENAI", extraHeaders: Record<string, string> = {}) {
  return fetch(`${s.url(provider as "OPENAI")}/chat/completions`, {
    method: "POST",
    headers: { ...oaHeaders(s, provider), ...extraHeaders },
    body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Say hi" }], ...body }),
  });
}
async function anthropicMessages(s: FakeSession, body: Record<string, unknown>) {
  return fetch(`${s.url("ANTHROPIC")}/v1/messages`, {
    method: "POST",
    headers: anHeaders(s),
    body: JSON.stringify({ model: "claude-sonnet-4-5", max_tokens: 1024, messages: [{ role: "user", content: "Say hi" }], ...body }),
  });
}
async function gemini(s: FakeSession, action: string, body: Record<string, unknown>, model = "gemini-2.5-flash") {
  return fetch(`${s.url("GEMINI")}/v1beta/models/${model}:${action}`, {
    method: "POST",
    headers: gmHeaders(s),
    body: JSON.stringify({ contents: [{ role: "user", parts: [{ text: "Say hi" }] }], ...body }),
  });
}

function rawChat(s: FakeSession, body: Record<string, unknown>, signal: AbortSignal) {
  return fetch(`${s.url("OPENAI")}/chat/completions`, {
    method: "POST",
    headers: oaHeaders(s),
    body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "x" }], ...body }),
    signal,
  });
}

// ───────── OpenAI & compatible ─────────

describe("OpenAI chat completions", () => {
  it("answers a non-streaming request with a chat.completion and usage", async () => {
    const s = fakeSession("oa");
    const res = await openaiChat(s, {});
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("application/json");
    const j: any = await res.json();
    expect(j.object).toBe("chat.completion");
    expect(j.id).toMatch(/^chatcmpl-/);
    expect(j.choices[0].message).toMatchObject({ role: "assistant", content: "Hello from fake openai (gpt-4o-mini)" });
    expect(j.choices[0].finish_reason).toBe("stop");
    expect(j.usage.completion_tokens).toBe(5);
    expect(j.usage.prompt_tokens).toBeGreaterThan(0);
    expect(j.usage.total_tokens).toBe(j.usage.prompt_tokens + j.usage.completion_tokens);
  });

  it("streams data-only SSE ending in [DONE], without a usage chunk unless include_usage", async () => {
    const s = fakeSession("oa-stream");
    const res = await openaiChat(s, { stream: true });
    expect(res.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    const evs = sseEvents(await res.text(), "\n\n");
    expect(evs.every((e) => e.event === undefined)).toBe(true);
    expect(evs.at(-1)!.data).toBe("[DONE]");
    const chunks = evs.slice(0, -1).map((e) => JSON.parse(e.data));
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
    expect(chunks.every((c) => c.object === "chat.completion.chunk" && c.choices.length === 1)).toBe(true);
    expect(chunks[0].choices[0].delta.role).toBe("assistant");
    expect(chunks.map((c) => c.choices[0].delta.content ?? "").join("")).toBe("Hello from fake openai (gpt-4o-mini)");
    expect(chunks.at(-1).choices[0]).toMatchObject({ delta: {}, finish_reason: "stop" });
    expect(chunks.some((c) => c.usage)).toBe(false);
  });

  it("adds the choices:[] usage chunk before [DONE] with stream_options.include_usage", async () => {
    const s = fakeSession("oa-usage");
    const res = await openaiChat(s, { stream: true, stream_options: { include_usage: true } });
    const evs = sseEvents(await res.text(), "\n\n");
    const last = JSON.parse(evs.at(-2)!.data);
    expect(last.choices).toEqual([]);
    expect(last.usage).toMatchObject({ completion_tokens: 5 });
    const others = evs.slice(0, -2).map((e) => JSON.parse(e.data));
    expect(others.every((c) => c.usage === null)).toBe(true);
  });

  it("x-fake-chunks sets the number of content chunks; max_tokens truncates with finish_reason length", async () => {
    const s = fakeSession("oa-chunks");
    const evs = sseEvents(await (await openaiChat(s, { stream: true }, "OPENAI", { "x-fake-chunks": "50" })).text(), "\n\n");
    const content = evs.slice(0, -1).map((e) => JSON.parse(e.data)).filter((c) => typeof c.choices[0]?.delta.content === "string" && c.choices[0].delta.content !== "");
    expect(content.length).toBe(50);

    const j: any = await (await openaiChat(s, { max_tokens: 2 })).json();
    expect(j.choices[0].finish_reason).toBe("length");
    expect(j.choices[0].message.content).toBe("Hello from");
    expect(j.usage.completion_tokens).toBe(2);

    await s.configure({ chunks: 12 });
    const evs2 = sseEvents(await (await openaiChat(s, { stream: true })).text(), "\n\n");
    expect(evs2.length).toBe(12 + 3); // role chunk + 12 content + finish + [DONE]
  });

  it("answers with tool calls when the user asks about the weather (two when 'parallel')", async () => {
    const s = fakeSession("oa-tools");
    const one: any = await (await openaiChat(s, { tools: [WEATHER_TOOL_OA], messages: [{ role: "user", content: "What's the weather in SF?" }] })).json();
    expect(one.choices[0].finish_reason).toBe("tool_calls");
    expect(one.choices[0].message.content).toBeNull();
    const call = one.choices[0].message.tool_calls[0];
    expect(call).toMatchObject({ type: "function", function: { name: "get_weather" } });
    expect(call.id).toMatch(/^call_/);
    expect(JSON.parse(call.function.arguments)).toEqual({ location: "San Francisco" });

    const res = await openaiChat(s, { stream: true, tools: [WEATHER_TOOL_OA], messages: [{ role: "user", content: "weather in two cities, in parallel" }] });
    const chunks = sseEvents(await res.text(), "\n\n").slice(0, -1).map((e) => JSON.parse(e.data));
    const args: Record<number, string> = {};
    const names: Record<number, string> = {};
    for (const c of chunks)
      for (const tc of c.choices[0]?.delta.tool_calls ?? []) {
        if (tc.function?.name) names[tc.index] = tc.function.name;
        args[tc.index] = (args[tc.index] ?? "") + (tc.function?.arguments ?? "");
      }
    expect(Object.keys(args)).toEqual(["0", "1"]);
    expect(names[1]).toBe("get_weather");
    expect(JSON.parse(args[0])).toEqual({ location: "San Francisco" });
    expect(JSON.parse(args[1])).toEqual({ location: "Boston" });
    expect(chunks.at(-1).choices[0].finish_reason).toBe("tool_calls");

    // After a tool result the model answers with text; tool_choice "required" forces a call.
    const after: any = await (
      await openaiChat(s, {
        tools: [WEATHER_TOOL_OA],
        messages: [
          { role: "user", content: "weather?" },
          { role: "assistant", content: null, tool_calls: [{ id: "call_1", type: "function", function: { name: "get_weather", arguments: "{}" } }] },
          { role: "tool", tool_call_id: "call_1", content: "sunny" },
        ],
      })
    ).json();
    expect(after.choices[0].finish_reason).toBe("stop");
    const forced: any = await (await openaiChat(s, { tools: [WEATHER_TOOL_OA], tool_choice: "required" })).json();
    expect(forced.choices[0].message.tool_calls).toHaveLength(1);
  });

  it("streams reasoning_content for compatible providers; usage on the finish chunk for DeepSeek", async () => {
    const s = fakeSession("ds");
    const res = await openaiChat(s, { model: "deepseek-reasoner", stream: true }, "DEEPSEEK");
    const chunks = sseEvents(await res.text(), "\n\n").slice(0, -1).map((e) => JSON.parse(e.data));
    const reasoning = chunks.map((c) => c.choices[0].delta.reasoning_content ?? "").join("");
    expect(reasoning.length).toBeGreaterThan(0);
    const firstContent = chunks.findIndex((c) => c.choices[0].delta.content);
    const lastReasoning = chunks.map((c) => !!c.choices[0].delta.reasoning_content).lastIndexOf(true);
    expect(lastReasoning).toBeLessThan(firstContent);
    const fin = chunks.at(-1);
    expect(fin.choices[0].finish_reason).toBe("stop");
    expect(fin.usage.completion_tokens_details.reasoning_tokens).toBeGreaterThan(0);
    expect(fin.usage.prompt_cache_miss_tokens).toBe(fin.usage.prompt_tokens);

    // OpenAI itself never returns reasoning text, only reasoning_tokens.
    const oa: any = await (await openaiChat(s, { model: "o3-mini", reasoning_effort: "low" })).json();
    expect(oa.choices[0].message.reasoning_content).toBeUndefined();
    expect(oa.usage.completion_tokens_details.reasoning_tokens).toBeGreaterThan(0);
  });

  it("serves embeddings as floats or base64, and model lists", async () => {
    const s = fakeSession("emb");
    const post = (body: unknown) =>
      fetch(`${s.url("OPENAI")}/embeddings`, { method: "POST", headers: oaHeaders(s), body: JSON.stringify(body) }).then((r) => r.json() as any);
    const f = await post({ model: "text-embedding-3-small", input: ["a", "b"], dimensions: 8 });
    expect(f.object).toBe("list");
    expect(f.data).toHaveLength(2);
    expect(f.data[1]).toMatchObject({ object: "embedding", index: 1 });
    expect(f.data[0].embedding).toHaveLength(8);
    expect(f.usage.prompt_tokens).toBe(f.usage.total_tokens);
    const b = await post({ model: "text-embedding-3-small", input: "a", dimensions: 8, encoding_format: "base64" });
    expect(typeof b.data[0].embedding).toBe("string");
    expect(atob(b.data[0].embedding).length).toBe(32);
    const bytes = Uint8Array.from(atob(b.data[0].embedding), (c) => c.charCodeAt(0));
    expect(Array.from(new Float32Array(bytes.buffer))).toEqual(f.data[0].embedding.map((x: number) => Math.fround(x)));

    const models: any = await (await fetch(`${s.url("GROQ")}/models`, { headers: oaHeaders(s, "GROQ") })).json();
    expect(models.object).toBe("list");
    expect(models.data[0]).toMatchObject({ object: "model", owned_by: "groq" });
    const ollama = await fetch(`${s.url("OLLAMA")}/models`); // keyless
    expect(ollama.status).toBe(200);
  });

  it("rejects requests a real API would reject (missing key, bad role, bad JSON)", async () => {
    const s = fakeSession("oa-bad");
    const noKey = await fetch(`${s.url("OPENAI")}/chat/completions`, { method: "POST", body: "{}" });
    expect(noKey.status).toBe(401);
    expect(((await noKey.json()) as any).error.message).toMatch(/API key/);
    const badRole = await openaiChat(s, { messages: [{ role: "robot", content: "x" }] });
    expect(badRole.status).toBe(400);
    expect(await badRole.json()).toMatchObject({ error: { type: "invalid_request_error" } });
    const badJson = await fetch(`${s.url("OPENAI")}/chat/completions`, { method: "POST", headers: oaHeaders(s), body: "{nope" });
    expect(badJson.status).toBe(400);
    const unknown = await fetch(`${s.url("OPENAI")}/nope`, { method: "POST", headers: oaHeaders(s), body: "{}" });
    expect(unknown.status).toBe(404);
  });
});

// ───────── Anthropic ─────────

describe("Anthropic messages", () => {
  it("answers a non-streaming request with a Message", async () => {
    const s = fakeSession("an");
    const j: any = await (await anthropicMessages(s, {})).json();
    expect(j).toMatchObject({ type: "message", role: "assistant", stop_reason: "end_turn", stop_sequence: null });
    expect(j.id).toMatch(/^msg_/);
    expect(j.content).toEqual([{ type: "text", text: "Hello from fake anthropic (claude-sonnet-4-5)" }]);
    expect(j.usage.output_tokens).toBe(5);
    expect(j.usage.input_tokens).toBeGreaterThan(0);
  });

  it("streams event:/data: pairs with a ping, no [DONE], message_stop last", async () => {
    const s = fakeSession("an-stream");
    const res = await anthropicMessages(s, { stream: true });
    expect(res.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    const evs = sseEvents(await res.text(), "\n\n");
    for (const e of evs) expect(JSON.parse(e.data).type).toBe(e.event);
    expect(evs.map((e) => e.event)).toEqual([
      "message_start",
      "content_block_start",
      "ping",
      ...Array(5).fill("content_block_delta"),
      "content_block_stop",
      "message_delta",
      "message_stop",
    ]);
    expect(evs.some((e) => e.data === "[DONE]")).toBe(false);
    const start = JSON.parse(evs[0].data);
    expect(start.message.usage.input_tokens).toBeGreaterThan(0);
    const md = JSON.parse(evs.at(-2)!.data);
    expect(md).toMatchObject({ delta: { stop_reason: "end_turn", stop_sequence: null }, usage: { output_tokens: 5 } });
  });

  it("streams a thinking block with signature_delta, then text and tool_use blocks", async () => {
    const s = fakeSession("an-think");
    const res = await anthropicMessages(s, {
      stream: true,
      thinking: { type: "enabled", budget_tokens: 512 },
      tools: [{ name: "get_weather", input_schema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } }],
      messages: [{ role: "user", content: [{ type: "text", text: "What is the weather in parallel?" }] }],
    });
    const evs = sseEvents(await res.text(), "\n\n").map((e) => JSON.parse(e.data));
    const starts = evs.filter((e) => e.type === "content_block_start").map((e) => e.content_block.type);
    expect(starts).toEqual(["thinking", "text", "tool_use", "tool_use"]);
    const thinkingDeltas = evs.filter((e) => e.type === "content_block_delta" && e.index === 0).map((e) => e.delta.type);
    expect(thinkingDeltas.at(-1)).toBe("signature_delta");
    expect(thinkingDeltas.slice(0, -1).every((t) => t === "thinking_delta")).toBe(true);
    const json = evs.filter((e) => e.type === "content_block_delta" && e.index === 3).map((e) => e.delta.partial_json).join("");
    expect(JSON.parse(json)).toEqual({ city: "Boston" });
    expect(evs.find((e) => e.type === "message_delta").delta.stop_reason).toBe("tool_use");
  });

  it("non-streaming thinking + forced tool, count_tokens, models, and format-exact errors", async () => {
    const s = fakeSession("an-misc");
    const j: any = await (
      await anthropicMessages(s, {
        thinking: { type: "enabled", budget_tokens: 512 },
        tools: [{ name: "lookup", input_schema: { type: "object", properties: { q: { type: "string" } } } }],
        tool_choice: { type: "tool", name: "lookup" },
      })
    ).json();
    expect(j.content.map((b: any) => b.type)).toEqual(["thinking", "tool_use"]);
    expect(j.content[0].signature.length).toBeGreaterThan(10);
    expect(j.content[1]).toMatchObject({ name: "lookup", input: { q: "fake-q" } });
    expect(j.content[1].id).toMatch(/^toolu_/);
    expect(j.stop_reason).toBe("tool_use");

    const ct: any = await (
      await fetch(`${s.url("ANTHROPIC")}/v1/messages/count_tokens`, {
        method: "POST",
        headers: anHeaders(s),
        body: JSON.stringify({ model: "claude-sonnet-4-5", messages: [{ role: "user", content: "hello" }] }),
      })
    ).json();
    expect(ct.input_tokens).toBeGreaterThan(0);
    const models: any = await (await fetch(`${s.url("ANTHROPIC")}/v1/models`, { headers: anHeaders(s) })).json();
    expect(models.data[0].type).toBe("model");
    expect(models.has_more).toBe(false);

    const sys = await anthropicMessages(s, { messages: [{ role: "system", content: "x" }] });
    expect(sys.status).toBe(400);
    expect(await sys.json()).toMatchObject({ type: "error", error: { type: "invalid_request_error" } });
    const noMax = await fetch(`${s.url("ANTHROPIC")}/v1/messages`, {
      method: "POST",
      headers: anHeaders(s),
      body: JSON.stringify({ model: "claude-sonnet-4-5", messages: [{ role: "user", content: "x" }] }),
    });
    expect(noMax.status).toBe(400);
    const noVersion = await fetch(`${s.url("ANTHROPIC")}/v1/messages`, { method: "POST", headers: { "x-api-key": "k" }, body: "{}" });
    expect(noVersion.status).toBe(400);
  });
});

// ───────── Gemini ─────────

describe("Gemini", () => {
  it("answers generateContent with candidates and usageMetadata", async () => {
    const s = fakeSession("gm");
    const j: any = await (await gemini(s, "generateContent", {})).json();
    expect(j.candidates[0]).toMatchObject({ content: { role: "model", parts: [{ text: "Hello from fake gemini (gemini-2.5-flash)" }] }, finishReason: "STOP", index: 0 });
    expect(j.usageMetadata.candidatesTokenCount).toBe(5);
    expect(j.usageMetadata.totalTokenCount).toBe(j.usageMetadata.promptTokenCount + 5);
    expect(j.modelVersion).toBe("gemini-2.5-flash");
  });

  it("streams alt=sse with CRLF CRLF framing, usageMetadata on every chunk, finishReason on the last only", async () => {
    const s = fakeSession("gm-sse");
    const res = await gemini(s, "streamGenerateContent?alt=sse", {});
    expect(res.headers.get("content-type")).toBe("text/event-stream");
    const text = await res.text();
    expect(text.includes("\n\n")).toBe(false);
    const chunks = sseEvents(text, "\r\n\r\n").map((e) => {
      expect(e.event).toBeUndefined();
      return JSON.parse(e.data);
    });
    expect(chunks.length).toBe(5);
    expect(chunks.every((c) => c.usageMetadata && c.responseId === chunks[0].responseId)).toBe(true);
    expect(chunks.slice(0, -1).every((c) => c.candidates[0].finishReason === undefined)).toBe(true);
    expect(chunks.at(-1).candidates[0].finishReason).toBe("STOP");
    expect(chunks.map((c) => c.candidates[0].content.parts[0].text).join("")).toBe("Hello from fake gemini (gemini-2.5-flash)");
    expect(chunks.at(-1).usageMetadata.candidatesTokenCount).toBe(5);
  });

  it("streams without alt=sse as one incrementally written JSON array", async () => {
    const s = fakeSession("gm-array");
    const res = await gemini(s, "streamGenerateContent", {});
    expect(res.headers.get("content-type")).toBe("application/json; charset=UTF-8");
    const text = await res.text();
    expect(text.startsWith("[{")).toBe(true);
    expect(text.endsWith("}\n]")).toBe(true);
    expect(text.split("\n,\r\n").length).toBe(5);
    const arr = JSON.parse(text);
    expect(arr).toHaveLength(5);
    expect(arr.at(-1).candidates[0].finishReason).toBe("STOP");
  });

  it("emits thought parts + thoughtSignature with includeThoughts, and whole functionCall parts", async () => {
    const s = fakeSession("gm-think");
    const res = await gemini(s, "streamGenerateContent?alt=sse", { generationConfig: { thinkingConfig: { includeThoughts: true, thinkingBudget: 1024 } } });
    const chunks = sseEvents(await res.text(), "\r\n\r\n").map((e) => JSON.parse(e.data));
    const parts = chunks.flatMap((c) => c.candidates[0].content.parts);
    const firstText = parts.findIndex((p) => !p.thought);
    expect(firstText).toBeGreaterThan(0);
    expect(parts.slice(0, firstText).every((p) => p.thought === true)).toBe(true);
    expect(parts[firstText].thoughtSignature).toBeTruthy();
    expect(chunks[0].usageMetadata.candidatesTokenCount).toBeUndefined();
    expect(chunks.at(-1).usageMetadata.thoughtsTokenCount).toBeGreaterThan(0);

    const tools = [
      { functionDeclarations: [{ name: "get_weather", parameters: { type: "OBJECT", properties: { location: { type: "STRING" } }, required: ["location"] } }] },
    ];
    const j: any = await (await gemini(s, "generateContent", { tools, contents: [{ role: "user", parts: [{ text: "weather, parallel please" }] }] })).json();
    expect(j.candidates[0].content.parts).toEqual([
      { functionCall: { name: "get_weather", args: { location: "San Francisco" } } },
      { functionCall: { name: "get_weather", args: { location: "Boston" } } },
    ]);
    expect(j.candidates[0].finishReason).toBe("STOP");
    const after: any = await (
      await gemini(s, "generateContent", {
        tools,
        contents: [
          { role: "user", parts: [{ text: "weather?" }] },
          { role: "model", parts: [{ functionCall: { name: "get_weather", args: {} } }] },
          { role: "user", parts: [{ functionResponse: { name: "get_weather", response: { t: 20 } } }] },
        ],
      })
    ).json();
    expect(after.candidates[0].content.parts[0].text).toBeTruthy();
  });

  it("serves countTokens, embedContent, batchEmbedContents, models; errors in Google's shape", async () => {
    const s = fakeSession("gm-misc");
    const ct: any = await (await gemini(s, "countTokens", {})).json();
    expect(ct.totalTokens).toBeGreaterThan(0);
    const e1: any = await (await gemini(s, "embedContent", { content: { parts: [{ text: "x" }] }, outputDimensionality: 4 }, "gemini-embedding-001")).json();
    expect(e1.embedding.values).toHaveLength(4);
    const eb: any = await (
      await gemini(s, "batchEmbedContents", { requests: [{ model: "models/gemini-embedding-001", content: { parts: [{ text: "a" }] } }, { content: { parts: [{ text: "b" }] } }] }, "gemini-embedding-001")
    ).json();
    expect(eb.embeddings).toHaveLength(2);
    const models: any = await (await fetch(`${s.url("GEMINI")}/v1beta/models?pageSize=1000`, { headers: gmHeaders(s) })).json();
    expect(models.models[0].name).toMatch(/^models\//);
    const bad = await gemini(s, "generateContent", { contents: [] });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: 400, status: "INVALID_ARGUMENT" } });
  });
});

// ───────── scripts, faults, recording, sessions ─────────

describe("scripts and faults", () => {
  it("a status-only step returns a provider-format error with headers, then defaults resume", async () => {
    const s = fakeSession("retry");
    await s.script([{ status: 429, headers: { "retry-after": "2" } }, { status: 529, match: "/anthropic/" }, { status: 503, match: "/gemini/" }]);
    const r1 = await openaiChat(s, {});
    expect(r1.status).toBe(429);
    expect(r1.headers.get("retry-after")).toBe("2");
    expect(await r1.json()).toMatchObject({ error: { type: "requests", code: "rate_limit_exceeded" } });
    expect((await openaiChat(s, {})).status).toBe(200);
    const r2 = await anthropicMessages(s, {});
    expect(r2.status).toBe(529);
    expect(await r2.json()).toMatchObject({ type: "error", error: { type: "overloaded_error" } });
    const r3 = await gemini(s, "generateContent", {});
    expect(await r3.json()).toMatchObject({ error: { code: 503, status: "UNAVAILABLE" } });
    expect(await s.pending()).toBe(0);
  });

  it("steps with match are only consumed by matching paths; body/chunks/times work", async () => {
    const s = fakeSession("match");
    await s.script([
      { match: "/embeddings", body: { custom: true }, times: 2 },
      { chunks: ['data: {"a":1}\n\n', 'data: {"a":2}\n\n'], chunkDelayMs: 20 },
    ]);
    const res = await openaiChat(s, { stream: true });
    expect(res.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    expect(await res.text()).toBe('data: {"a":1}\n\ndata: {"a":2}\n\n'); // a "truncated" stream: no [DONE]
    const emb = () => fetch(`${s.url("OPENAI")}/embeddings`, { method: "POST", headers: oaHeaders(s), body: "{}" }).then((r) => r.json());
    expect(await emb()).toEqual({ custom: true });
    expect(await emb()).toEqual({ custom: true });
    expect(await s.pending()).toBe(0);
  });

  it("firstByteDelayMs delays the response headers", async () => {
    const s = fakeSession("delay");
    await s.script({ firstByteDelayMs: 300 });
    const t0 = Date.now();
    const res = await openaiChat(s, {});
    expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
    expect(((await res.json()) as any).object).toBe("chat.completion");
  });

  it("hang never answers and counts the client's abort", async () => {
    const s = fakeSession("hang");
    await s.script({ fault: "hang" });
    const ac = new AbortController();
    const pending = rawChat(s, { stream: false }, ac.signal).then(
      (r) => r,
      (e) => e,
    );
    await s.waitForRequests(1);
    await sleep(100);
    expect(await s.aborted()).toBe(0);
    ac.abort();
    expect(await pending).not.toBeInstanceOf(Response);
    expect(await s.waitForAborted(1)).toBe(1);
    expect((await s.requests())[0].aborted).toBe(true);
  });

  it("a client abort mid-stream is counted (stall keeps the stream open)", async () => {
    const s = fakeSession("stall");
    await s.script({ fault: "stall", stallAfterChunks: 2 });
    const ac = new AbortController();
    const res = await rawChat(s, { stream: true }, ac.signal);
    const reader = res.body!.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toContain('"role":"assistant"');
    ac.abort();
    await reader.cancel().catch(() => {});
    expect(await s.waitForAborted(1)).toBe(1);
  });

  it("a completed response is not counted as aborted", async () => {
    const s = fakeSession("complete");
    await (await openaiChat(s, { stream: true })).text();
    await (await openaiChat(s, {})).text();
    await sleep(50);
    expect(await s.aborted()).toBe(0);
  });

  it("reset destroys the connection; reset-after cuts a stream mid-body", async () => {
    const s = fakeSession("reset");
    await s.script({ fault: "reset" });
    const err = await openaiChat(s, {}).catch((e) => e);
    expect(err).toBeInstanceOf(Error);

    await s.script({ fault: "reset-after", resetAfterChunks: 2 });
    const res = await openaiChat(s, { stream: true });
    expect(res.status).toBe(200);
    const bodyErr = await res.text().catch((e) => e);
    expect(bodyErr).toBeInstanceOf(Error);
    expect(await s.aborted()).toBe(0); // server-side faults are not client aborts
  });

  it("size generates a valid body of about N bytes (5 MB)", async () => {
    const s = fakeSession("size");
    await s.script([{ size: 5_000_000 }, { size: 5_000_000 }]);
    const text = await (await openaiChat(s, {})).text();
    expect(text.length).toBeGreaterThan(4_900_000);
    expect(text.length).toBeLessThan(5_100_000);
    expect(JSON.parse(text).object).toBe("chat.completion");
    const stream = await (await anthropicMessages(s, { stream: true })).text();
    expect(stream.length).toBeGreaterThan(4_500_000);
    const evs = sseEvents(stream, "\n\n");
    expect(evs.at(-1)!.event).toBe("message_stop");
  });
});

describe("request recording and sessions", () => {
  it("records method, path, query, lowercased headers and parsed body in order", async () => {
    const s = fakeSession("rec");
    await openaiChat(s, { temperature: 0.5 }, "OPENAI", { "X-Custom-Header": "yes" });
    await gemini(s, "streamGenerateContent?alt=sse", {});
    await fetch(`${s.url("ANTHROPIC")}/v1/models`, { headers: anHeaders(s) });
    const reqs = await s.requests();
    expect(reqs.map((r) => [r.method, r.path])).toEqual([
      ["POST", "/openai/v1/chat/completions"],
      ["POST", "/gemini/v1beta/models/gemini-2.5-flash:streamGenerateContent"],
      ["GET", "/anthropic/v1/models"],
    ]);
    expect(reqs[0].headers["x-custom-header"]).toBe("yes");
    expect(reqs[0].headers.authorization).toBe("Bearer sk-fake-openai");
    expect(reqs[0].body).toMatchObject({ model: "gpt-4o-mini", temperature: 0.5 });
    expect(reqs[1].query).toEqual({ alt: "sse" });
    expect(reqs[1].headers["x-goog-api-key"]).toBe("fake-gemini-key");
    expect(reqs[2].body).toBeNull();
    expect((await s.lastRequest())!.path).toBe("/anthropic/v1/models");
  });

  it("sessions are isolated and reset clears them", async () => {
    const a = fakeSession("iso-a");
    const b = fakeSession("iso-b");
    await a.script({ status: 500 });
    expect((await openaiChat(b, {})).status).toBe(200);
    expect((await openaiChat(a, {})).status).toBe(500);
    expect(await a.requests()).toHaveLength(1);
    expect(await b.requests()).toHaveLength(1);
    await a.script({ status: 500 });
    await a.reset();
    expect(await a.requests()).toHaveLength(0);
    expect(await a.pending()).toBe(0);
    expect((await openaiChat(a, {})).status).toBe(200);
  });

  it("env points every provider at the session, with /v1 only for OpenAI-compatible ones", () => {
    const s = fakeSession("env");
    expect(s.env.OPENAI_BASE_URL).toBe(`${fakeUpstreamUrl()}/s/${s.id}/openai/v1`);
    expect(s.env.ANTHROPIC_BASE_URL).toBe(`${fakeUpstreamUrl()}/s/${s.id}/anthropic`);
    expect(s.env.GEMINI_BASE_URL).toBe(`${fakeUpstreamUrl()}/s/${s.id}/gemini`);
    expect(s.env.DEEPSEEK_BASE_URL.endsWith("/deepseek/v1")).toBe(true);
    expect(s.env.OLLAMA_BASE_URL.endsWith("/ollama/v1")).toBe(true);
    expect(s.env.OLLAMA_API_KEY).toBeUndefined();
    expect(s.env).toMatchObject({ OPENAI_API_KEY: "sk-fake-openai", ANTHROPIC_API_KEY: "sk-ant-fake", GEMINI_API_KEY: "fake-gemini-key" });
  });
});

describeWithSharedFixtures("shared fixture replay", () => {
  it("lists fixtures, reads files and rejects path traversal", async () => {
    const list = await listSharedFixtures();
    expect(list).toContain("FORMATS.md");
    expect(list.some((p) => p.startsWith("anthropic/"))).toBe(true);
    expect(await readSharedFixture("anthropic/anthropic-text.json")).toContain('"type": "message"');
    const bad = await fetch(`${fakeUpstreamUrl()}/__fixtures/file?path=${encodeURIComponent("../../main/package.json")}`);
    expect(bad.status).toBe(400);
  });

  it("replays *.sse verbatim and re-frames *.chunks.txt for the URL's provider", async () => {
    const s = fakeSession("fx");
    const sse = "anthropic/pydantic-ai/test_anthropic_model_thinking_part_stream.0.sse";
    await s.script([
      { sharedFixture: sse },
      { sharedFixture: "anthropic/anthropic-text.chunks.txt" },
      { sharedFixture: "openai-chat/openai-text.chunks.txt" },
      { sharedFixture: "google/google-text.chunks.txt" },
      { sharedFixture: "google/google-text.chunks.txt" },
    ]);
    expect(await (await anthropicMessages(s, { stream: true })).text()).toBe(await readSharedFixture(sse));

    const an = sseEvents(await (await anthropicMessages(s, { stream: true })).text(), "\n\n");
    for (const e of an) expect(JSON.parse(e.data).type).toBe(e.event);
    expect(an.at(-1)!.event).toBe("message_stop");

    const oa = sseEvents(await (await openaiChat(s, { stream: true })).text(), "\n\n");
    expect(oa.at(-1)!.data).toBe("[DONE]");
    expect(JSON.parse(oa.at(-2)!.data).choices).toEqual([]);

    const gs = await (await gemini(s, "streamGenerateContent?alt=sse", {})).text();
    expect(sseEvents(gs, "\r\n\r\n").length).toBeGreaterThan(1);
    const ga = await (await gemini(s, "streamGenerateContent", {})).text();
    expect(Array.isArray(JSON.parse(ga))).toBe(true);
  });

  it("serves *.json with the status from .meta.json or the error body", async () => {
    const s = fakeSession("fx-json");
    await s.script([
      { sharedFixture: "anthropic/pydantic-ai/test_anthropic_count_tokens_error.0.json" },
      { sharedFixture: "google/google-429-retry-info.json", headers: { "retry-after": "34" } },
      { sharedFixture: "openai-chat/openai-text.json" },
    ]);
    const r1 = await anthropicMessages(s, {});
    expect(r1.status).toBe(404);
    expect(((await r1.json()) as any).error.type).toBe("not_found_error");
    const r2 = await gemini(s, "generateContent", {});
    expect(r2.status).toBe(429);
    expect(r2.headers.get("retry-after")).toBe("34");
    const r3 = await openaiChat(s, {});
    expect(r3.status).toBe(200);
    expect(((await r3.json()) as any).object).toBe("chat.completion");
  });
});
