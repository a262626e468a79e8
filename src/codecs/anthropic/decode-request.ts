/**
 * Inbound Anthropic Messages request → CanonicalRequest.
 *
 * Everything the canonical model cannot hold is kept in extensions.anthropic under its own
 * wire name, so an Anthropic upstream receives it verbatim (encodeRequest merges it back):
 * - Anthropic-only top-level fields (service_tier, container, mcp_servers, …);
 * - `thinking` when it is adaptive / between_tools or has `display`;
 * - `output_config` minus `format` (e.g. effort);
 * - `tools` (all of them) when any is a server tool or uses Anthropic-only tool fields; a deferred
 *   tool (`defer_loading`) reaches other upstreams only once loaded (convert-deferred-tools.ts),
 *   and a server-side tool search reaches them as a function the gateway answers;
 * - `messages` (+ `system`) when any block has no canonical equivalent (see
 *   convert-from-anthropic-messages.ts).
 */
import type { z } from "zod";
import type { CanonicalRequest, ReasoningEffort, TextPart, ToolChoice, ToolDefinition } from "../../canonical/types";
import { BadRequestError } from "../../errors/gateway-error";
import { isRecord } from "../../streams/json";
import { PASSTHROUGH_FIELDS, customToolSchema, messagesRequestSchema, type MessagesRequest } from "./anthropic-api";
import { fromWireCacheControl } from "./content-utils";
import { isDeferred, toolAvailability, toolTable } from "./convert-deferred-tools";
import { decodeAnthropicMessages } from "./convert-from-anthropic-messages";
import { findToolSearch, searchFunction } from "./gateway-tool-search";
import { parseOrThrow } from "./validation";

const CUSTOM_TOOL_KEYS = new Set(["type", "name", "description", "input_schema", "cache_control", "strict"]);
const PLAIN_THINKING_KEYS = new Set(["type", "budget_tokens"]);

export function decodeAnthropicRequest(body: unknown): CanonicalRequest {
  if (!isRecord(body)) throw new BadRequestError("body: expected a JSON object");
  const req = parseOrThrow(messagesRequestSchema, body);
  const ext: Record<string, unknown> = {};

  const search = findToolSearch(req.tools);
  const decoded = decodeAnthropicMessages(req.messages, toolTable(req.tools), new Set(search ? [search.name] : []));
  const out: CanonicalRequest = {
    model: req.model,
    messages: decoded.messages,
    maxTokens: req.max_tokens,
    stream: req.stream ?? false,
  };
  if (decoded.lossy) {
    ext.messages = body.messages;
    if (body.system !== undefined) ext.system = body.system;
  }

  const system = [...decodeSystem(req.system), ...decoded.leadingSystem];
  if (system.length > 0) out.system = system;

  if (req.temperature !== undefined) out.temperature = req.temperature;
  if (req.top_p !== undefined) out.topP = req.top_p;
  if (req.top_k !== undefined) out.topK = req.top_k;
  if (req.stop_sequences !== undefined) out.stop = req.stop_sequences;
  if (typeof req.metadata?.user_id === "string") out.user = req.metadata.user_id;

  decodeTools(req, body, out, ext);
  // Other upstreams run Anthropic's server-side tool search through the gateway (gateway-tool-search.ts).
  if (search) out.tools = [...(out.tools ?? []), searchFunction(search)];
  decodeThinking(req, body, out, ext);
  decodeOutputConfig(req, body, out, ext);

  for (const field of PASSTHROUGH_FIELDS) {
    if (body[field] !== undefined) ext[field] = body[field];
  }
  if (Object.keys(ext).length > 0) out.extensions = { anthropic: ext };
  return out;
}

function decodeSystem(system: MessagesRequest["system"]): TextPart[] {
  if (system === undefined) return [];
  if (typeof system === "string") return system ? [{ type: "text", text: system }] : [];
  return system.map((b) => {
    const cc = fromWireCacheControl(b.cache_control);
    return cc ? { type: "text", text: b.text, cacheControl: cc } : { type: "text", text: b.text };
  });
}

