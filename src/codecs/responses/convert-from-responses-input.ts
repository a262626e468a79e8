/**
 * Responses `instructions` + `input` items → canonical system + messages.
 * - instructions, then system and developer messages (wherever they appear), become `system`;
 * - consecutive assistant-side items (assistant messages, reasoning, function and custom tool
 *   calls) form one assistant message, consecutive tool outputs one tool message;
 * - call ids are unpacked (a Gemini thought signature may ride in them, see tool-call-id.ts);
 * - reasoning items keep their payload with its origin (reasoning-payload.ts);
 * - items only OpenAI can use (built-in tool calls, compaction, item references) are skipped and
 *   listed, so the request still reaches a Responses upstream whole (see decode-request.ts).
 */
import { isBase64 } from "../../canonical/base64";
import { qualifiedToolName, wrapCustomInput } from "../../canonical/tools";
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
import { isHttpUrl, mediaTypeFromFilename, parseDataUrl } from "../openai/media";
import { reasoningFromEncryptedContent } from "./reasoning-payload";
import type { ResponsesInputItem, ResponsesMessagePart, ResponsesUserPart } from "./responses-api";

export interface ConvertedInput {
  system: TextPart[];
  messages: Message[];
  /** Types of the items skipped because only OpenAI can use them, in order. */
  opaqueItems: string[];
}

type CacheFields = { prompt_cache_breakpoint?: { mode: "explicit" } | null };

function withCache<T extends { cacheControl?: CacheControl }>(part: T, p: CacheFields): T {
  if (p.prompt_cache_breakpoint) part.cacheControl = { type: "ephemeral" };
  return part;
}

export function convertUserPart(p: ResponsesUserPart, path: string): UserContentPart {
  switch (p.type) {
    case "input_text":
      return withCache<TextPart>({ type: "text", text: p.text }, p);
    case "input_image":
      return withCache(imagePart(p.image_url, p.file_id, p.detail, path), p);
    case "input_file":
      return withCache(filePart(p, path), p);
  }
}

function imagePart(url: string | null | undefined, fileId: string | null | undefined, detail: string | null | undefined, path: string): ImagePart {
  // Uploaded file ids only mean something to OpenAI's own storage; other upstreams cannot read them.
  if (!url) throw new BadRequestError(fileId ? `${path}.file_id: uploaded file ids are not supported, send image_url` : `${path}.image_url: required`);
  const data = parseDataUrl(url);
  if (!data && !isHttpUrl(url)) throw new BadRequestError(`${path}.image_url: expected an http(s) URL or a base64 data URL`);
  if (data && !isBase64(data.data)) throw new BadRequestError(`${path}.image_url: the data URL's image data is not valid base64`);
  const part: ImagePart = { type: "image", source: data ? { kind: "base64", ...data } : { kind: "url", url } };
  if (detail) part.detail = detail;
  return part;
}

