/**
 * Cloudflare AI Gateway in front of the providers: one URL rule
 * ({root}/{account}/{gateway}/{slug}{path}), each registry entry's slug, the optional
 * cf-aig-authorization token, an explicit <NAME>_BASE_URL winning over it, and calls going through
 * the (fake) gateway end to end — Bedrock's signed for Bedrock's own host, as AI Gateway requires.
 */
import { describe, expect, it } from "vitest";
import type { Env } from "../../src/env";
import { aiGatewayUrl } from "../../src/providers/ai-gateway";
import { getProvider, providerConfig } from "../../src/providers/registry";
import type { UpstreamOperation } from "../../src/providers/types";
import { FAKE_AWS, vertexEnv } from "../helpers/cloud-env";
import { fakeSession } from "../helpers/fake-upstream";
import { gateway, jsonPost } from "../helpers/gateway";

const GW = "https://gateway.ai.cloudflare.com/v1/acc-1/my-gw";
const ON = { AI_GATEWAY_ACCOUNT_ID: "acc-1", AI_GATEWAY_ID: "my-gw" };

async function urlOf(id: string, env: Record<string, string>, model = "m", op: UpstreamOperation = "chat") {
  const p = getProvider(id)!;
  const cfg = providerConfig({ ...ON, ...env } as unknown as Env, p)!;
  const req = await p.buildRequest(cfg, op, model, { stream: false, body: "{}" });
  return { url: req.url, headers: req.headers };
}

describe("the URL rule", () => {
  it("is {root}/{account}/{gateway}/{slug}{path}", () => {
    const s = { accountId: "a b", gatewayId: "g", root: "https://gateway.ai.cloudflare.com/v1" };
    expect(aiGatewayUrl(s, "mistral", "/v1")).toBe("https://gateway.ai.cloudflare.com/v1/a%20b/g/mistral/v1");
  });

  it.each([
    ["openai", { OPENAI_API_KEY: "k" }, `${GW}/openai/chat/completions`],
    ["anthropic", { ANTHROPIC_API_KEY: "k" }, `${GW}/anthropic/v1/messages`],
    ["google", { GEMINI_API_KEY: "k" }, `${GW}/google-ai-studio/v1beta/models/m:generateContent`],
    ["mistral", { MISTRAL_API_KEY: "k" }, `${GW}/mistral/v1/chat/completions`],
    ["x-ai", { XAI_API_KEY: "k" }, `${GW}/grok/v1/chat/completions`],
    ["groq", { GROQ_API_KEY: "k" }, `${GW}/groq/chat/completions`],
    ["deepseek", { DEEPSEEK_API_KEY: "k" }, `${GW}/deepseek/chat/completions`],
    ["perplexity", { PERPLEXITY_API_KEY: "k" }, `${GW}/perplexity-ai/chat/completions`],
    ["cerebras", { CEREBRAS_API_KEY: "k" }, `${GW}/cerebras/chat/completions`],
    ["openrouter", { OPENROUTER_API_KEY: "k" }, `${GW}/openrouter/chat/completions`],
    ["cloudflare", { CLOUDFLARE_API_TOKEN: "k", CLOUDFLARE_ACCOUNT_ID: "acc-1" }, `${GW}/workers-ai/v1/chat/completions`],
    ["amazon-bedrock", { AWS_BEARER_TOKEN_BEDROCK: "k", AWS_REGION: "eu-west-1" }, `${GW}/aws-bedrock/bedrock-runtime/eu-west-1/model/m/converse`],
  ])("%s goes through its slug", async (id, env, url) => {
    expect((await urlOf(id, env)).url).toBe(url);
  });

  it("leaves providers AI Gateway does not serve on their own hosts", async () => {
    expect((await urlOf("together", { TOGETHER_API_KEY: "k" })).url).toBe("https://api.together.xyz/v1/chat/completions");
    expect((await urlOf("alibaba", { DASHSCOPE_API_KEY: "k" })).url).toBe("https://dashscope-intl.aliyuncs.com/compatible-mode/v1/chat/completions");
  });

  it("lets an explicit <NAME>_BASE_URL win", async () => {
    expect((await urlOf("openai", { OPENAI_API_KEY: "k", OPENAI_BASE_URL: "https://proxy.example/v1" })).url).toBe("https://proxy.example/v1/chat/completions");
  });

  it("adds cf-aig-authorization only for an authenticated gateway, next to the provider's own auth", async () => {
    expect((await urlOf("openai", { OPENAI_API_KEY: "k" })).headers["cf-aig-authorization"]).toBeUndefined();
    const h = (await urlOf("openai", { OPENAI_API_KEY: "k", AI_GATEWAY_TOKEN: "cf-tok" })).headers;
    expect(h["cf-aig-authorization"]).toBe("Bearer cf-tok");
    expect(h.authorization).toBe("Bearer k");
  });

  it("is off without both the account and the gateway id", async () => {
    const p = getProvider("openai")!;
    expect(providerConfig({ OPENAI_API_KEY: "k", AI_GATEWAY_ID: "g" } as unknown as Env, p)!.baseUrl).toBe("https://api.openai.com/v1");
  });
});

