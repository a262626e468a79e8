/**
 * What the resilience suite shares beyond the surface harness (test/helpers/): one
 * single-endpoint model per upstream wire format, the statuses an overloaded upstream maps to,
 * and a seeded PRNG for the fuzz and mixed-load runs.
 */
import type { WireFormat } from "../helpers/fake-answers";
import type { Framing, Intent, Surface } from "../helpers/surface-request";

/** One single-endpoint catalog model per upstream wire format (no fallback to hide a fault). */
export const MODEL_FOR: Record<WireFormat, string> = {
  openai: "openai/gpt-4o",
  anthropic: "anthropic/claude-sonnet-4.6",
  gemini: "google/gemini-2.0-flash",
};

export const MAX_TOKENS = 256;

/** The suite's request: a short text to `model` with MAX_TOKENS, in the given framing. */
export const plain = (model: string, framing: Framing, extra: Partial<Intent> = {}): Intent => ({ model, framing, maxTokens: MAX_TOKENS, ...extra });

/**
 * The status each surface answers an overloaded upstream with (upstream 529, or 503), the one its
 * SDK retries as "overloaded": Anthropic's own 529 overloaded_error, 503 on the others.
 */
export const OVERLOADED_STATUS: Record<Surface, number> = { openai: 503, anthropic: 529, gemini: 503 };

/**
 * The usage row's status for the HTTP status a surface answered with: rows keep the gateway's
 * surface-neutral status, so the Anthropic surface's 529 (overloaded) is recorded as 503.
 */
export function rowStatusOf(surface: Surface, httpStatus: number): number {
  return surface === "anthropic" && httpStatus === 529 ? 503 : httpStatus;
}

/** Seeded PRNG (mulberry32): fuzz runs are reproducible. */
export function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)],
  };
}

export { sleep } from "../helpers/fake-upstream";
