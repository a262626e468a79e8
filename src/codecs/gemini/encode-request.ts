/**
 * CanonicalRequest → Gemini generateContent body. The model goes in the URL (see
 * providers/gemini.ts), never in the body. Dropped: user, parallelToolCalls, cacheControl (Gemini
 * caches implicitly, explicit caches are `cachedContent`), tool `strict`, stop sequences beyond
 * Google's limit of 5, and parameters the upstream model is known to reject (see gemini-models.ts).
 */
import { encodeOutputOptions } from "./media-output";
import type { CanonicalRequest, ReasoningConfig, ReasoningEffort, ToolChoice } from "../../canonical/types";
import { messagesToGeminiContents } from "./convert-to-gemini-contents";
import { type GeminiExtensions, readGeminiExtensions, STRUCTURED_EXTENSION_KEYS } from "./extensions";
import { type GeminiModelTraits, geminiModelTraits } from "./gemini-models";

const MAX_STOP_SEQUENCES = 5;

export function encodeGeminiRequest(req: CanonicalRequest, upstreamModel: string): Record<string, unknown> {
  const traits = geminiModelTraits(upstreamModel);
  const ext = readGeminiExtensions(req);
  const body: Record<string, unknown> = {};

  // Verbatim contents from a Gemini caller, unless the conversation changed since decoding.
  const raw = ext.contents !== undefined && ext.contentsMessageCount === req.messages.length;
  body.contents = raw ? ext.contents : messagesToGeminiContents(req.messages, traits);

  const system = (req.system ?? []).filter((p) => p.text !== "").map((p) => ({ text: p.text }));
  if (system.length > 0) body.systemInstruction = { parts: system };

  const declarations = (req.tools ?? []).map((t) => {
    const fd: Record<string, unknown> = { name: t.name };
    if (t.description) fd.description = t.description;
    if (Object.keys(t.parameters).length > 0) fd.parametersJsonSchema = t.parameters;
    return fd;
  });
  const tools: Record<string, unknown>[] = declarations.length > 0 ? [{ functionDeclarations: declarations }] : [];
  tools.push(...(ext.tools ?? []));
  if (tools.length > 0) body.tools = tools;

  const toolConfig = encodeToolConfig(req.toolChoice, declarations.length > 0, ext);
  if (toolConfig) body.toolConfig = toolConfig;

  const generationConfig = encodeGenerationConfig(req, traits, ext);
  if (Object.keys(generationConfig).length > 0) body.generationConfig = generationConfig;

  for (const [key, value] of Object.entries(ext)) {
    if (!STRUCTURED_EXTENSION_KEYS.has(key) && value !== undefined) body[key] = value;
  }
  return body;
}

function encodeToolConfig(
  choice: ToolChoice | undefined,
  hasFunctions: boolean,
  ext: GeminiExtensions,
): Record<string, unknown> | undefined {
  const config: Record<string, unknown> = { ...ext.toolConfig };
  // Google rejects a function-calling mode without function declarations.
  if (choice && hasFunctions) {
    const fc: Record<string, unknown> = { ...(config.functionCallingConfig as Record<string, unknown> | undefined) };
    switch (choice.type) {
      case "auto":
        fc.mode = "AUTO";
        break;
      case "none":
        fc.mode = "NONE";
        break;
      case "required":
        fc.mode = "ANY";
        if (ext.allowedFunctionNames) fc.allowedFunctionNames = ext.allowedFunctionNames;
        break;
      case "tool":
        fc.mode = "ANY";
        fc.allowedFunctionNames = [choice.name];
        break;
    }
    config.functionCallingConfig = fc;
  }
  return Object.keys(config).length > 0 ? config : undefined;
}

function encodeGenerationConfig(
  req: CanonicalRequest,
  traits: GeminiModelTraits,
  ext: GeminiExtensions,
): Record<string, unknown> {
  const gc: Record<string, unknown> = { ...ext.generationConfig };
  if (req.temperature !== undefined) gc.temperature = req.temperature;
  if (req.topP !== undefined) gc.topP = req.topP;
  if (req.topK !== undefined) gc.topK = req.topK;
  if (req.maxTokens !== undefined) gc.maxOutputTokens = req.maxTokens;
  if (req.stop && req.stop.length > 0) gc.stopSequences = req.stop.slice(0, MAX_STOP_SEQUENCES);
  if (req.seed !== undefined) gc.seed = req.seed;
  encodeOutputOptions(req, gc);
  if (traits.penalties) {
    if (req.presencePenalty !== undefined) gc.presencePenalty = req.presencePenalty;
    if (req.frequencyPenalty !== undefined) gc.frequencyPenalty = req.frequencyPenalty;
  }
  const format = req.responseFormat;
  if (format?.type === "text") gc.responseMimeType = "text/plain";
  else if (format?.type === "json_object") gc.responseMimeType = "application/json";
  else if (format?.type === "json_schema") {
    gc.responseMimeType = "application/json";
    gc.responseJsonSchema = format.schema;
    delete gc.responseSchema; // mutually exclusive with responseJsonSchema
  }
  const thinking = encodeThinking(req.reasoning, traits);
  if (thinking) gc.thinkingConfig = thinking;
  return gc;
}

/** Gemini 2.5 budgets per effort (2.5 Flash accepts at most 24576). */
const BUDGETS: Record<Exclude<ReasoningEffort, "none">, number> = {
  minimal: 512,
  low: 1024,
  medium: 8192,
  high: 24576,
  xhigh: 24576,
};

/**
 * Gemini 3 takes thinkingLevel (thinkingBudget only for backwards compatibility) and cannot turn
 * thinking off, so "off" becomes the lowest level every 3.x model accepts. Gemini 2.5 takes
 * thinkingBudget (0 = off, -1 = dynamic). The two are mutually exclusive.
 */
function encodeThinking(r: ReasoningConfig | undefined, traits: GeminiModelTraits): Record<string, unknown> | undefined {
  if (!r || !traits.thinking) return undefined;
  const tc: Record<string, unknown> = {};
  const off = r.enabled === false || r.effort === "none";
  if (traits.gemini3) {
    if (off) tc.thinkingLevel = traits.minimalLevel ? "minimal" : "low";
    else if (r.effort && r.effort !== "none") tc.thinkingLevel = thinkingLevel(r.effort, traits);
    else if (r.maxTokens !== undefined) tc.thinkingBudget = r.maxTokens;
  } else if (off) {
    tc.thinkingBudget = traits.minThinkingBudget;
  } else if (r.maxTokens !== undefined) {
    // A budget is a ceiling: above the model's maximum (Claude Code asks for 31999) it is lowered.
    tc.thinkingBudget = Math.min(Math.max(r.maxTokens, traits.minThinkingBudget), traits.maxThinkingBudget ?? Infinity);
  } else if (r.effort && r.effort !== "none") {
    tc.thinkingBudget = BUDGETS[r.effort];
  } else if (r.enabled === true) {
    tc.thinkingBudget = -1;
  }
  tc.includeThoughts = !off && r.exclude !== true;
  return tc;
}

function thinkingLevel(effort: Exclude<ReasoningEffort, "none">, traits: GeminiModelTraits): string {
  switch (effort) {
    case "minimal":
      return traits.minimalLevel ? "minimal" : "low";
    case "low":
      return "low";
    case "medium":
      return traits.levelsLowHighOnly ? "high" : "medium";
    case "high":
    case "xhigh":
      return "high";
  }
}
