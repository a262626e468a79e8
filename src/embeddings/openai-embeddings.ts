/**
 * OpenAI embeddings wire format (`POST /v1/embeddings`), both directions:
 * - inbound surface: decodeOpenAIEmbeddingsRequest / encodeOpenAIEmbeddingsResponse
 * - upstream (OpenAI and every OpenAI-compatible provider): encodeOpenAIEmbeddingsRequest /
 *   decodeOpenAIEmbeddingsResponse
 *
 * Request: `input` is a string, an array of strings, an array of token ids, or an array of
 * token-id arrays; `dimensions`, `encoding_format` (float | base64), `user`. Unknown top-level
 * fields are rejected like api.openai.com does; OpenRouter's `provider` / `models` routing
 * fields are accepted and go to the router only.
 *
 * Response: `{object:"list", data:[{object:"embedding", index, embedding}], model,
 * usage:{prompt_tokens, total_tokens[, cost]}}`; base64 embeddings are little-endian float32
 * bytes. Upstreams are always asked for floats; base64 is encoded here.
 */
import { z } from "zod";
import { formatZodError } from "../codecs/openai/zod-error";
import { decodeRoutingOptions, providerPreferencesSchema } from "../codecs/routing-options";
import { BadRequestError, UpstreamError } from "../errors/gateway-error";
import { isRecord } from "../streams/json";
import { base64ToFloats, floatsToBase64 } from "./base64";
import { estimateTokens, type EmbeddingInput, type EmbeddingsEncodeContext, type EmbeddingsRequest, type EmbeddingsResponse } from "./types";

// ---- schemas ------------------------------------------------------------------------------

/** The inbound request. `input` is validated by hand (see normalizeInput) for precise messages. */
export const openaiEmbeddingsRequestSchema = z.strictObject({
  model: z.string({ error: (iss) => (iss.input === undefined ? "required" : "expected a string") }).min(1, "must not be empty"),
  input: z.unknown().optional(),
  dimensions: z.number().int().positive().nullish(),
  encoding_format: z.enum(["float", "base64"]).nullish(),
  user: z.string().nullish(),
  provider: providerPreferencesSchema.nullish(),
  models: z.array(z.string()).nullish(),
});

const embeddingItemSchema = z.looseObject({
  object: z.string().nullish(),
  index: z.number().int().nonnegative().nullish(),
  embedding: z.union([z.array(z.number()), z.string()]),
});

/** The upstream's response (and the shape this gateway answers with). */
export const openaiEmbeddingsResponseSchema = z.looseObject({
  object: z.string().nullish(),
  data: z.array(embeddingItemSchema),
  model: z.string().nullish(),
  usage: z.looseObject({ prompt_tokens: z.number().nullish(), total_tokens: z.number().nullish() }).nullish(),
});

export interface OpenAIEmbeddingsResponseBody {
  object: "list";
  data: Array<{ object: "embedding"; index: number; embedding: number[] | string }>;
  model: string;
  usage: { prompt_tokens: number; total_tokens: number; cost?: number };
}

// ---- inbound surface ------------------------------------------------------------------------

export function decodeOpenAIEmbeddingsRequest(body: unknown): EmbeddingsRequest {
  if (!isRecord(body)) throw new BadRequestError("Request body must be a JSON object");
  for (const key of Object.keys(body)) {
    if (!(key in openaiEmbeddingsRequestSchema.shape)) throw new BadRequestError(`Unrecognized request argument supplied: ${key}`);
  }
  const parsed = openaiEmbeddingsRequestSchema.safeParse(body);
  if (!parsed.success) throw new BadRequestError(formatZodError(parsed.error));
  const r = parsed.data;
  const req: EmbeddingsRequest = { model: r.model, inputs: normalizeInput(body.input), encodingFormat: r.encoding_format ?? "float" };
  if (r.dimensions != null) req.dimensions = r.dimensions;
  if (r.user != null) req.user = r.user;
  const routing = decodeRoutingOptions({ provider: r.provider, models: r.models });
  if (routing) req.routing = routing;
  return req;
}

const isTokenId = (v: unknown): v is number => typeof v === "number" && Number.isInteger(v) && v >= 0;

