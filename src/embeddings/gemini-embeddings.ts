/**
 * Gemini embeddings wire format, both directions:
 * - inbound surface: `POST …/models/{model}:embedContent` and `:batchEmbedContents`
 *   (decodeGeminiEmbedRequest / encodeGeminiEmbedResponse)
 * - upstream (Google AI Studio): always `:batchEmbedContents`, at most 100 requests per call
 *   (encodeGeminiEmbedRequests / decodeGeminiEmbedResponses)
 *
 * embedContent      {content:{parts:[{text}]}, taskType?, title?, outputDimensionality?}
 *                   → {embedding:{values:[…]}}
 * batchEmbedContents {requests:[{model:"models/x", content, taskType?, title?, outputDimensionality?}]}
 *                   → {embeddings:[{values:[…]}]}
 *
 * Like Google's proto3 JSON parser, snake_case aliases of request fields are accepted
 * (task_type, output_dimensionality) and unknown request fields are rejected.
 *
 * Usage: the Developer API returns no token counts for embeddings. When a response carries
 * `usageMetadata.promptTokenCount` (newer API versions / Vertex-style bodies) it is used;
 * otherwise the gateway bills an estimate of ceil(characters / 4) per text (title included),
 * see estimateTextTokens.
 */
import { z } from "zod";
import { formatZodError } from "../codecs/openai/zod-error";
import { BadRequestError, UpstreamError } from "../errors/gateway-error";
import { isRecord } from "../streams/json";
import { estimateTextTokens, type EmbeddingsRequest, type EmbeddingsResponse, type GeminiEmbedItem } from "./types";

/** Google rejects larger batches ("at most 100 requests can be in one batch"). */
export const GEMINI_BATCH_LIMIT = 100;

export type GeminiEmbedAction = "embedContent" | "batchEmbedContents";

// ---- schemas ------------------------------------------------------------------------------

const partSchema = z.looseObject({ text: z.string().optional() });

const contentSchema = z.looseObject({
  role: z.string().nullish(),
  parts: z.array(partSchema).min(1, "must contain at least one part"),
});

const embedRequestShape = {
  /** `models/{model}`; the URL's model decides routing, this one is informational. */
  model: z.string().nullish(),
  content: contentSchema,
  taskType: z.string().nullish(),
  title: z.string().nullish(),
  outputDimensionality: z.number().int().positive().nullish(),
};

const ALIASES: Record<string, string> = { task_type: "taskType", output_dimensionality: "outputDimensionality" };

/** snake_case → camelCase for the request-level fields, as Google's JSON parser does. */
function camelize(v: unknown): unknown {
  if (!isRecord(v)) return v;
  let out: Record<string, unknown> | undefined;
  for (const [snake, camel] of Object.entries(ALIASES)) {
    if (snake in v && !(camel in v)) {
      out ??= { ...v };
      out[camel] = out[snake];
      delete out[snake];
    }
  }
  return out ?? v;
}

export const geminiEmbedContentRequestSchema = z.preprocess(camelize, z.strictObject(embedRequestShape));
export const geminiBatchEmbedRequestSchema = z.strictObject({
  requests: z.array(geminiEmbedContentRequestSchema).min(1, "must contain at least one request"),
});

const contentEmbeddingSchema = z.looseObject({ values: z.array(z.number()) });
const usageSchema = z.looseObject({ promptTokenCount: z.number().nullish() }).nullish();

export const geminiBatchEmbedResponseSchema = z.looseObject({
  embeddings: z.array(contentEmbeddingSchema),
  usageMetadata: usageSchema,
});
export const geminiEmbedContentResponseSchema = z.looseObject({
  embedding: contentEmbeddingSchema,
  usageMetadata: usageSchema,
});

type ParsedEmbedRequest = z.infer<typeof geminiEmbedContentRequestSchema>;

export interface GeminiBatchEmbedBody {
  requests: Array<{ model: string; content: GeminiEmbedItem["content"]; taskType?: string; title?: string; outputDimensionality?: number }>;
}

// ---- inbound surface ------------------------------------------------------------------------

/** `model` is the one from the URL path. */
export function decodeGeminiEmbedRequest(body: unknown, hints: { model: string; action: GeminiEmbedAction }): EmbeddingsRequest {
  let requests: ParsedEmbedRequest[];
  let prefix: (i: number) => string;
  if (hints.action === "embedContent") {
    const parsed = geminiEmbedContentRequestSchema.safeParse(body);
    if (!parsed.success) throw new BadRequestError(formatZodError(parsed.error));
    requests = [parsed.data];
    prefix = () => "";
  } else {
    const parsed = geminiBatchEmbedRequestSchema.safeParse(body);
    if (!parsed.success) throw new BadRequestError(formatZodError(parsed.error));
    requests = parsed.data.requests;
    prefix = (i) => `requests[${i}].`;
  }

  const gemini: GeminiEmbedItem[] = [];
  const inputs: string[] = [];
  requests.forEach((r, i) => {
    const parts = r.content.parts as Array<Record<string, unknown>>;
    const texts = parts.flatMap((p) => (typeof p.text === "string" ? [p.text] : []));
    const text = texts.join("\n");
    if (text.length === 0 && texts.length === parts.length) throw new BadRequestError(`${prefix(i)}content.parts: no text to embed`);
    const item: GeminiEmbedItem = { content: { parts } };
    if (r.content.role != null) item.content.role = r.content.role;
    if (r.taskType != null) item.taskType = r.taskType;
    if (r.title != null) item.title = r.title;
    if (r.outputDimensionality != null) item.outputDimensionality = r.outputDimensionality;
    gemini.push(item);
    inputs.push(text);
  });

  const req: EmbeddingsRequest = { model: hints.model, inputs, encodingFormat: "float", gemini };
  const dims = uniform(gemini.map((g) => g.outputDimensionality));
  if (dims !== undefined) req.dimensions = dims;
  const taskType = uniform(gemini.map((g) => g.taskType));
  if (taskType !== undefined) req.taskType = taskType;
  return req;
}

