/**
 * Inbound Responses request (`POST /v1/responses`) → CanonicalRequest.
 * Unknown top-level fields are rejected like api.openai.com does; every documented field is
 * accepted, those without a canonical slot are kept in extensions.responses (extensions.ts).
 *
 * Input items only OpenAI can read that carry the conversation itself (a compaction, an item
 * reference) are required native features: the gateway must not send them elsewhere (phase B
 * resolves item references to stored items first).
 *
 * Refused with a 400 naming the field: `background` (asynchronous responses the gateway would have
 * to run detached) and `conversation` (a conversation stored at OpenAI under the gateway's own
 * account, shared by every key). `store` and `previous_response_id` are kept for the gateway,
 * which stores responses itself.
 */
import { isSessionId } from "../../canonical/request-limits";
import type { CanonicalRequest, NativeFeature, ReasoningConfig, ResponseFormat } from "../../canonical/types";
import { BadRequestError } from "../../errors/gateway-error";
import { isRecord } from "../../streams/json";
import { formatZodError } from "../openai/zod-error";
import { decodeRoutingOptions } from "../routing-options";
import { sparseSafeParse } from "../zod-sparse";
import { convertFromResponsesInput } from "./convert-from-responses-input";
import { decodeTools, decodeToolChoice, nativeToolFeatures } from "./convert-tools";
import type { ResponsesExtensions } from "./extensions";
import { EXTENSION_FIELDS, KNOWN_REQUEST_FIELDS, responsesRequestSchema, type ResponsesRequest } from "./responses-api";

export const REQUIRED_FIELDS = ["model"] as const;

export function decodeResponsesRequest(body: unknown): CanonicalRequest {
  if (!isRecord(body)) throw new BadRequestError("Request body must be a JSON object");
  for (const key of Object.keys(body)) {
    if (!KNOWN_REQUEST_FIELDS.has(key)) throw new BadRequestError(`Unrecognized request argument supplied: ${key}`);
  }
  const parsed = sparseSafeParse(responsesRequestSchema, REQUIRED_FIELDS, body);
  if (!parsed.success) throw new BadRequestError(formatZodError(parsed.error));
  const r = parsed.data;
  if (r.background === true) throw new BadRequestError("background: background responses are not supported; stream the response instead");
  if (r.conversation != null) throw new BadRequestError("conversation: conversations are not supported; use previous_response_id");

  const instructions = r.instructions ?? undefined;
  const { system, messages, opaqueItems } = convertFromResponsesInput(instructions, r.input ?? undefined);
  if (messages.length === 0 && opaqueItems.length === 0 && r.previous_response_id == null) {
    throw new BadRequestError("input: must contain at least one message or item");
  }
  const req: CanonicalRequest = { model: r.model, messages, stream: r.stream === true };
  if (system.length > 0) req.system = system;
  const ext: ResponsesExtensions = {};
  const features: NativeFeature[] = [];

  if (r.tools && r.tools.length > 0) {
    const { tools, builtin } = decodeTools(r.tools);
    if (tools.length > 0) req.tools = tools;
    ext.tools = r.tools;
    ext.toolCount = tools.length;
    const choice = r.tool_choice != null ? decodeToolChoice(r.tool_choice) : undefined;
    if (choice?.choice) req.toolChoice = choice.choice;
    if (choice?.raw) ext.toolChoice = r.tool_choice;
    features.push(...nativeToolFeatures(builtin, choice?.forcedBuiltin));
  }
  if (r.parallel_tool_calls != null) req.parallelToolCalls = r.parallel_tool_calls;
  if (r.prompt != null) features.push({ format: "responses", name: "prompt", required: true });
  // Built-in tool calls in the history can be left out for another upstream; a compaction (the
  // earlier conversation, encrypted by OpenAI) or an item reference cannot: the context would go.
  for (const type of new Set(opaqueItems)) {
    if (type === "compaction" || type === "item_reference") features.push({ format: "responses", name: `input item ${type}`, required: true });
  }
  if (features.length > 0) req.nativeFeatures = features;

  const format = decodeTextFormat(r);
  if (format) req.responseFormat = format;
  if (r.text?.verbosity != null) ext.verbosity = r.text.verbosity;
  if (r.max_output_tokens != null) req.maxTokens = r.max_output_tokens;
  if (r.temperature != null) req.temperature = r.temperature;
  if (r.top_p != null) req.topP = r.top_p;
  if (r.user != null) req.user = r.user;
  const reasoning = decodeReasoning(r);
  if (reasoning) req.reasoning = reasoning;
  if (r.reasoning) ext.reasoning = r.reasoning;
  // Codex sends its session id as prompt_cache_key: a natural key to keep `auto` on one model per
  // conversation (an explicit session_id wins). Only a key that can be a session id pins one (a
  // longer one still reaches the upstream as its cache key; session ids are capped, issue #11).
  const cacheKeySession = r.prompt_cache_key != null && isSessionId(r.prompt_cache_key) ? r.prompt_cache_key : undefined;
  const routing = decodeRoutingOptions({ ...r, session_id: r.session_id ?? cacheKeySession });
  if (routing) req.routing = routing;

  if (r.include) ext.include = r.include;
  if (instructions !== undefined) ext.instructions = instructions;
  if (r.store != null) ext.store = r.store;
  if (r.previous_response_id != null) ext.previousResponseId = r.previous_response_id;
  const fields: Record<string, unknown> = {};
  for (const key of EXTENSION_FIELDS) if (body[key] != null) fields[key] = body[key];
  if (Object.keys(fields).length > 0) ext.fields = fields;
  if (Object.keys(ext).length > 0) req.extensions = { responses: ext as Record<string, unknown> };
  return req;
}

function decodeTextFormat(r: ResponsesRequest): ResponseFormat | undefined {
  const f = r.text?.format;
  if (!f) return undefined;
  if (f.type !== "json_schema") return { type: f.type };
  const out: ResponseFormat = { type: "json_schema", schema: f.schema };
  if (f.name != null) out.name = f.name;
  if (f.description != null) out.description = f.description;
  if (f.strict != null) out.strict = f.strict;
  return out;
}

/**
 * `effort` maps to the canonical effort (OpenAI's `max` is canonical `xhigh`; the caller's own
 * object still reaches a Responses upstream). Asking for a summary means "show the reasoning":
 * canonically `exclude: false`, which turns on Gemini's thought summaries but does not by itself
 * switch reasoning on where it is off by default (Claude).
 */
function decodeReasoning(r: ResponsesRequest): ReasoningConfig | undefined {
  const o = r.reasoning;
  if (!o) return undefined;
  const cfg: ReasoningConfig = {};
  if (o.effort != null) cfg.effort = o.effort === "max" ? "xhigh" : o.effort;
  const summary = o.summary ?? o.generate_summary;
  if (summary != null) cfg.exclude = false;
  return Object.keys(cfg).length > 0 ? cfg : undefined;
}
