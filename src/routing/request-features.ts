import type { CanonicalRequest } from "../canonical/types";

/** What a request needs from an endpoint. */
export interface RequestFeatures {
  /** Rough prompt size: JSON characters / 4, media counted separately. */
  estInputTokens: number;
  maxOutputTokens?: number;
  tools: boolean;
  images: boolean;
  files: boolean;
  jsonSchema: boolean;
  jsonObject: boolean;
  reasoning: boolean;
  /** OpenRouter-style names of the parameters the request sets (for require_parameters). */
  params: string[];
}

const IMAGE_TOKENS = 1000;

/**
 * ≈ tokens of the prompt (system + messages + tools): JSON characters / 4. Inline media is not
 * counted as text: an image ≈ 1000 tokens, another inline file ≈ its decoded bytes / 4.
 */
export function estimateInputTokens(req: Partial<Pick<CanonicalRequest, "system" | "messages" | "tools">>): number {
  let media = 0;
  const json = JSON.stringify([req.system ?? null, req.messages ?? [], req.tools ?? null], function (this: unknown, _key, value) {
    if (value && typeof value === "object") {
      const v = value as { type?: string; source?: { kind?: string; data?: unknown } };
      if (v.type === "image") {
        media += IMAGE_TOKENS;
        return { type: "image" };
      }
      if (v.type === "file" && v.source?.kind === "base64" && typeof v.source.data === "string") {
        media += Math.ceil((v.source.data.length * 3) / 4 / 4);
        return { type: "file" };
      }
    }
    return value;
  });
  return Math.ceil(json.length / 4) + media;
}

/** `bodyBytes`: the caller's body size, which bounds the prompt as well as re-serializing it would, unless it carries inline media. */
export function requestFeatures(req: Partial<CanonicalRequest>, bodyBytes?: number): RequestFeatures {
  let images = false;
  let files = false;
  for (const m of req.messages ?? []) {
    for (const p of m.content as { type: string; content?: { type: string }[] }[]) {
      if (p.type === "image") images = true;
      else if (p.type === "file") files = true;
      else if (p.type === "tool-result") {
        for (const q of p.content ?? []) {
          if (q.type === "image") images = true;
          if (q.type === "file") files = true;
        }
      }
    }
  }
  const tools = (req.tools?.length ?? 0) > 0;
  const rf = req.responseFormat?.type;
  const reasoning = !!req.reasoning && req.reasoning.enabled !== false && req.reasoning.effort !== "none";
  const params: string[] = [];
  if (req.maxTokens !== undefined) params.push("max_tokens");
  if (req.temperature !== undefined) params.push("temperature");
  if (req.topP !== undefined) params.push("top_p");
  if (req.topK !== undefined) params.push("top_k");
  if (req.stop?.length) params.push("stop");
  if (req.seed !== undefined) params.push("seed");
  if (req.frequencyPenalty !== undefined) params.push("frequency_penalty");
  if (req.presencePenalty !== undefined) params.push("presence_penalty");
  if (tools) params.push("tools");
  if (req.toolChoice && req.toolChoice.type !== "auto") params.push("tool_choice");
  if (req.parallelToolCalls !== undefined) params.push("parallel_tool_calls");
  if (rf === "json_schema") params.push("structured_outputs");
  else if (rf === "json_object") params.push("response_format");
  if (reasoning) params.push("reasoning");
  return {
    estInputTokens: !req.messages && !req.system ? 0 : bodyBytes !== undefined && !images && !files ? Math.ceil(bodyBytes / 4) : estimateInputTokens(req),
    maxOutputTokens: req.maxTokens,
    tools,
    images,
    files,
    jsonSchema: rf === "json_schema",
    jsonObject: rf === "json_object",
    reasoning,
    params,
  };
}
