/**
 * Azure OpenAI: both URL schemes (v1 and classic per-deployment), the model → deployment map in
 * both of its spellings, embeddings, and Azure's own errors.
 */
import { describe, expect, it } from "vitest";
import type { Env } from "../../src/env";
import { parseDeployments } from "../../src/providers/azure";
import { getProvider, providerConfig } from "../../src/providers/registry";
import { azureEnv } from "../helpers/cloud-env";
import { fakeSession } from "../helpers/fake-upstream";
import { gateway, jsonPost } from "../helpers/gateway";

const azure = getProvider("azure")!;

async function built(env: Record<string, string>, op: "chat" | "embeddings", model: string, body?: Record<string, unknown>) {
  const cfg = providerConfig(env as unknown as Env, azure);
  if (!cfg) return undefined;
  return azure.buildRequest(cfg, op, model, { stream: false, body: body ? JSON.stringify(body) : undefined });
}

describe("URLs and auth", () => {
  const RES = "https://my-res.openai.azure.com";

  it.each([
    ["v1 API by default", { AZURE_OPENAI_BASE_URL: RES }, "chat", `${RES}/openai/v1/chat/completions`],
    ["v1 API spelled in the base URL", { AZURE_OPENAI_BASE_URL: `${RES}/openai/v1/`, AZURE_OPENAI_API_VERSION: "2024-10-21" }, "chat", `${RES}/openai/v1/chat/completions`],
    ["classic with an api-version", { AZURE_OPENAI_BASE_URL: `${RES}/`, AZURE_OPENAI_API_VERSION: "2024-10-21" }, "chat", `${RES}/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21`],
    ["classic embeddings", { AZURE_OPENAI_BASE_URL: RES, AZURE_OPENAI_API_VERSION: "2024-10-21" }, "embeddings", `${RES}/openai/deployments/gpt-4o/embeddings?api-version=2024-10-21`],
    [
      "classic through Cloudflare AI Gateway",
      { AZURE_OPENAI_BASE_URL: RES, AZURE_OPENAI_API_VERSION: "2024-10-21", AI_GATEWAY_ACCOUNT_ID: "acc", AI_GATEWAY_ID: "gw" },
      "chat",
      "https://gateway.ai.cloudflare.com/v1/acc/gw/azure-openai/my-res/gpt-4o/chat/completions?api-version=2024-10-21",
    ],
  ] as const)("%s", async (_name, env, op, url) => {
    const r = await built({ AZURE_OPENAI_API_KEY: "k", ...env }, op, "gpt-4o");
    expect(r?.url).toBe(url);
    expect(r?.headers["api-key"]).toBe("k");
    expect(r?.headers.authorization).toBeUndefined();
  });

  it("needs both the key and the resource URL", () => {
    expect(providerConfig({ AZURE_OPENAI_API_KEY: "k" } as unknown as Env, azure)).toBeUndefined();
    expect(providerConfig({ AZURE_OPENAI_BASE_URL: "https://r.openai.azure.com" } as unknown as Env, azure)).toBeUndefined();
  });

  it("maps models to deployments: classic in the URL, v1 in the body's model", async () => {
    const deployments = '{"gpt-4o":"prod-4o"}';
    const classic = await built({ AZURE_OPENAI_API_KEY: "k", AZURE_OPENAI_BASE_URL: "https://r.openai.azure.com", AZURE_OPENAI_API_VERSION: "2025-01-01-preview", AZURE_OPENAI_DEPLOYMENTS: deployments }, "chat", "gpt-4o");
    expect(classic?.url).toBe("https://r.openai.azure.com/openai/deployments/prod-4o/chat/completions?api-version=2025-01-01-preview");
    const v1 = await built({ AZURE_OPENAI_API_KEY: "k", AZURE_OPENAI_BASE_URL: "https://r.openai.azure.com", AZURE_OPENAI_DEPLOYMENTS: deployments }, "chat", "gpt-4o", { model: "gpt-4o", messages: [] });
    expect(JSON.parse(String(v1?.body))).toEqual({ model: "prod-4o", messages: [] });
    // Unmapped models keep their name and the gateway's own body.
    const plain = await built({ AZURE_OPENAI_API_KEY: "k", AZURE_OPENAI_BASE_URL: "https://r.openai.azure.com", AZURE_OPENAI_DEPLOYMENTS: deployments }, "chat", "gpt-4.1", { model: "gpt-4.1" });
    expect(plain?.body).toBeUndefined();
  });

  it("reads the deployment map as JSON or as model=deployment pairs", () => {
    expect(parseDeployments('{"gpt-4o":"a","o3":"b","bad":1}')).toEqual({ "gpt-4o": "a", o3: "b" });
    expect(parseDeployments("gpt-4o=a, o3 = b ,broken,=x")).toEqual({ "gpt-4o": "a", o3: "b" });
    expect(parseDeployments(undefined)).toEqual({});
  });
});

describe("through the gateway", () => {
  it("serves embeddings on both schemes", async () => {
    for (const apiVersion of [undefined, "2024-10-21"]) {
      const up = fakeSession("azure-emb");
      const gw = gateway({ ...up.env, ...azureEnv(up, { apiVersion }) });
      const { key } = await gw.createKey();
      const res = await gw.fetch("/v1/embeddings", jsonPost({ model: "azure/text-embedding-3-small", input: ["a", "b"] }, { authorization: `Bearer ${key}` }));
      expect(res.status).toBe(200);
      const body = (await res.json()) as any;
      expect(body.data).toHaveLength(2);
      expect(body.data[0].embedding.length).toBeGreaterThan(0);
      const sent = (await up.lastRequest())!;
      expect(sent.path).toBe(apiVersion ? "/azure/openai/deployments/text-embedding-3-small/embeddings" : "/azure/openai/v1/embeddings");
      expect(sent.headers["api-key"]).toBe("fake-azure-key");
    }
  });

  it("relays DeploymentNotFound as a 404 naming the problem", async () => {
    const up = fakeSession("azure-404");
    await up.configure({ azureDeployments: ["something-else"] });
    const gw = gateway({ ...up.env, ...azureEnv(up, { apiVersion: "2024-10-21" }) });
    const { key } = await gw.createKey();
    const res = await gw.fetch("/v1/chat/completions", jsonPost({ model: "azure/gpt-4o", messages: [{ role: "user", content: "hi" }] }, { authorization: `Bearer ${key}` }));
    expect(res.status).toBe(404);
    expect(await res.text()).toMatch(/API deployment for this resource does not exist/);
  });
});
