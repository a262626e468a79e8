/** What one request leaves behind: its usage record (D1 table `usage`). */

/** The caller-facing API a request came through (stored with its usage record). */
export const SURFACES = ["openai", "anthropic", "gemini", "responses", "embeddings", "images", "audio"] as const;
export type Surface = (typeof SURFACES)[number];

/**
 * One request's usage record (stored in D1 table `usage`). No prompt or completion text.
 * Token conventions follow canonical Usage: promptTokens includes cached and cache-write tokens,
 * completionTokens includes reasoning tokens.
 */
export interface UsageRecord {
  /** Gateway generation id, `gen-…`. */
  id: string;
  /** Informational: the key's Durable Object always stores the hash of the key it settles for. */
  keyHash?: string;
  /** Model id as the caller wrote it. */
  requestedModel: string;
  /** Model that answered (catalog id or the upstream's own), null when no upstream answered. */
  servedModel: string | null;
  /** Provider slug that served (or last failed) the request. */
  provider: string | null;
  surface: Surface;
  streamed: boolean;
  promptTokens: number;
  completionTokens: number;
  cachedTokens?: number;
  cacheWriteTokens?: number;
  reasoningTokens?: number;
  /** Real cost in micro-USD. settle() overwrites it with its costMicros argument. */
  costMicros?: number;
  /** Server-side searches billed (Anthropic web_search, Gemini grounding queries). */
  webSearchRequests?: number;
  /** Set by the key's Durable Object at settle: how far the charge exceeded the reservation. */
  overReservationMicros?: number;
  /** HTTP status returned to the caller (or the in-band error status of a stream). */
  status: number;
  finishReason: string | null;
  latencyMs: number | null;
  /** Time to first token (streams), ms. */
  ttftMs: number | null;
  /** Epoch ms when the request arrived; defaults to the settle time. */
  createdAt?: number;
}

/** A usage record as stored: every field resolved. */
export type StoredUsageRecord = Required<UsageRecord>;
