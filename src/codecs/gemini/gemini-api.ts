/**
 * Zod schemas of the Gemini API v1beta wire format (generateContent / streamGenerateContent):
 * requests as callers send them, responses and stream chunks as Google sends them.
 *
 * Google parses request JSON with the proto3 JSON mapping, which accepts both the lowerCamelCase
 * and the original snake_case field names (real clients send `function_call`,
 * `parameters_json_schema`, `system_instruction`…). `proto()` renames snake_case keys of a
 * message to their camelCase field before validation, one message level at a time, so free-form
 * Struct values (function args, schemas, responses) are never touched. In the same mapping a
 * `null` field means "not set" (llm-gemini sends `"description": null`), so null fields are removed.
 */
import { z } from "zod";
import { isBase64 } from "../../canonical/base64";
import { isRecord } from "../../streams/json";

function snakeToCamel(key: string): string {
  let out = "";
  for (let i = 0; i < key.length; i++) {
    const ch = key[i];
    if (ch === "_" && i + 1 < key.length) out += key[++i].toUpperCase();
    else out += ch;
  }
  return out;
}

function normalizeMessage(value: unknown, known: ReadonlySet<string>): unknown {
  if (!isRecord(value)) return value;
  let out: Record<string, unknown> | undefined;
  for (const key of Object.keys(value)) {
    // Null means "not set" for a known field; an unknown one stays, so a strict message rejects it.
    if (value[key] === null && (known.has(key) || known.has(snakeToCamel(key)))) {
      out ??= { ...value };
      delete out[key];
      continue;
    }
    if (!key.includes("_")) continue;
    const camel = snakeToCamel(key);
    if (camel === key || !known.has(camel) || camel in value) continue;
    out ??= { ...value };
    out[camel] = out[key];
    delete out[key];
  }
  return out ?? value;
}

/** A proto message: snake_case aliases accepted; strict = unknown fields rejected like Google does. */
function proto<S extends z.core.$ZodLooseShape>(shape: S, mode: "strict" | "loose") {
  const known = new Set(Object.keys(shape));
  const object = mode === "strict" ? z.strictObject(shape) : z.looseObject(shape);
  return z.preprocess((v) => normalizeMessage(v, known), object);
}

const struct = z.record(z.string(), z.unknown());

// ---- request --------------------------------------------------------------

/** Inline bytes are checked here so a broken payload is a 400, not an upstream call. */
export const blobSchema = proto(
  { mimeType: z.string().min(1, "expected a MIME type"), data: z.string().refine(isBase64, "expected non-empty base64 data"), displayName: z.string().optional() },
  "loose",
);
export const fileDataSchema = proto(
  { fileUri: z.string(), mimeType: z.string().optional(), displayName: z.string().optional() },
  "loose",
);

export const functionCallSchema = proto(
  {
    id: z.string().optional(),
    name: z.string().optional(),
    args: struct.optional(),
    // Vertex streamed function-call arguments (streamFunctionCallArguments).
    partialArgs: z.array(z.looseObject({ jsonPath: z.string().optional() })).optional(),
    willContinue: z.boolean().optional(),
  },
  "loose",
);

export const functionResponsePartSchema = proto(
  { inlineData: blobSchema.optional(), fileData: fileDataSchema.optional() },
  "loose",
);

export const functionResponseSchema = proto(
  {
    id: z.string().optional(),
    name: z.string(),
    response: struct.optional(),
    parts: z.array(functionResponsePartSchema).optional(),
    willContinue: z.boolean().optional(),
    scheduling: z.string().optional(),
  },
  "loose",
);

export const partSchema = proto(
  {
    text: z.string().optional(),
    thought: z.boolean().optional(),
    thoughtSignature: z.string().optional(),
    inlineData: blobSchema.optional(),
    fileData: fileDataSchema.optional(),
    functionCall: functionCallSchema.optional(),
    functionResponse: functionResponseSchema.optional(),
    executableCode: struct.optional(),
    codeExecutionResult: struct.optional(),
    toolCall: struct.optional(),
    toolResponse: struct.optional(),
    videoMetadata: struct.optional(),
    partMetadata: struct.optional(),
    mediaResolution: z.unknown().optional(),
  },
  "loose",
);
export type GeminiPart = z.infer<typeof partSchema>;

export const contentSchema = proto({ role: z.string().optional(), parts: z.array(partSchema) }, "strict");
export type GeminiContent = z.infer<typeof contentSchema>;

/** systemInstruction: the role is ignored by Google; parts may be absent on an empty instruction. */
const systemInstructionSchema = proto({ role: z.string().optional(), parts: z.array(partSchema).optional() }, "strict");

export const functionDeclarationSchema = proto(
  {
    name: z.string(),
    description: z.string().optional(),
    parameters: struct.optional(),
    parametersJsonSchema: z.unknown().optional(),
    response: z.unknown().optional(),
    responseJsonSchema: z.unknown().optional(),
    behavior: z.string().optional(),
  },
  "loose",
);

