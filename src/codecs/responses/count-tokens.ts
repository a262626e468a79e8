/**
 * Token counting through OpenAI's `POST /v1/responses/input_tokens`: the request's model, input,
 * instructions, tools and settings (no output or state fields, which that endpoint does not
 * take) → `{"object":"response.input_tokens","input_tokens":N}`.
 */
import type { CanonicalRequest } from "../../canonical/types";
import { UpstreamError } from "../../errors/gateway-error";
import { isRecord } from "../../streams/json";
import { encodeResponsesRequest } from "./encode-request";

const COUNTED_FIELDS = ["model", "input", "instructions", "tools", "tool_choice", "parallel_tool_calls", "reasoning", "text", "truncation"];

export function encodeResponsesCountTokensRequest(req: CanonicalRequest, upstreamModel: string): Record<string, unknown> {
  const full = encodeResponsesRequest({ ...req, stream: false }, upstreamModel);
  const body: Record<string, unknown> = {};
  for (const key of COUNTED_FIELDS) if (full[key] !== undefined) body[key] = full[key];
  return body;
}

export function decodeResponsesCountTokensResponse(body: unknown): number {
  if (isRecord(body) && typeof body.input_tokens === "number") return body.input_tokens;
  throw new UpstreamError("Upstream sent a token count without input_tokens", { raw: body }, 502);
}
