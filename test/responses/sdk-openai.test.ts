/**
 * The official `openai` SDK's Responses client, unchanged, against the gateway in-process:
 * responses.create / responses.stream with tools, reasoning and previous_response_id to OpenAI,
 * Anthropic, Gemini and an OpenAI-compatible upstream; retrieve, delete, inputItems.list,
 * inputTokens.count; the SDK's typed errors.
 */
import OpenAI from "openai";
import { describe, expect, it } from "vitest";
import { fakeSession } from "../helpers/fake-upstream";
import { gateway } from "../helpers/gateway";
import { FAKE_CALL_ARGS, FAKE_REASONING, UPSTREAMS, fakeText, type UpstreamName } from "../helpers/fake-answers";
import { SDK_BASE, sdkFetch, type SdkCall } from "../helpers/sdk-fetch";

async function setup() {
  const up = fakeSession("sdk-responses");
  const gw = gateway({ ...up.env, OPENROUTER_API_KEY: "" });
  const { key } = await gw.createKey();
  const log: SdkCall[] = [];
  const client = new OpenAI({ apiKey: key, baseURL: `${SDK_BASE}/v1`, fetch: sdkFetch(gw, log), maxRetries: 0 });
  return { up, gw, key, log, client };
}

const tools: OpenAI.Responses.Tool[] = [
  {
    type: "function",
    name: "get_weather",
    description: "Current weather for a city",
    parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
    strict: false,
  },
];
const question = "What's the weather in San Francisco and Boston? Use parallel calls.";
const UPSTREAM_NAMES: UpstreamName[] = ["openai", "anthropic", "gemini", "deepseek"];

