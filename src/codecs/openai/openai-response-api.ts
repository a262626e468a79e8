/**
 * Zod schemas of chat-completions responses and stream chunks, in two strengths:
 * - `openaiResponseSchema` / `openaiStreamChunkSchema`: what a strict OpenAI client expects
 *   (exported for the replay suite to validate what the gateway sends to callers);
 * - `upstream*Schema`: what real upstreams actually send, which is much looser (Mistral omits
 *   tool-call type/index and sends content arrays, Azure-DeepSeek drops `object`, many fields
 *   are null instead of absent). Stream chunks are read into the same types by
 *   stream-chunk-reader.ts, by hand, for speed.
 */
import { z } from "zod";
import { OPENAI_FINISH_REASONS } from "./map-openai-finish-reason";
import { reasoningDetailSchema } from "./openai-api";

// ---------------------------------------------------------------- strict (caller-facing)

const usageSchema = z.looseObject({
  prompt_tokens: z.number().int().nonnegative(),
  completion_tokens: z.number().int().nonnegative(),
  total_tokens: z.number().int().nonnegative(),
  prompt_tokens_details: z.looseObject({ cached_tokens: z.number().int().optional() }).nullish(),
  completion_tokens_details: z.looseObject({ reasoning_tokens: z.number().int().optional() }).nullish(),
  cost: z.number().optional(),
});

const finishReasonSchema = z.enum(OPENAI_FINISH_REASONS);

const toolCallSchema = z.looseObject({
  id: z.string(),
  type: z.literal("function"),
  function: z.looseObject({ name: z.string(), arguments: z.string() }),
});

export const openaiResponseSchema = z.looseObject({
  id: z.string(),
  object: z.literal("chat.completion"),
  created: z.number().int(),
  model: z.string(),
  choices: z
    .array(
      z.looseObject({
        index: z.number().int(),
        message: z.looseObject({
          role: z.literal("assistant"),
          content: z.string().nullable(),
          refusal: z.string().nullish(),
          reasoning: z.string().nullish(),
          reasoning_details: z.array(reasoningDetailSchema).optional(),
          tool_calls: z.array(toolCallSchema).optional(),
        }),
        finish_reason: finishReasonSchema.nullable(),
      }),
    )
    .min(1),
  usage: usageSchema,
});

export const openaiStreamChunkSchema = z.looseObject({
  id: z.string(),
  object: z.literal("chat.completion.chunk"),
  created: z.number().int(),
  model: z.string(),
  choices: z.array(
    z.looseObject({
      index: z.number().int(),
      delta: z.looseObject({
        role: z.literal("assistant").optional(),
        content: z.string().nullish(),
        refusal: z.string().nullish(),
        reasoning: z.string().nullish(),
        reasoning_details: z.array(reasoningDetailSchema).optional(),
        tool_calls: z
          .array(
            z.looseObject({
              index: z.number().int(),
              id: z.string().optional(),
              type: z.literal("function").optional(),
              function: z.looseObject({ name: z.string().optional(), arguments: z.string().optional() }).optional(),
            }),
          )
          .optional(),
      }),
      finish_reason: finishReasonSchema.nullish(),
    }),
  ),
  usage: usageSchema.nullish(),
  error: z.looseObject({ code: z.union([z.number(), z.string()]).nullish(), message: z.string() }).optional(),
});

// ---------------------------------------------------------------- lenient (upstream-facing)

const num = () => z.number().nullish();

export const upstreamUsageSchema = z.looseObject({
  prompt_tokens: num(),
  completion_tokens: num(),
  total_tokens: num(),
  prompt_tokens_details: z.looseObject({ cached_tokens: num(), cache_write_tokens: num(), audio_tokens: num(), image_tokens: num() }).nullish(),
  completion_tokens_details: z.looseObject({ reasoning_tokens: num(), audio_tokens: num(), image_tokens: num() }).nullish(),
  /** DeepSeek */
  prompt_cache_hit_tokens: num(),
  /** Azure AI (DeepSeek) puts it at the top level. */
  reasoning_tokens: num(),
});
export type UpstreamUsage = z.infer<typeof upstreamUsageSchema>;

const upstreamToolCallSchema = z.looseObject({
  index: num(),
  id: z.string().nullish(),
  type: z.string().nullish(),
  function: z
    .looseObject({
      name: z.string().nullish(),
      arguments: z.union([z.string(), z.record(z.string(), z.unknown())]).nullish(),
    })
    .nullish(),
});
export type UpstreamToolCall = z.infer<typeof upstreamToolCallSchema>;

/** Mistral's content parts: {type:"text",text} and {type:"thinking",thinking:[{type:"text",text}]}. */
const upstreamContentPartSchema = z.looseObject({
  type: z.string().nullish(),
  text: z.string().nullish(),
  thinking: z.union([z.string(), z.array(z.looseObject({ text: z.string().nullish() }))]).nullish(),
});
export type UpstreamContentPart = z.infer<typeof upstreamContentPartSchema>;

const upstreamMessageFields = {
  content: z.union([z.string(), z.array(upstreamContentPartSchema)]).nullish(),
  refusal: z.string().nullish(),
  reasoning: z.string().nullish(),
  reasoning_content: z.string().nullish(),
  reasoning_details: z.array(reasoningDetailSchema).nullish(),
  tool_calls: z.array(upstreamToolCallSchema).nullish(),
  function_call: z
    .looseObject({ name: z.string().nullish(), arguments: z.string().nullish() })
    .nullish(),
  /** Generated media (src/codecs/openai/media-output.ts reads them). */
  images: z.unknown().optional(),
  audio: z.unknown().optional(),
};

const upstreamMessageSchema = z.looseObject(upstreamMessageFields);
export type UpstreamMessage = z.infer<typeof upstreamMessageSchema>;

const upstreamErrorSchema = z.union([
  z.looseObject({
    message: z.unknown().optional(),
    code: z.unknown().optional(),
    type: z.unknown().optional(),
    status: z.unknown().optional(),
    metadata: z.unknown().optional(),
  }),
  z.string(),
]);

export const upstreamResponseSchema = z.looseObject({
  id: z.string().nullish(),
  model: z.string().nullish(),
  created: num(),
  choices: z
    .array(
      z.looseObject({
        index: num(),
        message: upstreamMessageSchema.nullish(),
        finish_reason: z.string().nullish(),
        native_finish_reason: z.string().nullish(),
      }),
    )
    .nullish(),
  usage: upstreamUsageSchema.nullish(),
  error: upstreamErrorSchema.nullish(),
});
