/**
 * CanonicalRequest -> OpenAI chat-completions body for OpenAI or any OpenAI-compatible upstream.
 * Extensions (extensions.openai) are merged first so the canonical fields always win.
 */
import type { CanonicalRequest, ReasoningConfig, ReasoningEffort, ResponseFormat, ToolChoice } from "../../canonical/types";
import { convertToOpenAIMessages } from "./convert-to-openai-messages";
import type { OpenAIEncodeOptions } from "./encode-options";
import { encodeOutputOptions } from "./media-output";

export function encodeOpenAIRequest(
  req: CanonicalRequest,
  upstreamModel: string,
  options: OpenAIEncodeOptions = {},
): Record<string, unknown> {
  const ext = req.extensions?.openai ?? {};
  // A caller using OpenAI's explicit prompt caching (prompt_cache_options) needs its breakpoints
  // back, or "explicit" mode would disable caching altogether.
  const opts: OpenAIEncodeOptions =
    (options.cacheControl ?? "none") === "none" && ext.prompt_cache_options != null
      ? { ...options, cacheControl: "prompt_cache_breakpoint" }
      : options;
  // Output modalities from another surface (Gemini responseModalities); the caller's own fields win.
  const body: Record<string, unknown> = { ...encodeOutputOptions(req), ...ext };
  body.model = upstreamModel;
  body.messages = convertToOpenAIMessages(req.system, req.messages, opts);

  // OpenAI rejects tool_choice / parallel_tool_calls without tools, so they only travel together.
  if (req.tools && req.tools.length > 0) {
    body.tools = req.tools.map((t) => {
      const fn: Record<string, unknown> = { name: t.name };
      if (t.description !== undefined) fn.description = t.description;
      fn.parameters = t.parameters;
      if (t.strict !== undefined) fn.strict = t.strict;
      const tool: Record<string, unknown> = { type: "function", function: fn };
      if (t.cacheControl && opts.cacheControl === "cache_control") tool.cache_control = t.cacheControl;
      return tool;
    });
    if (req.toolChoice) body.tool_choice = encodeToolChoice(req.toolChoice);
    if (req.parallelToolCalls !== undefined) body.parallel_tool_calls = req.parallelToolCalls;
  }
  if (req.responseFormat) body.response_format = encodeResponseFormat(req.responseFormat);

  if (req.maxTokens !== undefined) body[opts.maxTokensField ?? "max_tokens"] = req.maxTokens;
  if (req.temperature !== undefined) body.temperature = req.temperature;
  if (req.topP !== undefined) body.top_p = req.topP;
  if (req.topK !== undefined && opts.sendTopK) body.top_k = req.topK;
  if (req.stop && req.stop.length > 0) body.stop = req.stop;
  if (req.seed !== undefined) body.seed = req.seed;
  if (req.frequencyPenalty !== undefined) body.frequency_penalty = req.frequencyPenalty;
  if (req.presencePenalty !== undefined) body.presence_penalty = req.presencePenalty;
  if (req.user !== undefined) body.user = req.user;

  if (req.reasoning) {
    if (opts.reasoningParam === "openrouter") {
      const r = openRouterReasoning(req.reasoning);
      if (r) body.reasoning = r;
    } else if (opts.reasoningParam === "thinking" || opts.reasoningParam === "enable_thinking") {
      const on = thinkingWanted(req.reasoning);
      if (on !== undefined && opts.reasoningParam === "thinking") body.thinking = { type: on ? "enabled" : "disabled" };
      else if (on !== undefined) {
        body.enable_thinking = on;
        if (on && req.reasoning.maxTokens) body.thinking_budget = req.reasoning.maxTokens;
      }
    } else {
      const effort = reasoningEffort(req.reasoning, req.maxTokens);
      const off = req.reasoning.enabled === false || effort === "none";
      if (opts.thinkingSwitch && (off || effort)) body.thinking = { type: off ? "disabled" : "enabled" };
      if (effort && !(opts.thinkingSwitch && off)) body.reasoning_effort = effort;
    }
  }

  if (req.stream) {
    body.stream = true;
    // Without this OpenAI sends no usage at all in streams; billing depends on it.
    if (opts.streamOptions !== false) body.stream_options = { include_usage: true };
    else delete body.stream_options;
  } else {
    delete body.stream;
    delete body.stream_options;
  }
  return body;
}

function encodeToolChoice(c: ToolChoice): unknown {
  return c.type === "tool" ? { type: "function", function: { name: c.name } } : c.type;
}

function encodeResponseFormat(f: ResponseFormat): unknown {
  if (f.type !== "json_schema") return { type: f.type };
  // `name` is required by OpenAI.
  const js: Record<string, unknown> = { name: f.name ?? "response" };
  if (f.description !== undefined) js.description = f.description;
  js.schema = f.schema;
  if (f.strict !== undefined) js.strict = f.strict;
  return { type: "json_schema", json_schema: js };
}

/**
 * OpenAI only takes an effort level. A thinking budget (Anthropic/Gemini style) is mapped by
 * its share of maxTokens when known (OpenRouter's effort ratios: high 0.8, medium 0.5, low 0.2),
 * otherwise by absolute size. enabled:false without an effort sends nothing: "none" is rejected
 * by older reasoning models, and a model that cannot switch reasoning off ignores the wish anyway.
 */
export function reasoningEffort(r: ReasoningConfig, maxTokens: number | undefined): ReasoningEffort | undefined {
  if (r.effort) return r.effort;
  if (r.enabled === false) return undefined;
  const budget = r.maxTokens;
  if (budget === undefined) return r.enabled ? "medium" : undefined;
  if (budget === 0) return undefined;
  if (maxTokens && maxTokens > 0) {
    const share = budget / maxTokens;
    return share >= 0.65 ? "high" : share >= 0.35 ? "medium" : "low";
  }
  return budget >= 16384 ? "high" : budget >= 4096 ? "medium" : "low";
}

/** On/off for providers whose only knob is a switch; undefined = the caller expressed no wish. */
function thinkingWanted(r: ReasoningConfig): boolean | undefined {
  if (r.enabled === false || r.effort === "none" || r.maxTokens === 0) return false;
  if (r.enabled || r.effort || r.maxTokens) return true;
  return undefined;
}

function openRouterReasoning(r: ReasoningConfig): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  if (r.effort !== undefined) out.effort = r.effort;
  // OpenRouter accepts effort OR max_tokens, not both.
  else if (r.maxTokens !== undefined) out.max_tokens = r.maxTokens;
  if (r.exclude !== undefined) out.exclude = r.exclude;
  if (r.enabled !== undefined) out.enabled = r.enabled;
  return Object.keys(out).length > 0 ? out : undefined;
}
