/**
 * One abstract request (`Intent`: model, text or turns, tools, thinking, JSON output, framing, max
 * tokens, abort signal) rendered as a caller of each surface sends it: the surface's own path,
 * body and auth header (the one its SDK uses).
 */
import { jsonPost } from "./gateway";

export type Surface = "openai" | "anthropic" | "gemini";
export const SURFACES: Surface[] = ["openai", "anthropic", "gemini"];

/** How an answer is framed: not streamed, SSE, or Gemini's default streamed JSON array. */
export type Framing = "json" | "sse" | "json-array";
export const FRAMINGS: Record<Surface, Framing[]> = { openai: ["json", "sse"], anthropic: ["json", "sse"], gemini: ["json", "sse", "json-array"] };
export const isStream = (f: Framing) => f !== "json";

/** What an Anthropic caller sends as max_tokens when the intent names none (the field is required). */
export const ANTHROPIC_MAX_TOKENS = 1024;
export const THINKING_BUDGET = 4096;
export const THINKING_MAX_TOKENS = 8192;

/** 1×1 PNG. */
export const PNG_B64 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";

export const WEATHER_TOOL = {
  name: "get_weather",
  description: "Current weather for a city",
  schema: { type: "object", properties: { city: { type: "string", description: "City name" } }, required: ["city"] } as Record<string, unknown>,
};

export const JSON_SCHEMA: Record<string, unknown> = {
  type: "object",
  properties: { city: { type: "string" }, temperature_c: { type: "number" } },
  required: ["city", "temperature_c"],
  additionalProperties: false,
};

export interface Call {
  /** Absent only when a Gemini caller talks to a Gemini upstream (passthrough: Google sends no ids). */
  id?: string;
  name: string;
  args: Record<string, unknown>;
  /** Gemini thoughtSignature as a Gemini caller sees it (part-level). */
  thoughtSignature?: string;
}

export type Turn =
  | { role: "user"; text: string; imageB64?: string }
  | { role: "assistant"; text?: string; calls?: Call[] }
  | { role: "tool"; results: Array<{ id?: string; name: string; result: Record<string, unknown> }> };

export interface Intent {
  model: string;
  /** Shorthand for one user turn (default "Hi there" when there are no turns either). */
  text?: string;
  turns?: Turn[];
  system?: string;
  /** Declare WEATHER_TOOL. */
  tools?: boolean;
  /** Ask for THINKING_BUDGET tokens of thinking (max tokens THINKING_MAX_TOKENS unless given). */
  thinking?: boolean;
  /** Ask for JSON_SCHEMA output. */
  json?: boolean;
  /** Default "json" (not streamed). */
  framing?: Framing;
  /** Omitted when absent, except on Anthropic, where it is required (ANTHROPIC_MAX_TOKENS). */
  maxTokens?: number;
  signal?: AbortSignal;
}

/** One request as a caller of a surface sends it. */
export interface SurfaceCall {
  surface: Surface;
  framing: Framing;
  path: string;
  body: Record<string, unknown>;
  init: RequestInit;
}

/** The key where the surface's SDK puts it. */
export function authHeaders(surface: Surface, key: string): Record<string, string> {
  if (surface === "openai") return { authorization: `Bearer ${key}` };
  if (surface === "anthropic") return { "x-api-key": key, "anthropic-version": "2023-06-01" };
  return { "x-goog-api-key": key };
}

export function surfacePath(surface: Surface, model: string, framing: Framing = "json"): string {
  if (surface === "openai") return "/v1/chat/completions";
  if (surface === "anthropic") return "/v1/messages";
  const action = framing === "json" ? "generateContent" : framing === "sse" ? "streamGenerateContent?alt=sse" : "streamGenerateContent";
  return `/v1beta/models/${model}:${action}`;
}

export function surfaceCall(surface: Surface, key: string, intent: Intent): SurfaceCall {
  const framing = intent.framing ?? "json";
  const body = surface === "openai" ? openaiBody(intent) : surface === "anthropic" ? anthropicBody(intent) : geminiBody(intent);
  const init = jsonPost(body, authHeaders(surface, key));
  if (intent.signal) init.signal = intent.signal;
  return { surface, framing, path: surfacePath(surface, intent.model, framing), body, init };
}

const turnsOf = (it: Intent): Turn[] => it.turns ?? [{ role: "user", text: it.text ?? "Hi there" }];
/** An OpenAI or Anthropic user message: plain text, or text then the image in the format's own part. */
const userMessage = (t: Extract<Turn, { role: "user" }>, image: (b64: string) => unknown) => ({
  role: "user",
  content: t.imageB64 ? [{ type: "text", text: t.text }, image(t.imageB64)] : t.text,
});
const maxTokensOf = (it: Intent) => it.maxTokens ?? (it.thinking ? THINKING_MAX_TOKENS : undefined);

