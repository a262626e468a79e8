/**
 * The clouds' model listings (ProviderEntry.listModels), read from the fake's copies of each
 * API — Bedrock ListFoundationModels + ListInferenceProfiles (SigV4-signed), Vertex's Model
 * Garden publisher models, Azure's deployments (or its v1 model list), Workers AI's model search
 * — normalised to the DiscoveredModel shape src/catalog/refresh.ts stores.
 */
import { describe, expect, it } from "vitest";
import type { DiscoveredModel } from "../../src/catalog/types";
import type { Env } from "../../src/env";
import { getProvider, providerConfig } from "../../src/providers/registry";
import type { FetchLike } from "../../src/providers/types";
import { azureEnv, bedrockEnv, vertexEnv, workersAiEnv } from "../helpers/cloud-env";
import { fakeSession, type FakeSession } from "../helpers/fake-upstream";

const doFetch: FetchLike = (u, i) => fetch(u, i);

async function list(id: string, env: Record<string, string>): Promise<DiscoveredModel[]> {
  const p = getProvider(id)!;
  expect(p.supports?.list_models).toBe(true);
  return p.listModels!(providerConfig(env as unknown as Env, p)!, doFetch);
}

const byId = (models: DiscoveredModel[]) => Object.fromEntries(models.map((m) => [m.id, m]));

describe("list_models", () => {
  it("amazon-bedrock: on-demand text and embedding models, then the inference profiles (all pages)", async () => {
    const up = fakeSession("list-bedrock");
    const models = await list("amazon-bedrock", bedrockEnv(up));
    expect(models.map((m) => m.id)).toEqual([
      "anthropic.claude-3-5-haiku-20241022-v1:0",
      "meta.llama3-3-70b-instruct-v1:0",
      "amazon.nova-pro-v1:0",
      "amazon.titan-embed-text-v2:0",
      "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
      "us.meta.llama4-maverick-17b-instruct-v1:0",
    ]);
    const m = byId(models);
    expect(m["amazon.nova-pro-v1:0"]).toMatchObject({ name: "Amazon: Nova Pro", input_modalities: ["text", "image", "video"], output_modalities: ["text"] });
    expect(m["amazon.titan-embed-text-v2:0"].output_modalities).toEqual(["embeddings"]);
    // Signed requests (the fake refuses unsigned or mis-signed ones).
    const sent = await up.requests();
    expect(sent.map((r) => r.path)).toEqual(["/bedrock/foundation-models", "/bedrock/inference-profiles", "/bedrock/inference-profiles"]);
    expect(sent.every((r) => r.headers.authorization.startsWith("AWS4-HMAC-SHA256 "))).toBe(true);
  });

  it("google-vertex: Google's Gemini models and Anthropic's Claude (pinned version), all pages", async () => {
    const up = fakeSession("list-vertex");
    const models = await list("google-vertex", await vertexEnv(up));
    expect(models.map((m) => m.id)).toEqual(["gemini-2.5-flash", "gemini-2.5-pro", "claude-sonnet-4-5@20250929"]);
    const paths = (await up.requests()).map((r) => r.path);
    expect(paths).toContain("/vertex/v1beta1/publishers/google/models");
    expect(paths).toContain("/vertex/v1beta1/publishers/anthropic/models");
  });

  it("azure: the resource's deployments", async () => {
    const up = fakeSession("list-azure");
    const models = await list("azure", azureEnv(up));
    expect(models).toEqual([
      { id: "gpt-4o", name: "Azure: gpt-4o", created: 1720000000 },
      { id: "gpt-4o-mini", name: "Azure: gpt-4o-mini", created: 1720000000 },
      { id: "text-embedding-3-small", name: "Azure: text-embedding-3-small", created: 1720000000 },
    ]);
    expect((await up.lastRequest())!.headers["api-key"]).toBe("fake-azure-key");
  });

  it("azure: the v1 model list (chat and embeddings) when deployments cannot be listed", async () => {
    const up = fakeSession("list-azure-v1");
    await up.script({ match: "/openai/deployments", status: 404 });
    const models = await list("azure", azureEnv(up));
    expect(models).toEqual([
      { id: "gpt-4o", created: 1720000000, output_modalities: undefined },
      { id: "text-embedding-3-small", created: 1720000000, output_modalities: ["embeddings"] },
    ]);
  });

  it("cloudflare: text-generation and embedding models with their context window and listed prices", async () => {
    const up: FakeSession = fakeSession("list-cf");
    const models = await list("cloudflare", workersAiEnv(up));
    expect(models.map((m) => m.id)).toEqual(["@cf/meta/llama-3.3-70b-instruct-fp8-fast", "@cf/baai/bge-m3", "@cf/qwen/qwq-32b"]);
    const llama = byId(models)["@cf/meta/llama-3.3-70b-instruct-fp8-fast"];
    expect(llama).toMatchObject({ context_length: 24000, output_modalities: ["text"], created: Math.floor(Date.parse("2025-01-15T10:00:00Z") / 1000) });
    expect(Number(llama.pricing!.prompt)).toBeCloseTo(0.29 / 1e6, 12);
    expect(Number(llama.pricing!.completion)).toBeCloseTo(2.25 / 1e6, 12);
    expect(llama.supported_parameters).toContain("tools");
    // Only an input price: not a complete price, so none.
    expect(byId(models)["@cf/baai/bge-m3"]).toMatchObject({ output_modalities: ["embeddings"], pricing: undefined });
    const paths = (await up.requests()).map((r) => `${r.path}?page=${r.query.page}`);
    expect(paths).toEqual(["/cloudflare/client/v4/accounts/fake-account/ai/models/search?page=1", "/cloudflare/client/v4/accounts/fake-account/ai/models/search?page=2"]);
  });

  it("throws on a failed listing, so a refresh keeps the previous one", async () => {
    const up = fakeSession("list-fail");
    await up.script({ match: "/foundation-models", status: 500 });
    await expect(list("amazon-bedrock", bedrockEnv(up))).rejects.toThrow(/HTTP 500/);
  });
});
