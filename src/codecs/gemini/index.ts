/**
 * The Google Gemini generateContent / streamGenerateContent codec (Gemini API v1beta).
 */
import type { Codec, EncodeContext } from "../codec";
import { decodeGeminiCountTokensResponse, encodeGeminiCountTokensRequest, geminiPassthroughRequest } from "./count-tokens";
import { decodeGeminiRequest } from "./decode-request";
import { decodeGeminiResponse } from "./decode-response";
import { decodeGeminiJsonArrayStream, decodeGeminiSseStream, geminiJsonArrayStreamDecoder, geminiSseStreamDecoder } from "./decode-stream";
import { encodeGeminiRequest } from "./encode-request";
import { encodeGeminiResponse } from "./encode-response";
import { encodeGeminiStream, geminiStreamEncoder } from "./encode-stream";
import { decodeGeminiError, encodeGeminiError } from "./errors";
import { geminiUnseenCosts } from "./unseen-costs";

export const geminiCodec: Codec = {
  name: "gemini",
  decodeRequest: decodeGeminiRequest,
  encodeResponse: encodeGeminiResponse,
  encodeStream: encodeGeminiStream,
  streamEncoder: geminiStreamEncoder,
  encodeError: encodeGeminiError,
  streamContentType: (ctx: EncodeContext) =>
    ctx.framing === "sse" ? "text/event-stream" : "application/json; charset=UTF-8",
  encodeRequest: encodeGeminiRequest,
  decodeResponse: decodeGeminiResponse,
  // The gateway always asks Gemini upstreams for alt=sse (providers/gemini.ts).
  decodeStream: decodeGeminiSseStream,
  streamDecoder: geminiSseStreamDecoder,
  decodeError: decodeGeminiError,
  passthroughRequest: geminiPassthroughRequest,
  encodeCountTokensRequest: encodeGeminiCountTokensRequest,
  decodeCountTokensResponse: decodeGeminiCountTokensResponse,
  unseenCosts: geminiUnseenCosts,
};

/** For callers that reach streamGenerateContent without alt=sse (JSON array framing). */
export { decodeGeminiJsonArrayStream, geminiJsonArrayStreamDecoder };
export { retryDelaySeconds } from "./errors";
export { geminiResponseSchema, geminiStreamChunkSchema } from "./gemini-api";
