/**
 * The translation matrix of issue #3:
 *   surfaces  {OpenAI chat, Anthropic messages, Gemini generateContent / streamGenerateContent?alt=sse}
 * × upstreams {openai/gpt-4o, anthropic/claude-sonnet-4.6, google/gemini-2.5-flash, deepseek/deepseek-v4-flash}
 * × {non-stream, stream}
 * × {text, parallel tool calls + tool-result turn, thinking, JSON-schema output, image input}.
 * Every case checks the request the upstream received (path, credentials, the scenario's fields in
 * the upstream's own wire format) AND the answer the caller got (valid against the caller format's
 * strict schema, plus the scenario's content: text, tool calls with ids and arguments, reasoning,
 * usage, finish reason). Anthropic→Anthropic and Gemini→Gemini are passthrough (the caller's own
 * body goes upstream, the upstream's own body comes back); OpenAI→OpenAI is re-encoded.
 *
 * Combinations that cannot be served as asked, and what the gateway does instead:
 *
 * | scenario  | upstream                    | behaviour                                                                  |
 * |-----------|-----------------------------|----------------------------------------------------------------------------|
 * | thinking  | openai/gpt-4o               | DROPPED: gpt-4o takes no reasoning parameter (catalog), so no               |
 * |           |                             | reasoning_effort is sent (OpenAI rejects it with a 400); plain answer.      |
 * | thinking  | openai/* reasoning models   | (not in the matrix) OpenAI never returns reasoning text: only               |
 * |           |                             | completion_tokens_details.reasoning_tokens reaches the caller.             |
 * | thinking  | anthropic → Gemini caller   | thinking signatures are dropped (a Gemini caller cannot send them back).   |
 * | thinking  | any non-Anthropic → Anthr.  | thinking blocks carry signature "" (Anthropic SDKs require the field).      |
 * | image     | deepseek/deepseek-v4-flash  | 400 in the caller's format: the model takes text only (catalog            |
 * |           |                             | input_modalities), no upstream call.                                        |
 * | json      | deepseek/deepseek-v4-flash  | FORWARDED as response_format json_schema: DeepSeek documents only           |
 * |           |                             | json_object, so its own 400 is relayed as a 400 in the caller's format      |
 * |           |                             | (asserted at the end of this file).                                        |
 * | json      | Anthropic caller, any       | Anthropic has no schema name: OpenAI-format upstreams get name "response". |
 * | thinking  | Gemini caller → Anthropic,  | DROPPED for the tool-result turn: Anthropic needs its signed thinking     |
 * |  + tools  | or any caller that lost the | block first in the answered assistant turn; without one, thinking is      |
 * |           | signature                   | left off (else Anthropic rejects the request). Asserted below.            |
 * | tools     | Gemini → Gemini             | Google sends function calls without ids; the passthrough keeps them so,    |
 * |           |                             | and the tool-result turn is paired by name and order as Google does.       |
 */
import { describe, expect, it } from "vitest";
import {
  ANTHROPIC_PREAMBLE_TOKENS, ANTHROPIC_TOOL_PREAMBLE, FAKE_CALL_ARGS, FAKE_CALL_TOKENS, FAKE_REASONING, FAKE_REASONING_TOKENS, FAKE_SIGNATURE,
  FAKE_THOUGHT_SIGNATURE, UPSTREAMS, expectUpstreamBasics, fakePromptTokens, fakeText, type UpstreamInfo, type UpstreamName,
} from "../helpers/fake-answers";
import type { RecordedRequest } from "../helpers/fake-upstream";
import { rig } from "../helpers/rig";
import { expectOk, expectedFinish, readReply, type Reply } from "../helpers/surface-reply";
import {
  JSON_SCHEMA, PNG_B64, SURFACES, THINKING_BUDGET, THINKING_MAX_TOKENS, WEATHER_TOOL, type Call, type Intent, type Surface,
} from "../helpers/surface-request";
import { SCRIPTED_USAGE, scriptedText } from "../helpers/upstream-scripts";