/** The value every element shares, else undefined. */
function uniform<T>(values: T[]): T | undefined {
  const first = values[0];
  return values.every((v) => v === first) ? first : undefined;
}

export function encodeGeminiEmbedResponse(res: EmbeddingsResponse, action: GeminiEmbedAction): unknown {
  if (action === "embedContent") return { embedding: { values: res.vectors[0] ?? [] } };
  return { embeddings: res.vectors.map((values) => ({ values })) };
}

// ---- upstream -------------------------------------------------------------------------------

/**
 * batchEmbedContents bodies for a Gemini upstream, split in batches of GEMINI_BATCH_LIMIT.
 * A Gemini caller's own requests go through unchanged (only `model` is rewritten); requests
 * from other surfaces are built from the canonical fields. Token-id inputs cannot be expressed.
 */
export function encodeGeminiEmbedRequests(req: EmbeddingsRequest, upstreamModel: string, providerId = "google"): GeminiBatchEmbedBody[] {
  const model = upstreamModel.startsWith("models/") ? upstreamModel : `models/${upstreamModel}`;
  const requests: GeminiBatchEmbedBody["requests"] = req.inputs.map((input, i) => {
    const item = req.gemini?.[i];
    if (item) {
      const r: GeminiBatchEmbedBody["requests"][number] = { model, content: item.content };
      if (item.taskType !== undefined) r.taskType = item.taskType;
      if (item.title !== undefined) r.title = item.title;
      if (item.outputDimensionality !== undefined) r.outputDimensionality = item.outputDimensionality;
      return r;
    }
    if (typeof input !== "string") {
      throw new BadRequestError(`input[${i}]: token-id inputs are not supported by provider '${providerId}'; send text instead`);
    }
    const r: GeminiBatchEmbedBody["requests"][number] = { model, content: { parts: [{ text: input }] } };
    if (req.taskType !== undefined) r.taskType = req.taskType;
    if (req.dimensions !== undefined) r.outputDimensionality = req.dimensions;
    return r;
  });
  const out: GeminiBatchEmbedBody[] = [];
  for (let i = 0; i < requests.length; i += GEMINI_BATCH_LIMIT) out.push({ requests: requests.slice(i, i + GEMINI_BATCH_LIMIT) });
  return out;
}

/**
 * Responses to the bodies of encodeGeminiEmbedRequests, in the same order → one canonical
 * response. Throws UpstreamError (502) when a body is malformed or the vector count is wrong.
 */
export function decodeGeminiEmbedResponses(bodies: readonly unknown[], sent: readonly GeminiBatchEmbedBody[]): EmbeddingsResponse {
  const vectors: number[][] = [];
  let reported = 0;
  let allReported = true;
  bodies.forEach((body, k) => {
    const expected = sent[k]?.requests.length ?? 0;
    const { values, promptTokens } = decodeOne(body);
    if (values.length !== expected) throw new UpstreamError(`upstream returned ${values.length} embeddings for ${expected} inputs`, undefined, 502);
    vectors.push(...values);
    if (promptTokens != null && promptTokens > 0) reported += promptTokens;
    else allReported = false;
  });
  const usage = allReported && bodies.length > 0 ? { inputTokens: reported } : { inputTokens: estimateSent(sent), estimated: true };
  return { model: "", vectors, usage };
}

function decodeOne(body: unknown): { values: number[][]; promptTokens?: number | null } {
  const batch = geminiBatchEmbedResponseSchema.safeParse(body);
  if (batch.success) return { values: batch.data.embeddings.map((e) => e.values), promptTokens: batch.data.usageMetadata?.promptTokenCount };
  const single = geminiEmbedContentResponseSchema.safeParse(body);
  if (single.success) return { values: [single.data.embedding.values], promptTokens: single.data.usageMetadata?.promptTokenCount };
  throw new UpstreamError(`malformed embeddings response: ${formatZodError(batch.error)}`, undefined, 502);
}

/** chars/4 over every text part and title that was sent. */
function estimateSent(sent: readonly GeminiBatchEmbedBody[]): number {
  let n = 0;
  for (const b of sent) {
    for (const r of b.requests) {
      for (const p of r.content.parts) if (typeof p.text === "string") n += estimateTextTokens(p.text);
      if (r.title) n += estimateTextTokens(r.title);
    }
  }
  return n;
}
