import { describe, expect, it } from "vitest";
import { BadRequestError, UpstreamError } from "../../src/errors/gateway-error";
import { base64ToFloats, floatsToBase64 } from "../../src/embeddings/base64";
import {
  decodeOpenAIEmbeddingsRequest,
  decodeOpenAIEmbeddingsResponse,
  encodeOpenAIEmbeddingsRequest,
  encodeOpenAIEmbeddingsResponse,
} from "../../src/embeddings/openai-embeddings";
import { estimateTokens } from "../../src/embeddings/types";
import floatResponse from "../fixtures/embeddings/openai-response-float.json";
import base64Response from "../fixtures/embeddings/openai-response-base64.json";
import recordedBase64 from "../fixtures/embeddings/openai-response-base64-recorded.json";
import stringsRequest from "../fixtures/embeddings/openai-request-strings.json";
import stringRequest from "../fixtures/embeddings/openai-request-string.json";
import tokensRequest from "../fixtures/embeddings/openai-request-tokens.json";

const f32 = (v: number[]) => v.map(Math.fround);

function badRequest(fn: () => unknown): BadRequestError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(BadRequestError);
    return err as BadRequestError;
  }
  throw new Error("expected a BadRequestError");
}

describe("base64 float32", () => {
  it("decodes the recorded OpenAI base64 vector and re-encodes it byte for byte", () => {
    const b64 = recordedBase64.data[0].embedding;
    const v = base64ToFloats(b64);
    expect(v).toHaveLength(1536);
    expect(v.every((x) => Number.isFinite(x) && Math.abs(x) < 1)).toBe(true);
    expect(floatsToBase64(v)).toBe(b64);
  });

  it("round-trips floats as little-endian float32", () => {
    const v = [0.5, -1.25, 3.1415926, 0];
    expect(base64ToFloats(floatsToBase64(v))).toEqual(f32(v));
    // 1.0f little-endian = 00 00 80 3f
    expect(floatsToBase64([1])).toBe(btoa(String.fromCharCode(0, 0, 0x80, 0x3f)));
  });

  it("handles vectors larger than one encoding chunk", () => {
    const v = Array.from({ length: 20000 }, (_, i) => Math.sin(i));
    expect(base64ToFloats(floatsToBase64(v))).toEqual(f32(v));
  });
});

describe("OpenAI embeddings: inbound request", () => {
  it("decodes a single string", () => {
    expect(decodeOpenAIEmbeddingsRequest(stringRequest)).toEqual({
      model: "text-embedding-ada-002",
      inputs: ["Tell me a joke about opentelemetry"],
      encodingFormat: "base64",
    });
  });

  it("decodes an array of strings", () => {
    const req = decodeOpenAIEmbeddingsRequest(stringsRequest);
    expect(req.inputs).toEqual(["hello", "world"]);
    expect(req.encodingFormat).toBe("base64");
  });

  it("decodes token-id arrays and dimensions", () => {
    const req = decodeOpenAIEmbeddingsRequest(tokensRequest);
    expect(req.inputs).toEqual([[9906, 11, 1917, 0], [15339, 1917]]);
    expect(req.dimensions).toBe(256);
    expect(req.encodingFormat).toBe("float");
  });

  it("decodes one token array as one input", () => {
    expect(decodeOpenAIEmbeddingsRequest({ model: "m", input: [1, 2, 3] }).inputs).toEqual([[1, 2, 3]]);
  });

  it("keeps user and routing fields; null optionals are ignored", () => {
    const req = decodeOpenAIEmbeddingsRequest({
      model: "openai/text-embedding-3-small",
      input: "x",
      user: "u-1",
      dimensions: null,
      encoding_format: null,
      provider: { order: ["openai"], allow_fallbacks: false },
    });
    expect(req).toEqual({
      model: "openai/text-embedding-3-small",
      inputs: ["x"],
      encodingFormat: "float",
      user: "u-1",
      routing: { provider: { order: ["openai"], allow_fallbacks: false } },
    });
  });

  it.each([
    [{ input: "x" }, /^model: /],
    [{ model: "m" }, /^input: required/],
    [{ model: "m", input: "" }, /^input: must not be an empty string/],
    [{ model: "m", input: [] }, /^input: must not be an empty array/],
    [{ model: "m", input: 42 }, /^input: expected a string/],
    [{ model: "m", input: { text: "x" } }, /^input: expected/],
    [{ model: "m", input: ["a", 1] }, /^input\[1\]: expected a string/],
    [{ model: "m", input: ["a", ""] }, /^input\[1\]: must not be an empty string/],
    [{ model: "m", input: [1, 2.5] }, /^input\[1\]: expected a non-negative integer token id/],
    [{ model: "m", input: [1, -1] }, /^input\[1\]: expected a non-negative integer token id/],
    [{ model: "m", input: [[1], "a"] }, /^input\[1\]: expected an array of token ids/],
    [{ model: "m", input: [[1], [2, "x"]] }, /^input\[1\]\[1\]: expected a non-negative integer token id/],
    [{ model: "m", input: [[1], []] }, /^input\[1\]: must not be an empty array/],
    [{ model: "m", input: [null] }, /^input\[0\]: expected/],
    [{ model: "m", input: "x", dimensions: 0 }, /^dimensions: /],
    [{ model: "m", input: "x", dimensions: 1.5 }, /^dimensions: /],
    [{ model: "m", input: "x", encoding_format: "int8" }, /^encoding_format: /],
    [{ model: "m", input: "x", user: 5 }, /^user: /],
    [{ model: "m", input: "x", temperature: 1 }, /Unrecognized request argument supplied: temperature/],
  ])("rejects %j", (body, message) => {
    expect(badRequest(() => decodeOpenAIEmbeddingsRequest(body)).message).toMatch(message);
  });

  it("rejects a non-object body", () => {
    expect(badRequest(() => decodeOpenAIEmbeddingsRequest([1])).status).toBe(400);
  });
});

