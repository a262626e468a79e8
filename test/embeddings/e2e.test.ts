/**
 * End to end through the app: OpenAI and Gemini embeddings surfaces against the fake upstream,
 * with a key created through the management API.
 */
import { describe, expect, it } from "vitest";
import { base64ToFloats } from "../../src/embeddings/base64";
import { generation } from "../helpers/books";
import { FAKE_PROVIDERS } from "../helpers/fake-upstream";
import { jsonPost } from "../helpers/gateway";
import { rig } from "../helpers/rig";
import floatResponse from "../fixtures/embeddings/openai-response-float.json";
import batchResponse from "../fixtures/embeddings/gemini-batch-response.json";
import geminiNotFound from "../fixtures/embeddings/gemini-error-404.json";
import openaiNotFound from "../fixtures/embeddings/openai-error-404.json";

async function setup(name: string) {
  const r = await rig(name);
  const embed = (body: unknown) => r.post("openai", "/v1/embeddings", body);
  const gemini = (path: string, body: unknown) => r.post("gemini", `/v1beta/models/${path}`, body);
  return { ...r, embed, gemini, generation: (id: string) => generation(r.gw, r.key, id) };
}

const f32 = (v: number[]) => v.map(Math.fround);

describe("OpenAI surface → OpenAI upstream", () => {
  it("returns float vectors with usage, cost and ids, and records the usage", async () => {
    const { up, embed, generation } = await setup("emb-openai-float");
    await up.script({ body: floatResponse });
    const res = await embed({ model: "openai/text-embedding-3-small", input: ["hello", "world"], dimensions: 5, user: "u-1" });
    expect(res.status).toBe(200);

    const sent = (await up.lastRequest())!;
    expect(sent.path).toBe("/openai/v1/embeddings");
    expect(sent.headers.authorization).toBe(`Bearer ${FAKE_PROVIDERS.OPENAI.key}`);
    expect(sent.body).toEqual({ model: "text-embedding-3-small", input: ["hello", "world"], encoding_format: "float", dimensions: 5, user: "u-1" });

    const body = (await res.json()) as any;
    expect(body.object).toBe("list");
    expect(body.model).toBe("text-embedding-3-small");
    expect(body.data).toEqual(floatResponse.data);
    expect(body.usage.prompt_tokens).toBe(12);
    expect(body.usage.total_tokens).toBe(12);
    // $0.02 per million tokens × 12 tokens, rounded up to one micro-USD.
    expect(body.usage.cost).toBe(0.000001);
    expect(res.headers.get("x-arouter-cost")).toBe("0.000001");
    const id = res.headers.get("x-generation-id")!;
    expect(id).toMatch(/^gen-/);
    expect(res.headers.get("x-arouter-provider")).toBe("openai");

    const g = await generation(id);
    expect(g).toMatchObject({ surface: "embeddings", provider_name: "openai", tokens_prompt: 12, tokens_completion: 0, cost_micros: 1, status: 200, streamed: false });
  });

  it("asks the upstream for floats and answers base64 when the caller wants it", async () => {
    const { up, embed } = await setup("emb-openai-b64");
    await up.script({ body: floatResponse });
    const res = await embed({ model: "openai/text-embedding-3-small", input: ["hello", "world"], encoding_format: "base64" });
    expect(res.status).toBe(200);
    expect((await up.lastRequest())!.body.encoding_format).toBe("float");
    const body = (await res.json()) as any;
    expect(typeof body.data[0].embedding).toBe("string");
    expect(base64ToFloats(body.data[0].embedding)).toEqual(f32(floatResponse.data[0].embedding));
    expect(base64ToFloats(body.data[1].embedding)).toEqual(f32(floatResponse.data[1].embedding));
  });

  it("works against the fake's default answers and forwards token inputs", async () => {
    const { up, embed } = await setup("emb-openai-default");
    const res = await embed({ model: "text-embedding-3-small", input: [[1, 2, 3], [4, 5]], dimensions: 8 });
    expect(res.status).toBe(200);
    expect((await up.lastRequest())!.body.input).toEqual([[1, 2, 3], [4, 5]]);
    const body = (await res.json()) as any;
    expect(body.data.map((d: any) => d.embedding.length)).toEqual([8, 8]);
    expect(body.data.map((d: any) => d.index)).toEqual([0, 1]);
  });

  it("rejects bad input with a 400 naming the field, before any upstream call", async () => {
    const { up, embed } = await setup("emb-openai-bad");
    const res = await embed({ model: "openai/text-embedding-3-small", input: ["ok", 3] });
    expect(res.status).toBe(400);
    const body = (await res.json()) as any;
    expect(body.error.message).toMatch(/^input\[1\]: /);
    expect(await up.requests()).toHaveLength(0);
  });

  it("refuses a chat model", async () => {
    const { embed } = await setup("emb-openai-chat-model");
    const res = await embed({ model: "openai/gpt-4o", input: "x" });
    expect(res.status).toBe(400);
  });

  it("requires a key", async () => {
    const { gw } = await setup("emb-openai-nokey");
    const res = await gw.fetch("/v1/embeddings", jsonPost({ model: "openai/text-embedding-3-small", input: "x" }));
    expect(res.status).toBe(401);
  });
});

