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
  MANAGEMENT_KEY?: string;
  /** Upstream request timeout in ms before the first byte (default 60000). */
  UPSTREAM_TIMEOUT_MS?: string;
  /** Ms without a first token before a stream is committed with keep-alives (default 2000). */
  STREAM_KEEPALIVE_MS?: string;
  /** Max request body in bytes (default 10 MiB). */
  MAX_BODY_BYTES?: string;
  [providerVar: string]: unknown;
}

export type AppBindings = { Bindings: Env };

/** The part of an execution context the gateway uses (Hono's and workerd's types both fit). */
export interface WaitUntil {
  waitUntil(promise: Promise<unknown>): void;
}
