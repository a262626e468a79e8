/**
 * Zod schemas of the OpenAI Responses API *request* (`POST /v1/responses`), as the inbound surface
 * accepts it. Response and stream-event schemas live in responses-response-api.ts.
 *
 * Like api.openai.com, unknown top-level fields are rejected (decode-request.ts) while objects
 * below the top level tolerate extra keys (SDKs and agents add some: Codex sends item ids, `phase`
 * on assistant messages). Items the canonical model cannot hold (built-in tool calls, compaction,
 * item references) are accepted by type and kept for a Responses upstream only.
 */
import { z } from "zod";
import { isRecord } from "../../streams/json";
import { providerPreferencesSchema } from "../routing-options";

const cacheBreakpoint = { prompt_cache_breakpoint: z.object({ mode: z.literal("explicit") }).nullish() };

export const inputTextSchema = z.object({ type: z.literal("input_text"), text: z.string(), ...cacheBreakpoint });
const inputImageSchema = z.object({
  type: z.literal("input_image"),
  image_url: z.string().nullish(),
  file_id: z.string().nullish(),
  detail: z.string().nullish(),
  ...cacheBreakpoint,
});
const inputFileSchema = z.object({
  type: z.literal("input_file"),
  file_data: z.string().nullish(),
  file_url: z.string().nullish(),
  file_id: z.string().nullish(),
  filename: z.string().nullish(),
  ...cacheBreakpoint,
});
/** Assistant content replayed as input: output_text (what the API returned) or refusal. */
const outputTextSchema = z.object({ type: z.literal("output_text"), text: z.string() });
const refusalSchema = z.object({ type: z.literal("refusal"), refusal: z.string() });

const partError = (allowed: string) => (iss: { code: string }) =>
  iss.code === "invalid_union" ? `expected a content part of type ${allowed}` : undefined;

export const userPartSchema = z.discriminatedUnion("type", [inputTextSchema, inputImageSchema, inputFileSchema], {
  error: partError("input_text, input_image or input_file"),
});
const messagePartSchema = z.discriminatedUnion(
  "type",
  [inputTextSchema, inputImageSchema, inputFileSchema, outputTextSchema, refusalSchema],
  { error: partError("input_text, input_image, input_file, output_text or refusal") },
);
export type ResponsesUserPart = z.infer<typeof userPartSchema>;
export type ResponsesMessagePart = z.infer<typeof messagePartSchema>;

const messageSchema = z.object({
  type: z.literal("message"),
  role: z.enum(["user", "assistant", "system", "developer"], { error: "expected role user, assistant, system or developer" }),
  content: z.union([z.string(), z.array(messagePartSchema)], { error: "expected string or array of content parts" }),
});

/** Tool output: a string, or content parts (text, images, files). */
const toolOutputSchema = z.union([z.string(), z.array(userPartSchema)], { error: "expected string or array of content parts" });

const functionCallSchema = z.object({
  type: z.literal("function_call"),
  call_id: z.string(),
  name: z.string(),
  namespace: z.string().nullish(),
  arguments: z.string(),
});
const functionCallOutputSchema = z.object({ type: z.literal("function_call_output"), call_id: z.string(), output: toolOutputSchema });
const customToolCallSchema = z.object({
  type: z.literal("custom_tool_call"),
  call_id: z.string(),
  name: z.string(),
  namespace: z.string().nullish(),
  input: z.string(),
});
const customToolCallOutputSchema = z.object({ type: z.literal("custom_tool_call_output"), call_id: z.string(), output: toolOutputSchema });
const reasoningItemSchema = z.object({
  type: z.literal("reasoning"),
  id: z.string().nullish(),
  summary: z.array(z.object({ type: z.literal("summary_text"), text: z.string() })).nullish(),
  content: z.array(z.object({ type: z.string(), text: z.string().nullish() })).nullish(),
  encrypted_content: z.string().nullish(),
});

