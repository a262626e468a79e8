/**
 * Zod schemas of the Responses API's answers, caller-facing strength: the Response object and
 * every stream event the Responses surface emits, as a strict client (the openai SDK's
 * accumulator, Codex) expects them. The replay suite validates encoded output against them.
 * Upstream answers are read leniently by hand (decode-response.ts, decode-stream.ts).
 */
import { z } from "zod";

const int = () => z.number().int().nonnegative();

export const responsesUsageSchema = z.looseObject({
  input_tokens: int(),
  input_tokens_details: z.looseObject({ cached_tokens: int(), cache_write_tokens: int().optional() }),
  output_tokens: int(),
  output_tokens_details: z.looseObject({ reasoning_tokens: int() }),
  total_tokens: int(),
  cost: z.number().optional(),
});

const outputTextSchema = z.looseObject({ type: z.literal("output_text"), text: z.string(), annotations: z.array(z.unknown()) });
const summaryTextSchema = z.looseObject({ type: z.literal("summary_text"), text: z.string() });
const itemStatus = z.enum(["in_progress", "completed", "incomplete"]);

const messageItemSchema = z.looseObject({
  id: z.string().min(1),
  type: z.literal("message"),
  status: itemStatus,
  role: z.literal("assistant"),
  content: z.array(z.union([outputTextSchema, z.looseObject({ type: z.literal("refusal"), refusal: z.string() })])),
});
const reasoningItemSchema = z.looseObject({
  id: z.string().min(1),
  type: z.literal("reasoning"),
  summary: z.array(summaryTextSchema),
  encrypted_content: z.string().nullish(),
});
const functionCallItemSchema = z.looseObject({
  id: z.string().min(1),
  type: z.literal("function_call"),
  status: itemStatus,
  call_id: z.string().min(1),
  name: z.string().min(1),
  namespace: z.string().optional(),
  arguments: z.string(),
});
const customToolCallItemSchema = z.looseObject({
  id: z.string().min(1),
  type: z.literal("custom_tool_call"),
  status: itemStatus.optional(),
  call_id: z.string().min(1),
  name: z.string().min(1),
  namespace: z.string().optional(),
  input: z.string(),
});
/** A generated image (output-items.ts imageGenerationItem): the base64 image once completed. */
const imageGenerationItemSchema = z.looseObject({
  id: z.string().min(1),
  type: z.literal("image_generation_call"),
  status: z.enum(["in_progress", "generating", "completed", "failed"]),
  result: z.string().nullable(),
});
export const responsesOutputItemSchema = z.discriminatedUnion("type", [messageItemSchema, reasoningItemSchema, functionCallItemSchema, customToolCallItemSchema, imageGenerationItemSchema]);

export const responsesResponseSchema = z.looseObject({
  id: z.string().min(1),
  object: z.literal("response"),
  created_at: z.number().int(),
  status: z.enum(["completed", "incomplete", "failed", "in_progress", "queued", "cancelled"]),
  error: z.looseObject({ code: z.string(), message: z.string() }).nullable(),
  incomplete_details: z.looseObject({ reason: z.string() }).nullable(),
  model: z.string(),
  output: z.array(responsesOutputItemSchema),
  parallel_tool_calls: z.boolean(),
  tool_choice: z.unknown(),
  tools: z.array(z.unknown()),
  usage: responsesUsageSchema.nullable(),
});

const seq = { sequence_number: int() };
const lifecycle = (type: string) => z.looseObject({ type: z.literal(type), ...seq, response: responsesResponseSchema });
const itemEvent = { ...seq, item_id: z.string().min(1), output_index: int() };
const textEvent = { ...itemEvent, content_index: int() };
const summaryEvent = { ...itemEvent, summary_index: int() };

export const responsesStreamChunkSchema = z.discriminatedUnion("type", [
  lifecycle("response.created"),
  lifecycle("response.in_progress"),
  lifecycle("response.completed"),
  lifecycle("response.incomplete"),
  lifecycle("response.failed"),
  z.looseObject({ type: z.literal("response.output_item.added"), ...seq, output_index: int(), item: responsesOutputItemSchema }),
  z.looseObject({ type: z.literal("response.output_item.done"), ...seq, output_index: int(), item: responsesOutputItemSchema }),
  z.looseObject({ type: z.literal("response.content_part.added"), ...textEvent, part: outputTextSchema }),
  z.looseObject({ type: z.literal("response.content_part.done"), ...textEvent, part: outputTextSchema }),
  z.looseObject({ type: z.literal("response.output_text.delta"), ...textEvent, delta: z.string() }),
  z.looseObject({ type: z.literal("response.output_text.done"), ...textEvent, text: z.string() }),
  z.looseObject({ type: z.literal("response.reasoning_summary_part.added"), ...summaryEvent, part: summaryTextSchema }),
  z.looseObject({ type: z.literal("response.reasoning_summary_part.done"), ...summaryEvent, part: summaryTextSchema }),
  z.looseObject({ type: z.literal("response.reasoning_summary_text.delta"), ...summaryEvent, delta: z.string() }),
  z.looseObject({ type: z.literal("response.reasoning_summary_text.done"), ...summaryEvent, text: z.string() }),
  z.looseObject({ type: z.literal("response.function_call_arguments.delta"), ...itemEvent, delta: z.string() }),
  z.looseObject({ type: z.literal("response.function_call_arguments.done"), ...itemEvent, arguments: z.string() }),
  z.looseObject({ type: z.literal("response.custom_tool_call_input.delta"), ...itemEvent, delta: z.string() }),
  z.looseObject({ type: z.literal("response.custom_tool_call_input.done"), ...itemEvent, input: z.string() }),
  z.looseObject({ type: z.literal("response.image_generation_call.in_progress"), ...itemEvent }),
  z.looseObject({ type: z.literal("response.image_generation_call.generating"), ...itemEvent }),
  z.looseObject({ type: z.literal("response.image_generation_call.completed"), ...itemEvent }),
  z.looseObject({
    type: z.literal("error"),
    ...seq,
    error: z.looseObject({ type: z.string(), code: z.string().nullable(), message: z.string(), param: z.string().nullable() }),
  }),
]);
