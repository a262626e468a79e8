/**
 * models/{model}:countTokens and same-format passthrough. countTokens takes either bare
 * `contents` or a full `generateContentRequest` (which must name the model); the latter also
 * counts the system instruction and tool declarations.
 */
import type { CanonicalRequest } from "../../canonical/types";
import { isRecord } from "../../streams/json";
import { encodeGeminiRequest } from "./encode-request";

export function encodeGeminiCountTokensRequest(req: CanonicalRequest, upstreamModel: string): Record<string, unknown> {
  const model = upstreamModel.startsWith("models/") ? upstreamModel : `models/${upstreamModel}`;
  return { generateContentRequest: { model, ...encodeGeminiRequest({ ...req, stream: false }, upstreamModel) } };
}

/** `{"totalTokens": N, …}` → N; NaN when the body is not a count. */
export function decodeGeminiCountTokensResponse(body: unknown): number {
  return isRecord(body) && typeof body.totalTokens === "number" ? body.totalTokens : Number.NaN;
}

/**
 * The caller's own body. Gemini carries the model and the streaming mode in the URL, so nothing
 * in the body changes; a body-level `model` (accepted by decodeRequest) is removed because the
 * upstream model, which may differ after routing, is in the URL.
 */
export function geminiPassthroughRequest(raw: Record<string, unknown>): Record<string, unknown> {
  const { model: _model, ...body } = raw;
  return body;
}
