/**
 * Zod schemas of the OpenAI Chat Completions *request* (with OpenRouter's extensions), as the
 * inbound surface accepts it. Response and stream-chunk schemas live in openai-response-api.ts.
 *
 * Objects are non-strict on purpose below the top level: the real API ignores unknown keys inside
 * messages and parts, and SDKs add some (e.g. `name`). Only top-level unknown fields are rejected
 * (see decode-request.ts), like api.openai.com does.
 */
import { z } from "zod";
import { providerPreferencesSchema } from "../routing-options";

export const cacheControlSchema = z.object({
  type: z.literal("ephemeral"),
  ttl: z.string().optional(),
});

/** OpenAI's explicit prompt-cache breakpoint (gpt-5.6+). Canonically the same as cache_control. */
const promptCacheBreakpointSchema = z.object({ mode: z.literal("explicit") });

const cacheFields = {
  cache_control: cacheControlSchema.nullish(),
  prompt_cache_breakpoint: promptCacheBreakpointSchema.nullish(),
};

export const textPartSchema = z.object({ type: z.literal("text"), text: z.string(), ...cacheFields });

export const imagePartSchema = z.object({
  type: z.literal("image_url"),
  image_url: z.object({ url: z.string(), detail: z.string().nullish() }),
  ...cacheFields,
});

const audioPartSchema = z.object({
  type: z.literal("input_audio"),
  input_audio: z.object({ data: z.string(), format: z.string() }),
  ...cacheFields,
});

export const filePartSchema = z.object({
  type: z.literal("file"),
  file: z.object({
    file_data: z.string().nullish(),
    filename: z.string().nullish(),
    file_id: z.string().nullish(),
  }),
  ...cacheFields,
});

const refusalPartSchema = z.object({ type: z.literal("refusal"), refusal: z.string() });

const partError = (allowed: string) => (iss: { code: string }) =>
  iss.code === "invalid_union" ? `expected a content part of type ${allowed}` : undefined;

const userPartSchema = z.discriminatedUnion("type", [textPartSchema, imagePartSchema, audioPartSchema, filePartSchema], {
  error: partError("text, image_url, input_audio or file"),
});
const toolPartSchema = z.discriminatedUnion("type", [textPartSchema, imagePartSchema, filePartSchema], {
  error: partError("text, image_url or file"),
});
const assistantPartSchema = z.discriminatedUnion("type", [textPartSchema, refusalPartSchema], {
  error: partError("text or refusal"),
});
const systemPartSchema = z.discriminatedUnion("type", [textPartSchema], { error: partError("text") });

const contentOf = <T extends z.ZodType>(part: T) =>
  z.union([z.string(), z.array(part)], { error: "expected string or array of content parts" });

/** OpenRouter reasoning_details item. One loose shape: unknown detail types are skipped, not rejected. */
export const reasoningDetailSchema = z.object({
  type: z.string(),
  text: z.string().nullish(),
  signature: z.string().nullish(),
  summary: z.string().nullish(),
  data: z.string().nullish(),
  id: z.string().nullish(),
  format: z.string().nullish(),
  index: z.number().nullish(),
});
export type OpenAIReasoningDetail = z.infer<typeof reasoningDetailSchema>;

/** Arguments are JSON text per the spec; some clients send the object itself. */
const argumentsSchema = z.union([z.string(), z.record(z.string(), z.unknown())], {
  error: "expected a JSON string",
});

const requestToolCallSchema = z.discriminatedUnion(
  "type",
  [
    z.object({
      type: z.literal("function"),
      id: z.string(),
      function: z.object({ name: z.string(), arguments: argumentsSchema }),
    }),
  ],
  { error: (iss) => (iss.code === "invalid_union" ? 'only tool calls of type "function" are supported' : undefined) },
);

const legacyFunctionCallSchema = z.object({ name: z.string(), arguments: argumentsSchema });

const systemMessageSchema = z.object({
  role: z.enum(["system", "developer"]),
  content: contentOf(systemPartSchema),
  name: z.string().nullish(),
});
const userMessageSchema = z.object({ role: z.literal("user"), content: contentOf(userPartSchema), name: z.string().nullish() });
const assistantMessageSchema = z.object({
  role: z.literal("assistant"),
  content: contentOf(assistantPartSchema).nullish(),
  name: z.string().nullish(),
  refusal: z.string().nullish(),
  tool_calls: z.array(requestToolCallSchema).nullish(),
  function_call: legacyFunctionCallSchema.nullish(),
  reasoning: z.string().nullish(),
  /** DeepSeek-style clients echo this back; treated like `reasoning`. */
  reasoning_content: z.string().nullish(),
  reasoning_details: z.array(reasoningDetailSchema).nullish(),
});
const toolMessageSchema = z.object({
  role: z.literal("tool"),
  tool_call_id: z.string(),
  content: contentOf(toolPartSchema),
});
const functionMessageSchema = z.object({
  role: z.literal("function"),
  name: z.string(),
  content: z.string().nullable(),
});

export const requestMessageSchema = z.discriminatedUnion(
  "role",
  [systemMessageSchema, userMessageSchema, assistantMessageSchema, toolMessageSchema, functionMessageSchema],
  {
    error: (iss) =>
      iss.code === "invalid_union" ? "expected role system, developer, user, assistant, tool or function" : undefined,
  },
);
export type OpenAIRequestMessage = z.infer<typeof requestMessageSchema>;
export type OpenAIUserPart = z.infer<typeof userPartSchema>;
export type OpenAIToolPart = z.infer<typeof toolPartSchema>;

