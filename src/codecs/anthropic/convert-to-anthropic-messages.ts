/**
 * Canonical messages → Anthropic `messages`.
 *
 * Anthropic rules this enforces (each one is a 400 from the real API otherwise):
 * - roles alternate: consecutive same-role messages are merged, and canonical `tool` messages
 *   become user messages holding tool_result blocks;
 * - in a user message, tool_result blocks come before any other content;
 * - no empty text blocks and no empty messages;
 * - the final assistant message (prefill) cannot end with whitespace;
 * - thinking blocks need Anthropic's signature: unsigned reasoning from other providers is
 *   dropped, redacted reasoning becomes redacted_thinking;
 * - tool_use ids match ^[a-zA-Z0-9_-]+$ and `input` is an object. Gemini thoughtSignatures
 *   are never sent (they mean nothing to Anthropic).
 */
import type { AssistantContentPart, FilePart, ImagePart, Message, ToolResultPart, UserContentPart } from "../../canonical/types";
import { base64ToUtf8, normalizeMediaSource, parseToolInput, sanitizeToolId, wireCacheControl } from "./content-utils";

export type WireBlock = Record<string, unknown> & { type: string };
export interface WireMessage {
  role: "user" | "assistant";
  content: WireBlock[];
}

export function toAnthropicMessages(messages: Message[]): WireMessage[] {
  const out: WireMessage[] = [];
  for (const m of messages) {
    const role = m.role === "assistant" ? "assistant" : "user";
    const blocks =
      m.role === "assistant" ? m.content.flatMap(assistantBlock) : m.role === "tool" ? m.content.map(toolResultBlock) : m.content.flatMap(userBlock);
    if (blocks.length === 0) continue;
    const last = out[out.length - 1];
    if (last && last.role === role) last.content.push(...blocks);
    else out.push({ role, content: blocks });
  }
  for (const m of out) {
    if (m.role === "user") m.content = toolResultsFirst(m.content);
  }
  trimFinalAssistant(out);
  return out;
}

function toolResultsFirst(blocks: WireBlock[]): WireBlock[] {
  const results = blocks.filter((b) => b.type === "tool_result");
  if (results.length === 0 || results.length === blocks.length) return blocks;
  return [...results, ...blocks.filter((b) => b.type !== "tool_result")];
}

function trimFinalAssistant(out: WireMessage[]): void {
  const last = out[out.length - 1];
  if (!last || last.role !== "assistant") return;
  const block = last.content[last.content.length - 1];
  if (block.type !== "text" || typeof block.text !== "string") return;
  const trimmed = block.text.trimEnd();
  if (trimmed) block.text = trimmed;
  else last.content.pop();
  if (last.content.length === 0) out.pop();
}

function textBlock(text: string, cc: TextLikeCache): WireBlock[] {
  return text ? [{ type: "text", text, ...wireCacheControl(cc) }] : [];
}
type TextLikeCache = Parameters<typeof wireCacheControl>[0];

function assistantBlock(part: AssistantContentPart): WireBlock[] {
  switch (part.type) {
    case "text":
      return textBlock(part.text, part.cacheControl);
    case "reasoning":
      if (part.redactedData !== undefined) return [{ type: "redacted_thinking", data: part.redactedData }];
      return part.signature ? [{ type: "thinking", thinking: part.text, signature: part.signature }] : [];
    case "tool-call":
      return [
        {
          type: "tool_use",
          id: sanitizeToolId(part.id),
          name: part.name,
          input: parseToolInput(part.arguments),
          ...wireCacheControl(part.cacheControl),
        },
      ];
  }
}

function userBlock(part: UserContentPart): WireBlock[] {
  switch (part.type) {
    case "text":
      return textBlock(part.text, part.cacheControl);
    case "image":
      return [imageBlock(part)];
    case "file":
      return fileBlock(part);
  }
}

function toolResultBlock(part: ToolResultPart): WireBlock {
  const content = part.content.flatMap(userBlock);
  const block: WireBlock = { type: "tool_result", tool_use_id: sanitizeToolId(part.toolCallId) };
  const only = content[0];
  if (content.length === 1 && only.type === "text" && only.cache_control === undefined) block.content = only.text;
  else if (content.length > 0) block.content = content;
  if (part.isError) block.is_error = true;
  Object.assign(block, wireCacheControl(part.cacheControl));
  return block;
}

function imageBlock(part: Pick<ImagePart, "source" | "cacheControl">): WireBlock {
  const src = normalizeMediaSource(part.source);
  const source = src.kind === "url" ? { type: "url", url: src.url } : { type: "base64", media_type: src.mediaType, data: src.data };
  return { type: "image", source, ...wireCacheControl(part.cacheControl) };
}

/**
 * Files: PDFs (base64 or URL) and text become document blocks, images become image blocks.
 * Anthropic has no block for other media (audio, office files…), so those are dropped.
 */
function fileBlock(part: FilePart): WireBlock[] {
  const src = normalizeMediaSource(part.source);
  const mediaType = part.mediaType ?? (src.kind === "base64" ? src.mediaType : undefined);
  if (mediaType?.startsWith("image/")) return [imageBlock({ source: src, cacheControl: part.cacheControl })];
  let source: Record<string, unknown> | undefined;
  if (src.kind === "url") {
    if (!mediaType || mediaType === "application/pdf") source = { type: "url", url: src.url };
  } else if (mediaType === "application/pdf") {
    source = { type: "base64", media_type: "application/pdf", data: src.data };
  } else if (mediaType?.startsWith("text/")) {
    const text = base64ToUtf8(src.data);
    if (text !== undefined) source = { type: "text", media_type: "text/plain", data: text };
  }
  if (!source) return [];
  return [{ type: "document", source, ...(part.filename ? { title: part.filename } : {}), ...wireCacheControl(part.cacheControl) }];
}