describe("OpenAI embeddings: upstream request", () => {
  it("always asks for floats and forwards dimensions and user", () => {
    const req = decodeOpenAIEmbeddingsRequest({ ...stringsRequest, dimensions: 64, user: "u" });
    expect(encodeOpenAIEmbeddingsRequest(req, "text-embedding-3-small")).toEqual({
      model: "text-embedding-3-small",
      input: ["hello", "world"],
      encoding_format: "float",
      dimensions: 64,
      user: "u",
    });
  });

  it("sends token arrays as arrays of token ids", () => {
    const body = encodeOpenAIEmbeddingsRequest(decodeOpenAIEmbeddingsRequest(tokensRequest), "text-embedding-3-small");
    expect(body.input).toEqual([[9906, 11, 1917, 0], [15339, 1917]]);
    expect(body.dimensions).toBe(256);
  });

  it("refuses mixed text and token inputs", () => {
    expect(badRequest(() => encodeOpenAIEmbeddingsRequest({ model: "m", inputs: ["a", [1]], encodingFormat: "float" }, "m")).message).toMatch(/^input: /);
  });
});

describe("OpenAI embeddings: upstream response", () => {
  it("decodes float vectors and usage", () => {
    const res = decodeOpenAIEmbeddingsResponse(floatResponse, ["a", "b"]);
    expect(res).toEqual({ model: "text-embedding-3-small", vectors: [floatResponse.data[0].embedding, floatResponse.data[1].embedding], usage: { inputTokens: 12 } });
  });

  it("decodes base64 vectors", () => {
    const res = decodeOpenAIEmbeddingsResponse(base64Response, ["hello", "world"]);
    expect(res.vectors).toEqual([f32(floatResponse.data[0].embedding), f32(floatResponse.data[1].embedding)]);
    expect(res.usage).toEqual({ inputTokens: 2 });
  });

  it("orders vectors by index", () => {
    const shuffled = { ...floatResponse, data: [floatResponse.data[1], floatResponse.data[0]] };
    expect(decodeOpenAIEmbeddingsResponse(shuffled, ["a", "b"]).vectors[0]).toEqual(floatResponse.data[0].embedding);
  });

  it("estimates usage when the upstream reports none", () => {
    const { usage: _u, ...noUsage } = floatResponse;
    const res = decodeOpenAIEmbeddingsResponse(noUsage, ["12345678", [1, 2, 3]]);
    expect(res.usage).toEqual({ inputTokens: 2 + 3, estimated: true });
    expect(estimateTokens(["12345678", [1, 2, 3]])).toBe(5);
  });

  it.each([
    [{ object: "list" }, /data/],
    [{ data: [{ embedding: "!!!" }, { embedding: [1] }] }, /base64/],
    [{ data: [{ index: 0, embedding: [1] }] }, /1 embeddings for 2 inputs/],
    [{ data: [{ index: 0, embedding: [1] }, { index: 0, embedding: [2] }] }, /bad index 0/],
  ])("throws UpstreamError on a malformed body %j", (body, message) => {
    expect(() => decodeOpenAIEmbeddingsResponse(body, ["a", "b"])).toThrow(UpstreamError);
    expect(() => decodeOpenAIEmbeddingsResponse(body, ["a", "b"])).toThrow(message);
  });
});

describe("OpenAI embeddings: caller response", () => {
  const res = { model: "text-embedding-3-small", vectors: [floatResponse.data[0].embedding, floatResponse.data[1].embedding], usage: { inputTokens: 12 } };

  it("encodes floats with usage and cost", () => {
    expect(encodeOpenAIEmbeddingsResponse(res, { model: "openai/text-embedding-3-small", encodingFormat: "float", costUsd: 0.00000024 })).toEqual({
      ...floatResponse,
      usage: { prompt_tokens: 12, total_tokens: 12, cost: 0.00000024 },
    });
  });

  it("encodes base64 exactly like OpenAI does", () => {
    const out = encodeOpenAIEmbeddingsResponse(res, { model: "x", encodingFormat: "base64" });
    expect(out.data.map((d) => d.embedding)).toEqual(base64Response.data.map((d) => d.embedding));
    expect(out.usage).toEqual({ prompt_tokens: 12, total_tokens: 12 });
  });

  it("round-trips the recorded base64 body through the canonical model", () => {
    const decoded = decodeOpenAIEmbeddingsResponse(recordedBase64, ["Hello, world!"]);
    const out = encodeOpenAIEmbeddingsResponse(decoded, { model: "x", encodingFormat: "base64" });
    expect(out.data[0].embedding).toBe(recordedBase64.data[0].embedding);
    expect(out.model).toBe(recordedBase64.model);
  });

  it("falls back to the endpoint's model when the upstream did not name one", () => {
    expect(encodeOpenAIEmbeddingsResponse({ ...res, model: "" }, { model: "google/gemini-embedding-001", encodingFormat: "float" }).model).toBe("google/gemini-embedding-001");
  });
});
