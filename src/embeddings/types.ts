/**
 * The canonical embeddings model: what both embeddings surfaces (OpenAI `/v1/embeddings`,
 * Gemini `:embedContent` / `:batchEmbedContents`) decode into and every upstream encodes from.
 * Like the chat codecs, the two embeddings codecs never talk to each other, only to these types.
 */
import type { RoutingOptions } from "../canonical/types";

/** One input: text, or pre-tokenized text (OpenAI token ids). */
export type EmbeddingInput = string | number[];

export type EncodingFormat = "float" | "base64";

/** A Gemini caller's own per-input request, kept so a Gemini upstream receives it unchanged. */
export interface GeminiEmbedItem {
  /** The Content object as the caller sent it (role + parts, non-text parts included). */
  content: { role?: string; parts: Array<Record<string, unknown>> };
  taskType?: string;
  title?: string;
  outputDimensionality?: number;
}

export interface EmbeddingsRequest {
  /** Model id as the caller wrote it (before routing). */
  model: string;
  /** One vector is returned per input, in order. Never empty. */
  inputs: EmbeddingInput[];
  /** Requested vector length (OpenAI `dimensions`, Gemini `outputDimensionality`). */
  dimensions?: number;
  /**
   * How the caller wants vectors encoded. Upstreams are always asked for floats; base64
   * (little-endian float32 bytes, what OpenAI returns) is produced by the gateway.
   */
  encodingFormat: EncodingFormat;
  /** End-user id (OpenAI `user`). */
  user?: string;
  /** Gemini task type (RETRIEVAL_QUERY, RETRIEVAL_DOCUMENT, SEMANTIC_SIMILARITY…). */
  taskType?: string;
  /** Routing fields (OpenRouter-style `provider`, `models`), read by the router, never sent upstream. */
  routing?: RoutingOptions;
  /**
   * Gemini surface only: the caller's requests, one per input (per-input title / taskType /
   * outputDimensionality, non-text parts). A Gemini upstream gets them verbatim (model rewritten);
   * other upstreams get the canonical fields and refuse what they cannot express.
   */
  gemini?: GeminiEmbedItem[];
}

export interface EmbeddingsUsage {
  inputTokens: number;
  /** True when the upstream reported no usage and inputTokens is the gateway's estimate. */
  estimated?: boolean;
}

export interface EmbeddingsResponse {
  /** The model that answered, as the upstream reported it ("" when it did not say). */
  model: string;
  /** One vector per input, in input order. */
  vectors: number[][];
  usage: EmbeddingsUsage;
}

/** What a surface encoder needs besides the response. */
export interface EmbeddingsEncodeContext {
  /** Used when the upstream did not report a model: the catalog id of the endpoint. */
  model: string;
  /** Cost in USD, when the endpoint is priced. */
  costUsd?: number;
  encodingFormat: EncodingFormat;
}

/**
 * Token estimate for text when an upstream reports no usage (Gemini's Developer API returns
 * none for embeddings): ~4 characters per token, the common rule of thumb for English text
 * with current tokenizers. Token-id inputs count exactly. Every non-empty input counts ≥ 1.
 */
export function estimateTokens(inputs: readonly EmbeddingInput[]): number {
  let n = 0;
  for (const input of inputs) n += typeof input === "string" ? estimateTextTokens(input) : input.length;
  return n;
}

export function estimateTextTokens(text: string): number {
  return text.length === 0 ? 0 : Math.max(1, Math.ceil(text.length / 4));
}