function decodeTools(req: MessagesRequest, body: Record<string, unknown>, out: CanonicalRequest, ext: Record<string, unknown>): void {
  const { loaded, added, removed } = toolAvailability(req.messages);
  if (req.tool_choice?.type === "tool") loaded.add(req.tool_choice.name);
  const tools: ToolDefinition[] = [];
  let anthropicOnly = added.size > 0 || removed.size > 0;
  req.tools?.forEach((tool, i) => {
    if (tool.type != null && tool.type !== "custom") {
      // Server tools (web_search_20250305, bash_20250124, code_execution_*, …): only Anthropic runs them.
      anthropicOnly = true;
      return;
    }
    const t = parseOrThrow(customToolSchema, tool, ["tools", i]);
    if (Object.keys(tool).some((k) => !CUSTOM_TOOL_KEYS.has(k))) anthropicOnly = true;
    // Not loaded yet, withdrawn or redefined mid-conversation: what Anthropic would show the model.
    if ((isDeferred(tool) && !loaded.has(t.name)) || removed.has(t.name) || added.has(t.name)) return;
    tools.push(toolDefinition(t));
  });
  let k = 0;
  for (const definition of added.values()) {
    if (definition.type == null || definition.type === "custom") tools.push(toolDefinition(parseOrThrow(customToolSchema, definition, ["tool_addition", k])));
    k++;
  }
  if (tools.length > 0) out.tools = tools;
  // An Anthropic upstream gets the tools as sent (tool changes stay in the raw messages).
  if (anthropicOnly) ext.tools = body.tools ?? [];

  const tc = req.tool_choice;
  if (!tc) return;
  const choice: ToolChoice =
    tc.type === "any" ? { type: "required" } : tc.type === "tool" ? { type: "tool", name: tc.name } : { type: tc.type };
  out.toolChoice = choice;
  if (tc.type !== "none" && tc.disable_parallel_tool_use === true) out.parallelToolCalls = false;
}

function toolDefinition(t: z.infer<typeof customToolSchema>): ToolDefinition {
  const def: ToolDefinition = { name: t.name, parameters: t.input_schema };
  if (t.description !== undefined) def.description = t.description;
  if (t.strict !== undefined) def.strict = t.strict;
  const cc = fromWireCacheControl(t.cache_control);
  if (cc) def.cacheControl = cc;
  return def;
}

function decodeThinking(req: MessagesRequest, body: Record<string, unknown>, out: CanonicalRequest, ext: Record<string, unknown>): void {
  const th = req.thinking;
  if (!th) return;
  if (th.type === "enabled") {
    if (th.budget_tokens < 1024) throw new BadRequestError("thinking.enabled.budget_tokens: Input should be greater than or equal to 1024");
    out.reasoning = { enabled: true, maxTokens: th.budget_tokens };
  } else if (th.type === "disabled") out.reasoning = { enabled: false };
  else out.reasoning = { enabled: true };
  const plain = (th.type === "enabled" || th.type === "disabled") && Object.keys(th).every((k) => PLAIN_THINKING_KEYS.has(k));
  if (!plain) ext.thinking = body.thinking;
}

const EFFORTS: Record<string, ReasoningEffort> = { low: "low", medium: "medium", high: "high", xhigh: "xhigh", max: "xhigh" };

function decodeOutputConfig(req: MessagesRequest, body: Record<string, unknown>, out: CanonicalRequest, ext: Record<string, unknown>): void {
  const format = req.output_config?.format ?? req.output_format;
  if (format) out.responseFormat = { type: "json_schema", schema: format.schema };
  const raw = body.output_config;
  if (!isRecord(raw)) return;
  const rest = Object.fromEntries(Object.entries(raw).filter(([k]) => k !== "format"));
  if (Object.keys(rest).length > 0) ext.output_config = rest;
  // Effort also informs other upstreams (OpenAI reasoning_effort); for Anthropic it stays
  // native in output_config and does not turn on extended thinking.
  const effort = typeof rest.effort === "string" ? EFFORTS[rest.effort] : undefined;
  if (effort) out.reasoning = { ...out.reasoning, effort };
}
