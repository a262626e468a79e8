/**
 * OpenAI request messages -> canonical system + messages.
 * - system and developer messages (wherever they appear) are hoisted into `system`, in order;
 * - consecutive tool messages become one canonical tool message (one turn of results);
 * - tool-result names are recovered from the assistant tool call with the same id;
 * - legacy `function_call` / `function` messages get synthetic ids so they pair up like tool calls.
 */
import { isBase64 } from "../../canonical/base64";
import { newToolCallId } from "../../canonical/ids";
import { unpackToolCallId } from "../../canonical/tool-call-id";
import type {
  AssistantContentPart,
  CacheControl,
  FilePart,
  ImagePart,
  Message,
  TextPart,
  ToolResultPart,
  UserContentPart,
} from "../../canonical/types";
import { BadRequestError } from "../../errors/gateway-error";
import type { OpenAIRequestMessage, OpenAIToolPart, OpenAIUserPart } from "./openai-api";
import { audioMediaType, isHttpUrl, mediaTypeFromFilename, parseDataUrl } from "./media";
import { detailsToParts } from "./reasoning-details";

type AssistantMessage = Extract<OpenAIRequestMessage, { role: "assistant" }>;

interface CacheFields {
  cache_control?: { type: "ephemeral"; ttl?: string } | null;
  prompt_cache_breakpoint?: { mode: "explicit" } | null;
}

function cacheControlOf(p: CacheFields): CacheControl | undefined {
  if (p.cache_control) return p.cache_control.ttl ? { type: "ephemeral", ttl: p.cache_control.ttl } : { type: "ephemeral" };
  if (p.prompt_cache_breakpoint) return { type: "ephemeral" };
  return undefined;
}

function withCache<T extends { cacheControl?: CacheControl }>(part: T, p: CacheFields): T {
  const cc = cacheControlOf(p);
  if (cc) part.cacheControl = cc;
  return part;
}

function textPart(p: { text: string } & CacheFields): TextPart {
  return withCache<TextPart>({ type: "text", text: p.text }, p);
}

function convertPart(p: OpenAIUserPart | OpenAIToolPart, path: string): UserContentPart {
  switch (p.type) {
    case "text":
      return textPart(p);
    case "image_url": {
      const { url, detail } = p.image_url;
      const data = parseDataUrl(url);
      if (!data && !isHttpUrl(url)) {
        throw new BadRequestError(`${path}.image_url.url: expected an http(s) URL or a base64 data URL`);
      }
      if (data && !isBase64(data.data)) throw new BadRequestError(`${path}.image_url.url: the data URL's image data is not valid base64`);
      const part: ImagePart = {
        type: "image",
        source: data ? { kind: "base64", mediaType: data.mediaType, data: data.data } : { kind: "url", url },
      };
      if (detail) part.detail = detail;
      return withCache(part, p);
    }
    case "input_audio": {
      if (!isBase64(p.input_audio.data)) throw new BadRequestError(`${path}.input_audio.data: expected base64 audio data`);
      const mediaType = audioMediaType(p.input_audio.format);
      return withCache<FilePart>(
        { type: "file", source: { kind: "base64", mediaType, data: p.input_audio.data }, mediaType },
        p,
      );
    }
    case "file":
      return convertFile(p, path);
  }
}

function convertFile(p: Extract<OpenAIUserPart, { type: "file" }>, path: string): FilePart {
  const { file_data, filename, file_id } = p.file;
  if (!file_data) {
    // Uploaded file ids only mean something to OpenAI's own storage; other upstreams cannot read them.
    throw new BadRequestError(
      file_id
        ? `${path}.file.file_id: uploaded file ids are not supported, send the content in file_data`
        : `${path}.file.file_data: required`,
    );
  }
  const data = parseDataUrl(file_data);
  if ((data && !isBase64(data.data)) || (!data && !isHttpUrl(file_data) && !isBase64(file_data))) {
    throw new BadRequestError(`${path}.file.file_data: expected an http(s) URL, a base64 data URL or base64 file data`);
  }
  let part: FilePart;
  if (data) part = { type: "file", source: { kind: "base64", ...data }, mediaType: data.mediaType };
  else if (isHttpUrl(file_data)) {
    part = { type: "file", source: { kind: "url", url: file_data } };
    const guessed = mediaTypeFromFilename(filename ?? undefined);
    if (guessed) part.mediaType = guessed;
  } else {
    // Bare base64: OpenAI chat only takes PDFs here, so that is the sensible default.
    const mediaType = mediaTypeFromFilename(filename ?? undefined) ?? "application/pdf";
    part = { type: "file", source: { kind: "base64", mediaType, data: file_data }, mediaType };
  }
  if (filename) part.filename = filename;
  return withCache(part, p);
}

