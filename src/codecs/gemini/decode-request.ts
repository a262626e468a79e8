/**
 * Inbound Gemini generateContent request → CanonicalRequest. The model and the streaming flag
 * come from the URL (`/models/{model}:streamGenerateContent`), passed as hints.
 */
import { decodeOutputOptions } from "./media-output";
import type {
  CanonicalRequest,
  ReasoningConfig,
  ReasoningEffort,
  ResponseFormat,
  TextPart,
  ToolChoice,
  ToolDefinition,
} from "../../canonical/types";
import type { DecodeRequestHints } from "../codec";
import { BadRequestError } from "../../errors/gateway-error";
import { isRecord } from "../../streams/json";
import { geminiSchemaToJsonSchema } from "./convert-schema";
import { geminiContentsToMessages } from "./convert-from-gemini-contents";
import type { GeminiExtensions } from "./extensions";
import { generateContentRequestSchema, type GeminiRequest } from "./gemini-api";
import { parseOrThrow } from "./validate";

type GenerationConfig = NonNullable<GeminiRequest["generationConfig"]>;

export function decodeGeminiRequest(body: unknown, hints?: DecodeRequestHints): CanonicalRequest {
  if (!isRecord(body)) throw new BadRequestError("Invalid JSON payload received. Expected a JSON object.");
  const req = parseOrThrow(generateContentRequestSchema, body);
  const rawModel = hints?.model ?? req.model;
  const model = rawModel?.startsWith("models/") ? rawModel.slice("models/".length) : rawModel;
  if (!model) throw new BadRequestError("model: required (models/{model} in the URL path)");
  if (req.contents.length === 0) throw new BadRequestError("contents: contents is not specified");

  const ext: GeminiExtensions = {};
  const { messages, lossy } = geminiContentsToMessages(req.contents);
  if (lossy) {
    ext.contents = rawContents(body);
    ext.contentsMessageCount = messages.length;
  }

  const out: CanonicalRequest = { model, messages, stream: hints?.stream ?? false };
  const system = systemParts(req);
  if (system.length > 0) out.system = system;

  const tools = decodeTools(req, ext);
  if (tools.length > 0) out.tools = tools;
  const toolChoice = decodeToolConfig(req, ext);
  if (toolChoice) out.toolChoice = toolChoice;
  if (req.generationConfig) decodeGenerationConfig(req.generationConfig, out, ext);

  for (const key of ["safetySettings", "cachedContent", "serviceTier", "labels", "modelArmorConfig"] as const) {
    if (req[key] !== undefined) ext[key] = req[key];
  }
  if (Object.keys(ext).length > 0) out.extensions = { gemini: ext };
  return out;
}

function rawContents(body: Record<string, unknown>): unknown[] {
  return Array.isArray(body.contents) ? body.contents : [];
}

/** Google reads only the text of system instructions; the role is ignored. */
function systemParts(req: GeminiRequest): TextPart[] {
  const parts: TextPart[] = [];
  for (const p of req.systemInstruction?.parts ?? []) {
    if (typeof p.text === "string" && p.text !== "") parts.push({ type: "text", text: p.text });
  }
  return parts;
}

function decodeTools(req: GeminiRequest, ext: GeminiExtensions): ToolDefinition[] {
  const tools: ToolDefinition[] = [];
  (req.tools ?? []).forEach((tool, ti) => {
    const { functionDeclarations, ...others } = tool;
    (functionDeclarations ?? []).forEach((fd, fi) => {
      const at = `tools[${ti}].functionDeclarations[${fi}]`;
      let parameters: Record<string, unknown>;
      if (fd.parametersJsonSchema !== undefined) {
        if (!isRecord(fd.parametersJsonSchema)) {
          throw new BadRequestError(`${at}.parametersJsonSchema: expected a JSON Schema object`);
        }
        parameters = fd.parametersJsonSchema;
      } else if (fd.parameters !== undefined) {
        parameters = geminiSchemaToJsonSchema(fd.parameters);
      } else {
        parameters = { type: "object", properties: {} };
      }
      const def: ToolDefinition = { name: fd.name, parameters };
      if (fd.description) def.description = fd.description;
      tools.push(def);
    });
    // Built-in tools (googleSearch, codeExecution, urlContext, fileSearch, googleMaps…).
    if (Object.keys(others).length > 0) (ext.tools ??= []).push(others);
  });
  return tools;
}

