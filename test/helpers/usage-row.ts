/** One row of the D1 `usage` table (migrations/0000_init.sql), as tests read it back. */
export interface UsageRow {
  id: string;
  key_hash: string;
  requested_model: string;
  served_model: string | null;
  provider: string | null;
  surface: string;
  streamed: number;
  prompt_tokens: number;
  completion_tokens: number;
  cached_tokens: number;
  cache_write_tokens: number;
  reasoning_tokens: number;
  cost_micros: number;
  web_search_requests: number;
  over_reservation_micros: number;
  status: number;
  finish_reason: string | null;
  latency_ms: number | null;
  ttft_ms: number | null;
  created_at: number;
}
