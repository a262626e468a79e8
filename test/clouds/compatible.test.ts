/**
 * The OpenAI-compatible providers added with the clouds: each is enabled by its own variables,
 * calls its documented base URL with Bearer auth, and answers every surface through the gateway,
 * streamed and not, text and tool calls (the fake's OpenAI protocol behind `<PREFIX>_BASE_URL`),
 * with its documented departures from the defaults (no stream_options, its own thinking switch).
 */
import { describe, expect, it } from "vitest";
import type { Env } from "../../src/env";
import { enablingVariable, getProvider, providerConfig } from "../../src/providers/registry";
import { fakeSession } from "../helpers/fake-upstream";
import { gateway } from "../helpers/gateway";
import { ask, expectedFinish, expectOk } from "../helpers/surface-reply";
import { SURFACES, surfaceCall, WEATHER_TOOL, type Intent } from "../helpers/surface-request";

interface Row {
  id: string;
  prefix: string;
  url: string;
  /** Sends stream_options (default true). */
  streamOptions?: boolean;
}

/** Base URLs as each provider documents them. */
const ROWS: Row[] = [
  { id: "alibaba", prefix: "DASHSCOPE", url: "https://dashscope-intl.aliyuncs.com/compatible-mode/v1" },
  { id: "moonshotai", prefix: "MOONSHOT", url: "https://api.moonshot.ai/v1" },
  { id: "z-ai", prefix: "ZAI", url: "https://api.z.ai/api/paas/v4", streamOptions: false },
  { id: "minimax", prefix: "MINIMAX", url: "https://api.minimax.io/v1" },
  { id: "sambanova", prefix: "SAMBANOVA", url: "https://api.sambanova.ai/v1" },
  { id: "nebius", prefix: "NEBIUS", url: "https://api.tokenfactory.nebius.com/v1" },
  { id: "novita", prefix: "NOVITA", url: "https://api.novita.ai/openai/v1" },
  { id: "hyperbolic", prefix: "HYPERBOLIC", url: "https://api.hyperbolic.xyz/v1" },
  { id: "nvidia", prefix: "NVIDIA", url: "https://integrate.api.nvidia.com/v1" },
  { id: "huggingface", prefix: "HUGGINGFACE", url: "https://router.huggingface.co/v1" },
  { id: "baseten", prefix: "BASETEN", url: "https://inference.baseten.co/v1" },
  { id: "chutes", prefix: "CHUTES", url: "https://llm.chutes.ai/v1" },
  { id: "github", prefix: "GITHUB", url: "https://models.github.ai/inference" },
  { id: "cohere", prefix: "COHERE", url: "https://api.cohere.ai/compatibility/v1", streamOptions: false },
  { id: "inception", prefix: "INCEPTION", url: "https://api.inceptionlabs.ai/v1" },
  { id: "upstage", prefix: "UPSTAGE", url: "https://api.upstage.ai/v1" },
  { id: "venice", prefix: "VENICE", url: "https://api.venice.ai/api/v1" },
];

