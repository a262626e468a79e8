// Model id variants: `:nitro` (fastest measured), `:floor` (cheapest), `:free` (zero-price endpoints
// only), `:thinking` (reasoning on).
import type { CanonicalRequest } from "../canonical/types";

export const VARIANTS = ["nitro", "floor", "free", "thinking"] as const;
export type Variant = (typeof VARIANTS)[number];

export function splitVariant(id: string): { base: string; variant?: Variant; unknownSuffix?: string } {
  const i = id.lastIndexOf(":");
  if (i <= 0 || i === id.length - 1) return { base: id };
  const suffix = id.slice(i + 1);
  if ((VARIANTS as readonly string[]).includes(suffix)) return { base: id.slice(0, i), variant: suffix as Variant };
  return { base: id, unknownSuffix: suffix };
}

/** `:thinking`: reasoning on, high effort unless the caller chose an effort or a token budget. */
export function withThinking(req: CanonicalRequest): CanonicalRequest {
  const r = req.reasoning ?? {};
  const effort = r.effort && r.effort !== "none" ? r.effort : r.maxTokens ? undefined : "high";
  const reasoning = { ...r, enabled: true, ...(effort ? { effort } : {}) };
  if (!effort) delete reasoning.effort;
  return { ...req, reasoning };
}
