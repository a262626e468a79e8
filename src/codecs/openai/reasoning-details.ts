/**
 * OpenRouter `reasoning_details` <-> canonical ReasoningPart.
 * - reasoning.text {text, signature}  <-> ReasoningPart {text, signature}   (Anthropic thinking)
 * - reasoning.encrypted {data}        <-> ReasoningPart {text:"", redactedData}
 * - reasoning.encrypted {data, format: openai-responses-v1 | google-gemini-v1}
 *                                      <-> ReasoningPart {text:"", encrypted: {origin, data}}
 *   (OpenRouter's format names: another family's payload must not be taken for Anthropic's)
 * - reasoning.summary {summary}        -> ReasoningPart {text}               (OpenAI summaries)
 * Unknown detail types are skipped: they carry nothing the canonical model can hold.
 */
import type { ReasoningOrigin, ReasoningPart } from "../../canonical/types";
import type { OpenAIReasoningDetail } from "./openai-api";

/** OpenRouter's reasoning_details `format` of a family's opaque payload. */
export const ORIGIN_FORMATS: Record<ReasoningOrigin, string> = { openai: "openai-responses-v1", gemini: "google-gemini-v1" };

export function originOfFormat(format: string | null | undefined): ReasoningOrigin | undefined {
  if (format === ORIGIN_FORMATS.openai) return "openai";
  if (format === ORIGIN_FORMATS.gemini) return "gemini";
  return undefined;
}

export function detailToPart(d: OpenAIReasoningDetail): ReasoningPart | undefined {
  switch (d.type) {
    case "reasoning.text": {
      const part: ReasoningPart = { type: "reasoning", text: d.text ?? "" };
      if (d.signature) part.signature = d.signature;
      return part.text || part.signature ? part : undefined;
    }
    case "reasoning.summary":
      return d.summary ? { type: "reasoning", text: d.summary } : undefined;
    case "reasoning.encrypted": {
      if (!d.data) return undefined;
      const origin = originOfFormat(d.format);
      return origin ? { type: "reasoning", text: "", encrypted: { origin, data: d.data } } : { type: "reasoning", text: "", redactedData: d.data };
    }
    default:
      return undefined;
  }
}

/**
 * All details of a message, in order. Clients that replay streamed deltas verbatim send one
 * reasoning.text item per delta (same `index`, the signature on the last one); those are merged
 * back into one block, since a signature only verifies the block's whole text. Another family's
 * payload at the same index as the text before it belongs to that text's block.
 */
export function detailsToParts(details: OpenAIReasoningDetail[]): ReasoningPart[] {
  const out: ReasoningPart[] = [];
  let lastIndex: number | undefined;
  let lastType: string | undefined;
  for (const d of details) {
    const part = detailToPart(d);
    if (!part) continue;
    const prev = out[out.length - 1];
    const sameIndex = prev !== undefined && d.index != null && d.index === lastIndex;
    const open = sameIndex && !prev.signature && prev.redactedData === undefined && prev.encrypted === undefined;
    if (open && d.type === "reasoning.text" && lastType === "reasoning.text") {
      prev.text += part.text;
      if (part.signature) prev.signature = part.signature;
    } else if (open && part.encrypted) prev.encrypted = part.encrypted;
    else out.push(part);
    lastIndex = d.index ?? undefined;
    lastType = d.type;
  }
  return out;
}

/** The wire shape we emit; `format` is "unknown" unless the part records its origin. */
export interface WireReasoningDetail {
  type: "reasoning.text" | "reasoning.summary" | "reasoning.encrypted";
  text?: string;
  summary?: string;
  signature?: string;
  data?: string;
  format: string;
  index: number;
}

/** One part as details: a part with another family's payload is its summary, then the payload. */
export function partToDetails(part: ReasoningPart, index: number): WireReasoningDetail[] {
  if (part.redactedData !== undefined) return [{ type: "reasoning.encrypted", data: part.redactedData, format: "unknown", index }];
  if (part.encrypted) {
    const format = ORIGIN_FORMATS[part.encrypted.origin];
    const payload: WireReasoningDetail = { type: "reasoning.encrypted", data: part.encrypted.data, format, index };
    return part.text ? [{ type: "reasoning.summary", summary: part.text, format, index }, payload] : [payload];
  }
  const d: WireReasoningDetail = { type: "reasoning.text", text: part.text, format: "unknown", index };
  if (part.signature) d.signature = part.signature;
  return [d];
}

/** The plain-text `reasoning` field: every readable reasoning text, in order. */
export function reasoningText(parts: ReasoningPart[]): string {
  let out = "";
  for (const p of parts) if (p.redactedData === undefined) out += p.text;
  return out;
}