describe("OpenAI surface → Gemini upstream", () => {
  it("translates to batchEmbedContents and estimates usage", async () => {
    const { up, embed, generation } = await setup("emb-openai-gemini");
    await up.script({ body: batchResponse });
    const res = await embed({ model: "google/gemini-embedding-001", input: ["Hello, world!", "Some text goes here"], dimensions: 5, encoding_format: "base64" });
    expect(res.status).toBe(200);

    const sent = (await up.lastRequest())!;
    expect(sent.path).toBe("/gemini/v1beta/models/gemini-embedding-001:batchEmbedContents");
    expect(sent.headers["x-goog-api-key"]).toBe(FAKE_PROVIDERS.GEMINI.key);
    expect(sent.body).toEqual({
      requests: [
        { model: "models/gemini-embedding-001", content: { parts: [{ text: "Hello, world!" }] }, outputDimensionality: 5 },
        { model: "models/gemini-embedding-001", content: { parts: [{ text: "Some text goes here" }] }, outputDimensionality: 5 },
      ],
    });

    const body = (await res.json()) as any;
    expect(body.model).toBe("google/gemini-embedding-001");
    expect(base64ToFloats(body.data[1].embedding)).toEqual(f32(batchResponse.embeddings[1].values));
    // ceil(13/4) + ceil(19/4): Gemini reports no tokens for embeddings.
    expect(body.usage.prompt_tokens).toBe(9);
    expect(body.usage.cost).toBeGreaterThan(0);
    const g = await generation(res.headers.get("x-generation-id")!);
    expect(g).toMatchObject({ surface: "embeddings", provider_name: "google", tokens_prompt: 9 });
  });

  it("splits more than 100 inputs over several upstream calls", async () => {
    const { up, embed } = await setup("emb-openai-gemini-split");
    const input = Array.from({ length: 150 }, (_, i) => `text ${i}`);
    const res = await embed({ model: "google/gemini-embedding-001", input, dimensions: 4 });
    expect(res.status).toBe(200);
    const body = (await res.json()) as any;
    expect(body.data).toHaveLength(150);
    expect(body.data[149].index).toBe(149);
    const sent = await up.requests();
    expect(sent.map((r) => r.body.requests.length).sort()).toEqual([100, 50]);
  });

  it("refuses token inputs with a 400 naming the provider", async () => {
    const { up, embed } = await setup("emb-openai-gemini-tokens");
    const res = await embed({ model: "google/gemini-embedding-001", input: [1, 2, 3] });
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).error.message).toMatch(/token-id inputs are not supported by provider 'google'/);
    expect(await up.requests()).toHaveLength(0);
  });
});

describe("Gemini surface", () => {
  it("embedContent → OpenAI upstream", async () => {
    const { up, gemini } = await setup("emb-gemini-openai");
    await up.script({ body: { ...floatResponse, data: [floatResponse.data[0]] } });
    const res = await gemini("openai/text-embedding-3-small:embedContent", {
      content: { parts: [{ text: "What is the meaning of life?" }] },
      taskType: "RETRIEVAL_DOCUMENT",
      outputDimensionality: 5,
    });
    expect(res.status).toBe(200);
    expect((await up.lastRequest())!.body).toEqual({ model: "text-embedding-3-small", input: ["What is the meaning of life?"], encoding_format: "float", dimensions: 5 });
    expect(await res.json()).toEqual({ embedding: { values: floatResponse.data[0].embedding } });
    expect(res.headers.get("x-generation-id")).toMatch(/^gen-/);
    expect(res.headers.get("x-arouter-cost")).toBe("0.000001");
  });

  it("batchEmbedContents as @google/genai sends it → OpenAI upstream", async () => {
    const { up, gemini } = await setup("emb-gemini-openai-batch");
    const res = await gemini("openai/text-embedding-3-small:batchEmbedContents", {
      requests: [
        { model: "models/openai/text-embedding-3-small", content: { parts: [{ text: "a" }] }, outputDimensionality: 6 },
        { model: "models/openai/text-embedding-3-small", content: { parts: [{ text: "b" }] }, outputDimensionality: 6 },
      ],
    });
    expect(res.status).toBe(200);
    expect((await up.lastRequest())!.path).toBe("/openai/v1/embeddings");
    const body = (await res.json()) as any;
    expect(body.embeddings).toHaveLength(2);
    expect(body.embeddings[0].values).toHaveLength(6);
  });

  it("batchEmbedContents → Gemini upstream keeps title and taskType", async () => {
    const { up, gemini } = await setup("emb-gemini-gemini");
    const res = await gemini("gemini-embedding-001:batchEmbedContents", {
      requests: [{ model: "models/gemini-embedding-001", content: { parts: [{ text: "Doc body" }] }, taskType: "RETRIEVAL_DOCUMENT", title: "Doc", outputDimensionality: 3 }],
    });
    expect(res.status).toBe(200);
    expect((await up.lastRequest())!.body).toEqual({
      requests: [{ model: "models/gemini-embedding-001", content: { parts: [{ text: "Doc body" }] }, taskType: "RETRIEVAL_DOCUMENT", title: "Doc", outputDimensionality: 3 }],
    });
    const body = (await res.json()) as any;
    expect(body.embeddings[0].values).toHaveLength(3);
  });

  it("answers errors in Google's envelope", async () => {
    const { gemini } = await setup("emb-gemini-bad");
    const res = await gemini("gemini-embedding-001:embedContent", { content: { parts: [] } });
    expect(res.status).toBe(400);
    const body = (await res.json()) as any;
    expect(body.error.status).toBe("INVALID_ARGUMENT");
    expect(body.error.message).toMatch(/^content\.parts/);
  });
});