/** Item types the API accepts whose content only OpenAI can use (built-in tool calls and outputs…). */
export const OPAQUE_ITEM_TYPES = [
  "file_search_call",
  "computer_call",
  "computer_call_output",
  "web_search_call",
  "tool_search_call",
  "tool_search_output",
  "additional_tools",
  "image_generation_call",
  "code_interpreter_call",
  "local_shell_call",
  "local_shell_call_output",
  "shell_call",
  "shell_call_output",
  "apply_patch_call",
  "apply_patch_call_output",
  "mcp_list_tools",
  "mcp_approval_request",
  "mcp_approval_response",
  "mcp_call",
  "compaction",
  "compaction_trigger",
  "program",
  "program_output",
  "item_reference",
] as const;
const opaqueItemSchema = z.looseObject({ type: z.enum(OPAQUE_ITEM_TYPES) });

/**
 * A message may come without `type` (EasyInputMessage); it is given `type: "message"` first so
 * one discriminated union reads every item and a bad one gets an error naming its own field.
 */
export const inputItemSchema = z.preprocess(
  (v) => (isRecord(v) && v.type === undefined && "role" in v ? { ...v, type: "message" } : v),
  z.discriminatedUnion(
    "type",
    [messageSchema, functionCallSchema, functionCallOutputSchema, customToolCallSchema, customToolCallOutputSchema, reasoningItemSchema, opaqueItemSchema],
    { error: (iss) => (iss.code === "invalid_union" ? "expected a message ({role, content}) or an input item with a known type" : undefined) },
  ),
);
export type ResponsesInputItem = z.infer<typeof inputItemSchema>;
export type ResponsesMessage = z.infer<typeof messageSchema>;

// ---------------------------------------------------------------- tools

export const functionToolSchema = z.looseObject({
  type: z.literal("function"),
  name: z.string(),
  description: z.string().nullish(),
  parameters: z.record(z.string(), z.unknown()).nullish(),
  strict: z.boolean().nullish(),
});
const customFormatSchema = z.discriminatedUnion(
  "type",
  [
    z.object({ type: z.literal("text") }),
    z.object({ type: z.literal("grammar"), syntax: z.enum(["lark", "regex"]), definition: z.string() }),
  ],
  { error: (iss) => (iss.code === "invalid_union" ? 'expected format type "text" or "grammar"' : undefined) },
);
export const customToolSchema = z.looseObject({
  type: z.literal("custom"),
  name: z.string(),
  description: z.string().nullish(),
  format: customFormatSchema.nullish(),
});
export const namespaceToolSchema = z.looseObject({
  type: z.literal("namespace"),
  name: z.string(),
  description: z.string().nullish(),
  tools: z.array(z.discriminatedUnion("type", [functionToolSchema, customToolSchema], { error: 'expected a tool of type "function" or "custom"' })),
});
/**
 * Every tool is read as `{type}` here; decodeTools checks function, custom and namespace tools
 * with the schemas above (errors then name the tool's own field). Other types are OpenAI's
 * built-in tools (web_search, file_search, code_interpreter, image_generation, mcp…), kept verbatim.
 */
export const toolSchema = z.looseObject({ type: z.string() });
export type ResponsesTool = z.infer<typeof toolSchema>;
export type ResponsesFunctionTool = z.infer<typeof functionToolSchema>;
export type ResponsesCustomTool = z.infer<typeof customToolSchema>;
export type ResponsesNamespaceTool = z.infer<typeof namespaceToolSchema>;

const toolChoiceSchema = z.union(
  [
    z.enum(["auto", "none", "required"]),
    z.looseObject({ type: z.enum(["function", "custom"]), name: z.string() }),
    z.looseObject({ type: z.literal("allowed_tools"), mode: z.enum(["auto", "required"]), tools: z.array(z.record(z.string(), z.unknown())) }),
    z.looseObject({ type: z.string() }),
  ],
  { error: 'expected "auto", "none", "required" or a tool choice object' },
);
export type ResponsesToolChoice = z.infer<typeof toolChoiceSchema>;