function openaiBody(it: Intent): Record<string, unknown> {
  const messages: unknown[] = [];
  if (it.system) messages.push({ role: "system", content: it.system });
  for (const t of turnsOf(it)) {
    if (t.role === "user") {
      messages.push(userMessage(t, (data) => ({ type: "image_url", image_url: { url: `data:image/png;base64,${data}` } })));
    } else if (t.role === "assistant") {
      const m: Record<string, unknown> = { role: "assistant", content: t.text ?? null };
      if (t.calls?.length)
        m.tool_calls = t.calls.map((c) => ({ id: c.id, type: "function", function: { name: c.name, arguments: JSON.stringify(c.args) } }));
      messages.push(m);
    } else {
      for (const r of t.results) messages.push({ role: "tool", tool_call_id: r.id, content: JSON.stringify(r.result) });
    }
  }
  const body: Record<string, unknown> = { model: it.model, messages };
  if (isStream(it.framing ?? "json")) body.stream = true;
  const maxTokens = maxTokensOf(it);
  if (maxTokens !== undefined) body.max_tokens = maxTokens;
  if (it.tools)
    body.tools = [{ type: "function", function: { name: WEATHER_TOOL.name, description: WEATHER_TOOL.description, parameters: WEATHER_TOOL.schema } }];
  if (it.thinking) body.reasoning = { max_tokens: THINKING_BUDGET };
  if (it.json) body.response_format = { type: "json_schema", json_schema: { name: "weather_report", strict: true, schema: JSON_SCHEMA } };
  return body;
}

function anthropicBody(it: Intent): Record<string, unknown> {
  const messages: unknown[] = [];
  for (const t of turnsOf(it)) {
    if (t.role === "user") {
      messages.push(userMessage(t, (data) => ({ type: "image", source: { type: "base64", media_type: "image/png", data } })));
    } else if (t.role === "assistant") {
      const content: unknown[] = [];
      if (t.text) content.push({ type: "text", text: t.text });
      for (const c of t.calls ?? []) content.push({ type: "tool_use", id: c.id, name: c.name, input: c.args });
      messages.push({ role: "assistant", content });
    } else {
      messages.push({
        role: "user",
        content: t.results.map((r) => ({ type: "tool_result", tool_use_id: r.id, content: JSON.stringify(r.result) })),
      });
    }
  }
  const body: Record<string, unknown> = { model: it.model, max_tokens: maxTokensOf(it) ?? ANTHROPIC_MAX_TOKENS, messages };
  if (it.system) body.system = it.system;
  if (isStream(it.framing ?? "json")) body.stream = true;
  if (it.tools) body.tools = [{ name: WEATHER_TOOL.name, description: WEATHER_TOOL.description, input_schema: WEATHER_TOOL.schema }];
  if (it.thinking) body.thinking = { type: "enabled", budget_tokens: THINKING_BUDGET };
  if (it.json) body.output_config = { format: { type: "json_schema", schema: JSON_SCHEMA } };
  return body;
}

function geminiBody(it: Intent): Record<string, unknown> {
  const contents: unknown[] = [];
  for (const t of turnsOf(it)) {
    if (t.role === "user") {
      const parts: unknown[] = [{ text: t.text }];
      if (t.imageB64) parts.push({ inlineData: { mimeType: "image/png", data: t.imageB64 } });
      contents.push({ role: "user", parts });
    } else if (t.role === "assistant") {
      const parts: unknown[] = [];
      if (t.text) parts.push({ text: t.text });
      for (const c of t.calls ?? []) {
        const part: Record<string, unknown> = { functionCall: { ...(c.id ? { id: c.id } : {}), name: c.name, args: c.args } };
        if (c.thoughtSignature) part.thoughtSignature = c.thoughtSignature;
        parts.push(part);
      }
      contents.push({ role: "model", parts });
    } else {
      contents.push({
        role: "user",
        parts: t.results.map((r) => ({ functionResponse: { ...(r.id ? { id: r.id } : {}), name: r.name, response: r.result } })),
      });
    }
  }
  const body: Record<string, unknown> = { contents };
  if (it.system) body.systemInstruction = { parts: [{ text: it.system }] };
  if (it.tools)
    body.tools = [{ functionDeclarations: [{ name: WEATHER_TOOL.name, description: WEATHER_TOOL.description, parametersJsonSchema: WEATHER_TOOL.schema }] }];
  const gc: Record<string, unknown> = {};
  const maxTokens = maxTokensOf(it);
  if (maxTokens !== undefined) gc.maxOutputTokens = maxTokens;
  if (it.thinking) gc.thinkingConfig = { thinkingBudget: THINKING_BUDGET, includeThoughts: true };
  if (it.json) {
    gc.responseMimeType = "application/json";
    gc.responseJsonSchema = JSON_SCHEMA;
  }
  if (Object.keys(gc).length) body.generationConfig = gc;
  return body;
}
