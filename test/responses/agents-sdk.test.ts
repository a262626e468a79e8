/**
 * The OpenAI Agents SDK (@openai/agents), whose default model speaks the Responses API, unchanged
 * against the gateway in-process: an agent with a function tool runs its tool loop (the SDK sends
 * the call's output back and reads the answer with its own parser), streamed and not, and a second
 * run continues the first by previousResponseId (the gateway's stored response) on every kind of
 * upstream.
 */
import { Agent, run, setTracingDisabled, tool } from "@openai/agents-core";
import { OpenAIResponsesModel } from "@openai/agents-openai";
import OpenAI from "openai";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { fakeSession } from "../helpers/fake-upstream";
import { gateway } from "../helpers/gateway";
import { ANTHROPIC_TOOL_PREAMBLE, FAKE_CALL_ARGS, UPSTREAMS, fakeText } from "../helpers/fake-answers";
import { SDK_BASE, sdkFetch, type SdkCall } from "../helpers/sdk-fetch";

// Traces would be exported to OpenAI's servers: nothing leaves the test.
setTracingDisabled(true);

const MODELS = [UPSTREAMS.openai, UPSTREAMS.anthropic, UPSTREAMS.gemini, UPSTREAMS.deepseek];

async function agentFor(model: string) {
  const up = fakeSession("agents-sdk");
  const gw = gateway({ ...up.env, OPENROUTER_API_KEY: "" });
  const { key } = await gw.createKey();
  const log: SdkCall[] = [];
  const client = new OpenAI({ apiKey: key, baseURL: `${SDK_BASE}/v1`, fetch: sdkFetch(gw, log), maxRetries: 0 });
  const cities: string[] = [];
  const weather = tool({
    name: "get_weather",
    description: "Current weather for a city",
    parameters: z.object({ city: z.string() }),
    execute: async ({ city }) => {
      cities.push(city);
      return JSON.stringify({ city, temp_c: city === "Boston" ? 12 : 21 });
    },
  });
  const agent = new Agent({ name: "Weather", instructions: "Answer with the weather.", model: new OpenAIResponsesModel(client, model), tools: [weather] });
  return { up, log, agent, cities };
}

const question = "What's the weather in San Francisco and Boston? Use parallel calls.";

describe("OpenAI Agents SDK (Responses model) → gateway", () => {
  for (const u of MODELS) {
    it(`runs a tool loop, then continues it by previousResponseId (${u.model})`, async () => {
      const { up, log, agent, cities } = await agentFor(u.model);
      const result = await run(agent, question);
      expect(cities).toEqual(FAKE_CALL_ARGS.map((a) => a.city));
      expect(result.finalOutput).toBe(fakeText(u));
      expect(log.every((c) => c.path === "/v1/responses")).toBe(true);
      expect(log.length).toBe(2);
      // The tool outputs reached the provider with the calls they answer.
      const sent = JSON.stringify((await up.lastRequest())!.body);
      expect(sent).toMatch(/temp_c\\?"\s*:\s*12/);

      const next = await run(agent, "And tomorrow?", { previousResponseId: result.lastResponseId });
      expect(next.finalOutput).toBe(fakeText(u));
      // The stored conversation came back: the first question and the tool results, then the new one.
      const again = JSON.stringify((await up.lastRequest())!.body);
      expect(again).toContain("San Francisco and Boston");
      expect(again).toMatch(/temp_c\\?"\s*:\s*12/);
      expect(again).toContain("And tomorrow?");
    });

    it(`streams a tool loop (${u.model})`, async () => {
      const { agent, cities } = await agentFor(u.model);
      const result = await run(agent, question, { stream: true });
      let text = "";
      for await (const chunk of result.toTextStream()) text += chunk;
      await result.completed;
      expect(cities).toEqual(FAKE_CALL_ARGS.map((a) => a.city));
      // Every turn's text streams: Claude's (fake) words before its tool calls, then the answer.
      expect(text).toBe((u.format === "anthropic" ? ANTHROPIC_TOOL_PREAMBLE : "") + fakeText(u));
      expect(result.finalOutput).toBe(fakeText(u));
    });
  }
});