function decodeToolConfig(req: GeminiRequest, ext: GeminiExtensions): ToolChoice | undefined {
  if (!req.toolConfig) return undefined;
  const { functionCallingConfig, ...restConfig } = req.toolConfig;
  const { mode: rawMode, allowedFunctionNames, ...otherFc } = functionCallingConfig ?? {};
  const otherConfig: Record<string, unknown> = restConfig;
  if (Object.keys(otherFc).length > 0) otherConfig.functionCallingConfig = otherFc;
  if (Object.keys(otherConfig).length > 0) ext.toolConfig = otherConfig;

  const mode = rawMode?.toUpperCase();
  const allowed = allowedFunctionNames ?? [];
  switch (mode) {
    case undefined:
    case "MODE_UNSPECIFIED":
      return undefined;
    case "AUTO":
    // VALIDATED = AUTO whose calls are schema-checked; the canonical model has no such mode.
    case "VALIDATED":
      return { type: "auto" };
    case "NONE":
      return { type: "none" };
    case "ANY":
      if (allowed.length === 1) return { type: "tool", name: allowed[0] };
      if (allowed.length > 1) ext.allowedFunctionNames = allowed;
      return { type: "required" };
    default:
      throw new BadRequestError(
        `toolConfig.functionCallingConfig.mode: Invalid value "${rawMode}" (expected AUTO, ANY, NONE or VALIDATED)`,
      );
  }
}

function decodeGenerationConfig(gc: GenerationConfig, out: CanonicalRequest, ext: GeminiExtensions): void {
  const {
    temperature,
    topP,
    topK,
    candidateCount,
    maxOutputTokens,
    stopSequences,
    seed,
    presencePenalty,
    frequencyPenalty,
    responseMimeType,
    responseSchema,
    responseJsonSchema,
    thinkingConfig,
    ...others
  } = gc;
  const rest: Record<string, unknown> = others;
  if (candidateCount !== undefined && candidateCount > 1) {
    throw new BadRequestError("generationConfig.candidateCount: only 1 candidate is supported");
  }
  if (temperature !== undefined) out.temperature = temperature;
  if (topP !== undefined) out.topP = topP;
  if (topK !== undefined) out.topK = topK;
  if (maxOutputTokens !== undefined) out.maxTokens = maxOutputTokens;
  if (stopSequences !== undefined && stopSequences.length > 0) out.stop = stopSequences;
  if (seed !== undefined) out.seed = seed;
  if (presencePenalty !== undefined) out.presencePenalty = presencePenalty;
  if (frequencyPenalty !== undefined) out.frequencyPenalty = frequencyPenalty;

  const format = responseFormat(responseMimeType, responseSchema, responseJsonSchema);
  if (format) out.responseFormat = format;
  else {
    // e.g. text/x.enum + responseSchema: only a Gemini upstream understands it.
    if (responseMimeType !== undefined) rest.responseMimeType = responseMimeType;
    if (responseSchema !== undefined) rest.responseSchema = responseSchema;
    if (responseJsonSchema !== undefined) rest.responseJsonSchema = responseJsonSchema;
  }
  if (thinkingConfig) {
    const reasoning = decodeThinking(thinkingConfig);
    if (reasoning) out.reasoning = reasoning;
  }
  Object.assign(out, decodeOutputOptions(rest));
  if (Object.keys(rest).length > 0) ext.generationConfig = rest;
}

function responseFormat(mime: string | undefined, schema: unknown, jsonSchema: unknown): ResponseFormat | undefined {
  if (mime === "text/plain" && schema === undefined && jsonSchema === undefined) return { type: "text" };
  if (mime !== "application/json") return undefined;
  if (isRecord(jsonSchema)) return { type: "json_schema", schema: jsonSchema };
  if (isRecord(schema)) return { type: "json_schema", schema: geminiSchemaToJsonSchema(schema) };
  if (jsonSchema !== undefined) {
    throw new BadRequestError("generationConfig.responseJsonSchema: expected a JSON Schema object");
  }
  return { type: "json_object" };
}

const LEVELS = new Set<ReasoningEffort>(["minimal", "low", "medium", "high"]);

/**
 * thinkingBudget 0 = off, -1 = dynamic, N = budget; thinkingLevel → effort. Gemini returns no
 * thought text unless includeThoughts is true, so a configured thinking without it is `exclude`.
 */
function decodeThinking(tc: NonNullable<GenerationConfig["thinkingConfig"]>): ReasoningConfig | undefined {
  const r: ReasoningConfig = {};
  if (tc.thinkingBudget === 0) r.enabled = false;
  else if (tc.thinkingBudget === -1) r.enabled = true;
  else if (tc.thinkingBudget !== undefined && tc.thinkingBudget > 0) r.maxTokens = tc.thinkingBudget;
  else if (tc.thinkingBudget !== undefined) {
    throw new BadRequestError("generationConfig.thinkingConfig.thinkingBudget: expected -1, 0 or a positive number");
  }
  if (tc.thinkingLevel !== undefined && tc.thinkingLevel.toUpperCase() !== "THINKING_LEVEL_UNSPECIFIED") {
    const level = tc.thinkingLevel.toLowerCase() as ReasoningEffort;
    if (!LEVELS.has(level)) {
      throw new BadRequestError(
        `generationConfig.thinkingConfig.thinkingLevel: Invalid value "${tc.thinkingLevel}" (expected minimal, low, medium or high)`,
      );
    }
    r.effort = level;
  }
  r.exclude = tc.includeThoughts !== true;
  return r;
}
