import type { Env } from "../env";
import { GatewayError } from "../errors/gateway-error";
import { isCoolingDown } from "../routing/health";
import type { Endpoint, RouteResolution } from "../routing/types";
import { isRetryable } from "../errors/retry-policy";

export function upstreamTimeoutMs(env: Env): number {
  return Number(env.UPSTREAM_TIMEOUT_MS) || 60_000;
}

/** Total time to find an endpoint that answers (all attempts, waits included); default 2 × UPSTREAM_TIMEOUT_MS. */
export function routingDeadlineMs(env: Env): number {
  return Number(env.ROUTING_DEADLINE_MS) || 2 * upstreamTimeoutMs(env);
}

/** Longest Retry-After the gateway waits out before retrying the one endpoint left (default 5000 ms). */
export function retryAfterMaxMs(env: Env): number {
  const v = Number(env.RETRY_AFTER_MAX_MS);
  return env.RETRY_AFTER_MAX_MS !== undefined && env.RETRY_AFTER_MAX_MS !== "" && v >= 0 ? v : 5000;
}

/** Retries of the same endpoint per request (after a short Retry-After). */
const MAX_SAME_ENDPOINT_RETRIES = 1;

/**
 * The order of a request's attempts: the candidates in route order, moving on after a retryable
 * failure (when fallbacks are allowed). When no candidate is left and the upstream named a short
 * Retry-After, the same endpoint is retried once after waiting. Nothing starts past the deadline,
 * and each attempt's timeout is cut to what the deadline leaves.
 */
export class AttemptPlan {
  readonly attempts: string[] = [];
  private readonly list: Endpoint[];
  private index = 0;
  private retries = 0;
  private readonly deadline: number;
  private deadlineHit = false;

  constructor(
    private readonly env: Env,
    readonly route: RouteResolution,
    startedAt: number,
  ) {
    this.list = candidates(route);
    this.deadline = startedAt + routingDeadlineMs(env);
  }

  get endpoint(): Endpoint {
    return this.list[this.index];
  }

  /** How long the current attempt may wait for the upstream. */
  attemptTimeoutMs(): number {
    return Math.max(1, Math.min(upstreamTimeoutMs(this.env), this.deadline - Date.now()));
  }

  /**
   * Records the current attempt's failure. Resolves true when another attempt should be made
   * (`endpoint` is then the one to try), false when `err` is final. `final`: the failure cannot be
   * retried whatever it is (the caller already received content, or left); `signal` ends a
   * Retry-After wait when the client leaves.
   */
  async next(err: unknown, opts: { signal?: AbortSignal; final?: boolean } = {}): Promise<boolean> {
    const { signal } = opts;
    this.attempts.push(describeFailure(this.endpoint, err));
    if (opts.final || signal?.aborted || !isRetryable(err)) return false;
    const remaining = this.deadline - Date.now();
    if (remaining <= 0) {
      this.deadlineHit = this.index < this.list.length - 1;
      return false;
    }
    if (this.route.allowFallbacks && this.index < this.list.length - 1) {
      this.index++;
      return true;
    }
    const wait = err instanceof GatewayError && err.retryAfter !== undefined ? err.retryAfter * 1000 : undefined;
    if (wait === undefined || this.retries >= MAX_SAME_ENDPOINT_RETRIES || wait > retryAfterMaxMs(this.env) || wait >= remaining) return false;
    this.retries++;
    await sleep(wait, signal);
    return !signal?.aborted;
  }

  /** The error to show when nothing answered: the last one, listing every attempt. */
  finalError(err: unknown): unknown {
    return withAttempts(err, this.attempts, this.deadlineHit ? `routing deadline of ${routingDeadlineMs(this.env)} ms reached` : undefined);
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (ms <= 0 || signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done);
  });
}

/** Candidates minus endpoints cooling down, unless that would leave none. */
export function candidates(route: RouteResolution): Endpoint[] {
  const healthy = route.endpoints.filter((e) => !isCoolingDown(e));
  return healthy.length > 0 ? healthy : route.endpoints;
}

export function describeFailure(endpoint: Endpoint, err: unknown): string {
  return `${endpoint.provider.id}/${endpoint.upstreamModel}: ${err instanceof Error ? err.message : String(err)}`;
}

/** When several endpoints failed (or the deadline cut the list short), the error lists every attempt. */
export function withAttempts(err: unknown, attempts: string[], note?: string): unknown {
  if ((attempts.length < 2 && !note) || !(err instanceof GatewayError)) return err;
  const endpoints = new Set(attempts.map((a) => a.slice(0, a.indexOf(": ")))).size;
  const head = attempts.length < 2 ? "The endpoint failed" : `All ${attempts.length} ${endpoints === attempts.length ? "endpoints" : "attempts"} failed`;
  return new GatewayError(
    err.status,
    err.kind,
    `${head}${note ? ` (${note})` : ""}: ${attempts.join("; ")}`,
    { metadata: { ...err.metadata, attempts }, retryAfter: err.retryAfter },
  );
}
