/**
 * Inbound OpenAI chat-completions request -> CanonicalRequest.
 * Unknown top-level fields are rejected like api.openai.com does; every documented field is
 * accepted, and those without a canonical slot are kept verbatim in extensions.openai.
 */
import { decodeRoutingOptions } from "../routing-options";
import type {
  CanonicalRequest,
  ReasoningConfig,
  ResponseFormat,
  RoutingOptions,
  ToolChoice,
  ToolDefinition,
} from "../../canonical/types";
import { BadRequestError } from "../../errors/gateway-error";
import { isRecord } from "../../streams/json";
import { chatRequestSchema, EXTENSION_FIELDS, KNOWN_REQUEST_FIELDS, type OpenAIChatRequest } from "./openai-api";
import { convertFromOpenAIMessages } from "./convert-from-openai-messages";
import { formatZodError } from "./zod-error";
import { decodeOutputOptions } from "./media-output";
import { sparseSafeParse } from "../zod-sparse";

/** The request's required keys (test/codecs/zod-sparse.test.ts checks them against the schema). */
export const REQUIRED_FIELDS = ["model", "messages"] as const;

export function decodeOpenAIRequest(body: unknown): CanonicalRequest {
  if (!isRecord(body)) throw new BadRequestError("Request body must be a JSON object");
  for (const key of Object.keys(body)) {
    if (!KNOWN_REQUEST_FIELDS.has(key)) throw new BadRequestError(`Unrecognized request argument supplied: ${key}`);
  }
  const parsed = sparseSafeParse(chatRequestSchema, REQUIRED_FIELDS, body);
  if (!parsed.success) throw new BadRequestError(formatZodError(parsed.error));
  const r = parsed.data;
  if (r.n != null && r.n > 1) throw new BadRequestError("n > 1 is not supported");

  const { system, messages } = convertFromOpenAIMessages(r.messages);
  const req: CanonicalRequest = { model: r.model, messages, stream: r.stream === true };
  if (system.length > 0) req.system = system;

  const tools = decodeTools(r);
  if (tools) req.tools = tools;
  const toolChoice = decodeToolChoice(r);
  if (toolChoice) req.toolChoice = toolChoice;
  if (r.parallel_tool_calls != null) req.parallelToolCalls = r.parallel_tool_calls;
  const responseFormat = decodeResponseFormat(r);
  if (responseFormat) req.responseFormat = responseFormat;

  // max_completion_tokens is the current name; max_tokens the deprecated one. Either means the same.
  const maxTokens = r.max_completion_tokens ?? r.max_tokens;
  if (maxTokens != null) req.maxTokens = maxTokens;
  if (r.temperature != null) req.temperature = r.temperature;
  if (r.top_p != null) req.topP = r.top_p;
  if (r.top_k != null) req.topK = r.top_k;
  if (r.stop != null) req.stop = typeof r.stop === "string" ? [r.stop] : r.stop;
  if (r.seed != null) req.seed = r.seed;
  if (r.frequency_penalty != null) req.frequencyPenalty = r.frequency_penalty;
  if (r.presence_penalty != null) req.presencePenalty = r.presence_penalty;
  if (r.user != null) req.user = r.user;

  const reasoning = decodeReasoning(r);
  if (reasoning) req.reasoning = reasoning;
  const routing = decodeRoutingOptions(r);
  if (routing) req.routing = routing;

  Object.assign(req, decodeOutputOptions(body));

  const ext: Record<string, unknown> = {};
  for (const key of EXTENSION_FIELDS) if (body[key] != null) ext[key] = body[key];
  if (Object.keys(ext).length > 0) req.extensions = { openai: ext };
  return req;
}

function decodeTools(r: OpenAIChatRequest): ToolDefinition[] | undefined {
  const defs = [
    ...(r.tools ?? []).map((t) => ({ fn: t.function, cache: t.cache_control })),
    ...(r.functions ?? []).map((fn) => ({ fn, cache: undefined })),
  ];
  if (defs.length === 0) return undefined;
  return defs.map(({ fn, cache }) => {
    // OpenAI allows omitting parameters (a function with no arguments).
    const tool: ToolDefinition = { name: fn.name, parameters: fn.parameters ?? { type: "object", properties: {} } };
    if (fn.description != null) tool.description = fn.description;
    if (fn.strict != null) tool.strict = fn.strict;
    if (cache) tool.cacheControl = cache.ttl ? { type: "ephemeral", ttl: cache.ttl } : { type: "ephemeral" };
    return tool;
  });
}

function decodeToolChoice(r: OpenAIChatRequest): ToolChoice | undefined {
  const c = r.tool_choice ?? r.function_call;
  if (c == null) return undefined;
  if (typeof c === "string") return { type: c };
  return { type: "tool", name: "function" in c ? c.function.name : c.name };
}

function decodeResponseFormat(r: OpenAIChatRequest): ResponseFormat | undefined {
  const f = r.response_format;
  if (!f) return undefined;
  if (f.type !== "json_schema") return { type: f.type };
  const js = f.json_schema;
  const out: ResponseFormat = { type: "json_schema", schema: js.schema ?? {} };
  if (js.name != null) out.name = js.name;
  if (js.description != null) out.description = js.description;
  if (js.strict != null) out.strict = js.strict;
  return out;
}

function decodeReasoning(r: OpenAIChatRequest): ReasoningConfig | undefined {
  const cfg: ReasoningConfig = {};
  const o = r.reasoning;
  const effort = o?.effort ?? r.reasoning_effort;
  if (effort != null) cfg.effort = effort;
  if (o?.max_tokens != null) cfg.maxTokens = o.max_tokens;
  if (o?.enabled != null) cfg.enabled = o.enabled;
  // Legacy OpenRouter flag: include_reasoning:false means "reason but do not show it".
  const exclude = o?.exclude ?? (r.include_reasoning === false ? true : undefined);
  if (exclude != null) cfg.exclude = exclude;
  if (r.include_reasoning === true && cfg.enabled === undefined) cfg.enabled = true;
  return Object.keys(cfg).length > 0 ? cfg : undefined;
}