/** What the scripted upstream answers to a JSON_SCHEMA request. */
const JSON_ANSWER = '{"city":"Paris","temperature_c":21}';
const UPSTREAM_NAMES: UpstreamName[] = ["openai", "anthropic", "gemini", "deepseek"];
const SCENARIOS = ["text", "tools", "thinking", "json", "image"] as const;
type Scenario = (typeof SCENARIOS)[number];

/** Caller and upstream speak the same format and the gateway forwards bodies untouched. */
const isPassthrough = (s: Surface, u: UpstreamInfo) => s === u.format && s !== "openai";

// ───────────────────────────── upstream-side views ─────────────────────────────

function systemText(sent: RecordedRequest, u: UpstreamInfo): string | undefined {
  const b = sent.body;
  if (u.format === "anthropic") return typeof b.system === "string" ? b.system : b.system?.map((p: any) => p.text).join("");
  if (u.format === "gemini") return b.systemInstruction?.parts?.map((p: any) => p.text).join("");
  const sys = b.messages.find((m: any) => m.role === "system");
  return sys?.content;
}

/** The last user message's parts, in a format-neutral shape. */
function lastUserParts(sent: RecordedRequest, u: UpstreamInfo): Array<{ text?: string; image?: unknown }> {
  const b = sent.body;
  if (u.format === "gemini") {
    const c = b.contents.filter((x: any) => x.role === "user").at(-1);
    return c.parts.map((p: any) => (p.inlineData ? { image: p.inlineData } : { text: p.text }));
  }
  const m = b.messages.filter((x: any) => x.role === "user").at(-1);
  if (typeof m.content === "string") return [{ text: m.content }];
  return m.content.map((p: any) =>
    p.type === "text" ? { text: p.text } : p.type === "image_url" ? { image: p.image_url } : p.type === "image" ? { image: p.source } : { other: p },
  );
}

function expectToolDeclared(sent: RecordedRequest, u: UpstreamInfo): void {
  const { name, description, schema } = WEATHER_TOOL;
  if (u.format === "anthropic") expect(sent.body.tools).toEqual([{ name, description, input_schema: schema }]);
  else if (u.format === "gemini") expect(sent.body.tools).toEqual([{ functionDeclarations: [{ name, description, parametersJsonSchema: schema }] }]);
  else expect(sent.body.tools).toEqual([{ type: "function", function: { name, description, parameters: schema } }]);
}

/**
 * The assistant tool calls and their results in the upstream's history, paired up:
 * [{ call: {id?, name, args}, result: {id?, name?, value} }] in order.
 */
function historyToolPairs(sent: RecordedRequest, u: UpstreamInfo): Array<{ call: Call; result: { id?: string; name?: string; value: unknown } }> {
  const b = sent.body;
  if (u.format === "gemini") {
    const i = b.contents.findIndex((c: any) => c.role === "model" && c.parts.some((p: any) => p.functionCall));
    expect(i).toBeGreaterThanOrEqual(0);
    const calls = b.contents[i].parts.filter((p: any) => p.functionCall).map((p: any) => p.functionCall);
    const responses = b.contents[i + 1].parts.filter((p: any) => p.functionResponse).map((p: any) => p.functionResponse);
    expect(b.contents[i + 1].role).toBe("user");
    expect(responses).toHaveLength(calls.length);
    return calls.map((c: any, k: number) => ({
      call: { id: c.id, name: c.name, args: c.args },
      result: { id: responses[k].id, name: responses[k].name, value: responses[k].response },
    }));
  }
  if (u.format === "anthropic") {
    const i = b.messages.findIndex((m: any) => m.role === "assistant" && Array.isArray(m.content) && m.content.some((x: any) => x.type === "tool_use"));
    expect(i).toBeGreaterThanOrEqual(0);
    const uses = b.messages[i].content.filter((x: any) => x.type === "tool_use");
    const next = b.messages[i + 1];
    expect(next.role).toBe("user");
    const results = next.content.filter((x: any) => x.type === "tool_result");
    expect(results).toHaveLength(uses.length);
    return uses.map((t: any, k: number) => {
      const r = results[k];
      const text = typeof r.content === "string" ? r.content : r.content.map((c: any) => c.text).join("");
      return { call: { id: t.id, name: t.name, args: t.input }, result: { id: r.tool_use_id, value: JSON.parse(text) } };
    });
  }
  const i = b.messages.findIndex((m: any) => m.role === "assistant" && m.tool_calls?.length);
  expect(i).toBeGreaterThanOrEqual(0);
  const calls = b.messages[i].tool_calls;
  return calls.map((tc: any, k: number) => {
    const r = b.messages[i + 1 + k];
    expect(r.role).toBe("tool");
    expect(tc.type).toBe("function");
    return { call: { id: tc.id, name: tc.function.name, args: JSON.parse(tc.function.arguments) }, result: { id: r.tool_call_id, value: JSON.parse(r.content) } };
  });
}

