/**
 * The official `@anthropic-ai/sdk` as a client of the gateway, unchanged, inside workerd:
 * messages.create and messages.stream (finalMessage) with tools and thinking against upstreams
 * of every format, the tool-result turn, countTokens, pings while waiting, typed errors.
 */
import Anthropic from "@anthropic-ai/sdk";
import { describe, expect, it } from "vitest";
import {
  ANTHROPIC_TOOL_PREAMBLE, FAKE_CALL_ARGS, FAKE_REASONING, FAKE_SIGNATURE, UPSTREAMS, fakeText, plainToolId, type UpstreamName,
} from "../helpers/fake-answers";
import { rig } from "../helpers/rig";
import { SDK_BASE, sdkFetch, type SdkCall } from "../helpers/sdk-fetch";
import { WEATHER_TOOL } from "../helpers/surface-request";
import { cutOpenAIStream } from "../helpers/upstream-scripts";

async function setup(env: Record<string, unknown> = {}) {
  const { up, gw, key } = await rig("sdk-anthropic", { env });
  const log: SdkCall[] = [];
  const client = new Anthropic({ apiKey: key, baseURL: SDK_BASE, fetch: sdkFetch(gw, log), maxRetries: 0 });
  return { up, gw, key, log, client };
}

const tools: Anthropic.Tool[] = [{ name: WEATHER_TOOL.name, description: WEATHER_TOOL.description, input_schema: WEATHER_TOOL.schema as Anthropic.Tool.InputSchema }];
const question = "What's the weather in San Francisco and Boston? Use parallel calls.";
const UPSTREAM_NAMES: UpstreamName[] = ["anthropic", "openai", "gemini", "deepseek"];
/** gpt-4o takes no reasoning (dropped); OpenAI models never return reasoning text anyway. */
const showsThinking = (name: UpstreamName) => name !== "openai";

function toolUses(m: Anthropic.Message): Anthropic.ToolUseBlock[] {
  return m.content.filter((b): b is Anthropic.ToolUseBlock => b.type === "tool_use");
}

