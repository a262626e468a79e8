/**
 * The OpenAI Responses API codec (`/v1/responses`), written once and used both as the inbound
 * surface (Codex, the OpenAI Agents SDK, @ai-sdk/openai's default model) and as the upstream
 * format for OpenAI models served only there. What it adds to the canonical model: custom and
 * namespaced tools (canonical/tools.ts), encrypted reasoning tagged with its origin
 * (reasoning-payload.ts), built-in tools as native features, and the request echo and tool table
 * the answers need (EncodeContext.request).
 */
import type { Codec } from "../codec";
import { decodeResponsesCountTokensResponse, encodeResponsesCountTokensRequest } from "./count-tokens";
import { decodeResponsesRequest } from "./decode-request";
import { decodeResponsesResponse } from "./decode-response";
import { decodeResponsesStream, responsesStreamDecoder } from "./decode-stream";
import { encodeResponsesRequest } from "./encode-request";
import { encodeResponsesResponse } from "./encode-response";
import { encodeResponsesStream, responsesStreamEncoder } from "./encode-stream";
import { decodeResponsesError, encodeResponsesError } from "./errors";
import { responsesPassthroughRequest } from "./passthrough";

export const responsesCodec: Codec = {
  name: "responses",
  decodeRequest: (body) => decodeResponsesRequest(body),
  encodeResponse: encodeResponsesResponse,
  encodeStream: encodeResponsesStream,
  streamEncoder: responsesStreamEncoder,
  encodeError: encodeResponsesError,
  streamContentType: () => "text/event-stream; charset=utf-8",
  encodeRequest: encodeResponsesRequest,
  decodeResponse: decodeResponsesResponse,
  decodeStream: decodeResponsesStream,
  streamDecoder: responsesStreamDecoder,
  decodeError: decodeResponsesError,
  passthroughRequest: responsesPassthroughRequest,
  encodeCountTokensRequest: encodeResponsesCountTokensRequest,
  decodeCountTokensResponse: decodeResponsesCountTokensResponse,
};

export { readResponsesExtensions, type ResponsesExtensions } from "./extensions";
export { responsesResponseSchema, responsesStreamChunkSchema } from "./responses-response-api";