// ───────────────────────────── caller-side expectations ─────────────────────────────

/** Reasoning tokens the fake reports: Anthropic never reports them separately. */
const upstreamReportsReasoningTokens = (u: UpstreamInfo) => u.format !== "anthropic";

function expectHeaders(reply: Reply, surface: Surface, u: UpstreamInfo, stream: boolean): void {
  const gen = reply.headers.get("x-generation-id");
  expect(gen).toMatch(/^gen-/);
  expect(reply.headers.get("x-arouter-provider")).toBe(u.provider);
  if (!isPassthrough(surface, u)) expect(reply.id).toBe(gen);
  if (!stream) expect(Number(reply.headers.get("x-arouter-cost"))).toBeGreaterThan(0);
  expect(reply.model!.length).toBeGreaterThan(0);
}

async function runScenario(surface: Surface, upstream: UpstreamName, stream: boolean, scenario: Scenario): Promise<void> {
  const u = UPSTREAMS[upstream];
  const r = await rig(`matrix-${surface}-${upstream}`);
  const framing = stream ? "sse" : "json";
  const send = async (it: Omit<Intent, "model" | "framing">) => expectOk(await r.ask(surface, { ...it, model: u.model, framing }));

  switch (scenario) {
    case "text": {
      const reply = await send({ system: "Be brief.", turns: [{ role: "user", text: "Say hello" }] });
      const sent = (await r.up.lastRequest())!;
      expectUpstreamBasics(sent, u, stream);
      expect(systemText(sent, u)).toBe("Be brief.");
      expect(lastUserParts(sent, u)).toEqual([{ text: "Say hello" }]);
      expect(reply.text).toBe(fakeText(u));
      expect(reply.calls).toEqual([]);
      expect(reply.finish).toBe(expectedFinish(surface, "stop"));
      expect(reply.usage).toMatchObject({ input: fakePromptTokens(sent), output: 5 });
      expectHeaders(reply, surface, u, stream);
      return;
    }

    case "tools": {
      const question = "What's the weather in San Francisco and Boston? Use parallel calls.";
      const first = await send({ turns: [{ role: "user", text: question }], tools: true });
      const sent1 = (await r.up.lastRequest())!;
      expectUpstreamBasics(sent1, u, stream);
      expectToolDeclared(sent1, u);
      const calls = first.calls;
      expect(calls.map((c) => ({ name: c.name, args: c.args }))).toEqual(FAKE_CALL_ARGS.map((args) => ({ name: WEATHER_TOOL.name, args })));
      const ids = calls.map((c) => c.id);
      if (surface === "gemini" && u.format === "gemini") expect(ids).toEqual([undefined, undefined]); // Google's own body
      else {
        for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{8,}$/);
        expect(new Set(ids).size).toBe(2);
      }
      expect(first.text).toBe(u.format === "anthropic" ? ANTHROPIC_TOOL_PREAMBLE : "");
      expect(first.finish).toBe(expectedFinish(surface, "tool"));
      expect(first.usage).toMatchObject({
        input: fakePromptTokens(sent1),
        output: FAKE_CALL_TOKENS + (u.format === "anthropic" ? ANTHROPIC_PREAMBLE_TOKENS : 0),
      });
      expectHeaders(first, surface, u, stream);

      // The tool-result turn: the caller sends back the calls it got, with one result per call id.
      const results = [{ temp_c: 21 }, { temp_c: 12 }];
      const second = await send({
        turns: [
          { role: "user", text: question },
          { role: "assistant", text: first.text || undefined, calls },
          { role: "tool", results: calls.map((c, k) => ({ id: c.id, name: c.name, result: results[k] })) },
        ],
        tools: true,
      });
      const sent2 = (await r.up.lastRequest())!;
      expectUpstreamBasics(sent2, u, stream);
      const pairs = historyToolPairs(sent2, u);
      expect(pairs).toHaveLength(2);
      pairs.forEach((p, k) => {
        expect(p.call.name).toBe(WEATHER_TOOL.name);
        expect(p.call.args).toEqual(FAKE_CALL_ARGS[k]);
        expect(p.result.value).toEqual(results[k]);
        if (ids[k] !== undefined) {
          expect(p.call.id).toBe(ids[k]);
          expect(p.result.id).toBe(ids[k]);
        } else expect(p.result.name).toBe(p.call.name);
      });
      expect(second.text).toBe(fakeText(u));
      expect(second.calls).toEqual([]);
      expect(second.finish).toBe(expectedFinish(surface, "stop"));
      expect(second.usage.input).toBe(fakePromptTokens(sent2));
      return;
    }

    case "thinking": {
      const reply = await send({ turns: [{ role: "user", text: "Think, then say hello" }], thinking: true });
      const sent = (await r.up.lastRequest())!;
      expectUpstreamBasics(sent, u, stream);
      const b = sent.body;
      const reasons = upstream !== "openai"; // gpt-4o is not a reasoning model
      if (u.format === "anthropic") {
        expect(b.thinking).toEqual({ type: "enabled", budget_tokens: THINKING_BUDGET });
        expect(b.max_tokens).toBe(THINKING_MAX_TOKENS);
        expect(b.temperature).toBeUndefined();
      } else if (u.format === "gemini") {
        expect(b.generationConfig.thinkingConfig).toEqual({ thinkingBudget: THINKING_BUDGET, includeThoughts: true });
        expect(b.generationConfig.maxOutputTokens).toBe(THINKING_MAX_TOKENS);
      } else {
        // budget / max_tokens = 0.5 → medium.
        expect(b.reasoning_effort).toBe(reasons ? "medium" : undefined);
        expect(b.reasoning).toBeUndefined();
        expect(b[upstream === "openai" ? "max_completion_tokens" : "max_tokens"]).toBe(THINKING_MAX_TOKENS);
      }
      expect(reply.text).toBe(fakeText(u));
      expect(reply.reasoning).toBe(reasons ? FAKE_REASONING : "");
      const signed = u.format === "anthropic" && surface !== "gemini";
      expect(reply.signature).toBe(signed ? FAKE_SIGNATURE : undefined);
      expect(reply.finish).toBe(expectedFinish(surface, "stop"));
      expect(reply.usage).toMatchObject({ input: fakePromptTokens(sent), output: 5 + (reasons ? FAKE_REASONING_TOKENS : 0) });
      expect(reply.usage.reasoning).toBe(reasons && upstreamReportsReasoningTokens(u) ? FAKE_REASONING_TOKENS : undefined);
      expectHeaders(reply, surface, u, stream);
      return;
    }

    case "json": {
      await r.up.script(scriptedText(u, stream, JSON_ANSWER));
      const reply = await send({ turns: [{ role: "user", text: "Weather in Paris as JSON" }], json: true });
      const sent = (await r.up.lastRequest())!;
      expectUpstreamBasics(sent, u, stream);
      const b = sent.body;
      if (u.format === "anthropic") {
        expect(b.output_config).toEqual({ format: { type: "json_schema", schema: JSON_SCHEMA } });
      } else if (u.format === "gemini") {
        expect(b.generationConfig.responseMimeType).toBe("application/json");
        expect(b.generationConfig.responseJsonSchema).toEqual(JSON_SCHEMA);
        expect(b.generationConfig.responseSchema).toBeUndefined();
      } else {
        expect(b.response_format).toEqual({
          type: "json_schema",
          json_schema: surface === "openai" ? { name: "weather_report", schema: JSON_SCHEMA, strict: true } : { name: "response", schema: JSON_SCHEMA },
        });
      }
      expect(reply.text).toBe(JSON_ANSWER);
      expect(JSON.parse(reply.text)).toEqual({ city: "Paris", temperature_c: 21 });
      expect(reply.finish).toBe(expectedFinish(surface, "stop"));
      expect(reply.usage).toMatchObject(SCRIPTED_USAGE);
      expectHeaders(reply, surface, u, stream);
      return;
    }

    case "image": {
      const turns: Intent["turns"] = [{ role: "user", text: "What is in this image?", imageB64: PNG_B64 }];
      if (upstream === "deepseek") {
        // Text-only model: refused before any upstream call, in the caller's own error shape.
        const refused = await r.ask(surface, { model: u.model, turns, framing });
        expect(refused.status).toBe(400);
        const err = refused.body;
        const message: string = err.error.message;
        if (surface === "anthropic") expect(err).toMatchObject({ type: "error", error: { type: "invalid_request_error" } });
        if (surface === "gemini") expect(err.error).toMatchObject({ code: 400, status: "INVALID_ARGUMENT" });
        if (surface === "openai") expect(err.error.code).toBe(400);
        expect(message).toMatch(/image/i);
        expect(message).toContain("deepseek/deepseek-v4-flash");
        expect(await r.up.requests()).toHaveLength(0);
        return;
      }
      const reply = await send({ turns });
      const sent = (await r.up.lastRequest())!;
      expectUpstreamBasics(sent, u, stream);
      const image =
        u.format === "anthropic"
          ? { type: "base64", media_type: "image/png", data: PNG_B64 }
          : u.format === "gemini"
            ? { mimeType: "image/png", data: PNG_B64 }
            : { url: `data:image/png;base64,${PNG_B64}` };
      expect(lastUserParts(sent, u)).toEqual([{ text: "What is in this image?" }, { image }]);
      expect(reply.text).toBe(fakeText(u));
      expect(reply.finish).toBe(expectedFinish(surface, "stop"));
      expect(reply.usage).toMatchObject({ input: fakePromptTokens(sent), output: 5 });
      expectHeaders(reply, surface, u, stream);
      return;
    }
  }
}

