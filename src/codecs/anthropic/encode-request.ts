/**
 * CanonicalRequest → Anthropic Messages request body.
 *
 * Dropped because Anthropic cannot express them (or rejects the combination):
 * - seed, frequencyPenalty, presencePenalty: no Anthropic equivalent;
 * - with thinking on: temperature, top_k, top_p below 0.95, and tool_choice any/tool
 *   (Anthropic only allows auto/none with extended thinking);
 * - top_p when temperature is also set (recent Claude models reject both together);
 * - thinking itself when the tool call being answered has no signed thinking block before it
 *   (history from another provider, or a client that dropped the signatures): Anthropic rejects
 *   thinking then ("a final assistant message must start with a thinking block");
 * - temperature / top_p are clamped to Anthropic's 0..1 range.
 * responseFormat json_object has no native form: an instruction is appended to the system
 * prompt. json_schema uses structured outputs (output_config.format).
 */
import type { CanonicalRequest, ReasoningEffort, TextPart, ToolDefinition } from "../../canonical/types";
import { isRecord } from "../../streams/json";
import { wireCacheControl } from "./content-utils";
import { toAnthropicMessages } from "./convert-to-anthropic-messages";
import { adaptSystemMessages } from "./system-messages";

export const DEFAULT_MAX_TOKENS = 4096;
const MIN_THINKING_BUDGET = 1024;
const EFFORT_BUDGET: Record<Exclude<ReasoningEffort, "none">, number> = {
  minimal: 1024,
  low: 2048,
  medium: 8192,
  high: 16384,
  xhigh: 32000,
};
export const JSON_OBJECT_INSTRUCTION = "Respond only with a single valid JSON object, without any surrounding text or code fences.";

/** Keys of extensions.anthropic handled explicitly; everything else is merged verbatim. */
const SPECIAL_EXTENSIONS = new Set(["messages", "system", "tools", "thinking", "output_config"]);

export function encodeAnthropicRequest(req: CanonicalRequest, upstreamModel: string): Record<string, unknown> {
  const ext = req.extensions?.anthropic ?? {};
  const body: Record<string, unknown> = { model: upstreamModel };
  let maxTokens = req.maxTokens ?? DEFAULT_MAX_TOKENS;

  // Raw messages (kept when the caller's Anthropic request had blocks the canonical model
  // cannot hold) win over the canonical ones, together with their own top-level system.
  if (Array.isArray(ext.messages)) {
    body.messages = ext.messages;
    if (ext.system !== undefined) body.system = ext.system;
    adaptSystemMessages(body, upstreamModel);
  } else {
    const system = systemBlocks(req);
    if (system.length > 0) body.system = system;
    body.messages = toAnthropicMessages(req.messages);
  }

  const tools = Array.isArray(ext.tools) ? ext.tools : req.tools?.map(toolDefinition);
  if (tools && tools.length > 0) body.tools = tools;

  let thinking = thinkingConfig(req, ext);
  // (An Anthropic caller's own raw messages are left to Anthropic to judge, as in passthrough.)
  if (thinking && thinking.type !== "disabled" && !Array.isArray(ext.messages) && unsignedToolTurn(body.messages)) thinking = undefined;
  const thinkingOn = thinking !== undefined && thinking.type !== "disabled";
  if (thinking) body.thinking = thinking;
  if (thinking?.type === "enabled" && typeof thinking.budget_tokens === "number" && maxTokens <= thinking.budget_tokens) {
    // Anthropic requires max_tokens > budget_tokens; leave room for the answer itself.
    maxTokens = thinking.budget_tokens + DEFAULT_MAX_TOKENS;
  }
  body.max_tokens = maxTokens;

  if (req.temperature !== undefined && !thinkingOn) body.temperature = clamp01(req.temperature);
  else if (req.topP !== undefined && (!thinkingOn || req.topP >= 0.95)) body.top_p = clamp01(req.topP);
  if (req.topK !== undefined && !thinkingOn) body.top_k = req.topK;
  if (req.stop && req.stop.length > 0) body.stop_sequences = req.stop;
  if (req.user) body.metadata = { user_id: req.user };
  if (req.stream) body.stream = true;

  const toolChoice = toolChoiceBody(req, thinkingOn);
  if (toolChoice && body.tools) body.tool_choice = toolChoice;

  const outputConfig: Record<string, unknown> = {};
  if (req.responseFormat?.type === "json_schema") outputConfig.format = { type: "json_schema", schema: req.responseFormat.schema };
  if (isRecord(ext.output_config)) Object.assign(outputConfig, ext.output_config);
  if (Object.keys(outputConfig).length > 0) body.output_config = outputConfig;

  for (const [key, value] of Object.entries(ext)) {
    if (!SPECIAL_EXTENSIONS.has(key)) body[key] = value;
  }
  return body;
}