export const toolSchema = proto({ functionDeclarations: z.array(functionDeclarationSchema).optional() }, "loose");

export const functionCallingConfigSchema = proto(
  {
    mode: z.string().optional(),
    allowedFunctionNames: z.array(z.string()).optional(),
  },
  "loose",
);

export const toolConfigSchema = proto({ functionCallingConfig: functionCallingConfigSchema.optional() }, "loose");

export const thinkingConfigSchema = proto(
  {
    includeThoughts: z.boolean().optional(),
    thinkingBudget: z.number().int().optional(),
    thinkingLevel: z.string().optional(),
  },
  "strict",
);

export const generationConfigSchema = proto(
  {
    temperature: z.number().optional(),
    topP: z.number().optional(),
    topK: z.number().optional(),
    candidateCount: z.number().int().optional(),
    maxOutputTokens: z.number().int().optional(),
    stopSequences: z.array(z.string()).optional(),
    seed: z.number().int().optional(),
    presencePenalty: z.number().optional(),
    frequencyPenalty: z.number().optional(),
    responseMimeType: z.string().optional(),
    responseSchema: struct.optional(),
    responseJsonSchema: z.unknown().optional(),
    thinkingConfig: thinkingConfigSchema.optional(),
  },
  // Other generation fields (responseModalities, speechConfig, imageConfig, logprobs…) are kept
  // verbatim for a same-format upstream.
  "loose",
);

/** Every documented top-level field of GenerateContentRequest (Gemini API + Vertex extras). */
export const generateContentRequestSchema = proto(
  {
    model: z.string().optional(),
    contents: z.array(contentSchema),
    systemInstruction: systemInstructionSchema.optional(),
    tools: z.array(toolSchema).optional(),
    toolConfig: toolConfigSchema.optional(),
    safetySettings: z.array(struct).optional(),
    generationConfig: generationConfigSchema.optional(),
    cachedContent: z.string().optional(),
    serviceTier: z.string().optional(),
    labels: z.record(z.string(), z.string()).optional(),
    modelArmorConfig: struct.optional(),
  },
  "strict",
);
export type GeminiRequest = z.infer<typeof generateContentRequestSchema>;

// ---- response / stream chunk ----------------------------------------------

/** Parts as Google returns them; unknown kinds (executableCode, inlineData…) pass validation. */
const responsePartSchema = z.looseObject({
  text: z.string().optional(),
  thought: z.boolean().optional(),
  thoughtSignature: z.string().optional(),
  functionCall: z
    .looseObject({
      id: z.string().optional(),
      name: z.string().optional(),
      args: struct.optional(),
      partialArgs: z.array(z.looseObject({ jsonPath: z.string().optional() })).optional(),
      willContinue: z.boolean().optional(),
    })
    .optional(),
});
export type GeminiResponsePart = z.infer<typeof responsePartSchema>;

export const usageMetadataSchema = z.looseObject({
  promptTokenCount: z.number().optional(),
  candidatesTokenCount: z.number().optional(),
  thoughtsTokenCount: z.number().optional(),
  cachedContentTokenCount: z.number().optional(),
  toolUsePromptTokenCount: z.number().optional(),
  totalTokenCount: z.number().optional(),
});
export type GeminiUsageMetadata = z.infer<typeof usageMetadataSchema>;

const candidateSchema = z.looseObject({
  content: z.looseObject({ role: z.string().optional(), parts: z.array(responsePartSchema).optional() }).optional(),
  finishReason: z.string().optional(),
  finishMessage: z.string().optional(),
  index: z.number().optional(),
});

const promptFeedbackSchema = z.looseObject({ blockReason: z.string().optional() });

export const geminiErrorBodySchema = z.looseObject({
  code: z.number().optional(),
  message: z.string().optional(),
  status: z.string().optional(),
  details: z.array(z.unknown()).optional(),
});

/**
 * A GenerateContentResponse (non-streamed body, or one stream chunk), as leniently as the
 * decoders read it: unknown fields pass, known fields must have the right types.
 */
export const generateContentResponseSchema = z.looseObject({
  candidates: z.array(candidateSchema).optional(),
  promptFeedback: promptFeedbackSchema.optional(),
  usageMetadata: usageMetadataSchema.optional(),
  modelVersion: z.string().optional(),
  responseId: z.string().optional(),
});
export type GeminiResponse = z.infer<typeof generateContentResponseSchema>;

/** For validating encoded output: a response says something (candidates or a prompt block). */
export const geminiResponseSchema = generateContentResponseSchema.refine(
  (r) => (r.candidates !== undefined && r.candidates.length > 0) || r.promptFeedback?.blockReason !== undefined,
  { message: "a GenerateContentResponse needs candidates or promptFeedback.blockReason" },
);

/** Stream chunks are full GenerateContentResponses; an in-band failure is `{error:{…}}`. */
export const geminiStreamChunkSchema = z.union([
  z.strictObject({ error: geminiErrorBodySchema.extend({ code: z.number(), message: z.string() }) }),
  geminiResponseSchema,
]);