for (const surface of SURFACES) {
  describe.concurrent(`${surface} surface`, () => {
    for (const upstream of UPSTREAM_NAMES)
      for (const stream of [false, true])
        for (const scenario of SCENARIOS)
          it(`→ ${UPSTREAMS[upstream].model} · ${stream ? "stream" : "non-stream"} · ${scenario}`, () =>
            runScenario(surface, upstream, stream, scenario));
  });
}

describe.concurrent("upstream refusals stay explicit", () => {
  // DeepSeek documents only response_format json_object; the gateway forwards json_schema and its
  // 400 reaches the caller as a 400 in the caller's own format, with DeepSeek's message.
  for (const surface of SURFACES)
    it(`DeepSeek's 400 for json_schema reaches the ${surface} caller as a 400`, async () => {
      const u = UPSTREAMS.deepseek;
      const r = await rig("matrix-refusal");
      await r.up.script({
        status: 400,
        body: { error: { message: "This response_format type is unavailable now", type: "invalid_request_error", param: null, code: "invalid_request_error" } },
      });
      const refused = await r.ask(surface, { model: u.model, turns: [{ role: "user", text: "json please" }], json: true });
      expect(refused.status).toBe(400);
      const err = refused.body;
      if (surface === "anthropic") expect(err).toMatchObject({ type: "error", error: { type: "invalid_request_error" } });
      if (surface === "gemini") expect(err.error).toMatchObject({ code: 400, status: "INVALID_ARGUMENT" });
      if (surface === "openai") expect(err.error.code).toBe(400);
      expect(err.error.message).toContain("response_format type is unavailable");
      expect((await r.up.lastRequest())!.body.response_format.type).toBe("json_schema");
    });
});