describe("openai SDK responses → gateway", () => {
  for (const name of UPSTREAM_NAMES) {
    const u = UPSTREAMS[name];
    it(`responses.create with tools, then the outputs through previous_response_id (${u.model})`, async () => {
      const { client, log, key, up } = await setup();
      const first = await client.responses.create({ model: u.model, input: question, tools });
      expect(log[0]).toMatchObject({ method: "POST", path: "/v1/responses" });
      expect(log[0].headers.authorization).toBe(`Bearer ${key}`);
      const calls = first.output.filter((i): i is OpenAI.Responses.ResponseFunctionToolCall => i.type === "function_call");
      expect(calls.map((c) => JSON.parse(c.arguments))).toEqual(FAKE_CALL_ARGS);
      expect(first.usage!.total_tokens).toBe(first.usage!.input_tokens + first.usage!.output_tokens);

      const second = await client.responses.create({
        model: u.model,
        tools,
        previous_response_id: first.id,
        input: calls.map((c, i) => ({ type: "function_call_output" as const, call_id: c.call_id, output: JSON.stringify({ temp_c: [21, 12][i] }) })),
      });
      expect(second.output_text).toBe(fakeText(u));
      expect(second.status).toBe("completed");
      expect(second.previous_response_id).toBe(first.id);
      // The whole conversation reached the provider: the question, both calls, both results.
      const sent = JSON.stringify((await up.lastRequest())!.body);
      expect(sent).toContain("San Francisco and Boston");
      for (const c of calls) expect(sent).toContain(c.call_id.split("__")[0]);
      expect(sent).toMatch(/temp_c\\?"\s*:\s*12/);
    });

    it(`responses.stream with tools accumulates the final response (${u.model})`, async () => {
      const { client } = await setup();
      const stream = client.responses.stream({ model: u.model, input: question, tools });
      const deltas: string[] = [];
      stream.on("response.function_call_arguments.delta", (e) => deltas.push(e.delta));
      const final = await stream.finalResponse();
      const calls = final.output.flatMap((i) => (i.type === "function_call" ? [i.arguments] : []));
      expect(calls.map((a) => JSON.parse(a))).toEqual(FAKE_CALL_ARGS);
      expect(deltas.join("")).toBe(calls.join(""));
      expect(final.usage!.output_tokens).toBeGreaterThan(0);
      expect((final.usage as unknown as { cost: number }).cost).toBeGreaterThan(0);
    });
  }

  it("responses.stream shows reasoning summaries from Claude and Gemini, and carries them across turns", async () => {
    const { client, up } = await setup();
    for (const u of [UPSTREAMS.anthropic, UPSTREAMS.gemini]) {
      const stream = client.responses.stream({ model: u.model, input: "Think, then say hello", reasoning: { effort: "high", summary: "auto" } });
      let summary = "";
      stream.on("response.reasoning_summary_text.delta", (e) => (summary += e.delta));
      const final = await stream.finalResponse();
      expect(summary).toBe(FAKE_REASONING);
      expect(final.output[0]).toMatchObject({ type: "reasoning", summary: [{ type: "summary_text", text: FAKE_REASONING }] });
      expect(final.output_text).toBe(fakeText(u));
      // Anthropic does not count thinking tokens apart; Gemini does.
      if (u === UPSTREAMS.gemini) expect(final.usage!.output_tokens_details.reasoning_tokens).toBeGreaterThan(0);
      const next = await client.responses.create({ model: u.model, input: "Again", previous_response_id: final.id, reasoning: { effort: "high", summary: "auto" } });
      expect(next.output_text).toBe(fakeText(u));
    }
    // Claude's turn came back to Claude with its signed thinking (the Gemini turn to Gemini with its own).
    const sent = (await up.requests()).filter((r) => r.path.startsWith("/anthropic"))[1].body as { messages: Array<{ role: string; content: Array<Record<string, unknown>> }> };
    expect(sent.messages[1].content[0]).toMatchObject({ type: "thinking", thinking: FAKE_REASONING, signature: expect.any(String) });
  });

  it("retrieve, inputItems.list, inputTokens.count and delete", async () => {
    const { client, log } = await setup();
    const first = await client.responses.create({ model: UPSTREAMS.anthropic.model, input: "one" });
    const second = await client.responses.create({ model: UPSTREAMS.anthropic.model, input: "two", previous_response_id: first.id });
    const got = await client.responses.retrieve(second.id);
    expect(got.id).toBe(second.id);
    expect(got.output_text).toBe(second.output_text);
    const seen: string[] = [];
    for await (const item of client.responses.inputItems.list(second.id, { limit: 1, order: "asc" })) {
      seen.push(item.type === "message" ? `${item.role}:${item.content.map((c) => ("text" in c ? c.text : "")).join("")}` : item.type);
    }
    expect(seen).toEqual(["user:one", `assistant:${fakeText(UPSTREAMS.anthropic)}`, "user:two"]);
    expect(log.filter((l) => l.path.endsWith("/input_items")).length).toBe(3);

    const counted = await client.responses.inputTokens.count({ model: UPSTREAMS.anthropic.model, input: "How many tokens is this?" });
    expect(counted).toMatchObject({ object: "response.input_tokens", input_tokens: expect.any(Number) });
    expect(counted.input_tokens).toBeGreaterThan(0);

    const deleted: unknown = await client.responses.delete(first.id);
    expect(deleted).toEqual({ id: first.id, object: "response", deleted: true });
    await expect(client.responses.retrieve(first.id)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    // The second response continues a deleted one: it is still readable, but no longer continuable.
    expect((await client.responses.retrieve(second.id)).id).toBe(second.id);
    await expect(client.responses.create({ model: UPSTREAMS.anthropic.model, input: "three", previous_response_id: second.id })).rejects.toBeInstanceOf(OpenAI.BadRequestError);
  });

  it("surfaces gateway errors as the SDK's typed errors", async () => {
    const { client, gw } = await setup();
    await expect(client.responses.create({ model: "nope/not-a-model", input: "Hi" })).rejects.toBeInstanceOf(OpenAI.BadRequestError);
    await expect(client.responses.create({ model: UPSTREAMS.openai.model, input: "Hi", previous_response_id: "gen-missing" })).rejects.toThrow(
      "Previous response with id 'gen-missing' not found.",
    );
    const anonymous = new OpenAI({ apiKey: "lr_live_wrong", baseURL: `${SDK_BASE}/v1`, fetch: sdkFetch(gw), maxRetries: 0 });
    await expect(anonymous.responses.create({ model: UPSTREAMS.openai.model, input: "Hi" })).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
  });
});
