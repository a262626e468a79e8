/**
 * Zod schemas of the Anthropic Messages wire format (POST /v1/messages): request, response and
 * stream events. Nested objects are loose on purpose: Anthropic adds fields often, and the
 * gateway must not reject (or crash on) a field it simply does not need. Only the top level of a
 * request is strict, because the real API rejects unknown top-level fields too.
 */
import { z } from "zod";
import { isBase64 } from "../../canonical/base64";

const cacheControl = z.looseObject({ type: z.literal("ephemeral"), ttl: z.string().optional() }).nullish();
const jsonObject = z.record(z.string(), z.unknown());
/** Inline image/document bytes: checked here so a broken payload is a 400, not an upstream call. */
const base64Data = z.string().refine(isBase64, "expected non-empty base64 data");

// ---- request content blocks -------------------------------------------------------------

export const textBlockParamSchema = z.looseObject({
  type: z.literal("text"),
  text: z.string(),
  cache_control: cacheControl,
  citations: z.array(z.unknown()).nullish(),
});

export const imageBlockParamSchema = z.looseObject({
  type: z.literal("image"),
  source: z.discriminatedUnion("type", [
    z.looseObject({ type: z.literal("base64"), media_type: z.string().min(1, "expected a media type"), data: base64Data }),
    z.looseObject({ type: z.literal("url"), url: z.string() }),
    z.looseObject({ type: z.literal("file"), file_id: z.string() }),
  ]),
  cache_control: cacheControl,
});

export const documentBlockParamSchema = z.looseObject({
  type: z.literal("document"),
  source: z.discriminatedUnion("type", [
    z.looseObject({ type: z.literal("base64"), media_type: z.string().min(1, "expected a media type"), data: base64Data }),
    z.looseObject({ type: z.literal("url"), url: z.string() }),
    z.looseObject({ type: z.literal("text"), media_type: z.string().optional(), data: z.string() }),
    z.looseObject({ type: z.literal("content"), content: z.union([z.string(), z.array(z.looseObject({ type: z.string() }))]) }),
    z.looseObject({ type: z.literal("file"), file_id: z.string() }),
  ]),
  cache_control: cacheControl,
  citations: z.looseObject({ enabled: z.boolean().optional() }).nullish(),
  context: z.string().nullish(),
  title: z.string().nullish(),
});

export const thinkingBlockParamSchema = z.looseObject({
  type: z.literal("thinking"),
  thinking: z.string(),
  signature: z.string(),
});

export const redactedThinkingBlockParamSchema = z.looseObject({
  type: z.literal("redacted_thinking"),
  data: z.string(),
});

export const toolUseBlockParamSchema = z.looseObject({
  type: z.literal("tool_use"),
  id: z.string(),
  name: z.string(),
  input: z.unknown(),
  cache_control: cacheControl,
  caller: z.looseObject({ type: z.string() }).nullish(),
  toolset_name: z.string().nullish(),
});

export const toolResultBlockParamSchema = z.looseObject({
  type: z.literal("tool_result"),
  tool_use_id: z.string(),
  content: z.union([z.string(), z.array(z.looseObject({ type: z.string() }))]).optional(),
  is_error: z.boolean().optional(),
  cache_control: cacheControl,
  toolset_name: z.string().nullish(),
});

/** Any block: known ones are validated one by one later (so errors carry their exact path). */
const anyBlock = z.looseObject({ type: z.string() });

export const messageParamSchema = z.looseObject({
  role: z.enum(["user", "assistant", "system"]),
  content: z.union([z.string(), z.array(anyBlock)], { error: "expected string or array of content blocks" }),
});

// ---- request: tools, choices, config ---------------------------------------------------

export const customToolSchema = z.looseObject({
  type: z.literal("custom").nullish(),
  name: z.string(),
  description: z.string().optional(),
  input_schema: jsonObject,
  cache_control: cacheControl,
  strict: z.boolean().optional(),
});