describe("end to end through the (fake) gateway", () => {
  /** Provider keys without their *_BASE_URL (which would win over the gateway). */
  function keysOnly(env: Record<string, string>): Record<string, string> {
    return Object.fromEntries(Object.entries(env).filter(([k]) => !k.endsWith("_BASE_URL")));
  }

  it("routes OpenAI, Anthropic, Gemini and Bedrock calls through it, with its token", async () => {
    const up = fakeSession("aigw");
    await up.configure({ aigToken: "cf-secret" });
    const gw = gateway({
      ...keysOnly(up.env),
      AI_GATEWAY_ACCOUNT_ID: "acc-1",
      AI_GATEWAY_ID: "my-gw",
      AI_GATEWAY_TOKEN: "cf-secret",
      AI_GATEWAY_BASE_URL: `${up.baseUrl}/aigw`,
      AWS_ACCESS_KEY_ID: FAKE_AWS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: FAKE_AWS.secretAccessKey,
      AWS_REGION: "us-east-2",
    });
    const { key } = await gw.createKey();
    const cases: Array<[string, string, string]> = [
      ["openai/gpt-4o", "/aigw/acc-1/my-gw/openai/chat/completions", "Hello from fake openai (gpt-4o)"],
      ["anthropic/claude-sonnet-4-6", "/aigw/acc-1/my-gw/anthropic/v1/messages", "Hello from fake anthropic (claude-sonnet-4-6)"],
      ["google/gemini-2.5-flash", "/aigw/acc-1/my-gw/google-ai-studio/v1beta/models/gemini-2.5-flash:generateContent", "Hello from fake gemini (gemini-2.5-flash)"],
      [
        "amazon-bedrock/amazon.nova-pro-v1:0",
        `/aigw/acc-1/my-gw/aws-bedrock/bedrock-runtime/us-east-2/model/${encodeURIComponent("amazon.nova-pro-v1:0")}/converse`,
        "Hello from fake bedrock (amazon.nova-pro-v1:0)",
      ],
    ];
    for (const [model, path, text] of cases) {
      const res = await gw.fetch("/v1/chat/completions", jsonPost({ model, messages: [{ role: "user", content: "hi" }] }, { authorization: `Bearer ${key}` }));
      expect(res.status, model).toBe(200);
      expect(((await res.json()) as any).choices[0].message.content).toBe(text);
      const sent = (await up.lastRequest())!;
      expect(sent.path).toBe(path);
      expect(sent.headers["cf-aig-authorization"]).toBe("Bearer cf-secret");
    }
  });

  it("routes Vertex, Azure (classic) and Workers AI calls through it", async () => {
    const up = fakeSession("aigw-clouds");
    const vertex = await vertexEnv(up);
    const gw = gateway({
      ...keysOnly(vertex),
      AI_GATEWAY_ACCOUNT_ID: "acc-1",
      AI_GATEWAY_ID: "my-gw",
      AI_GATEWAY_BASE_URL: `${up.baseUrl}/aigw`,
      AZURE_OPENAI_API_KEY: "az-key",
      AZURE_OPENAI_BASE_URL: "https://my-res.openai.azure.com",
      AZURE_OPENAI_API_VERSION: "2024-10-21",
      CLOUDFLARE_ACCOUNT_ID: "acc-1",
      CLOUDFLARE_API_TOKEN: "cf-token",
    });
    const { key } = await gw.createKey();
    const cases: Array<[string, string, string]> = [
      ["google-vertex/gemini-2.5-flash", "/aigw/acc-1/my-gw/google-vertex-ai/v1/projects/fake-project/locations/us-east5/publishers/google/models/gemini-2.5-flash:generateContent", "Hello from fake gemini (gemini-2.5-flash)"],
      ["azure/gpt-4o", "/aigw/acc-1/my-gw/azure-openai/my-res/gpt-4o/chat/completions", "Hello from fake azure (gpt-4o)"],
      ["cloudflare/@cf/meta/llama-3.1-8b-instruct", "/aigw/acc-1/my-gw/workers-ai/v1/chat/completions", "Hello from fake cloudflare (@cf/meta/llama-3.1-8b-instruct)"],
    ];
    for (const [model, path, text] of cases) {
      const res = await gw.fetch("/v1/chat/completions", jsonPost({ model, messages: [{ role: "user", content: "hi" }] }, { authorization: `Bearer ${key}` }));
      expect(res.status, model).toBe(200);
      expect(((await res.json()) as any).choices[0].message.content).toBe(text);
      expect((await up.lastRequest())!.path).toBe(path);
    }
  });

  it("is refused by an authenticated gateway without its token", async () => {
    const up = fakeSession("aigw-401");
    await up.configure({ aigToken: "cf-secret" });
    const gw = gateway({ ...keysOnly(up.env), AI_GATEWAY_ACCOUNT_ID: "acc-1", AI_GATEWAY_ID: "my-gw", AI_GATEWAY_BASE_URL: `${up.baseUrl}/aigw` });
    const { key } = await gw.createKey();
    const res = await gw.fetch("/v1/chat/completions", jsonPost({ model: "openai/gpt-4o", messages: [{ role: "user", content: "hi" }] }, { authorization: `Bearer ${key}` }));
    expect(res.status).toBe(502);
    // Its 401 looks like the provider's: the configuration error names both variables (issue #11).
    expect(await res.text()).toMatch(/OPENAI_API_KEY \(or AI_GATEWAY_TOKEN: the call went through Cloudflare AI Gateway\)/);
  });
});
