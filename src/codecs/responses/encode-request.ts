/**
 * CanonicalRequest → Responses request body, for OpenAI's `/v1/responses` (the only way to reach
 * its Responses-only models: the -pro and codex families). A Responses caller's own extras
 * (extensions.responses: built-in tools, include, metadata, reasoning summary…) are merged in.
 *
 * State is the gateway's business, not the upstream's: `store: false` always (the gateway stores
 * responses itself, under its own retention and per key; an upstream copy would outlive both and
 * be readable by anyone holding the gateway's OpenAI key), and never `previous_response_id` (the
 * gateway's ids mean nothing upstream; it expands the conversation into `input` first). With
 * `store: false` OpenAI can only continue reasoning from `encrypted_content`, so it is requested
 * whenever the request reasons; the Responses surface shows it to a caller only when the caller asked.
 *
 * Dropped (no Responses slot): topK, stop, seed, frequency / presence penalties.
 */
import type { CanonicalRequest, ReasoningConfig } from "../../canonical/types";
import { reasoningEffort } from "../openai/encode-request";
import { convertToResponsesInput } from "./convert-to-responses-input";
import { encodeToolChoice, encodeTools } from "./convert-tools";
import { readResponsesExtensions, type ResponsesExtensions } from "./extensions";
import { addImageGenerationTool } from "./image-generation";
import { textFormatOf } from "./response-object";

/** OpenAI rejects a max_output_tokens below 16. */
const MIN_OUTPUT_TOKENS = 16;
const ENCRYPTED_REASONING = "reasoning.encrypted_content";

export function encodeResponsesRequest(req: CanonicalRequest, upstreamModel: string): Record<string, unknown> {
  const ext = readResponsesExtensions(req);
  const body: Record<string, unknown> = { ...ext.fields };
  body.model = upstreamModel;
  const system = (req.system ?? []).map((p) => p.text).filter((t) => t !== "");
  if (system.length > 0) body.instructions = system.join("\n\n");
  body.input = convertToResponsesInput(req.messages, req.tools);

  const tools = req.tools ?? [];
  // The caller's own tool list (built-in tools, namespaces, defer_loading…) while it is still the
  // one the canonical tools were decoded from.
  const verbatim = ext.tools !== undefined && ext.toolCount === tools.length;
  if (verbatim) body.tools = ext.tools;
  else if (tools.length > 0) body.tools = encodeTools(tools);
  addImageGenerationTool(body, req);
  if (body.tools) {
    const choice = verbatim && ext.toolChoice !== undefined ? ext.toolChoice : req.toolChoice ? encodeToolChoice(req.toolChoice, tools) : undefined;
    if (choice !== undefined) body.tool_choice = choice;
    if (req.parallelToolCalls !== undefined) body.parallel_tool_calls = req.parallelToolCalls;
  }

  const text: Record<string, unknown> = {};
  if (req.responseFormat) text.format = textFormatOf(req.responseFormat);
  if (ext.verbosity) text.verbosity = ext.verbosity;
  if (Object.keys(text).length > 0) body.text = text;

  if (req.reasoning) {
    const reasoning = reasoningBody(req.reasoning, req.maxTokens, ext);
    if (reasoning) body.reasoning = reasoning;
  }
  if (req.maxTokens !== undefined) body.max_output_tokens = Math.max(MIN_OUTPUT_TOKENS, req.maxTokens);
  if (req.temperature !== undefined) body.temperature = req.temperature;
  if (req.topP !== undefined) body.top_p = req.topP;
  if (req.user !== undefined) body.user = req.user;

  body.store = false;
  const include = (ext.include ?? []).filter((i) => i !== ENCRYPTED_REASONING);
  if (wantsEncryptedReasoning(req, ext)) include.push(ENCRYPTED_REASONING);
  if (include.length > 0) body.include = [...new Set(include)];
  if (req.stream) body.stream = true;
  else delete body.stream_options;
  return body;
}

/**
 * Encrypted reasoning is asked for whenever the request reasons, or the caller asked for it without
 * saying anything about reasoning. Not when the gateway dropped the caller's reasoning settings
 * (canonical reasoning gone, the caller's object still here): the model takes none, and OpenAI
 * answers `include: reasoning.encrypted_content` for such a model (gpt-4o) with a 400.
 */
function wantsEncryptedReasoning(req: CanonicalRequest, ext: ResponsesExtensions): boolean {
  if (req.reasoning) return true;
  return ext.reasoning === undefined && ext.include?.includes(ENCRYPTED_REASONING) === true;
}

/**
 * A Responses caller's own reasoning object wins (summary, effort `max`); otherwise the canonical
 * effort, with summaries on unless the caller excluded reasoning (a chat caller then sees
 * OpenAI's reasoning summaries as reasoning text).
 */
function reasoningBody(r: ReasoningConfig, maxTokens: number | undefined, ext: ResponsesExtensions): Record<string, unknown> | undefined {
  if (ext.reasoning) return ext.reasoning;
  const out: Record<string, unknown> = {};
  const effort = reasoningEffort(r, maxTokens);
  if (effort) out.effort = effort;
  if (r.exclude !== true && r.enabled !== false && effort !== "none") out.summary = "auto";
  return Object.keys(out).length > 0 ? out : undefined;
}
