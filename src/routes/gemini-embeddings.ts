import type { Context } from "hono";
import { authenticateWhile } from "../auth/authenticate";
import { extractToken } from "../auth/token";
import { geminiCodec } from "../codecs/gemini";
import { decodeGeminiEmbedRequest, encodeGeminiEmbedResponse, type GeminiEmbedAction } from "../embeddings/gemini-embeddings";
import { runEmbeddings, type EmbeddingsSurface } from "../embeddings/run";
import type { AppBindings } from "../env";
import { readJsonObject } from "../gateway/request-body";

/** The Gemini embeddings surface answering one method (the two differ only in the envelope). */
export function geminiEmbeddingsSurface(action: GeminiEmbedAction): EmbeddingsSurface {
  return { errorCodec: geminiCodec, encodeResponse: (res) => encodeGeminiEmbedResponse(res, action) };
}

/**
 * POST …/models/{model}:embedContent and :batchEmbedContents (Gemini-native surface, dispatched by
 * src/routes/gemini.ts). `{model}` may name any embeddings model (`openai/text-embedding-3-small`);
 * Gemini callers always get float vectors.
 */
export async function geminiEmbed(c: Context<AppBindings>, model: string, action: GeminiEmbedAction): Promise<Response> {
  const { key, value: { bytes, req } } = await authenticateWhile(c.env, extractToken(c.req.raw, { query: true }), async () => {
    const { body, bytes } = await readJsonObject(c);
    return { bytes, req: decodeGeminiEmbedRequest(body, { model, action }) };
  });
  return runEmbeddings({ env: c.env, ctx: c.executionCtx, surface: geminiEmbeddingsSurface(action), req, rawBytes: bytes, key, clientSignal: c.req.raw.signal });
}
