import type { Context } from "hono";
import { geminiCodec } from "../codecs/gemini";
import { decodeGeminiEmbedRequest, encodeGeminiEmbedResponse, type GeminiEmbedAction } from "../embeddings/gemini-embeddings";
import { runEmbeddings, type EmbeddingsSurface } from "../embeddings/run";
import type { AppBindings } from "../env";
import type { KeyContext } from "../gateway/accounting";

/** The Gemini embeddings surface answering one method (the two differ only in the envelope). */
export function geminiEmbeddingsSurface(action: GeminiEmbedAction): EmbeddingsSurface {
  return { errorCodec: geminiCodec, encodeResponse: (res) => encodeGeminiEmbedResponse(res, action) };
}

/**
 * POST …/models/{model}:embedContent and :batchEmbedContents (Gemini-native surface, called by
 * src/routes/gemini.ts once the key is authenticated and the body read). `{model}` may name any
 * embeddings model (`openai/text-embedding-3-small`); Gemini callers always get float vectors.
 */
export function geminiEmbed(
  c: Context<AppBindings>,
  key: KeyContext,
  model: string,
  action: GeminiEmbedAction,
  body: Record<string, unknown>,
  bytes: number,
): Promise<Response> {
  const req = decodeGeminiEmbedRequest(body, { model, action });
  return runEmbeddings({ env: c.env, ctx: c.executionCtx, surface: geminiEmbeddingsSurface(action), req, rawBytes: bytes, key, clientSignal: c.req.raw.signal });
}
