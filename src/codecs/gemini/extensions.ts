/**
 * What a Gemini caller sent that the canonical model has no slot for, kept in
 * `CanonicalRequest.extensions.gemini` so a Gemini upstream still receives it (other codecs
 * ignore it). The encoder merges it back field by field.
 */
import type { CanonicalRequest } from "../../canonical/types";
import { isRecord } from "../../streams/json";

export interface GeminiExtensions {
  /** Top-level fields sent verbatim: safetySettings, cachedContent, serviceTier, labels, modelArmorConfig. */
  [topLevelField: string]: unknown;
  /** Non-function tools ({googleSearch:{}}, {codeExecution:{}}, {urlContext:{}}, {fileSearch:{…}}…), appended to `tools`. */
  tools?: Record<string, unknown>[];
  /** toolConfig fields other than the function-calling mode (retrievalConfig, includeServerSideToolInvocations…). */
  toolConfig?: Record<string, unknown>;
  /** ANY with several allowedFunctionNames (canonical `required` cannot name them). */
  allowedFunctionNames?: string[];
  /** generationConfig fields the canonical model lacks (responseModalities, speechConfig, logprobs…). */
  generationConfig?: Record<string, unknown>;
  /**
   * The caller's `contents`, verbatim, when converting them to canonical messages lost something a
   * Gemini upstream uses: thought signatures on text parts, executableCode / codeExecutionResult /
   * toolCall / toolResponse parts, model-generated images, media metadata.
   * Only used when the canonical message count is still `contentsMessageCount` (nobody edited
   * the conversation since it was decoded); never sent as such.
   */
  contents?: unknown[];
  contentsMessageCount?: number;
}

/** Keys of GeminiExtensions that are not plain top-level request fields. */
export const STRUCTURED_EXTENSION_KEYS = new Set([
  "tools",
  "toolConfig",
  "allowedFunctionNames",
  "generationConfig",
  "contents",
  "contentsMessageCount",
]);

export function readGeminiExtensions(req: CanonicalRequest): GeminiExtensions {
  const ext = req.extensions?.gemini;
  return isRecord(ext) ? (ext as GeminiExtensions) : {};
}
