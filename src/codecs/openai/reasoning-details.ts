/**
 * OpenRouter `reasoning_details` <-> canonical ReasoningPart.
 * - reasoning.text {text, signature}  <-> ReasoningPart {text, signature}   (Anthropic thinking)
 * - reasoning.encrypted {data}        <-> ReasoningPart {text:"", redactedData}
 * - reasoning.summary {summary}        -> ReasoningPart {text}               (OpenAI summaries)
 * Unknown detail types are skipped: they carry nothing the canonical model can hold.
 */
import type { ReasoningPart } from "../../canonical/types";
import type { OpenAIReasoningDetail } from "./openai-api";

export function detailToPart(d: OpenAIReasoningDetail): ReasoningPart | undefined {
  switch (d.type) {
    case "reasoning.text": {
      const part: ReasoningPart = { type: "reasoning", text: d.text ?? "" };
      if (d.signature) part.signature = d.signature;
      return part.text || part.signature ? part : undefined;
    }
    case "reasoning.summary":
      return d.summary ? { type: "reasoning", text: d.summary } : undefined;
    case "reasoning.encrypted":
      return d.data ? { type: "reasoning", text: "", redactedData: d.data } : undefined;
    default:
      return undefined;
  }
}

/**
 * All details of a message, in order. Clients that replay streamed deltas verbatim send one
 * reasoning.text item per delta (same `index`, the signature on the last one); those are merged
 * back into one block, since a signature only verifies the block's whole text.
 */
export function detailsToParts(details: OpenAIReasoningDetail[]): ReasoningPart[] {
  const out: ReasoningPart[] = [];
  let lastIndex: number | undefined;
  for (const d of details) {
    const part = detailToPart(d);
    if (!part) continue;
    const prev = out[out.length - 1];
    const sameBlock =
      d.type === "reasoning.text" && d.index != null && d.index === lastIndex && prev && !prev.signature && prev.redactedData === undefined;
    if (sameBlock) {
      prev.text += part.text;
      if (part.signature) prev.signature = part.signature;
    } else out.push(part);
    lastIndex = d.type === "reasoning.text" ? (d.index ?? undefined) : undefined;
  }
  return out;
}

/** The wire shape we emit; `format` is unknown because the canonical part does not record its origin. */
export interface WireReasoningDetail {
  type: "reasoning.text" | "reasoning.encrypted";
  text?: string;
  signature?: string;
  data?: string;
  format: "unknown";
  index: number;
}

export function partToDetail(part: ReasoningPart, index: number): WireReasoningDetail {
  if (part.redactedData !== undefined) return { type: "reasoning.encrypted", data: part.redactedData, format: "unknown", index };
  const d: WireReasoningDetail = { type: "reasoning.text", text: part.text, format: "unknown", index };
  if (part.signature) d.signature = part.signature;
  return d;
}

/** The plain-text `reasoning` field: every readable reasoning text, in order. */
export function reasoningText(parts: ReasoningPart[]): string {
  let out = "";
  for (const p of parts) if (p.redactedData === undefined) out += p.text;
  return out;
}
