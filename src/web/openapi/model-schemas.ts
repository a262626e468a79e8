// Response shapes of GET /v1/models (OpenRouter-style), for the OpenAPI document. Loose objects:
// the catalog may add fields; test/web/openapi.test.ts checks real answers carry these.
import { z } from "zod";

const pricing = z
  .looseObject({ prompt: z.string(), completion: z.string() })
  .catchall(z.unknown())
  .describe("USD per token (or per unit) as decimal strings");

const architecture = z.looseObject({
  modality: z.string().optional(),
  input_modalities: z.array(z.string()),
  output_modalities: z.array(z.string()),
  tokenizer: z.string(),
  instruct_type: z.string().nullable(),
});

export const modelSchema = z.looseObject({
  id: z.string(),
  canonical_slug: z.string(),
  name: z.string(),
  created: z.number().int().describe("Unix seconds"),
  description: z.string(),
  context_length: z.number().int().nullable(),
  architecture,
  pricing: pricing.nullable(),
  pricing_known: z.boolean(),
  top_provider: z.looseObject({ context_length: z.number().int().nullable(), max_completion_tokens: z.number().int().nullable(), is_moderated: z.boolean() }),
  supported_parameters: z.array(z.string()),
  object: z.literal("model"),
  owned_by: z.string(),
});

export const modelListSchema = z.looseObject({ object: z.literal("list"), data: z.array(modelSchema) });

export const modelEndpointsSchema = z.looseObject({
  data: z.looseObject({
    id: z.string(),
    name: z.string(),
    architecture,
    endpoints: z.array(
      z.looseObject({
        name: z.string(),
        provider_name: z.string(),
        tag: z.string().describe("Provider slug"),
        context_length: z.number().int().nullable(),
        max_completion_tokens: z.number().int().nullable(),
        pricing: pricing.nullable(),
        supported_parameters: z.array(z.string()),
        status: z.number().int().describe("0 = up, -1 = cooling down after failures"),
        throughput: z.number().nullable().describe("Measured output tokens per second"),
        latency: z.number().nullable().describe("Measured time to first token, ms"),
      }),
    ),
  }),
});

export const modelSchemas = { Model: modelSchema, ModelList: modelListSchema, ModelEndpoints: modelEndpointsSchema };
