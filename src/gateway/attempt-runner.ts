import { confirmKey, currentKey } from "../auth/authenticate";
import type { Env, WaitUntil } from "../env";
import { failureHealth } from "../errors/retry-policy";
import type { KeyContext } from "../keys/types";
import { recordOutcome } from "../routing/health";
import type { Endpoint, RouteResolution } from "../routing/types";
import { KeyChanged } from "../spend/client";
import { AttemptPlan } from "./attempt-plan";
import type { CostBound, Outcome, RequestLedger } from "./ledger";

/** One endpoint's prepared call: where it goes and what it may cost at most. */
export interface Attempt {
  endpoint: Endpoint;
  bound: CostBound;
}

/** What one upstream call gets from the runner. */
export interface AttemptCall {
  /** How long this attempt may wait for the upstream (cut to what the routing deadline leaves). */
  timeoutMs: number;
  ledger: RequestLedger;
}

/** A successful attempt: what to bill and what to answer. */
export interface Delivered<R> {
  outcome: Outcome;
  /** Speed figures for endpoint health (`:nitro`, cool-downs). */
  ttftMs?: number;
  tokensPerSecond?: number;
  value: R;
}

/**
 * What an endpoint that calls an upstream supplies: how to route, how to encode its request for
 * one endpoint, and one call that reads its answer. Everything else — admission, reservations,
 * fallbacks, the routing deadline, Retry-After waits, cool-downs, settlement and the usage record —
 * is the runner's.
 */
export interface Exchange<A extends Attempt, R> {
  /** Candidates for the calling key (its allowed providers), in the order to try them. */
  route(key: KeyContext): Promise<RouteResolution>;
  /** Encodes the request for one endpoint; throws a 4xx when the request cannot go there. */
  prepare(route: RouteResolution, endpoint: Endpoint): A;
  /** One upstream call, read to its end. Throws a typed error on failure. */
  send(attempt: A, call: AttemptCall): Promise<Delivered<R>>;
  /**
   * After a failure: true when the caller already received part of this attempt's answer (or left),
   * so no other endpoint may be tried. Default false.
   */
  delivering?(): boolean;
  /** After a failure, what the attempt must still be billed for (tokens generated before a cut). */
  salvage?(attempt: A, err: unknown): Outcome | undefined;
}

export interface RunOptions {
  env: Env;
  ctx: WaitUntil;
  /** Ends Retry-After waits when the client leaves. */
  signal?: AbortSignal;
}

/** The answer of a run and what it cost (micro-USD). */
export interface RunResult<R> {
  value: R;
  endpoint: Endpoint;
  costMicros: number;
}

/**
 * The one attempt loop every upstream-calling endpoint goes through: admit (route and reserve the
 * first endpoint's worst case), call, and on a retryable failure release the reservation before
 * reserving for the next endpoint; settle the real cost of the attempt that answered. Throws the
 * final error (listing every attempt) for the caller to render in its own format.
 */
export async function runAttempts<A extends Attempt, R>(ledger: RequestLedger, exchange: Exchange<A, R>, opts: RunOptions): Promise<RunResult<R>> {
  const { plan, attempt: first } = await admit(ledger, exchange, opts.env);
  let attempt: A | undefined = first;
  let lastFailure: Outcome | undefined;
  for (;;) {
    if (!attempt) {
      try {
        attempt = exchange.prepare(plan.route, plan.endpoint);
        await ledger.reserve(attempt.endpoint, attempt.bound);
      } catch (err) {
        // The request already reached an upstream: it still leaves its one usage record.
        if (lastFailure) ledger.release(lastFailure);
        throw plan.finalError(err);
      }
    }
    const current: A = attempt;
    attempt = undefined;
    try {
      const done = await exchange.send(current, { timeoutMs: plan.attemptTimeoutMs(), ledger });
      recordOutcome(opts.env, opts.ctx, current.endpoint, { ok: true, status: 200, ttftMs: done.ttftMs, tokensPerSecond: done.tokensPerSecond });
      return { value: done.value, endpoint: current.endpoint, costMicros: ledger.settle(done.outcome) };
    } catch (err) {
      const final = exchange.delivering?.() === true;
      // A client that left says nothing about the endpoint's health.
      if (!opts.signal?.aborted) recordOutcome(opts.env, opts.ctx, current.endpoint, failureHealth(err));
      const status = opts.signal?.aborted ? 499 : statusOf(err);
      if (await plan.next(err, { signal: opts.signal, final })) {
        await ledger.releaseForRetry();
        lastFailure = { endpoint: current.endpoint, usage: { inputTokens: 0, outputTokens: 0 }, status };
        continue;
      }
      const billable = exchange.salvage?.(current, err);
      if (billable) ledger.settle(billable);
      else ledger.release({ endpoint: current.endpoint, usage: { inputTokens: 0, outputTokens: 0 }, status });
      throw plan.finalError(err);
    }
  }
}

/**
 * Route, then reserve for the first endpoint: the reservation is the key's one Durable Object call
 * before the upstream call, and it checks the key too. The key's config may come from the
 * isolate's cache; if the object holds a newer version, the request is routed again with it. A
 * request refused before its reservation (a routing or body error) with a cached key first asks
 * the object, so a key no longer valid answers 401/403, and a changed key routes again.
 */
async function admit<A extends Attempt, R>(ledger: RequestLedger, exchange: Exchange<A, R>, env: Env): Promise<{ plan: AttemptPlan; attempt: A }> {
  try {
    return await routeAndReserve(ledger, exchange, env);
  } catch (err) {
    const current = await confirmKey(env, ledger.key);
    if (current === ledger.key || current.version === ledger.key.version) throw err;
    ledger.key = current;
    return routeAndReserve(ledger, exchange, env);
  }
}

async function routeAndReserve<A extends Attempt, R>(ledger: RequestLedger, exchange: Exchange<A, R>, env: Env): Promise<{ plan: AttemptPlan; attempt: A }> {
  for (let tries = 0; ; tries++) {
    const route = await exchange.route(ledger.key);
    const plan = new AttemptPlan(env, route, ledger.startedAt);
    const attempt = exchange.prepare(route, plan.endpoint);
    try {
      // A third routing (two changes while one request routes) skips the check: the object still
      // enforces the key's current state, it just no longer re-routes for it.
      await ledger.reserve(attempt.endpoint, attempt.bound, { checkVersion: tries < 2 });
      return { plan, attempt };
    } catch (err) {
      if (!(err instanceof KeyChanged)) throw err;
      ledger.key = currentKey(err.key, err.version, err.spend);
    }
  }
}

/** The HTTP status a failure is recorded with. */
export function statusOf(err: unknown): number {
  if (err && typeof err === "object" && "status" in err && typeof err.status === "number") return err.status;
  return 502;
}

/** Output tokens per second over a span of ms (undefined when nothing was generated). */
export function tokensPerSecond(outputTokens: number, ms: number): number | undefined {
  return outputTokens > 0 ? outputTokens / (Math.max(ms, 1) / 1000) : undefined;
}
