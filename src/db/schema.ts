import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { SURFACES } from "../usage/types";

/**
 * D1 schema. Times are integer milliseconds since the epoch (UTC); money is integer micro-USD.
 * Secrets are never stored: keys are identified by the SHA-256 hex digest of their plaintext.
 */

export const LIMIT_RESETS = ["daily", "weekly", "monthly"] as const;
export type LimitReset = (typeof LIMIT_RESETS)[number];
export const RATE_INTERVALS = ["minute", "hour", "day"] as const;
export type RateInterval = (typeof RATE_INTERVALS)[number];

/** API keys (lr_live_…). The key's Durable Object caches this row and holds its counters. */
export const apiKeys = sqliteTable(
  "api_keys",
  {
    hash: text("hash").primaryKey(),
    name: text("name").notNull(),
    label: text("label").notNull(),
    disabled: integer("disabled", { mode: "boolean" }).notNull().default(false),
    /** JSON array of provider slugs; NULL = every provider. */
    allowedProviders: text("allowed_providers", { mode: "json" }).$type<string[]>(),
    limitMicros: integer("limit_micros"),
    limitReset: text("limit_reset", { enum: LIMIT_RESETS }),
    rateLimitRequests: integer("rate_limit_requests"),
    rateLimitInterval: text("rate_limit_interval", { enum: RATE_INTERVALS }),
    expiresAt: integer("expires_at"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
    /** Bumped on every write so the Durable Object never applies an older config over a newer one. */
    version: integer("version").notNull().default(1),
  },
  (t) => [index("api_keys_created_at_idx").on(t.createdAt)],
);

/** Management keys (lr_mgmt_…) created through the API; the bootstrap key lives in env.MANAGEMENT_KEY. */
export const managementKeys = sqliteTable(
  "management_keys",
  {
    hash: text("hash").primaryKey(),
    name: text("name").notNull(),
    label: text("label").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("management_keys_created_at_idx").on(t.createdAt)],
);

/** One row per request (success or failure). Never holds prompt or completion text. */
export const usage = sqliteTable(
  "usage",
  {
    /** Gateway generation id, `gen-…`. */
    id: text("id").primaryKey(),
    keyHash: text("key_hash").notNull(),
    requestedModel: text("requested_model").notNull(),
    servedModel: text("served_model"),
    provider: text("provider"),
    surface: text("surface", { enum: SURFACES }).notNull(),
    streamed: integer("streamed", { mode: "boolean" }).notNull(),
    promptTokens: integer("prompt_tokens").notNull().default(0),
    completionTokens: integer("completion_tokens").notNull().default(0),
    cachedTokens: integer("cached_tokens").notNull().default(0),
    cacheWriteTokens: integer("cache_write_tokens").notNull().default(0),
    reasoningTokens: integer("reasoning_tokens").notNull().default(0),
    costMicros: integer("cost_micros").notNull().default(0),
    status: integer("status").notNull(),
    finishReason: text("finish_reason"),
    latencyMs: integer("latency_ms"),
    ttftMs: integer("ttft_ms"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("usage_key_created_idx").on(t.keyHash, t.createdAt), index("usage_created_idx").on(t.createdAt)],
);

export type ApiKeyRow = typeof apiKeys.$inferSelect;
export type ManagementKeyRow = typeof managementKeys.$inferSelect;
export type UsageRow = typeof usage.$inferSelect;
