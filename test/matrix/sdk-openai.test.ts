/**
 * The official `openai` SDK as a client of the gateway, unchanged, inside workerd: its fetch is
 * routed into the app in-process (see sdkFetch). Non-stream and stream, with tools and a
 * tool-result turn, against upstreams of every format.
 */
import OpenAI from "openai";
import { describe, expect, it } from "vitest";
import { FAKE_CALL_ARGS, FAKE_REASONING, UPSTREAMS, fakeText, plainToolId, type UpstreamName } from "../helpers/fake-answers";
import { rig } from "../helpers/rig";
import { SDK_BASE, sdkFetch, type SdkCall } from "../helpers/sdk-fetch";
import { WEATHER_TOOL } from "../helpers/surface-request";

async function setup() {
  const { up, gw, key } = await rig("sdk-openai");
  const log: SdkCall[] = [];
  const client = new OpenAI({ apiKey: key, baseURL: `${SDK_BASE}/v1`, fetch: sdkFetch(gw, log), maxRetries: 0 });
  return { up, gw, key, log, client };
}

const tools: OpenAI.Chat.Completions.ChatCompletionTool[] = [
  { type: "function", function: { name: WEATHER_TOOL.name, description: WEATHER_TOOL.description, parameters: WEATHER_TOOL.schema } },
];
const question = "What's the weather in San Francisco and Boston? Use parallel calls.";
const UPSTREAM_NAMES: UpstreamName[] = ["openai", "anthropic", "gemini", "deepseek"];

describe("openai SDK → gateway", () => {
  for (const name of UPSTREAM_NAMES) {
    const u = UPSTREAMS[name];
    it(`chat.completions.create with tools, then the tool results (${u.model})`, async () => {
      const { client, log, key, up } = await setup();
      const first = await client.chat.completions.create({ model: u.model, messages: [{ role: "user", content: question }], tools });
      expect(log[0]).toMatchObject({ method: "POST", path: "/v1/chat/completions" });
      expect(log[0].headers.authorization).toBe(`Bearer ${key}`);
      const msg = first.choices[0].message;
      expect(first.choices[0].finish_reason).toBe("tool_calls");
      const calls = (msg.tool_calls ?? []).filter((c) => c.type === "function");
      expect(calls.map((c) => JSON.parse(c.function.arguments))).toEqual(FAKE_CALL_ARGS);
      expect(first.usage!.total_tokens).toBe(first.usage!.prompt_tokens + first.usage!.completion_tokens);

      const second = await client.chat.completions.create({
        model: u.model,
        tools,
        messages: [
          { role: "user", content: question },
          msg,
          ...calls.map((c, i) => ({ role: "tool" as const, tool_call_id: c.id, content: JSON.stringify({ temp_c: [21, 12][i] }) })),
        ],
      });
      expect(second.choices[0].message.content).toBe(fakeText(u));
      expect(second.choices[0].finish_reason).toBe("stop");
      // The ids the SDK echoed reached the provider paired with their results.
      const sent = JSON.stringify((await up.lastRequest())!.body);
      for (const c of calls) expect(sent).toContain(plainToolId(c.id));
    });

    it(`chat.completions.create({stream: true}) with tools (${u.model})`, async () => {
      const { client } = await setup();
      const stream = await client.chat.completions.create({ model: u.model, stream: true, messages: [{ role: "user", content: question }], tools });
      const calls = new Map<number, { id?: string; name: string; args: string }>();
      let finish: string | null = null;
      let usage: OpenAI.CompletionUsage | undefined | null;
      for await (const chunk of stream) {
        for (const ch of chunk.choices) {
          for (const tc of ch.delta.tool_calls ?? []) {
            const cur = calls.get(tc.index) ?? { name: "", args: "" };
            if (tc.id) cur.id = tc.id;
            if (tc.function?.name) cur.name += tc.function.name;
            cur.args += tc.function?.arguments ?? "";
            calls.set(tc.index, cur);
          }
          if (ch.finish_reason) finish = ch.finish_reason;
        }
        if (chunk.usage) usage = chunk.usage;
      }
      expect(finish).toBe("tool_calls");
      expect([...calls.values()].map((c) => ({ name: c.name, args: JSON.parse(c.args) }))).toEqual(
        FAKE_CALL_ARGS.map((args) => ({ name: WEATHER_TOOL.name, args })),
      );
      for (const c of calls.values()) expect(c.id).toBeTruthy();
      expect(usage!.completion_tokens).toBeGreaterThan(0);
    });
  }

  it("chat.completions.stream() accumulates a reasoning + text answer (finalChatCompletion)", async () => {
    const { client } = await setup();
    const runner = client.chat.completions.stream({
      model: UPSTREAMS.deepseek.model,
      messages: [{ role: "user", content: "Think, then say hello" }],
      reasoning_effort: "medium",
    });
    let deltas = "";
    let reasoning = "";
    runner.on("content.delta", (e) => (deltas += e.delta));
    // The SDK keeps only the last value of a non-standard delta field, so reasoning is read per chunk.
    runner.on("chunk", (c) => (reasoning += (c.choices[0]?.delta as { reasoning?: string } | undefined)?.reasoning ?? ""));
    const final = await runner.finalChatCompletion();
    expect(deltas).toBe(fakeText(UPSTREAMS.deepseek));
    expect(final.choices[0].message.content).toBe(fakeText(UPSTREAMS.deepseek));
    expect(final.choices[0].finish_reason).toBe("stop");
    expect(reasoning).toBe(FAKE_REASONING);
  });

  it("surfaces gateway errors as the SDK's typed errors", async () => {
    const { client, gw } = await setup();
    await expect(client.chat.completions.create({ model: "nope/not-a-model", messages: [{ role: "user", content: "Hi" }] })).rejects.toBeInstanceOf(
      OpenAI.BadRequestError,
    );
    const anonymous = new OpenAI({ apiKey: "lr_live_wrong", baseURL: `${SDK_BASE}/v1`, fetch: sdkFetch(gw), maxRetries: 0 });
    await expect(anonymous.chat.completions.create({ model: "openai/gpt-4o", messages: [{ role: "user", content: "Hi" }] })).rejects.toBeInstanceOf(
      OpenAI.AuthenticationError,
    );
  });
});