describe("fallback", () => {
  it("tries the next model on a retryable upstream failure", async () => {
    const { up, embed, generation } = await setup("emb-fallback");
    await up.script({ match: "/openai/", status: 503 });
    const res = await embed({ model: "openai/text-embedding-3-small", models: ["mistral/mistral-embed"], input: "hi" });
    expect(res.status).toBe(200);
    const paths = (await up.requests()).map((r) => r.path);
    expect(paths).toEqual(["/openai/v1/embeddings", "/mistral/v1/embeddings"]);
    expect(res.headers.get("x-arouter-provider")).toBe("mistral");
    const g = await generation(res.headers.get("x-generation-id")!);
    expect(g).toMatchObject({ surface: "embeddings", provider_name: "mistral", status: 200 });
  });

  it("skips an endpoint that cannot take the request (token ids to Gemini)", async () => {
    const { up, embed } = await setup("emb-fallback-skip");
    const res = await embed({ model: "google/gemini-embedding-001", models: ["openai/text-embedding-3-small"], input: [1, 2] });
    expect(res.status).toBe(200);
    expect((await up.requests()).map((r) => r.path)).toEqual(["/openai/v1/embeddings"]);
  });

  it("does not fall back on a client error, and reports it in the OpenAI envelope", async () => {
    const { up, embed } = await setup("emb-no-fallback");
    await up.script({ match: "/openai/", status: 400, message: "bad dims" });
    const res = await embed({ model: "openai/text-embedding-3-small", models: ["mistral/mistral-embed"], input: "hi" });
    expect(res.status).toBe(400);
    expect(res.headers.get("x-generation-id")).toMatch(/^gen-/);
    const body = (await res.json()) as any;
    expect(body.error.message).toMatch(/bad dims/);
    expect((await up.requests()).map((r) => r.path)).toEqual(["/openai/v1/embeddings"]);
  });

  it("reports a 502 when every endpoint fails", async () => {
    const { up, embed } = await setup("emb-all-fail");
    await up.script([{ status: 500 }, { status: 500 }]);
    const res = await embed({ model: "openai/text-embedding-3-small", models: ["mistral/mistral-embed"], input: "hi" });
    expect(res.status).toBe(502);
    expect(((await res.json()) as any).error.message).toMatch(/All 2 endpoints failed/);
  });
});

describe("upstream errors", () => {
  it("keeps a recorded OpenAI 404 as a 404 in the OpenAI envelope", async () => {
    const { up, embed } = await setup("emb-err-openai");
    await up.script({ status: 404, body: openaiNotFound });
    const res = await embed({ model: "openai/nonexistent-embed", input: "Hello, world!" });
    expect(res.status).toBe(404);
    const body = (await res.json()) as any;
    expect(body.error.message).toContain("The model `nonexistent` does not exist");
  });

  it("keeps a recorded Gemini 404 as NOT_FOUND in Google's envelope", async () => {
    const { up, gemini } = await setup("emb-err-gemini");
    await up.script({ status: 404, body: geminiNotFound });
    const res = await gemini("gemini-embedding-001:embedContent", { content: { parts: [{ text: "Hello, world!" }] } });
    expect(res.status).toBe(404);
    const body = (await res.json()) as any;
    expect(body.error.status).toBe("NOT_FOUND");
    expect(body.error.message).toContain("is not found for API version v1beta");
  });
});
