/**
 * Zod schemas of the Bedrock Converse / ConverseStream wire format, as AWS sends it
 * (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html). Content
 * blocks are unions keyed by which member is present (`{text}`, `{toolUse}`,
 * `{reasoningContent}`…); members this gateway does not use are left unvalidated.
 */
import { z } from "zod";

export const bedrockUsageSchema = z.object({
  /** Prompt tokens NOT read from or written to the cache (like Anthropic's input_tokens). */
  inputTokens: z.number().int().nonnegative(),
  outputTokens: z.number().int().nonnegative(),
  totalTokens: z.number().int().nonnegative().optional(),
  cacheReadInputTokens: z.number().int().nonnegative().optional(),
  cacheWriteInputTokens: z.number().int().nonnegative().optional(),
});
export type BedrockUsage = z.infer<typeof bedrockUsageSchema>;

const reasoningContentSchema = z.object({
  reasoningText: z.object({ text: z.string(), signature: z.string().optional() }).optional(),
  /** Base64 of encrypted thinking (Anthropic's redacted_thinking). */
  redactedContent: z.string().optional(),
});

export const bedrockContentBlockSchema = z.object({
  text: z.string().optional(),
  toolUse: z.object({ toolUseId: z.string(), name: z.string(), input: z.unknown() }).optional(),
  reasoningContent: reasoningContentSchema.optional(),
});
export type BedrockContentBlock = z.infer<typeof bedrockContentBlockSchema>;

export const bedrockResponseSchema = z.object({
  output: z.object({
    message: z.object({ role: z.literal("assistant"), content: z.array(bedrockContentBlockSchema) }),
  }),
  stopReason: z.string(),
  usage: bedrockUsageSchema,
  metrics: z.object({ latencyMs: z.number() }).optional(),
  additionalModelResponseFields: z.unknown().optional(),
});
export type BedrockResponse = z.infer<typeof bedrockResponseSchema>;

// ---- ConverseStream event payloads (one per event-stream message, named by :event-type) ----

export const messageStartEventSchema = z.object({ role: z.string() });
export const contentBlockStartEventSchema = z.object({
  contentBlockIndex: z.number().int().nonnegative(),
  start: z.object({ toolUse: z.object({ toolUseId: z.string(), name: z.string() }).optional() }).optional(),
});
export const contentBlockDeltaEventSchema = z.object({
  contentBlockIndex: z.number().int().nonnegative(),
  delta: z.object({
    text: z.string().optional(),
    toolUse: z.object({ input: z.string() }).optional(),
    reasoningContent: z
      .object({ text: z.string().optional(), signature: z.string().optional(), redactedContent: z.string().optional() })
      .optional(),
  }),
});
export const contentBlockStopEventSchema = z.object({ contentBlockIndex: z.number().int().nonnegative() });
export const messageStopEventSchema = z.object({ stopReason: z.string(), additionalModelResponseFields: z.unknown().optional() });
export const metadataEventSchema = z.object({ usage: bedrockUsageSchema.optional(), metrics: z.unknown().optional() });