/** string | string[] | number[] | number[][] → one entry per vector to return. */
export function normalizeInput(input: unknown): EmbeddingInput[] {
  if (input === undefined || input === null) throw new BadRequestError("input: required");
  if (typeof input === "string") {
    if (input.length === 0) throw new BadRequestError("input: must not be an empty string");
    return [input];
  }
  if (!Array.isArray(input)) throw new BadRequestError("input: expected a string, an array of strings, an array of token ids or an array of token-id arrays");
  if (input.length === 0) throw new BadRequestError("input: must not be an empty array");
  const first = input[0];
  if (typeof first === "number") {
    // One pre-tokenized input.
    input.forEach((t, i) => {
      if (!isTokenId(t)) throw new BadRequestError(`input[${i}]: expected a non-negative integer token id (an array of token ids cannot mix in other values)`);
    });
    return [input as number[]];
  }
  if (typeof first === "string") {
    input.forEach((s, i) => {
      if (typeof s !== "string") throw new BadRequestError(`input[${i}]: expected a string (an array of strings cannot mix in other values)`);
      if (s.length === 0) throw new BadRequestError(`input[${i}]: must not be an empty string`);
    });
    return input as string[];
  }
  if (Array.isArray(first)) {
    input.forEach((tokens, i) => {
      if (!Array.isArray(tokens)) throw new BadRequestError(`input[${i}]: expected an array of token ids (an array of token-id arrays cannot mix in other values)`);
      if (tokens.length === 0) throw new BadRequestError(`input[${i}]: must not be an empty array`);
      tokens.forEach((t, j) => {
        if (!isTokenId(t)) throw new BadRequestError(`input[${i}][${j}]: expected a non-negative integer token id`);
      });
    });
    return input as number[][];
  }
  throw new BadRequestError("input[0]: expected a string, a token id or an array of token ids");
}

export function encodeOpenAIEmbeddingsResponse(res: EmbeddingsResponse, ctx: EmbeddingsEncodeContext): OpenAIEmbeddingsResponseBody {
  const base64 = ctx.encodingFormat === "base64";
  const usage: OpenAIEmbeddingsResponseBody["usage"] = { prompt_tokens: res.usage.inputTokens, total_tokens: res.usage.inputTokens };
  if (ctx.costUsd !== undefined) usage.cost = ctx.costUsd;
  return {
    object: "list",
    data: res.vectors.map((v, index) => ({ object: "embedding", index, embedding: base64 ? floatsToBase64(v) : v })),
    model: res.model || ctx.model,
    usage,
  };
}

// ---- upstream -------------------------------------------------------------------------------

/**
 * The body for an OpenAI-format upstream. Always asks for floats. A Gemini caller's requests
 * are refused here when they carry what this format cannot express (non-text parts, different
 * dimensions per input); task types and titles have no OpenAI equivalent and are dropped.
 */
export function encodeOpenAIEmbeddingsRequest(req: EmbeddingsRequest, upstreamModel: string, providerId = "this provider"): Record<string, unknown> {
  let dimensions = req.dimensions;
  if (req.gemini) {
    req.gemini.forEach((item, i) => {
      const j = item.content.parts.findIndex((p) => typeof p.text !== "string");
      if (j !== -1) throw new BadRequestError(`requests[${i}].content.parts[${j}]: only text parts can be embedded by provider '${providerId}'`);
    });
    const dims = new Set(req.gemini.map((g) => g.outputDimensionality));
    if (dims.size > 1) throw new BadRequestError(`requests[].outputDimensionality: provider '${providerId}' needs the same outputDimensionality for every request of a batch`);
    dimensions ??= req.gemini[0]?.outputDimensionality;
  }
  const strings = req.inputs.every((x) => typeof x === "string");
  const tokens = req.inputs.every((x) => typeof x !== "string");
  if (!strings && !tokens) throw new BadRequestError("input: cannot mix text and token-id inputs in one request");
  const body: Record<string, unknown> = { model: upstreamModel, input: req.inputs, encoding_format: "float" };
  if (dimensions !== undefined) body.dimensions = dimensions;
  if (req.user !== undefined) body.user = req.user;
  return body;
}

/** Throws UpstreamError (502) when the body is not an embeddings list with one vector per input. */
export function decodeOpenAIEmbeddingsResponse(body: unknown, inputs: readonly EmbeddingInput[]): EmbeddingsResponse {
  const parsed = openaiEmbeddingsResponseSchema.safeParse(body);
  if (!parsed.success) throw new UpstreamError(`malformed embeddings response: ${formatZodError(parsed.error)}`, undefined, 502);
  const r = parsed.data;
  if (r.data.length !== inputs.length) {
    throw new UpstreamError(`upstream returned ${r.data.length} embeddings for ${inputs.length} inputs`, undefined, 502);
  }
  // Order by `index` when every item has one (the API does not promise array order).
  const vectors = new Array<number[]>(inputs.length);
  const indexed = r.data.every((d) => d.index != null);
  r.data.forEach((d, pos) => {
    const at = indexed ? d.index! : pos;
    if (at >= inputs.length || vectors[at] !== undefined) throw new UpstreamError(`upstream returned an embedding with a bad index ${at}`, undefined, 502);
    vectors[at] = typeof d.embedding === "string" ? decodeBase64Vector(d.embedding, at) : d.embedding;
  });
  const reported = r.usage?.prompt_tokens ?? r.usage?.total_tokens;
  // Some compatible servers omit usage or report 0: bill an estimate rather than nothing.
  const usage = reported != null && reported > 0 ? { inputTokens: reported } : { inputTokens: estimateTokens(inputs), estimated: true };
  return { model: r.model ?? "", vectors, usage };
}

function decodeBase64Vector(b64: string, index: number): number[] {
  try {
    return base64ToFloats(b64);
  } catch {
    throw new UpstreamError(`upstream returned an undecodable base64 embedding at index ${index}`, undefined, 502);
  }
}
