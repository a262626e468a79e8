/**
 * The Responses API as an upstream: models the catalog marks `wire: "responses"` (OpenAI's -pro and
 * codex families, Azure's codex-mini) are called through `/responses` from every surface, streamed
 * or not, with token counting through `/responses/input_tokens`; the provider URL rules; the codec
 * choice.
 */
import { describe, expect, it } from "vitest";
import { endpointCodec } from "../../src/codecs";
import type { Env } from "../../src/env";
import { getProvider, providerConfig } from "../../src/providers/registry";
import { azureEnv } from "../helpers/cloud-env";
import { jsonPost } from "../helpers/gateway";
import { NO_OPENROUTER } from "../helpers/fake-upstream";
import { rig } from "../helpers/rig";
import { readResponse, readStream, setup, type Rec } from "./helpers";

const PRO = "openai/gpt-5-pro";
const PRO_TEXT = "Hello from fake openai (gpt-5-pro)";

describe("Responses-only models, from every surface", () => {
  for (const stream of [false, true]) {
    it(`chat completions, Anthropic and Gemini callers reach ${PRO} through /responses (${stream ? "streamed" : "not streamed"})`, async () => {
      const r = await rig("resp-upstream-pro", { env: NO_OPENROUTER });
      for (const surface of ["openai", "anthropic", "gemini"] as const) {
        const reply = await r.ask(surface, { model: PRO, turns: [{ role: "user", text: "Think, then say hello" }], thinking: true, framing: stream ? "sse" : "json" });
        const res = { headers: reply.headers };
        expect(reply.text, surface).toBe(PRO_TEXT);
        // OpenAI shows reasoning summaries (asked for on the caller's behalf) as reasoning text.
        expect(reply.reasoning, surface).toBe("Thinking about the request step by step.");
        const sent = (await r.up.lastRequest())!;
        expect(sent.path, surface).toBe("/openai/v1/responses");
        expect(sent.body, surface).toMatchObject({ model: "gpt-5-pro", store: false, include: ["reasoning.encrypted_content"], reasoning: { summary: "auto" } });
        expect(sent.body.stream === true, surface).toBe(stream);
        expect(res.headers.get("x-arouter-model"), surface).toBe(PRO);
      }
    });
  }

  it("a chat caller's tool loop on a Responses-only model carries OpenAI's encrypted reasoning between turns", async () => {
    const r = await rig("resp-upstream-tools", { env: NO_OPENROUTER });
    const tools = [{ type: "function", function: { name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } } } } }];
    const ask = (messages: unknown[]) =>
      r.gw.fetch("/v1/chat/completions", jsonPost({ model: PRO, messages, tools, reasoning_effort: "high" }, { authorization: `Bearer ${r.key}` }));
    const first = (await (await ask([{ role: "user", content: "What's the weather in Paris?" }])).json()) as { choices: Array<{ message: Rec }> };
    const msg = first.choices[0].message as { tool_calls: Array<{ id: string }>; reasoning_details?: Array<Rec> };
    expect(msg.tool_calls).toHaveLength(1);
    expect(msg.reasoning_details?.some((d) => d.type === "reasoning.encrypted")).toBe(true);
    await ask([{ role: "user", content: "What's the weather in Paris?" }, msg, { role: "tool", tool_call_id: msg.tool_calls[0].id, content: '{"temp_c":21}' }]);
    const input = (await r.up.lastRequest())!.body.input as Rec[];
    expect(input.map((i) => i.type)).toEqual(["message", "reasoning", "function_call", "function_call_output"]);
    expect(String(input[1].encrypted_content)).toMatch(/^gAAAA/);
  });

  it("Anthropic count_tokens for a Responses-only model is OpenAI's exact count (/responses/input_tokens)", async () => {
    const r = await rig("resp-upstream-count", { env: NO_OPENROUTER });
    const res = await r.gw.fetch("/v1/messages/count_tokens", jsonPost({ model: PRO, messages: [{ role: "user", content: "Count me" }] }, { "x-api-key": r.key }));
    expect(res.status).toBe(200);
    expect(res.headers.get("x-arouter-token-count")).toBe("exact");
    expect(((await res.json()) as Rec).input_tokens).toBeGreaterThan(0);
    expect((await r.up.lastRequest())!.path).toBe("/openai/v1/responses/input_tokens");
  });

  it("POST /v1/responses/input_tokens counts exactly on OpenAI and estimates elsewhere", async () => {
    const s = await setup("resp-input-tokens");
    const count = async (model: string) => {
      const res = await s.gw.fetch("/v1/responses/input_tokens", jsonPost({ model, input: "Count me, please" }, { authorization: `Bearer ${s.key}` }));
      expect(res.status).toBe(200);
      return { body: (await res.json()) as Rec, kind: res.headers.get("x-arouter-token-count") };
    };
    expect(await count("openai/gpt-4o")).toMatchObject({ kind: "exact", body: { object: "response.input_tokens", input_tokens: expect.any(Number) } });
    expect((await s.up.lastRequest())!.path).toBe("/openai/v1/responses/input_tokens");
    expect(await count("anthropic/claude-sonnet-4.6")).toMatchObject({ kind: "exact" });
    expect((await s.up.lastRequest())!.path).toBe("/anthropic/v1/messages/count_tokens");
    expect(await count("deepseek/deepseek-v4-flash")).toMatchObject({ kind: "estimate" });
  });

  it("Azure's Responses-only model (codex-mini) goes to the v1 API's /responses, the deployment in the body", async () => {
    const s = await setup("resp-upstream-azure", (up) => ({ ...azureEnv(up, { apiVersion: "2025-01-01-preview", deployments: "codex-mini=prod-codex" }), OPENAI_API_KEY: "" }));
    await s.up.configure({ azureDeployments: ["prod-codex"] });
    const { final } = await readStream(await s.post({ model: "openai/codex-mini", input: "Say hello", stream: true }));
    expect(final.status).toBe("completed");
    const sent = (await s.up.lastRequest())!;
    expect(sent.path).toBe("/azure/openai/v1/responses");
    expect(sent.headers["api-key"]).toBe("fake-azure-key");
    expect(sent.body).toMatchObject({ model: "prod-codex", store: false, stream: true });
    // A chat caller too.
    const chat = await s.gw.fetch("/v1/chat/completions", jsonPost({ model: "openai/codex-mini", messages: [{ role: "user", content: "Hi" }] }, { authorization: `Bearer ${s.key}` }));
    expect(chat.status).toBe(200);
    expect((await s.up.lastRequest())!.path).toBe("/azure/openai/v1/responses");
  });
});

