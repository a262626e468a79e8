/**
 * OpenAI Chat Completions codec (with OpenRouter's extensions on the inbound surface), used both
 * as the caller-facing format and for OpenAI and every OpenAI-compatible upstream.
 *
 * `openaiCodec` uses the most compatible upstream defaults (see OpenAIEncodeOptions). Providers
 * that need different request fields get their own instance, e.g. api.openai.com:
 *   createOpenAICodec({ maxTokensField: "max_completion_tokens" })
 * and OpenRouter: createOpenAICodec({ reasoningParam: "openrouter", cacheControl: "cache_control", sendTopK: true }).
 */
import type { Codec } from "../codec";
import { decodeOpenAIRequest } from "./decode-request";
import { decodeOpenAIResponse } from "./decode-response";
import { decodeOpenAIStream, openaiStreamDecoder } from "./decode-stream";
import type { OpenAIEncodeOptions } from "./encode-options";
import { encodeOpenAIRequest } from "./encode-request";
import { encodeOpenAIResponse } from "./encode-response";
import { encodeOpenAIStream, openaiStreamEncoder } from "./encode-stream";
import { decodeOpenAIError, encodeOpenAIError } from "./errors";
import { openaiUnseenCosts } from "./unseen-costs";

export function createOpenAICodec(options: OpenAIEncodeOptions = {}): Codec {
  return {
    name: "openai",
    decodeRequest: (body) => decodeOpenAIRequest(body),
    encodeResponse: encodeOpenAIResponse,
    encodeStream: encodeOpenAIStream,
    streamEncoder: openaiStreamEncoder,
    encodeError: encodeOpenAIError,
    streamContentType: () => "text/event-stream; charset=utf-8",
    encodeRequest: (req, upstreamModel) => encodeOpenAIRequest(req, upstreamModel, options),
    decodeResponse: decodeOpenAIResponse,
    decodeStream: decodeOpenAIStream,
    streamDecoder: openaiStreamDecoder,
    decodeError: decodeOpenAIError,
    unseenCosts: openaiUnseenCosts,
  };
}

export const openaiCodec: Codec = createOpenAICodec();

export type { OpenAIEncodeOptions } from "./encode-options";
export { encodeOpenAIRequest } from "./encode-request";
export { openaiResponseSchema, openaiStreamChunkSchema } from "./openai-response-api";