describe("@anthropic-ai/sdk → gateway", () => {
  for (const name of UPSTREAM_NAMES) {
    const u = UPSTREAMS[name];

    it(`messages.create with tools and thinking, then the tool results (${u.model})`, async () => {
      const { client, log, key, up } = await setup();
      const params = { model: u.model, max_tokens: 4096, tools, thinking: { type: "enabled" as const, budget_tokens: 1024 } };
      const first = await client.messages.create({ ...params, messages: [{ role: "user", content: question }] });
      expect(log[0]).toMatchObject({ method: "POST", path: "/v1/messages" });
      // SDK 1.x sends the key as a Bearer token (older ones as x-api-key); both are accepted.
      expect(log[0].headers["x-api-key"] ?? log[0].headers.authorization?.replace(/^Bearer /, "")).toBe(key);
      expect(log[0].headers["anthropic-version"]).toBeTruthy();
      expect(first.stop_reason).toBe("tool_use");
      expect(toolUses(first).map((b) => b.input)).toEqual(FAKE_CALL_ARGS);
      for (const b of toolUses(first)) expect(b.id).toMatch(/^[a-zA-Z0-9_-]+$/);
      const thinking = first.content.find((b): b is Anthropic.ThinkingBlock => b.type === "thinking");
      if (showsThinking(name)) expect(thinking?.thinking).toBe(FAKE_REASONING);
      else expect(thinking).toBeUndefined();
      if (name === "anthropic") expect(thinking?.signature).toBe(FAKE_SIGNATURE);

      const second = await client.messages.create({
        ...params,
        messages: [
          { role: "user", content: question },
          { role: "assistant", content: first.content },
          { role: "user", content: toolUses(first).map((b, i) => ({ type: "tool_result" as const, tool_use_id: b.id, content: JSON.stringify({ temp_c: [21, 12][i] }) })) },
        ],
      });
      expect(second.stop_reason).toBe("end_turn");
      expect(second.content.filter((b) => b.type === "text").map((b) => (b as Anthropic.TextBlock).text).join("")).toBe(fakeText(u));
      const sent = JSON.stringify((await up.lastRequest())!.body);
      for (const b of toolUses(first)) expect(sent).toContain(plainToolId(b.id));
    });

    it(`messages.stream with tools and thinking → finalMessage() (${u.model})`, async () => {
      const { client } = await setup();
      const stream = client.messages.stream({
        model: u.model,
        max_tokens: 4096,
        tools,
        thinking: { type: "enabled", budget_tokens: 1024 },
        messages: [{ role: "user", content: question }],
      });
      let thinkingDeltas = "";
      const jsonSnapshots: unknown[] = [];
      stream.on("thinking", (delta) => (thinkingDeltas += delta));
      stream.on("inputJson", (_partial, snapshot) => jsonSnapshots.push(snapshot));
      const final = await stream.finalMessage();
      expect(final.stop_reason).toBe("tool_use");
      expect(toolUses(final).map((b) => ({ name: b.name, input: b.input }))).toEqual(FAKE_CALL_ARGS.map((input) => ({ name: WEATHER_TOOL.name, input })));
      expect(jsonSnapshots.at(-1)).toEqual(FAKE_CALL_ARGS[1]);
      expect(thinkingDeltas).toBe(showsThinking(name) ? FAKE_REASONING : "");
      const text = final.content.filter((b) => b.type === "text").map((b) => (b as Anthropic.TextBlock).text).join("");
      expect(text).toBe(name === "anthropic" ? ANTHROPIC_TOOL_PREAMBLE : "");
      expect(final.usage.output_tokens).toBeGreaterThan(0);
      expect(final.usage.input_tokens).toBeGreaterThan(0);
    });
  }

  it("messages.stream survives pings while the upstream is slow", async () => {
    const { client, up } = await setup({ STREAM_KEEPALIVE_MS: "30" });
    await up.script({ firstByteDelayMs: 250 });
    const final = await client.messages.stream({ model: UPSTREAMS.gemini.model, max_tokens: 256, messages: [{ role: "user", content: "Hi" }] }).finalMessage();
    expect(final.content.map((b) => (b.type === "text" ? b.text : b.type))).toEqual([fakeText(UPSTREAMS.gemini)]);
  });

  it("messages.countTokens: exact for Anthropic, estimated otherwise", async () => {
    const { client, log } = await setup();
    const exact = await client.messages.countTokens({ model: UPSTREAMS.anthropic.model, messages: [{ role: "user", content: "Hello there" }], tools });
    expect(log.at(-1)!.path).toBe("/v1/messages/count_tokens");
    expect(exact.input_tokens).toBeGreaterThan(0);
    const estimate = await client.messages.countTokens({ model: UPSTREAMS.openai.model, messages: [{ role: "user", content: "Hello there" }] });
    expect(estimate.input_tokens).toBeGreaterThan(0);
  });

  it("surfaces gateway errors as the SDK's typed errors, mid-stream ones included", async () => {
    const { client, gw, up } = await setup();
    await expect(client.messages.create({ model: "nope/nothing", max_tokens: 10, messages: [{ role: "user", content: "Hi" }] })).rejects.toBeInstanceOf(
      Anthropic.BadRequestError,
    );
    const anonymous = new Anthropic({ apiKey: "lr_live_wrong", baseURL: SDK_BASE, fetch: sdkFetch(gw), maxRetries: 0 });
    await expect(anonymous.messages.create({ model: "anthropic/claude-sonnet-4.6", max_tokens: 10, messages: [{ role: "user", content: "Hi" }] })).rejects.toBeInstanceOf(
      Anthropic.AuthenticationError,
    );
    await up.script(cutOpenAIStream());
    const stream = client.messages.stream({ model: UPSTREAMS.openai.model, max_tokens: 64, messages: [{ role: "user", content: "Hi" }] });
    await expect(stream.finalMessage()).rejects.toBeInstanceOf(Anthropic.APIError);
  });
});