/**
 * Thinking across a tool-result turn, where each provider needs its own reasoning artefact back:
 * Anthropic the signed thinking block first in the assistant turn (else thinking must be off),
 * Gemini the functionCall's thoughtSignature, DeepSeek reasoning_content. The caller sends back
 * the assistant message exactly as it received it (non-stream), in its own format.
 */
describe.concurrent("thinking across the tool-result turn", () => {
  const question = "What's the weather in San Francisco and Boston? Use parallel calls.";
  for (const surface of SURFACES)
    for (const upstream of ["anthropic", "gemini", "deepseek"] as const)
      it(`${surface} caller → ${UPSTREAMS[upstream].model}`, async () => {
        const u = UPSTREAMS[upstream];
        const r = await rig(`matrix-think-tools-${surface}-${upstream}`);
        const base: Intent = { model: u.model, turns: [{ role: "user", text: question }], tools: true, thinking: true };
        const reply = expectOk(await r.ask(surface, base));
        const first = reply.body;
        expect(reply.calls).toHaveLength(2);
        expect(reply.reasoning).toBe(FAKE_REASONING);

        // Turn 2: the assistant message as received + the tool results, in the caller's format.
        const results = reply.calls.map((c, k) => ({ id: c.id, name: c.name, result: { temp_c: [21, 12][k] } }));
        const call = r.call(surface, { ...base, turns: [...base.turns!, { role: "tool", results }] });
        const body = call.body as any;
        if (surface === "openai") body.messages.splice(1, 0, first.choices[0].message);
        else if (surface === "anthropic") body.messages.splice(1, 0, { role: "assistant", content: first.content });
        else body.contents.splice(1, 0, first.candidates[0].content);
        const second = await r.gw.fetch(call.path, { ...call.init, body: JSON.stringify(body) });
        expect(expectOk(await readReply(call, second)).text).toBe(fakeText(u));

        const sent = (await r.up.lastRequest())!.body;
        if (upstream === "anthropic") {
          const assistant = sent.messages.find((m: any) => m.role === "assistant");
          if (surface === "gemini") {
            // A Gemini caller cannot carry Anthropic's signature: thinking is off for this turn.
            expect(sent.thinking).toBeUndefined();
            expect(assistant.content.map((b: any) => b.type)).not.toContain("thinking");
          } else {
            expect(sent.thinking).toEqual({ type: "enabled", budget_tokens: THINKING_BUDGET });
            expect(assistant.content[0]).toEqual({ type: "thinking", thinking: FAKE_REASONING, signature: FAKE_SIGNATURE });
          }
        } else if (upstream === "gemini") {
          expect(sent.generationConfig.thinkingConfig).toEqual({ thinkingBudget: THINKING_BUDGET, includeThoughts: true });
          const model = sent.contents.find((c: any) => c.role === "model");
          expect(model.parts.find((p: any) => p.functionCall).thoughtSignature).toBe(FAKE_THOUGHT_SIGNATURE);
        } else {
          const assistant = sent.messages.find((m: any) => m.role === "assistant");
          expect(assistant.reasoning_content).toBe(FAKE_REASONING);
          expect(sent.reasoning_effort).toBe("medium");
        }
      });
});

