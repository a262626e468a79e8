/**
 * Bedrock errors. Over HTTP: the status, an `x-amzn-errortype` header and a JSON body
 * `{"message": "…"}` (some services capitalise it: `{"Message": …}`). In a ConverseStream: an
 * event-stream message with `:message-type: exception` and `:exception-type: throttlingException`
 * (or validationException, modelStreamErrorException, internalServerException,
 * serviceUnavailableException), whose payload is `{"message": "…"}`.
 */
import type { UpstreamErrorInfo } from "../codec";
import { isRecord, safeJsonParse } from "../../streams/json";

const MAX_RAW_TEXT = 2000;

export function decodeBedrockError(status: number, bodyText: string): UpstreamErrorInfo {
  const parsed = safeJsonParse(bodyText);
  if (parsed.ok && isRecord(parsed.value)) {
    const b = parsed.value;
    const message = typeof b.message === "string" ? b.message : typeof b.Message === "string" ? b.Message : `Upstream error (HTTP ${status})`;
    const type = typeof b.__type === "string" ? b.__type.slice(b.__type.lastIndexOf("#") + 1) : undefined;
    return { message, ...(type ? { type } : {}), raw: b };
  }
  const text = bodyText.trim().slice(0, MAX_RAW_TEXT);
  return { message: text || `Upstream error (HTTP ${status})`, raw: text };
}

/** The HTTP status AWS documents for each ConverseStream exception (upstream failures are our 502). */
const EXCEPTION_STATUS: Record<string, number> = {
  validationException: 400,
  throttlingException: 429,
  serviceUnavailableException: 503,
  modelStreamErrorException: 502,
  internalServerException: 502,
  modelTimeoutException: 504,
};

export function statusForBedrockException(type: string | undefined): number {
  return (type && EXCEPTION_STATUS[type]) || 502;
}