/** The last assistant turn calls tools but does not start with a thinking block. */
function unsignedToolTurn(messages: unknown): boolean {
  if (!Array.isArray(messages)) return false;
  for (let i = messages.length - 1; i >= 0; i--) {
    const m: unknown = messages[i];
    if (!isRecord(m) || m.role !== "assistant") continue;
    const blocks = Array.isArray(m.content) ? m.content.filter(isRecord) : [];
    const first = blocks[0]?.type;
    return blocks.some((b) => b.type === "tool_use") && first !== "thinking" && first !== "redacted_thinking";
  }
  return false;
}

function systemBlocks(req: CanonicalRequest): Record<string, unknown>[] {
  const parts: TextPart[] = (req.system ?? []).filter((p) => p.text.length > 0);
  const blocks: Record<string, unknown>[] = parts.map((p) => ({ type: "text", text: p.text, ...wireCacheControl(p.cacheControl) }));
  if (req.responseFormat?.type === "json_object") blocks.push({ type: "text", text: JSON_OBJECT_INSTRUCTION });
  return blocks;
}

function toolDefinition(tool: ToolDefinition): Record<string, unknown> {
  // Anthropic requires an object schema; OpenAI tools may omit parameters entirely.
  const schema = tool.parameters.type === undefined ? { type: "object", properties: {}, ...tool.parameters } : tool.parameters;
  const out: Record<string, unknown> = { name: tool.name };
  if (tool.description !== undefined) out.description = tool.description;
  out.input_schema = schema;
  if (tool.strict !== undefined) out.strict = tool.strict;
  return Object.assign(out, wireCacheControl(tool.cacheControl));
}

/**
 * The caller's own Anthropic thinking config (adaptive, display…) wins; otherwise thinking is
 * on when reasoning is enabled or has an effort/budget. An effort that came from Anthropic's
 * output_config.effort stays native there and does not switch thinking on.
 */
function thinkingConfig(req: CanonicalRequest, ext: Record<string, unknown>): Record<string, unknown> | undefined {
  if (isRecord(ext.thinking)) return ext.thinking;
  const r = req.reasoning;
  if (!r || r.enabled === false || r.effort === "none") return undefined;
  const nativeEffort = isRecord(ext.output_config) && ext.output_config.effort != null;
  const effortBudget = r.effort && !nativeEffort ? EFFORT_BUDGET[r.effort] : undefined;
  // `exclude` means "reason, but do not show it": reasoning is still on.
  if (r.maxTokens === undefined && effortBudget === undefined && r.enabled !== true && r.exclude !== true) return undefined;
  const budget = Math.max(MIN_THINKING_BUDGET, Math.floor(r.maxTokens ?? effortBudget ?? EFFORT_BUDGET.medium));
  return { type: "enabled", budget_tokens: budget };
}

function toolChoiceBody(req: CanonicalRequest, thinkingOn: boolean): Record<string, unknown> | undefined {
  let choice = req.toolChoice;
  if (thinkingOn && (choice?.type === "required" || choice?.type === "tool")) choice = undefined;
  if (choice?.type === "none") return { type: "none" };
  const disableParallel = req.parallelToolCalls === false;
  if (!choice && !disableParallel) return undefined;
  const out: Record<string, unknown> =
    choice?.type === "required" ? { type: "any" } : choice?.type === "tool" ? { type: "tool", name: choice.name } : { type: "auto" };
  if (disableParallel) out.disable_parallel_tool_use = true;
  return out;
}

function clamp01(v: number): number {
  return Math.min(1, Math.max(0, v));
}