describe.each(ROWS)("$id", (row) => {
  const p = getProvider(row.id)!;

  it("is configured by its variables: documented URL, Bearer auth", async () => {
    expect(p).toBeDefined();
    expect(providerConfig({} as Env, p)).toBeUndefined();
    expect(enablingVariable(p)).toBe(`${row.prefix}_API_KEY`);
    const cfg = providerConfig({ [`${row.prefix}_API_KEY`]: "sk-test" } as unknown as Env, p)!;
    expect(cfg.baseUrl).toBe(row.url);
    const req = await p.buildRequest(cfg, "chat", "m", { stream: true });
    expect(req.url).toBe(`${row.url}/chat/completions`);
    expect(req.headers.authorization).toBe("Bearer sk-test");
    expect(req.headers.accept).toBe("text/event-stream");
    const override = providerConfig({ [`${row.prefix}_API_KEY`]: "k", [`${row.prefix}_BASE_URL`]: "https://proxy.example/v1" } as unknown as Env, p)!;
    expect(override.baseUrl).toBe("https://proxy.example/v1");
  });

  it("answers every surface through the gateway, streamed and not, with tools", async () => {
    const up = fakeSession(`compat-${row.id}`);
    const gw = gateway({ ...up.env, [`${row.prefix}_API_KEY`]: `key-${row.id}`, [`${row.prefix}_BASE_URL`]: `${up.baseUrl}/${row.id}/v1` });
    const { key } = await gw.createKey();
    for (const surface of SURFACES) {
      for (const stream of [false, true]) {
        const send = async (it: Omit<Intent, "model">) =>
          expectOk(await ask(gw, surfaceCall(surface, key, { ...it, model: `${row.id}/some-model`, framing: stream ? "sse" : "json" })));
        const text = await send({ turns: [{ role: "user", text: "Say hello" }] });
        expect(text.text).toBe(`Hello from fake ${row.id} (some-model)`);
        const sent = (await up.lastRequest())!;
        expect(sent.path).toBe(`/${row.id}/v1/chat/completions`);
        expect(sent.headers.authorization).toBe(`Bearer key-${row.id}`);
        expect(sent.body.model).toBe("some-model");
        if (!stream || row.streamOptions === false) expect(sent.body).not.toHaveProperty("stream_options");
        else expect(sent.body.stream_options).toEqual({ include_usage: true });
        const tool = await send({ tools: true, turns: [{ role: "user", text: "What's the weather in Paris?" }] });
        expect(tool.calls.map((c) => ({ name: c.name, args: c.args }))).toEqual([{ name: WEATHER_TOOL.name, args: { city: "San Francisco" } }]);
        expect(tool.finish).toBe(expectedFinish(surface, "tool"));
      }
    }
  });
});

describe("departures from the OpenAI defaults", () => {
  const encode = (id: string, reasoning: Record<string, unknown>) =>
    getProvider(id)!.codec!.encodeRequest({ model: "m", stream: false, maxTokens: 8000, messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }], reasoning }, "m");

  it("DashScope switches Qwen's thinking with enable_thinking and its budget", () => {
    expect(encode("alibaba", { maxTokens: 2000 })).toMatchObject({ enable_thinking: true, thinking_budget: 2000 });
    expect(encode("alibaba", { enabled: false })).toMatchObject({ enable_thinking: false });
    expect(encode("alibaba", { effort: "high" })).not.toHaveProperty("reasoning_effort");
  });

  it("Z.ai switches GLM's thinking on or off, nothing else", () => {
    const on = encode("z-ai", { effort: "high" });
    expect(on.thinking).toEqual({ type: "enabled" });
    expect(on).not.toHaveProperty("reasoning_effort");
    expect(encode("z-ai", { enabled: false }).thinking).toEqual({ type: "disabled" });
  });

  it("GitHub Models gets its API version header", async () => {
    const p = getProvider("github")!;
    const req = await p.buildRequest(providerConfig({ GITHUB_API_KEY: "ghp" } as unknown as Env, p)!, "chat", "openai/gpt-4.1", { stream: false });
    expect(req.headers["x-github-api-version"]).toBe("2022-11-28");
    expect(p.supports?.list_models).toBe(false);
  });

  it("sends Kimi's reasoning back as reasoning_content on tool-call turns", () => {
    const body = getProvider("moonshotai")!.codec!.encodeRequest(
      {
        model: "m",
        stream: false,
        messages: [
          { role: "user", content: [{ type: "text", text: "q" }] },
          { role: "assistant", content: [{ type: "reasoning", text: "let me look" }, { type: "tool-call", id: "c1", name: "f", arguments: "{}" }] },
          { role: "tool", content: [{ type: "tool-result", toolCallId: "c1", content: [{ type: "text", text: "r" }] }] },
        ],
      },
      "kimi-k2-thinking",
    );
    expect((body.messages as any[])[1]).toMatchObject({ role: "assistant", reasoning_content: "let me look" });
  });
});