// ---------------------------------------------------------------- settings

export const reasoningEffortSchema = z.enum(["none", "minimal", "low", "medium", "high", "xhigh", "max"]);
const summarySchema = z.enum(["auto", "concise", "detailed"]);

const textFormatSchema = z.discriminatedUnion(
  "type",
  [
    z.object({ type: z.literal("text") }),
    z.object({ type: z.literal("json_object") }),
    z.object({
      type: z.literal("json_schema"),
      name: z.string().nullish(),
      description: z.string().nullish(),
      schema: z.record(z.string(), z.unknown()),
      strict: z.boolean().nullish(),
    }),
  ],
  { error: (iss) => (iss.code === "invalid_union" ? "expected type text, json_object or json_schema" : undefined) },
);

const int = () => z.number().int();

export const responsesRequestSchema = z.object({
  model: z.string(),
  input: z.union([z.string(), z.array(inputItemSchema)], { error: "expected string or array of input items" }).nullish(),
  instructions: z.string().nullish(),
  // ---- mapped to canonical fields
  tools: z.array(toolSchema).nullish(),
  tool_choice: toolChoiceSchema.nullish(),
  parallel_tool_calls: z.boolean().nullish(),
  reasoning: z
    .looseObject({
      effort: reasoningEffortSchema.nullish(),
      summary: summarySchema.nullish(),
      generate_summary: summarySchema.nullish(),
    })
    .nullish(),
  text: z.looseObject({ format: textFormatSchema.nullish(), verbosity: z.enum(["low", "medium", "high"]).nullish() }).nullish(),
  max_output_tokens: int().nonnegative().nullish(),
  temperature: z.number().nullish(),
  top_p: z.number().nullish(),
  user: z.string().nullish(),
  stream: z.boolean().nullish(),
  prompt_cache_key: z.string().nullish(),
  // ---- routing (OpenRouter's fields, as on the chat surface)
  models: z.array(z.string()).nullish(),
  provider: providerPreferencesSchema.nullish(),
  session_id: z.string().nullish(),
  // ---- the gateway's business (stored responses)
  store: z.boolean().nullish(),
  previous_response_id: z.string().nullish(),
  // ---- carried verbatim in extensions.responses (a Responses upstream receives them)
  include: z.array(z.string()).nullish(),
  metadata: z.record(z.string(), z.string()).nullish(),
  safety_identifier: z.string().nullish(),
  service_tier: z.string().nullish(),
  truncation: z.enum(["auto", "disabled"]).nullish(),
  top_logprobs: int().min(0).max(20).nullish(),
  max_tool_calls: int().nonnegative().nullish(),
  stream_options: z.looseObject({ include_obfuscation: z.boolean().nullish() }).nullish(),
  prompt_cache_retention: z.string().nullish(),
  prompt_cache_options: z.unknown().optional(),
  context_management: z.unknown().optional(),
  moderation: z.unknown().optional(),
  prompt: z.unknown().optional(),
  /** Not in the spec, but Codex sends it and api.openai.com accepts it. */
  client_metadata: z.record(z.string(), z.unknown()).nullish(),
  // ---- refused with a clear message (decode-request.ts)
  background: z.boolean().nullish(),
  conversation: z.unknown().optional(),
});
export type ResponsesRequest = z.infer<typeof responsesRequestSchema>;

export const KNOWN_REQUEST_FIELDS: ReadonlySet<string> = new Set(Object.keys(responsesRequestSchema.shape));

/** Documented fields without a canonical slot, forwarded verbatim to a Responses upstream. */
export const EXTENSION_FIELDS = [
  "metadata",
  "safety_identifier",
  "service_tier",
  "truncation",
  "top_logprobs",
  "max_tool_calls",
  "stream_options",
  "prompt_cache_key",
  "prompt_cache_retention",
  "prompt_cache_options",
  "context_management",
  "moderation",
  "prompt",
  "client_metadata",
] as const;