const functionDefinitionSchema = z.object({
  name: z.string(),
  description: z.string().nullish(),
  parameters: z.record(z.string(), z.unknown()).nullish(),
  strict: z.boolean().nullish(),
});

const toolSchema = z.discriminatedUnion(
  "type",
  [z.object({ type: z.literal("function"), function: functionDefinitionSchema, cache_control: cacheControlSchema.nullish() })],
  {
    error: (iss) => (iss.code === "invalid_union" ? 'only tools of type "function" are supported' : undefined),
  },
);

const toolChoiceSchema = z.union(
  [
    z.enum(["auto", "none", "required"]),
    z.object({ type: z.literal("function"), function: z.object({ name: z.string() }) }),
  ],
  { error: 'expected "auto", "none", "required" or {"type":"function","function":{"name":…}}' },
);

const responseFormatSchema = z.discriminatedUnion(
  "type",
  [
    z.object({ type: z.literal("text") }),
    z.object({ type: z.literal("json_object") }),
    z.object({
      type: z.literal("json_schema"),
      json_schema: z.object({
        name: z.string().nullish(),
        description: z.string().nullish(),
        schema: z.record(z.string(), z.unknown()).nullish(),
        strict: z.boolean().nullish(),
      }),
    }),
  ],
  { error: (iss) => (iss.code === "invalid_union" ? "expected type text, json_object or json_schema" : undefined) },
);

export const reasoningEffortSchema = z.enum(["none", "minimal", "low", "medium", "high", "xhigh"]);

const int = () => z.number().int();

export const chatRequestSchema = z.object({
  model: z.string(),
  messages: z.array(requestMessageSchema).min(1, { error: "must contain at least one message" }),
  // ---- mapped to canonical fields
  tools: z.array(toolSchema).nullish(),
  tool_choice: toolChoiceSchema.nullish(),
  parallel_tool_calls: z.boolean().nullish(),
  functions: z.array(functionDefinitionSchema).nullish(),
  function_call: z
    .union([z.enum(["none", "auto"]), z.object({ name: z.string() })], { error: 'expected "none", "auto" or {"name":…}' })
    .nullish(),
  response_format: responseFormatSchema.nullish(),
  stop: z.union([z.string(), z.array(z.string())], { error: "expected string or array of strings" }).nullish(),
  max_tokens: int().nonnegative().nullish(),
  max_completion_tokens: int().nonnegative().nullish(),
  temperature: z.number().nullish(),
  top_p: z.number().nullish(),
  top_k: z.number().nullish(),
  seed: int().nullish(),
  frequency_penalty: z.number().nullish(),
  presence_penalty: z.number().nullish(),
  user: z.string().nullish(),
  reasoning: z
    .object({
      effort: reasoningEffortSchema.nullish(),
      max_tokens: int().nonnegative().nullish(),
      exclude: z.boolean().nullish(),
      enabled: z.boolean().nullish(),
    })
    .nullish(),
  reasoning_effort: reasoningEffortSchema.nullish(),
  include_reasoning: z.boolean().nullish(),
  stream: z.boolean().nullish(),
  stream_options: z.object({ include_usage: z.boolean().nullish(), include_obfuscation: z.boolean().nullish() }).nullish(),
  // ---- routing (OpenRouter)
  models: z.array(z.string()).nullish(),
  provider: providerPreferencesSchema.nullish(),
  session_id: z.string().nullish(),
  route: z.unknown().optional(),
  transforms: z.unknown().optional(),
  usage: z.unknown().optional(),
  plugins: z.unknown().optional(),
  debug: z.unknown().optional(),
  // ---- carried verbatim in extensions.openai
  n: int().min(1).nullish(),
  logprobs: z.boolean().nullish(),
  top_logprobs: int().nullish(),
  logit_bias: z.record(z.string(), z.number()).nullish(),
  modalities: z.array(z.string()).nullish(),
  audio: z.unknown().optional(),
  prediction: z.unknown().optional(),
  service_tier: z.string().nullish(),
  store: z.boolean().nullish(),
  metadata: z.record(z.string(), z.unknown()).nullish(),
  web_search_options: z.unknown().optional(),
  verbosity: z.string().nullish(),
  prompt_cache_key: z.string().nullish(),
  prompt_cache_retention: z.unknown().optional(),
  prompt_cache_options: z.unknown().optional(),
  safety_identifier: z.string().nullish(),
  moderation: z.unknown().optional(),
  min_p: z.number().nullish(),
  top_a: z.number().nullish(),
  repetition_penalty: z.number().nullish(),
});
export type OpenAIChatRequest = z.infer<typeof chatRequestSchema>;

/** Documented fields with no canonical slot, forwarded verbatim to an OpenAI-format upstream. */
export const EXTENSION_FIELDS = [
  "n",
  "logprobs",
  "top_logprobs",
  "logit_bias",
  "modalities",
  "audio",
  "prediction",
  "service_tier",
  "store",
  "metadata",
  "web_search_options",
  "verbosity",
  "prompt_cache_key",
  "prompt_cache_retention",
  "prompt_cache_options",
  "safety_identifier",
  "moderation",
  "min_p",
  "top_a",
  "repetition_penalty",
] as const;

export const KNOWN_REQUEST_FIELDS: ReadonlySet<string> = new Set(Object.keys(chatRequestSchema.shape));
