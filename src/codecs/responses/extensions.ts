/**
 * What a Responses caller sent that the canonical model has no slot for, kept in
 * `CanonicalRequest.extensions.responses`: a Responses upstream receives it, the Responses surface
 * echoes it in its answer, and the gateway reads the state fields (store, previous_response_id).
 * Other codecs ignore it.
 */
import type { CanonicalRequest } from "../../canonical/types";
import { isRecord } from "../../streams/json";

export interface ResponsesExtensions {
  /** Top-level fields sent verbatim to a Responses upstream (metadata, service_tier, truncation…). */
  fields?: Record<string, unknown>;
  /**
   * The caller's `tools`, verbatim (built-in tools, namespaces, defer_loading… included), used for a
   * Responses upstream while the canonical tools are still the `toolCount` they were decoded into.
   */
  tools?: unknown[];
  toolCount?: number;
  /** The caller's `tool_choice` when the canonical one cannot say it (allowed_tools, a built-in tool). */
  toolChoice?: unknown;
  /** The caller's `reasoning` object (summary, effort `max`, context…). */
  reasoning?: Record<string, unknown>;
  /** `text.verbosity`. */
  verbosity?: string;
  include?: string[];
  /** The caller's `instructions`, echoed in the answer (they are also the first system part). */
  instructions?: string;
  /** Whether the gateway should store the response (OpenAI's default: true). */
  store?: boolean;
  previousResponseId?: string;
}

export function readResponsesExtensions(req: CanonicalRequest | undefined): ResponsesExtensions {
  const ext = req?.extensions?.responses;
  return isRecord(ext) ? (ext as ResponsesExtensions) : {};
}

/** `include` asks for reasoning.encrypted_content: only then does OpenAI return it. */
export const wantsEncryptedReasoning = (ext: ResponsesExtensions): boolean =>
  ext.include?.includes("reasoning.encrypted_content") === true;
