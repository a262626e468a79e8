import type { Codec } from "../codec";
import { anthropicPassthroughRequest, decodeAnthropicCountTokensResponse, encodeAnthropicCountTokensRequest } from "./count-tokens";
import { decodeAnthropicRequest } from "./decode-request";
import { decodeAnthropicResponse } from "./decode-response";
import { anthropicStreamDecoder, decodeAnthropicStream } from "./decode-stream";
import { encodeAnthropicRequest } from "./encode-request";
import { encodeAnthropicResponse } from "./encode-response";
import { anthropicStreamEncoder, encodeAnthropicStream } from "./encode-stream";
import { decodeAnthropicError, encodeAnthropicError } from "./errors";
import { anthropicUnseenCosts } from "./unseen-costs";

export { anthropicResponseSchema, anthropicStreamChunkSchema } from "./anthropic-api";

export const anthropicCodec: Codec = {
  name: "anthropic",
  // Messages content blocks have no generated image or audio.
  mediaOutput: false,
  decodeRequest: (body) => decodeAnthropicRequest(body),
  encodeResponse: encodeAnthropicResponse,
  encodeStream: encodeAnthropicStream,
  streamEncoder: anthropicStreamEncoder,
  encodeError: encodeAnthropicError,
  streamContentType: () => "text/event-stream; charset=utf-8",
  encodeRequest: encodeAnthropicRequest,
  decodeResponse: decodeAnthropicResponse,
  decodeStream: decodeAnthropicStream,
  streamDecoder: anthropicStreamDecoder,
  decodeError: decodeAnthropicError,
  passthroughRequest: anthropicPassthroughRequest,
  encodeCountTokensRequest: encodeAnthropicCountTokensRequest,
  decodeCountTokensResponse: decodeAnthropicCountTokensResponse,
  unseenCosts: anthropicUnseenCosts,
};
