/**
 * CanonicalResponse → a Gemini GenerateContentResponse for a Gemini caller.
 */
import type { AssistantContentPart, CanonicalResponse } from "../../canonical/types";
import type { EncodeContext } from "../codec";
import { parseArgs } from "./convert-to-gemini-contents";
import { toGeminiFinishReason } from "./map-gemini-finish-reason";
import { type GeminiUsageOut, usageToGemini } from "./usage";
import { inlineDataPart } from "./media-output";

export interface GeminiResponseOut {
  candidates: Array<{
    content: { role: "model"; parts: Record<string, unknown>[] };
    finishReason?: string;
    index: number;
  }>;
  usageMetadata: GeminiUsageOut;
  modelVersion: string;
  responseId: string;
}

export function encodeGeminiResponse(res: CanonicalResponse, ctx: EncodeContext): GeminiResponseOut {
  const parts = res.content.flatMap((p) => encodePart(p, ctx.includeReasoning !== false));
  for (const m of res.media ?? []) parts.push(inlineDataPart(m));
  return {
    candidates: [
      {
        // Google sends an empty text part rather than no parts when there is nothing to say.
        content: { role: "model", parts: parts.length > 0 ? parts : [{ text: "" }] },
        finishReason: toGeminiFinishReason(res.finishReason, res.nativeFinishReason),
        index: 0,
      },
    ],
    usageMetadata: usageToGemini(res.usage),
    modelVersion: res.model || ctx.model,
    responseId: ctx.id,
  };
}

export function encodePart(p: AssistantContentPart, includeReasoning: boolean): Record<string, unknown>[] {
  switch (p.type) {
    case "text":
      return p.text ? [{ text: p.text }] : [];
    case "reasoning":
      // Redacted (Anthropic) reasoning has no text a Gemini caller could use.
      return includeReasoning && p.text ? [{ text: p.text, thought: true }] : [];
    case "tool-call":
      return [functionCallPart(p.id, p.name, p.arguments, p.thoughtSignature)];
  }
}

export function functionCallPart(id: string, name: string, args: string, signature?: string): Record<string, unknown> {
  const part: Record<string, unknown> = { functionCall: { id, name, args: parseArgs(args) } };
  if (signature) part.thoughtSignature = signature;
  return part;
}