function filePart(p: Extract<ResponsesUserPart, { type: "input_file" }>, path: string): FilePart {
  const filename = p.filename ?? undefined;
  let part: FilePart;
  if (p.file_data) {
    const data = parseDataUrl(p.file_data);
    if (data) {
      if (!isBase64(data.data)) throw new BadRequestError(`${path}.file_data: the data URL's content is not valid base64`);
      part = { type: "file", source: { kind: "base64", ...data }, mediaType: data.mediaType };
    } else if (isBase64(p.file_data)) {
      const mediaType = mediaTypeFromFilename(filename) ?? "application/pdf";
      part = { type: "file", source: { kind: "base64", mediaType, data: p.file_data }, mediaType };
    } else throw new BadRequestError(`${path}.file_data: expected a base64 data URL or base64 file data`);
  } else if (p.file_url) {
    if (!isHttpUrl(p.file_url)) throw new BadRequestError(`${path}.file_url: expected an http(s) URL`);
    part = { type: "file", source: { kind: "url", url: p.file_url } };
    const guessed = mediaTypeFromFilename(filename ?? p.file_url.split(/[?#]/)[0]);
    if (guessed) part.mediaType = guessed;
  } else {
    throw new BadRequestError(p.file_id ? `${path}.file_id: uploaded file ids are not supported, send file_data or file_url` : `${path}.file_data: required`);
  }
  if (filename) part.filename = filename;
  return part;
}

/** Text of a message part that may stand in a system or assistant message. */
function textOf(p: ResponsesMessagePart, path: string, role: string): TextPart {
  if (p.type === "input_text") return withCache<TextPart>({ type: "text", text: p.text }, p);
  if (p.type === "output_text") return { type: "text", text: p.text };
  if (p.type === "refusal") return { type: "text", text: p.refusal };
  throw new BadRequestError(`${path}.type: ${p.type} is not allowed in a ${role} message`);
}

function toolResultContent(output: string | ResponsesUserPart[], path: string): ToolResultPart["content"] {
  return typeof output === "string" ? [{ type: "text", text: output }] : output.map((p, j) => convertUserPart(p, `${path}.output[${j}]`));
}

export function convertFromResponsesInput(instructions: string | undefined, input: string | ResponsesInputItem[] | undefined): ConvertedInput {
  const system: TextPart[] = [];
  const messages: Message[] = [];
  if (instructions) system.push({ type: "text", text: instructions });
  if (input === undefined) return { system, messages, opaqueItems: [] };
  if (typeof input === "string") {
    messages.push({ role: "user", content: [{ type: "text", text: input }] });
    return { system, messages, opaqueItems: [] };
  }
  const toolNames = new Map<string, string>();
  const opaqueItems: string[] = [];

  const assistant = (): AssistantContentPart[] => {
    const last = messages[messages.length - 1];
    if (last?.role === "assistant") return last.content;
    const m: Message = { role: "assistant", content: [] };
    messages.push(m);
    return m.content;
  };
  const toolResult = (r: ToolResultPart) => {
    const last = messages[messages.length - 1];
    if (last?.role === "tool") last.content.push(r);
    else messages.push({ role: "tool", content: [r] });
  };

  input.forEach((item, i) => {
    const path = `input[${i}]`;
    if (item.type === "message") {
      const m = item;
      const parts = typeof m.content === "string" ? null : m.content;
      switch (m.role) {
        case "system":
        case "developer":
          if (parts === null) system.push({ type: "text", text: m.content as string });
          else parts.forEach((p, j) => system.push(textOf(p, `${path}.content[${j}]`, m.role)));
          return;
        case "user":
          messages.push({
            role: "user",
            content:
              parts === null
                ? [{ type: "text", text: m.content as string }]
                : parts.map((p, j) =>
                    p.type === "output_text" || p.type === "refusal" ? textOf(p, `${path}.content[${j}]`, "user") : convertUserPart(p, `${path}.content[${j}]`),
                  ),
          });
          return;
        case "assistant": {
          const out = assistant();
          if (parts === null) {
            if (m.content !== "") out.push({ type: "text", text: m.content as string });
          } else parts.forEach((p, j) => out.push(textOf(p, `${path}.content[${j}]`, "assistant")));
          return;
        }
      }
      return;
    }
    switch (item.type) {
      case "function_call":
      case "custom_tool_call": {
        const { id, thoughtSignature } = unpackToolCallId(item.call_id);
        const name = qualifiedToolName(item.namespace ?? undefined, item.name);
        toolNames.set(id, name);
        const call: AssistantContentPart =
          item.type === "function_call"
            ? { type: "tool-call", id, name, arguments: item.arguments }
            : { type: "tool-call", id, name, arguments: wrapCustomInput(item.input), custom: true };
        if (thoughtSignature) call.thoughtSignature = thoughtSignature;
        assistant().push(call);
        return;
      }
      case "function_call_output":
      case "custom_tool_call_output": {
        const { id } = unpackToolCallId(item.call_id);
        const result: ToolResultPart = { type: "tool-result", toolCallId: id, content: toolResultContent(item.output, path) };
        const name = toolNames.get(id);
        if (name !== undefined) result.name = name;
        toolResult(result);
        return;
      }
      case "reasoning": {
        const summary = (item.summary ?? []).map((s) => s.text).join("\n\n");
        const text = summary || (item.content ?? []).map((c) => c.text ?? "").join("");
        if (item.encrypted_content) assistant().push(reasoningFromEncryptedContent(item.encrypted_content, text, `${path}.encrypted_content`));
        else if (text) assistant().push({ type: "reasoning", text });
        return;
      }
      default:
        opaqueItems.push(item.type);
    }
  });
  return { system, messages, opaqueItems };
}