const argumentsText = (a: string | Record<string, unknown>) => (typeof a === "string" ? a : JSON.stringify(a));

export function convertFromOpenAIMessages(input: OpenAIRequestMessage[]): { system: TextPart[]; messages: Message[] } {
  const system: TextPart[] = [];
  const messages: Message[] = [];
  const toolNames = new Map<string, string>();
  /** Legacy function calls have no id: results pair with the latest unanswered call of the same name. */
  const legacyCalls = new Map<string, string[]>();

  const pushToolResult = (result: ToolResultPart) => {
    const last = messages[messages.length - 1];
    if (last?.role === "tool") last.content.push(result);
    else messages.push({ role: "tool", content: [result] });
  };

  input.forEach((m, i) => {
    const path = `messages[${i}]`;
    switch (m.role) {
      case "system":
      case "developer":
        if (typeof m.content === "string") system.push({ type: "text", text: m.content });
        else for (const p of m.content) system.push(textPart(p));
        return;
      case "user":
        messages.push({
          role: "user",
          content:
            typeof m.content === "string"
              ? [{ type: "text", text: m.content }]
              : m.content.map((p, j) => convertPart(p, `${path}.content[${j}]`)),
        });
        return;
      case "assistant":
        messages.push({ role: "assistant", content: convertAssistant(m, toolNames, legacyCalls) });
        return;
      case "tool": {
        const { id } = unpackToolCallId(m.tool_call_id);
        const result: ToolResultPart = {
          type: "tool-result",
          toolCallId: id,
          content:
            typeof m.content === "string"
              ? [{ type: "text", text: m.content }]
              : m.content.map((p, j) => convertPart(p, `${path}.content[${j}]`) as TextPart | ImagePart | FilePart),
        };
        const name = toolNames.get(id);
        if (name !== undefined) result.name = name;
        pushToolResult(result);
        return;
      }
      case "function": {
        const pending = legacyCalls.get(m.name);
        const id = pending?.shift() ?? newToolCallId();
        pushToolResult({ type: "tool-result", toolCallId: id, name: m.name, content: [{ type: "text", text: m.content ?? "" }] });
        return;
      }
    }
  });
  return { system, messages };
}

function convertAssistant(
  m: AssistantMessage,
  toolNames: Map<string, string>,
  legacyCalls: Map<string, string[]>,
): AssistantContentPart[] {
  const out: AssistantContentPart[] = [];
  // reasoning_details is the lossless form (signatures, encrypted blocks); the plain string is a
  // copy of the same text, so it is only used when the details yield nothing.
  out.push(...detailsToParts(m.reasoning_details ?? []));
  const plain = m.reasoning ?? m.reasoning_content;
  if (out.length === 0 && plain) out.push({ type: "reasoning", text: plain });

  if (typeof m.content === "string") {
    if (m.content !== "") out.push({ type: "text", text: m.content });
  } else if (m.content) {
    for (const p of m.content) out.push(p.type === "text" ? textPart(p) : { type: "text", text: p.refusal });
  }
  if (m.refusal) out.push({ type: "text", text: m.refusal });

  for (const tc of m.tool_calls ?? []) {
    const { id, thoughtSignature } = unpackToolCallId(tc.id);
    toolNames.set(id, tc.function.name);
    out.push({
      type: "tool-call",
      id,
      name: tc.function.name,
      arguments: argumentsText(tc.function.arguments),
      ...(thoughtSignature ? { thoughtSignature } : {}),
    });
  }
  if (m.function_call) {
    const id = newToolCallId();
    const name = m.function_call.name;
    toolNames.set(id, name);
    legacyCalls.set(name, [...(legacyCalls.get(name) ?? []), id]);
    out.push({ type: "tool-call", id, name, arguments: argumentsText(m.function_call.arguments) });
  }
  return out;
}
