import { newGenerationId } from "../canonical/ids";
import type { Usage } from "../canonical/types";
import { costMicros, worstCaseMicros } from "../catalog/pricing";
import type { Env, WaitUntil } from "../env";
import type { KeyContext } from "../keys/types";
import type { Endpoint } from "../routing/types";
import { logSpendFailure, reserve, settleNow, type SettleOptions } from "../spend/client";
import type { Surface, UsageRecord } from "../usage/types";

/**
 * The most a request may cost, known before it runs: reserved in the key's Durable Object so
 * concurrent requests cannot together pass the key's limit.
 * - `tokens`: priced from the endpoint's token prices (chat, embeddings);
 * - `micros`: an exchange's own bound (media priced per image or per second; 0 for a free call
 *   such as count_tokens); null when it cannot be bounded, which a key with a limit refuses.
 */
export type CostBound = { tokens: { input: number; output: number } } | { micros: number | null };

/** What one attempt produced: what it is billed for and what its usage record says. */
export interface Outcome {
  endpoint: Endpoint;
  usage: Usage;
  /** HTTP status returned to the caller (or the in-band error status of a stream). */
  status: number;
  finishReason?: string;
  /** The model that answered, as the upstream reported it. */
  servedModel?: string;
  firstTokenAt?: number;
  /** The exchange's own price of this outcome (media); default: the endpoint's token prices. */
  costMicros?: number;
}

/** What a request is, for its usage record. */
export interface LedgerInit {
  env: Env;
  ctx: WaitUntil;
  key: KeyContext;
  surface: Surface;
  requestedModel: string;
  streamed: boolean;
}

/**
 * One request's account: the only code that talks to the spend Durable Object on the request
 * path. It reserves an attempt's worst case before the upstream call, renews it for long
 * streams, releases it before a retry, and settles the real cost with the request's one usage
 * record afterwards (in the background: no storage write delays the answer).
 */
export class RequestLedger {
  /** Gateway generation id, `gen-…`: the reservation id and the usage record id. */
  readonly id = newGenerationId();
  readonly startedAt = Date.now();
  /** The calling key; replaced when its Durable Object answers that the config changed. */
  key: KeyContext;
  private readonly env: Env;
  private readonly ctx: WaitUntil;
  private held?: { endpoint: Endpoint; micros: number | null };

  constructor(private readonly init: LedgerInit) {
    this.env = init.env;
    this.ctx = init.ctx;
    this.key = init.key;
  }

  /**
   * Reserves `bound` for an attempt on `endpoint`, replacing the request's earlier reservation.
   * `checkVersion`: refuse with KeyChanged (nothing reserved) when the key's config moved on
   * since `key` was read, so the request can be routed again with the current config.
   */
  async reserve(endpoint: Endpoint, bound: CostBound, opts: { checkVersion?: boolean } = {}): Promise<void> {
    const micros = "micros" in bound ? bound.micros : endpoint.pricing ? worstCaseMicros(endpoint.pricing, bound.tokens.input, bound.tokens.output) : null;
    await this.reserveMicros(endpoint, micros, { checkVersion: opts.checkVersion === true });
    this.held = { endpoint, micros };
  }

  /** Re-reserves what is held, pushing its expiry forward (long streams). */
  renew(): Promise<unknown> {
    const h = this.held;
    return h ? this.reserveMicros(h.endpoint, h.micros, { checkVersion: false }) : Promise.resolve();
  }

  /**
   * Frees a failed attempt's reservation and waits for it: the next attempt reserves under the
   * same id, and a release landing after that reservation would drop it.
   */
  async releaseForRetry(): Promise<void> {
    this.held = undefined;
    await settleNow(this.env, this.key, { id: this.id }, { costMicros: 0 }).catch(() => {});
  }

  /** Charges the outcome's real cost, frees the reservation and records the request. Returns the cost. */
  settle(o: Outcome): number {
    this.held = undefined;
    const cost = o.costMicros ?? (o.endpoint.pricing ? costMicros(o.endpoint.pricing, o.usage) : 0);
    this.inBackground("settle", { costMicros: cost, record: this.record(o, cost) });
    return cost;
  }

  /** Frees the reservation of a request that ended without an answer; with an outcome it is recorded. */
  release(o?: Outcome): void {
    this.held = undefined;
    this.inBackground("release", { costMicros: 0, record: o ? this.record(o, 0) : undefined });
  }

  /** Off the request path: the answer never waits for the spend object's storage write. */
  private inBackground(what: string, opts: SettleOptions): void {
    const key = this.key;
    this.ctx.waitUntil(settleNow(this.env, key, { id: this.id }, opts).catch((err) => logSpendFailure(what, key, err)));
  }

  private async reserveMicros(endpoint: Endpoint, micros: number | null, opts: { checkVersion: boolean }): Promise<void> {
    const freeTier = endpoint.freeTier ? { requests: Number(this.env.FREE_TIER_REQUESTS_PER_MINUTE) || 20, windowMs: 60_000 } : undefined;
    await reserve(this.env, this.key, {
      requestId: this.id,
      micros,
      provider: endpoint.provider.id,
      model: endpoint.modelId,
      freeTier,
      version: opts.checkVersion ? this.key.version : undefined,
    });
  }

  private record(o: Outcome, cost: number): UsageRecord {
    const now = Date.now();
    const u = o.usage;
    return {
      id: this.id,
      keyHash: this.key.hash,
      requestedModel: this.init.requestedModel,
      servedModel: o.endpoint.modelId,
      provider: o.endpoint.provider.id,
      surface: this.init.surface,
      streamed: this.init.streamed,
      promptTokens: u.inputTokens,
      completionTokens: u.outputTokens,
      cachedTokens: u.cachedInputTokens ?? 0,
      cacheWriteTokens: u.cacheWriteTokens ?? 0,
      reasoningTokens: u.reasoningTokens ?? 0,
      costMicros: cost,
      status: o.status,
      finishReason: o.finishReason ?? null,
      latencyMs: now - this.startedAt,
      ttftMs: o.firstTokenAt ? o.firstTokenAt - this.startedAt : null,
      createdAt: now,
    };
  }
}

/** The cost header every non-streamed answer carries; an unpriced model's cost is unknown, not $0. */
export function costHeaders(endpoint: Endpoint, cost: number): Record<string, string> {
  return endpoint.pricing ? { "x-arouter-cost": (cost / 1e6).toFixed(6) } : {};
}
