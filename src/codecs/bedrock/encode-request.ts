/**
 * CanonicalRequest → Bedrock Converse body (the model id travels in the URL, not the body).
 *
 * Converse has one schema for every model family; what differs per family goes in
 * `additionalModelRequestFields`, keyed by the upstream id's family prefix (`anthropic.`,
 * `us.anthropic.`, `openai.`, `amazon.nova`):
 * - reasoning: Claude `thinking: {type: "enabled", budget_tokens}` (maxTokens then exceeds the
 *   budget, and temperature / top_p / top_k are dropped as Claude requires); gpt-oss
 *   `reasoning_effort`; Nova `reasoningConfig`; other families have no switch (dropped);
 * - top_k: Claude's `top_k` only.
 * json_schema output uses Converse's `outputConfig.textFormat`; json_object has no Converse
 * form and is dropped. seed, penalties and `user` have no Converse field and are dropped.
 * Thinking is left off when the tool call being answered lost its signed thinking block (Claude
 * would reject the request). tool_choice "none" has no Converse value: the tools stay declared (Converse requires them when
 * the history holds tool calls) without a choice.
 */
import type { CanonicalRequest, ReasoningEffort } from "../../canonical/types";
import { type BedrockMessage, toBedrockMessages, toBedrockSystem } from "./convert-to-bedrock-messages";

const DEFAULT_MAX_TOKENS = 4096;
const EFFORT_BUDGET: Record<Exclude<ReasoningEffort, "none">, number> = { minimal: 1024, low: 2048, medium: 8192, high: 16384, xhigh: 32000 };
const MIN_BUDGET = 1024;

type Family = "anthropic" | "openai" | "nova" | "other";

/** The model family of a Bedrock id, inference-profile prefixes (`us.`, `eu.`, `global.`…) included. */
export function bedrockFamily(modelId: string): Family {
  const id = modelId.replace(/^(us|eu|apac|us-gov|global|jp|au|ca)\./, "");
  if (id.startsWith("anthropic.")) return "anthropic";
  if (id.startsWith("openai.")) return "openai";
  if (id.startsWith("amazon.nova")) return "nova";
  return "other";
}

export function encodeBedrockRequest(req: CanonicalRequest, upstreamModel: string): Record<string, unknown> {
  const family = bedrockFamily(upstreamModel);
  const body: Record<string, unknown> = { messages: toBedrockMessages(req.messages) };
  const system = toBedrockSystem(req.system);
  if (system.length) body.system = system;

  const toolConfig = encodeTools(req);
  if (toolConfig) body.toolConfig = toolConfig;

  const extra: Record<string, unknown> = {};
  const inference: Record<string, unknown> = {};
  let maxTokens = req.maxTokens;
  const messages = body.messages as BedrockMessage[];
  // Like Anthropic's API, Claude on Bedrock rejects thinking when the tool call being answered
  // has no signed thinking block before it (history from another provider): thinking stays off.
  const thinkingBudget = family === "anthropic" && !unsignedToolTurn(messages) ? claudeThinkingBudget(req) : undefined;
  if (thinkingBudget !== undefined) {
    extra.thinking = { type: "enabled", budget_tokens: thinkingBudget };
    // Claude requires maxTokens > budget; leave room for the answer itself.
    if ((maxTokens ?? 0) <= thinkingBudget) maxTokens = thinkingBudget + DEFAULT_MAX_TOKENS;
  } else if (req.reasoning && family === "openai") {
    const effort = effortOf(req);
    if (effort) extra.reasoning_effort = effort === "minimal" ? "low" : effort === "xhigh" ? "high" : effort;
  } else if (req.reasoning && family === "nova") {
    const effort = effortOf(req);
    if (effort) extra.reasoningConfig = { type: "enabled", maxReasoningEffort: effort === "minimal" ? "low" : effort === "xhigh" ? "high" : effort };
  }
  const thinkingOn = thinkingBudget !== undefined;
  if (maxTokens !== undefined) inference.maxTokens = maxTokens;
  if (req.temperature !== undefined && !thinkingOn) inference.temperature = req.temperature;
  if (req.topP !== undefined && !thinkingOn) inference.topP = req.topP;
  if (req.stop?.length) inference.stopSequences = req.stop;
  if (req.topK !== undefined && family === "anthropic" && !thinkingOn) extra.top_k = req.topK;
  if (Object.keys(inference).length) body.inferenceConfig = inference;
  if (Object.keys(extra).length) body.additionalModelRequestFields = extra;

  const rf = req.responseFormat;
  if (rf?.type === "json_schema") {
    const jsonSchema: Record<string, unknown> = { schema: JSON.stringify(rf.schema), name: rf.name ?? "response" };
    if (rf.description) jsonSchema.description = rf.description;
    body.outputConfig = { textFormat: { type: "json_schema", structure: { jsonSchema } } };
  }
  return body;
}

function encodeTools(req: CanonicalRequest): Record<string, unknown> | undefined {
  if (!req.tools?.length) return undefined;
  const tools: Record<string, unknown>[] = [];
  for (const t of req.tools) {
    // Converse requires an object schema; OpenAI tools may omit parameters.
    const schema = t.parameters.type === undefined ? { type: "object", properties: {}, ...t.parameters } : t.parameters;
    const spec: Record<string, unknown> = { name: t.name, inputSchema: { json: schema } };
    if (t.description) spec.description = t.description;
    tools.push({ toolSpec: spec });
    if (t.cacheControl) tools.push({ cachePoint: { type: "default" } });
  }
  const out: Record<string, unknown> = { tools };
  const c = req.toolChoice;
  if (c?.type === "auto") out.toolChoice = { auto: {} };
  else if (c?.type === "required") out.toolChoice = { any: {} };
  else if (c?.type === "tool") out.toolChoice = { tool: { name: c.name } };
  return out;
}

function effortOf(req: CanonicalRequest): Exclude<ReasoningEffort, "none"> | undefined {
  const r = req.reasoning;
  if (!r || r.enabled === false || r.effort === "none") return undefined;
  if (r.effort) return r.effort;
  if (r.maxTokens) return r.maxTokens >= 16384 ? "high" : r.maxTokens >= 4096 ? "medium" : "low";
  return r.enabled ? "medium" : undefined;
}

/** Claude's thinking budget: the caller's own, else one sized by effort; undefined = thinking off. */
function claudeThinkingBudget(req: CanonicalRequest): number | undefined {
  const r = req.reasoning;
  if (!r || r.enabled === false || r.effort === "none" || r.maxTokens === 0) return undefined;
  if (r.maxTokens) return Math.max(MIN_BUDGET, r.maxTokens);
  if (r.effort) return EFFORT_BUDGET[r.effort];
  return r.enabled ? EFFORT_BUDGET.medium : undefined;
}

/** The last assistant turn calls tools but does not start with (signed or redacted) reasoning. */
function unsignedToolTurn(messages: BedrockMessage[]): boolean {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i];
    if (m.role !== "assistant") continue;
    return m.content.some((b) => "toolUse" in b) && !("reasoningContent" in (m.content[0] ?? {}));
  }
  return false;
}
