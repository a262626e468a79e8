// The console's only backend: the public management API, called with the management key the
// operator signed in with. The key lives in this tab's sessionStorage and travels only in the
// Authorization header (never a cookie, never a URL).

const STORAGE_KEY = "arouter:management-key";

export interface KeyObject {
  hash: string;
  name: string;
  label: string;
  disabled: boolean;
  allowed_providers: string[] | null;
  limit: number | null;
  limit_reset: "daily" | "weekly" | "monthly" | null;
  limit_remaining: number | null;
  usage: number;
  usage_daily: number;
  usage_weekly: number;
  usage_monthly: number;
  rate_limit: { requests: number; interval: "minute" | "hour" | "day" } | null;
  created_at: string;
  updated_at: string;
  expires_at: string | null;
}

export interface Generation {
  id: string;
  api_key_hash: string;
  model: string;
  requested_model: string;
  provider_name: string | null;
  surface: string;
  streamed: boolean;
  tokens_prompt: number;
  tokens_completion: number;
  native_tokens_cached: number;
  native_tokens_cache_write: number;
  native_tokens_reasoning: number;
  total_cost: number;
  cost_micros: number;
  status: number;
  finish_reason: string | null;
  latency: number | null;
  ttft: number | null;
  created_at: string;
}

export interface ActivityRow {
  date?: string;
  model?: string | null;
  provider?: string | null;
  key_hash?: string;
  requests: number;
  errors: number;
  prompt_tokens: number;
  completion_tokens: number;
  reasoning_tokens: number;
  usage: number;
}

export interface ManagementKey {
  hash: string;
  name: string;
  label: string;
  created_at: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export const session = {
  get: (): string | null => sessionStorage.getItem(STORAGE_KEY),
  set: (key: string) => sessionStorage.setItem(STORAGE_KEY, key),
  clear: () => sessionStorage.removeItem(STORAGE_KEY),
};

/** The error message of any of the gateway's error shapes. */
export async function errorMessage(res: Response): Promise<string> {
  const text = await res.text();
  try {
    const body = JSON.parse(text) as { error?: { message?: string } | string; message?: string };
    if (typeof body.error === "object" && body.error?.message) return body.error.message;
    if (typeof body.error === "string") return body.error;
    if (body.message) return body.message;
  } catch {
    // not JSON
  }
  return text || `HTTP ${res.status}`;
}

let onUnauthorized: (message: string) => void = () => {};
export const setUnauthorizedHandler = (fn: (message: string) => void) => (onUnauthorized = fn);

/** A management API call; 401 signs the operator out. */
export async function api<T>(method: string, path: string, body?: unknown, token = session.get()): Promise<T> {
  const headers: Record<string, string> = { authorization: `Bearer ${token ?? ""}` };
  if (body !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: "no-store" });
  if (!res.ok) {
    const message = await errorMessage(res);
    if (res.status === 401 || res.status === 403) onUnauthorized(message);
    throw new ApiError(res.status, message);
  }
  return (await res.json()) as T;
}