export const toolChoiceSchema = z.discriminatedUnion("type", [
  z.looseObject({ type: z.literal("auto"), disable_parallel_tool_use: z.boolean().optional() }),
  z.looseObject({ type: z.literal("any"), disable_parallel_tool_use: z.boolean().optional() }),
  z.looseObject({ type: z.literal("tool"), name: z.string(), disable_parallel_tool_use: z.boolean().optional() }),
  z.looseObject({ type: z.literal("none") }),
]);

export const thinkingConfigSchema = z.discriminatedUnion("type", [
  z.looseObject({ type: z.literal("enabled"), budget_tokens: z.number().int().min(0), display: z.string().nullish() }),
  z.looseObject({ type: z.literal("adaptive"), display: z.string().nullish() }),
  z.looseObject({ type: z.literal("disabled") }),
  z.looseObject({ type: z.literal("between_tools") }),
]);

const jsonOutputFormat = z.looseObject({ type: z.literal("json_schema"), schema: jsonObject });

/**
 * Every documented top-level field of the current API (GA + beta body params, per the
 * official SDK). Fields without a canonical slot travel in extensions.anthropic.
 */
export const messagesRequestSchema = z.strictObject({
  model: z.string(),
  max_tokens: z.number().int().min(0),
  messages: z.array(messageParamSchema).min(1),
  system: z.union([z.string(), z.array(textBlockParamSchema)], { error: "expected string or array of text blocks" }).optional(),
  metadata: z.looseObject({ user_id: z.string().nullish() }).optional(),
  stop_sequences: z.array(z.string()).optional(),
  stream: z.boolean().optional(),
  temperature: z.number().min(0).max(1).optional(),
  top_p: z.number().min(0).max(1).optional(),
  top_k: z.number().int().min(0).optional(),
  tools: z.array(z.looseObject({ type: z.string().nullish(), name: z.string().optional() })).optional(),
  tool_choice: toolChoiceSchema.optional(),
  thinking: thinkingConfigSchema.optional(),
  output_config: z.looseObject({ effort: z.string().nullish(), format: jsonOutputFormat.nullish() }).optional(),
  /** Beta spelling of structured outputs (structured-outputs-2025-11-13); GA is output_config.format. */
  output_format: jsonOutputFormat.nullish(),
  // Anthropic-only features, passed through verbatim to an Anthropic upstream.
  service_tier: z.unknown().optional(),
  container: z.unknown().optional(),
  mcp_servers: z.unknown().optional(),
  context_management: z.unknown().optional(),
  cache_control: z.unknown().optional(),
  inference_geo: z.unknown().optional(),
  speed: z.unknown().optional(),
  diagnostics: z.unknown().optional(),
  compaction: z.unknown().optional(),
  thread: z.unknown().optional(),
  fallbacks: z.unknown().optional(),
  billing_policy: z.unknown().optional(),
  fallback_credit_token: z.unknown().optional(),
});

export type MessagesRequest = z.infer<typeof messagesRequestSchema>;
export type MessageParam = z.infer<typeof messageParamSchema>;

/** Top-level request fields that have no canonical slot and are kept as-is. */
export const PASSTHROUGH_FIELDS = [
  "service_tier",
  "container",
  "mcp_servers",
  "context_management",
  "cache_control",
  "inference_geo",
  "speed",
  "diagnostics",
  "compaction",
  "thread",
  "fallbacks",
  "billing_policy",
  "fallback_credit_token",
] as const;

// ---- response ---------------------------------------------------------------------------

export const STOP_REASONS = [
  "end_turn",
  "max_tokens",
  "stop_sequence",
  "tool_use",
  "pause_turn",
  "refusal",
  "model_context_window_exceeded",
] as const;
export type AnthropicStopReason = (typeof STOP_REASONS)[number];

const count = z.number().int().min(0);

export const usageSchema = z.looseObject({
  input_tokens: count,
  output_tokens: count,
  cache_creation_input_tokens: count.nullish(),
  cache_read_input_tokens: count.nullish(),
  output_tokens_details: z.looseObject({ thinking_tokens: count.nullish() }).nullish(),
});
export type AnthropicUsage = z.infer<typeof usageSchema>;

