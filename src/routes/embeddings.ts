import { Hono } from "hono";
import { authenticateWhile } from "../auth/authenticate";
import { extractToken } from "../auth/token";
import { openaiCodec } from "../codecs/openai";
import { decodeOpenAIEmbeddingsRequest, encodeOpenAIEmbeddingsResponse } from "../embeddings/openai-embeddings";
import { runEmbeddings, type EmbeddingsSurface } from "../embeddings/run";
import type { AppBindings } from "../env";
import { errorsAs } from "../gateway/render-error";
import { readJsonObject } from "../gateway/request-body";

export const openaiEmbeddingsSurface: EmbeddingsSurface = {
  errorCodec: openaiCodec,
  encodeResponse: encodeOpenAIEmbeddingsResponse,
};

/**
 * POST /v1/embeddings — the OpenAI embeddings surface (Bearer auth). Any embeddings-capable
 * provider can answer (OpenAI-compatible ones, Google Gemini); `encoding_format: "base64"` is
 * produced by the gateway, and `usage.cost` (USD) is added when the model is priced.
 */
export const embeddingsRoutes = new Hono<AppBindings>()
  .post("/", async (c) => {
    const { key, value: { bytes, req } } = await authenticateWhile(c.env, extractToken(c.req.raw), async () => {
      const { body, bytes } = await readJsonObject(c);
      return { bytes, req: decodeOpenAIEmbeddingsRequest(body) };
    });
    return runEmbeddings({ env: c.env, ctx: c.executionCtx, surface: openaiEmbeddingsSurface, req, rawBytes: bytes, key, clientSignal: c.req.raw.signal });
  })
  .onError(errorsAs(openaiCodec));
