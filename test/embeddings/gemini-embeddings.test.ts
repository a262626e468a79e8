import { describe, expect, it } from "vitest";
import { BadRequestError, UpstreamError } from "../../src/errors/gateway-error";
import {
  GEMINI_BATCH_LIMIT,
  decodeGeminiEmbedRequest,
  decodeGeminiEmbedResponses,
  encodeGeminiEmbedRequests,
  encodeGeminiEmbedResponse,
} from "../../src/embeddings/gemini-embeddings";
import { decodeOpenAIEmbeddingsRequest, encodeOpenAIEmbeddingsRequest } from "../../src/embeddings/openai-embeddings";
import batchRequest from "../fixtures/embeddings/gemini-batch-request.json";
import embedRequest from "../fixtures/embeddings/gemini-embed-request.json";
import batchResponse from "../fixtures/embeddings/gemini-batch-response.json";
import embedResponse from "../fixtures/embeddings/gemini-embed-response.json";
import tokensRequest from "../fixtures/embeddings/openai-request-tokens.json";

function badRequest(fn: () => unknown): BadRequestError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(BadRequestError);
    return err as BadRequestError;
  }
  throw new Error("expected a BadRequestError");
}

describe("Gemini embeddings: inbound request", () => {
  it("decodes embedContent", () => {
    const req = decodeGeminiEmbedRequest(embedRequest, { model: "gemini-embedding-001", action: "embedContent" });
    expect(req).toMatchObject({ model: "gemini-embedding-001", inputs: ["What is the meaning of life?"], dimensions: 5, taskType: "RETRIEVAL_DOCUMENT", encodingFormat: "float" });
    expect(req.gemini).toEqual([{ content: embedRequest.content, taskType: "RETRIEVAL_DOCUMENT", title: "Life", outputDimensionality: 5 }]);
  });

  it("decodes batchEmbedContents", () => {
    const req = decodeGeminiEmbedRequest(batchRequest, { model: "gemini-embedding-001", action: "batchEmbedContents" });
    expect(req.inputs).toEqual(["Hello, world!", "Some text goes here"]);
    expect(req.dimensions).toBe(768);
    expect(req.taskType).toBe("RETRIEVAL_QUERY");
  });

  it("accepts snake_case field names like Google's JSON parser", () => {
    const req = decodeGeminiEmbedRequest({ content: { parts: [{ text: "x" }] }, task_type: "CLUSTERING", output_dimensionality: 8 }, { model: "m", action: "embedContent" });
    expect(req.dimensions).toBe(8);
    expect(req.taskType).toBe("CLUSTERING");
  });

  it("joins the text parts of one content into one input", () => {
    const req = decodeGeminiEmbedRequest({ content: { role: "user", parts: [{ text: "a" }, { text: "b" }] } }, { model: "m", action: "embedContent" });
    expect(req.inputs).toEqual(["a\nb"]);
    expect(req.gemini?.[0].content.role).toBe("user");
  });

  it("leaves dimensions and taskType unset when the batch's requests differ", () => {
    const body = { requests: [{ content: { parts: [{ text: "a" }] }, outputDimensionality: 8 }, { content: { parts: [{ text: "b" }] }, outputDimensionality: 16, taskType: "CLUSTERING" }] };
    const req = decodeGeminiEmbedRequest(body, { model: "m", action: "batchEmbedContents" });
    expect(req.dimensions).toBeUndefined();
    expect(req.taskType).toBeUndefined();
  });

  it.each([
    ["embedContent", {}, /^content: /],
    ["embedContent", { content: { parts: [] } }, /^content\.parts: must contain at least one part/],
    ["embedContent", { content: { parts: [{ text: "" }] } }, /^content\.parts: no text to embed/],
    ["embedContent", { content: { parts: [{ text: 5 }] } }, /^content\.parts\[0\]\.text: /],
    ["embedContent", { content: { parts: [{ text: "x" }] }, outputDimensionality: -1 }, /^outputDimensionality: /],
    ["embedContent", { content: { parts: [{ text: "x" }] }, bogus: 1 }, /bogus/],
    ["batchEmbedContents", { requests: [] }, /^requests: must contain at least one request/],
    ["batchEmbedContents", { content: { parts: [{ text: "x" }] } }, /requests|content/],
    ["batchEmbedContents", { requests: [{ content: { parts: [{ text: "x" }] } }, { content: {} }] }, /^requests\[1\]\.content\.parts: /],
    ["batchEmbedContents", { requests: [{ content: { parts: [{ text: "x" }] }, outputDimensionality: "768" }] }, /^requests\[0\]\.outputDimensionality: /],
  ] as const)("%s rejects %j", (action, body, message) => {
    expect(badRequest(() => decodeGeminiEmbedRequest(body, { model: "m", action })).message).toMatch(message);
  });
});

