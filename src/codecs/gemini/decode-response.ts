/**
 * Upstream GenerateContentResponse → CanonicalResponse. Only candidates[0] is read (requests never
 * ask for more). Parts the canonical model cannot hold are dropped: executableCode /
 * codeExecutionResult and server-side toolCall / toolResponse (Gemini's own tools already ran),
 * and thought signatures on text parts (Google documents them as
 * optional outside function calls; the canonical ReasoningPart.signature slot is Anthropic's and a
 * Gemini signature there would be replayed to Anthropic). Generated images and audio (inlineData)
 * go to CanonicalResponse.media.
 */
import type { AssistantContentPart, CanonicalResponse } from "../../canonical/types";
import { newToolCallId, randomToken } from "../../canonical/ids";
import { UpstreamError } from "../../errors/gateway-error";
import { isRecord } from "../../streams/json";
import { type GeminiResponsePart, generateContentResponseSchema } from "./gemini-api";
import { mapGeminiFinishReason } from "./map-gemini-finish-reason";
import { groundingQueries, withSearches } from "./usage";
import { geminiMediaTokens } from "./media-usage";
import { mediaOfPart } from "./media-output";

export function decodeGeminiResponse(body: unknown): CanonicalResponse {
  if (isRecord(body) && isRecord(body.error)) {
    const message = typeof body.error.message === "string" ? body.error.message : "Gemini returned an error";
    throw new UpstreamError(message, { raw: body });
  }
  const parsed = generateContentResponseSchema.safeParse(body);
  if (!parsed.success) {
    throw new UpstreamError(`Invalid Gemini response: ${parsed.error.issues[0]?.message ?? "unexpected shape"}`, {
      raw: body,
    });
  }
  const res = parsed.data;
  const candidate = res.candidates?.find((c) => (c.index ?? 0) === 0);
  const blockReason = res.promptFeedback?.blockReason;
  if (!candidate && !blockReason) throw new UpstreamError("Gemini response has no candidates", { raw: body });

  const content = candidate ? contentFromParts(candidate.content?.parts ?? []) : [];
  const hasToolCalls = content.some((p) => p.type === "tool-call");
  const native = candidate ? candidate.finishReason : blockReason;
  const out: CanonicalResponse = {
    id: res.responseId ?? `gemini-${randomToken(20)}`,
    model: res.modelVersion ?? "",
    content,
    // A prompt blocked before generation has no candidate: promptFeedback.blockReason says why.
    finishReason: candidate ? mapGeminiFinishReason(native, hasToolCalls) : "content_filter",
    usage: withSearches(geminiMediaTokens(res.usageMetadata), groundingQueries(candidate)),
  };
  const media = (candidate?.content?.parts ?? []).flatMap((p) => mediaOfPart(p) ?? []);
  if (media.length) out.media = media;
  if (native) out.nativeFinishReason = native;
  return out;
}

export function contentFromParts(parts: GeminiResponsePart[]): AssistantContentPart[] {
  const content: AssistantContentPart[] = [];
  for (const part of parts) {
    if (part.functionCall) {
      const fc = part.functionCall;
      content.push({
        type: "tool-call",
        id: fc.id || newToolCallId(),
        name: fc.name ?? "",
        arguments: JSON.stringify(fc.args ?? {}),
        ...(part.thoughtSignature ? { thoughtSignature: part.thoughtSignature } : {}),
      });
    } else if (typeof part.text === "string" && part.text !== "") {
      const type = part.thought ? "reasoning" : "text";
      const last = content[content.length - 1];
      // Adjacent fragments of the same kind are one block (Gemini may split text across parts).
      if (last && (last.type === "text" || last.type === "reasoning") && last.type === type) last.text += part.text;
      else content.push({ type, text: part.text });
    }
  }
  return content;
}
