import type { ResponseStore } from "./response-store/response-store";
import type { SpendCounter } from "./spend/spend-counter";

/**
 * Worker bindings and configuration. Provider variables follow one pattern:
 * `<NAME>_API_KEY` enables a provider, `<NAME>_BASE_URL` overrides its endpoint
 * (keyless providers such as Ollama are enabled by their base URL alone).
 */
export interface Env {
  DB: D1Database;
  CATALOG: KVNamespace;
  SPEND: DurableObjectNamespace<SpendCounter>;
  /** Stored Responses API responses, one object per API key (src/response-store). */
  RESPONSES: DurableObjectNamespace<ResponseStore>;
  MANAGEMENT_KEY?: string;
  /** Upstream timeout in ms (default 60000): until the whole answer when not streamed, until the first token of a stream. */
  UPSTREAM_TIMEOUT_MS?: string;
  /** Total ms to find an endpoint that answers, all fallbacks included (default 2 × UPSTREAM_TIMEOUT_MS). */
  ROUTING_DEADLINE_MS?: string;
  /** Longest upstream Retry-After waited out before retrying the only endpoint left (default 5000). */
  RETRY_AFTER_MAX_MS?: string;
  /** Ms without a first token before a stream is committed with keep-alives (default 2000). */
  STREAM_KEEPALIVE_MS?: string;
  /** Ms without a byte from the upstream, once a stream's content started, before it ends with an in-band 504 (default 300000). */
  STREAM_IDLE_TIMEOUT_MS?: string;
  /** How often a long stream renews its spend reservation (default 240000, inside the 10-minute TTL). */
  RESERVATION_RENEW_MS?: string;
  /** Requests per minute per key to `:free` endpoints (default 20, like the providers' free tiers). */
  FREE_TIER_REQUESTS_PER_MINUTE?: string;
  /** Max request body in bytes (default 10 MiB). */
  MAX_BODY_BYTES?: string;
  /** Days a stored response (`store: true` on /v1/responses) is kept (default 30). */
  RESPONSES_RETENTION_DAYS?: string;
  /** "1" when `npm start` runs the built-in demo upstream: every answer is labelled as a demo (src/demo). */
  DEMO?: string;
  [providerVar: string]: unknown;
}

export type AppBindings = { Bindings: Env };

/** The part of an execution context the gateway uses (Hono's and workerd's types both fit). */
export interface WaitUntil {
  waitUntil(promise: Promise<unknown>): void;
}