describe("Gemini embeddings: upstream request", () => {
  it("passes a Gemini caller's requests through with the upstream model", () => {
    const req = decodeGeminiEmbedRequest(embedRequest, { model: "google/gemini-embedding-001", action: "embedContent" });
    expect(encodeGeminiEmbedRequests(req, "gemini-embedding-001")).toEqual([
      { requests: [{ model: "models/gemini-embedding-001", content: embedRequest.content, taskType: "RETRIEVAL_DOCUMENT", title: "Life", outputDimensionality: 5 }] },
    ]);
  });

  it("maps OpenAI dimensions to outputDimensionality", () => {
    const req = decodeOpenAIEmbeddingsRequest({ model: "google/gemini-embedding-001", input: ["Hello, world!", "Some text goes here"], dimensions: 768 });
    expect(encodeGeminiEmbedRequests(req, "gemini-embedding-001")).toEqual([
      {
        requests: [
          { model: "models/gemini-embedding-001", content: { parts: [{ text: "Hello, world!" }] }, outputDimensionality: 768 },
          { model: "models/gemini-embedding-001", content: { parts: [{ text: "Some text goes here" }] }, outputDimensionality: 768 },
        ],
      },
    ]);
  });

  it("splits more than 100 inputs into several batches", () => {
    const inputs = Array.from({ length: 2 * GEMINI_BATCH_LIMIT + 5 }, (_, i) => `t${i}`);
    const bodies = encodeGeminiEmbedRequests({ model: "m", inputs, encodingFormat: "float" }, "gemini-embedding-001");
    expect(bodies.map((b) => b.requests.length)).toEqual([100, 100, 5]);
    expect(bodies[2].requests[4].content.parts[0].text).toBe("t204");
  });

  it("refuses token-id inputs, naming the provider", () => {
    const err = badRequest(() => encodeGeminiEmbedRequests(decodeOpenAIEmbeddingsRequest(tokensRequest), "gemini-embedding-001", "google"));
    expect(err.message).toMatch(/^input\[0\]: token-id inputs are not supported by provider 'google'/);
  });
});

describe("Gemini caller → OpenAI-format upstream", () => {
  it("maps outputDimensionality to dimensions and drops taskType/title", () => {
    const req = decodeGeminiEmbedRequest(embedRequest, { model: "openai/text-embedding-3-small", action: "embedContent" });
    expect(encodeOpenAIEmbeddingsRequest(req, "text-embedding-3-small", "openai")).toEqual({
      model: "text-embedding-3-small",
      input: ["What is the meaning of life?"],
      encoding_format: "float",
      dimensions: 5,
    });
  });

  it("refuses non-text parts", () => {
    const req = decodeGeminiEmbedRequest({ content: { parts: [{ text: "x" }, { inlineData: { mimeType: "image/png", data: "AAAA" } }] } }, { model: "m", action: "embedContent" });
    expect(badRequest(() => encodeOpenAIEmbeddingsRequest(req, "m", "openai")).message).toMatch(/^requests\[0\]\.content\.parts\[1\]: only text parts .* 'openai'/);
    // …which a Gemini upstream takes as they are.
    expect(encodeGeminiEmbedRequests(req, "gemini-embedding-2")[0].requests[0].content.parts).toHaveLength(2);
  });

  it("refuses different outputDimensionality per request", () => {
    const body = { requests: [{ content: { parts: [{ text: "a" }] }, outputDimensionality: 8 }, { content: { parts: [{ text: "b" }] }, outputDimensionality: 16 }] };
    const req = decodeGeminiEmbedRequest(body, { model: "m", action: "batchEmbedContents" });
    expect(badRequest(() => encodeOpenAIEmbeddingsRequest(req, "m", "openai")).message).toMatch(/outputDimensionality/);
  });
});

describe("Gemini embeddings: upstream response", () => {
  const sent = (texts: string[], title?: string) => [
    { requests: texts.map((text) => ({ model: "models/m", content: { parts: [{ text }] }, ...(title ? { title } : {}) })) },
  ];

  it("decodes batchEmbedContents and estimates usage (chars / 4)", () => {
    const res = decodeGeminiEmbedResponses([batchResponse], sent(["Hello, world!", "Some text goes here"]));
    expect(res.vectors).toEqual(batchResponse.embeddings.map((e) => e.values));
    // ceil(13/4) + ceil(19/4)
    expect(res.usage).toEqual({ inputTokens: 4 + 5, estimated: true });
    expect(res.model).toBe("");
  });

  it("counts the title in the estimate", () => {
    expect(decodeGeminiEmbedResponses([embedResponse], sent(["12345678"], "1234")).usage.inputTokens).toBe(3);
  });

  it("uses usageMetadata.promptTokenCount when present", () => {
    const res = decodeGeminiEmbedResponses([{ ...batchResponse, usageMetadata: { promptTokenCount: 7 } }], sent(["a", "b"]));
    expect(res.usage).toEqual({ inputTokens: 7 });
  });

  it("concatenates several batches in order", () => {
    const res = decodeGeminiEmbedResponses([batchResponse, embedResponse], [...sent(["a", "b"]), ...sent(["c"])]);
    expect(res.vectors).toEqual([...batchResponse.embeddings.map((e) => e.values), embedResponse.embedding.values]);
  });

  it("throws UpstreamError on a malformed body or a wrong count", () => {
    expect(() => decodeGeminiEmbedResponses([{ embeddings: [{}] }], sent(["a"]))).toThrow(UpstreamError);
    expect(() => decodeGeminiEmbedResponses([batchResponse], sent(["a"]))).toThrow(/2 embeddings for 1 inputs/);
  });
});

describe("Gemini embeddings: caller response", () => {
  const res = { model: "", vectors: batchResponse.embeddings.map((e) => e.values), usage: { inputTokens: 9 } };
  it("encodes both envelopes", () => {
    expect(encodeGeminiEmbedResponse(res, "batchEmbedContents")).toEqual(batchResponse);
    expect(encodeGeminiEmbedResponse({ ...res, vectors: [res.vectors[0]] }, "embedContent")).toEqual(embedResponse);
  });
});
