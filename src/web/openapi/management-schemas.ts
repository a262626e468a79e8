// Response shapes of the management API, for the OpenAPI document. The routes build these objects
// with plain functions (keyObject, generationObject…); test/web/openapi.test.ts parses real
// responses with these strict schemas, so a field added or renamed there fails until it is here.
import { z } from "zod";
import { LIMIT_RESETS, RATE_INTERVALS } from "../../db/schema";
import { SURFACES } from "../../usage/types";

const iso = z.iso.datetime({ offset: true });
const usd = z.number().describe("USD");

export const keyObjectSchema = z.strictObject({
  hash: z.string().describe("SHA-256 hex of the key: its id in every management call"),
  name: z.string(),
  label: z.string().describe("Masked key (lr_live_abc…xyz) unless set"),
  disabled: z.boolean(),
  allowed_providers: z.array(z.string()).nullable().describe("null = every provider"),
  limit: usd.nullable().describe("Spend limit in USD, null = none"),
  limit_reset: z.enum(LIMIT_RESETS).nullable(),
  limit_remaining: usd.nullable(),
  usage: usd.describe("All-time spend"),
  usage_daily: usd,
  usage_weekly: usd,
  usage_monthly: usd,
  rate_limit: z.strictObject({ requests: z.number().int(), interval: z.enum(RATE_INTERVALS) }).nullable(),
  created_at: iso,
  updated_at: iso,
  expires_at: iso.nullable(),
});

export const keyCreatedSchema = z.strictObject({
  key: z.string().describe("The new key (lr_live_…). Shown only in this response."),
  data: keyObjectSchema,
});
export const keyResponseSchema = z.strictObject({ data: keyObjectSchema });
export const keyListSchema = z.strictObject({ data: z.array(keyObjectSchema), offset: z.number().int(), limit: z.number().int() });
export const deletedSchema = z.strictObject({ deleted: z.literal(true) });

export const managementKeyObjectSchema = z.strictObject({ hash: z.string(), name: z.string(), label: z.string(), created_at: iso });
export const managementKeyCreatedSchema = z.strictObject({
  key: z.string().describe("The new management key (lr_mgmt_…). Shown only in this response."),
  data: managementKeyObjectSchema,
});
export const managementKeyListSchema = z.strictObject({ data: z.array(managementKeyObjectSchema), offset: z.number().int(), limit: z.number().int() });

export const generationObjectSchema = z.strictObject({
  id: z.string().describe("gen-…"),
  api_key_hash: z.string(),
  model: z.string().describe("The model that answered (else the requested one)"),
  requested_model: z.string(),
  provider_name: z.string().nullable(),
  surface: z.enum(SURFACES),
  streamed: z.boolean(),
  tokens_prompt: z.number().int(),
  tokens_completion: z.number().int(),
  native_tokens_cached: z.number().int(),
  native_tokens_cache_write: z.number().int(),
  native_tokens_reasoning: z.number().int(),
  total_cost: usd,
  cost_micros: z.number().int().describe("Integer micro-USD"),
  status: z.number().int().describe("HTTP status of the request"),
  finish_reason: z.string().nullable(),
  latency: z.number().int().nullable().describe("ms until the answer completed"),
  ttft: z.number().int().nullable().describe("ms until the first token"),
  created_at: iso,
});
export const generationResponseSchema = z.strictObject({ data: generationObjectSchema });
export const generationListSchema = z.strictObject({ data: z.array(generationObjectSchema), limit: z.number().int() });

const activityTotals = {
  requests: z.number().int(),
  errors: z.number().int(),
  prompt_tokens: z.number().int(),
  completion_tokens: z.number().int(),
  reasoning_tokens: z.number().int(),
  cached_tokens: z.number().int(),
  cache_write_tokens: z.number().int(),
  usage: usd,
  cost_micros: z.number().int(),
};
export const activityResponseSchema = z.strictObject({
  data: z.array(
    z.strictObject({
      ...activityTotals,
      date: z.string().optional().describe("group_by=day: YYYY-MM-DD (UTC)"),
      model: z.string().nullable().optional().describe("group_by=model"),
      provider: z.string().nullable().optional().describe("group_by=provider"),
      key_hash: z.string().optional().describe("group_by=key"),
    }),
  ),
  date_from: iso,
  date_to: iso,
  group_by: z.enum(["day", "model", "provider", "key"]),
});
