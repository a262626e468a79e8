import type { UpstreamCodec } from "../codec";
import { decodeBedrockResponse } from "./decode-response";
import { bedrockStreamDecoder, decodeBedrockStream } from "./decode-stream";
import { encodeBedrockRequest } from "./encode-request";
import { decodeBedrockError } from "./errors";

export { bedrockResponseSchema } from "./bedrock-api";

/**
 * Amazon Bedrock's Converse / ConverseStream API: an upstream-only format (no caller speaks it),
 * so only the upstream half of a codec. No token-counting pair: the estimate is used.
 */
export const bedrockCodec: UpstreamCodec = {
  name: "bedrock",
  encodeRequest: encodeBedrockRequest,
  decodeResponse: decodeBedrockResponse,
  decodeStream: decodeBedrockStream,
  streamDecoder: bedrockStreamDecoder,
  decodeError: decodeBedrockError,
};