describe.concurrent("thinking is dropped, not rejected, when the caller lost Anthropic's signature", () => {
  it("OpenAI caller without reasoning_details → Anthropic: no thinking for the tool-result turn", async () => {
    const u = UPSTREAMS.anthropic;
    const r = await rig("matrix-unsigned");
    const call: Call = { id: "toolu_01Unsigned", name: WEATHER_TOOL.name, args: { city: "Paris" } };
    const reply = await r.ask("openai", {
      model: u.model,
      turns: [
        { role: "user", text: "weather in Paris?" },
        { role: "assistant", calls: [call] },
        { role: "tool", results: [{ id: call.id, name: call.name, result: { temp_c: 21 } }] },
      ],
      tools: true,
      thinking: true,
    });
    expect(reply.status).toBe(200);
    const sent = (await r.up.lastRequest())!.body;
    expect(sent.thinking).toBeUndefined();
    expect(sent.messages[1].content[0].type).toBe("tool_use");
    // A new user turn after a finished tool loop keeps thinking on.
    await r.ask("openai", { model: u.model, turns: [{ role: "user", text: "hi" }, { role: "assistant", text: "Hello!" }, { role: "user", text: "again" }], thinking: true });
    expect((await r.up.lastRequest())!.body.thinking).toEqual({ type: "enabled", budget_tokens: THINKING_BUDGET });
  });
});