describe("which codec, which URL", () => {
  const openai = getProvider("openai")!;
  const anthropic = getProvider("anthropic")!;
  it("endpointCodec: the catalog's wire first, then the caller's own format where the provider serves it", () => {
    expect(endpointCodec({ provider: openai, upstreamModel: "gpt-5-pro", wire: "responses" }).name).toBe("responses");
    expect(endpointCodec({ provider: openai, upstreamModel: "gpt-5-pro", wire: "responses" }, "anthropic").name).toBe("responses");
    expect(endpointCodec({ provider: openai, upstreamModel: "gpt-4o" }, "responses").name).toBe("responses");
    expect(endpointCodec({ provider: openai, upstreamModel: "gpt-4o" }, "openai").name).toBe("openai");
    expect(endpointCodec({ provider: anthropic, upstreamModel: "claude-sonnet-4-6" }, "responses").name).toBe("anthropic");
    expect(endpointCodec({ provider: getProvider("deepseek")!, upstreamModel: "deepseek-chat" }, "responses").name).toBe("openai");
  });

  it("OpenAI and Azure build Responses URLs; other OpenAI-compatible providers never do", async () => {
    const env = { OPENAI_API_KEY: "k", DEEPSEEK_API_KEY: "k", AZURE_OPENAI_API_KEY: "k", AZURE_OPENAI_BASE_URL: "https://r.openai.azure.com", AZURE_OPENAI_API_VERSION: "2024-10-21" } as unknown as Env;
    const url = async (id: string, op: "chat" | "count_tokens", format?: "responses") => {
      const p = getProvider(id)!;
      return (await p.buildRequest(providerConfig(env, p)!, op, "m", { stream: false, format, body: '{"model":"m"}' })).url;
    };
    expect(await url("openai", "chat", "responses")).toBe("https://api.openai.com/v1/responses");
    expect(await url("openai", "count_tokens", "responses")).toBe("https://api.openai.com/v1/responses/input_tokens");
    expect(await url("openai", "chat")).toBe("https://api.openai.com/v1/chat/completions");
    expect(await url("deepseek", "chat", "responses")).toBe("https://api.deepseek.com/v1/chat/completions");
    // Azure: the classic scheme is configured, but the Responses API exists only in the v1 API.
    expect(await url("azure", "chat", "responses")).toBe("https://r.openai.azure.com/openai/v1/responses");
    expect(await url("azure", "chat")).toBe("https://r.openai.azure.com/openai/deployments/m/chat/completions?api-version=2024-10-21");
  });
});