const KNOWN_RESPONSE_BLOCKS = new Set(["text", "thinking", "redacted_thinking", "tool_use"]);

export const responseBlockSchema = z.union([
  z.looseObject({ type: z.literal("text"), text: z.string(), citations: z.array(z.unknown()).nullish() }),
  z.looseObject({ type: z.literal("thinking"), thinking: z.string(), signature: z.string() }),
  z.looseObject({ type: z.literal("redacted_thinking"), data: z.string() }),
  z.looseObject({ type: z.literal("tool_use"), id: z.string(), name: z.string(), input: z.unknown() }),
  // server_tool_use, web_search_tool_result, … : only Anthropic can produce or consume them.
  z.looseObject({ type: z.string().refine((t) => !KNOWN_RESPONSE_BLOCKS.has(t), "malformed content block") }),
]);

export const anthropicResponseSchema = z.looseObject({
  id: z.string(),
  type: z.literal("message"),
  role: z.literal("assistant"),
  model: z.string(),
  content: z.array(responseBlockSchema),
  stop_reason: z.string().nullable(),
  stop_sequence: z.string().nullish(),
  usage: usageSchema,
});
export type AnthropicResponse = z.infer<typeof anthropicResponseSchema>;

// ---- stream events ----------------------------------------------------------------------

const deltaUsageSchema = z.looseObject({
  output_tokens: count,
  input_tokens: count.nullish(),
  cache_creation_input_tokens: count.nullish(),
  cache_read_input_tokens: count.nullish(),
  output_tokens_details: z.looseObject({ thinking_tokens: count.nullish() }).nullish(),
});

const errorBodySchema = z.looseObject({ type: z.string(), message: z.string() });

export const messageStartSchema = z.looseObject({
  type: z.literal("message_start"),
  message: z.looseObject({
    id: z.string(),
    type: z.literal("message"),
    role: z.literal("assistant"),
    model: z.string(),
    content: z.array(responseBlockSchema),
    stop_reason: z.string().nullable(),
    stop_sequence: z.string().nullish(),
    usage: usageSchema,
  }),
});

export const contentBlockStartSchema = z.looseObject({
  type: z.literal("content_block_start"),
  index: count,
  content_block: responseBlockSchema,
});

export const contentBlockDeltaSchema = z.looseObject({
  type: z.literal("content_block_delta"),
  index: count,
  delta: z.union([
    z.looseObject({ type: z.literal("text_delta"), text: z.string() }),
    z.looseObject({ type: z.literal("thinking_delta"), thinking: z.string() }),
    z.looseObject({ type: z.literal("signature_delta"), signature: z.string() }),
    z.looseObject({ type: z.literal("input_json_delta"), partial_json: z.string() }),
    z.looseObject({
      type: z.string().refine((t) => !["text_delta", "thinking_delta", "signature_delta", "input_json_delta"].includes(t)),
    }),
  ]),
});

export const contentBlockStopSchema = z.looseObject({ type: z.literal("content_block_stop"), index: count });

export const messageDeltaSchema = z.looseObject({
  type: z.literal("message_delta"),
  delta: z.looseObject({ stop_reason: z.string().nullish(), stop_sequence: z.string().nullish() }),
  usage: deltaUsageSchema,
});

export const anthropicStreamChunkSchema = z.discriminatedUnion("type", [
  messageStartSchema,
  contentBlockStartSchema,
  contentBlockDeltaSchema,
  contentBlockStopSchema,
  messageDeltaSchema,
  z.looseObject({ type: z.literal("message_stop") }),
  z.looseObject({ type: z.literal("ping") }),
  z.looseObject({ type: z.literal("error"), error: errorBodySchema }),
]);
export type AnthropicStreamChunk = z.infer<typeof anthropicStreamChunkSchema>;

export const anthropicErrorBodySchema = z.looseObject({ type: z.literal("error"), error: errorBodySchema });
