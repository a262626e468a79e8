/**
 * Canonical messages → Converse `messages` and `system`.
 *
 * Converse rules this enforces (each one a ValidationException otherwise):
 * - roles alternate user/assistant: same-role messages are merged, canonical `tool` messages
 *   become user messages of toolResult blocks (placed first, as Claude requires);
 * - no empty text blocks, no empty messages; a final assistant prefill may not end in whitespace;
 * - images and documents are raw bytes (base64 in JSON) with a format name: URL sources cannot
 *   be fetched by Bedrock, so they are a 400 here rather than a silent loss;
 * - reasoning goes back only when signed (Claude's signature) or redacted; unsigned reasoning
 *   from other providers is dropped;
 * - toolUseId matches ^[a-zA-Z0-9_-]+$ (at most 64 characters) and `input` is an object.
 * Canonical cacheControl markers become `cachePoint` blocks after the marked block.
 */
import type { AssistantContentPart, CacheControl, FilePart, ImagePart, Message, TextPart, ToolResultPart, UserContentPart } from "../../canonical/types";
import { BadRequestError } from "../../errors/gateway-error";
import { parseToolInput, sanitizeToolId } from "../anthropic/content-utils";

export type BedrockBlock = Record<string, unknown>;
export interface BedrockMessage {
  role: "user" | "assistant";
  content: BedrockBlock[];
}

const IMAGE_FORMATS: Record<string, string> = { "image/png": "png", "image/jpeg": "jpeg", "image/jpg": "jpeg", "image/gif": "gif", "image/webp": "webp" };
const DOCUMENT_FORMATS: Record<string, string> = {
  "application/pdf": "pdf",
  "text/csv": "csv",
  "application/msword": "doc",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
  "application/vnd.ms-excel": "xls",
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
  "text/html": "html",
  "text/plain": "txt",
  "text/markdown": "md",
};

const cachePoint = (cc: CacheControl | undefined): BedrockBlock[] => (cc ? [{ cachePoint: { type: "default" } }] : []);

/** Bedrock's toolUseId: the Anthropic character set, and at most 64 characters. */
export function bedrockToolUseId(id: string): string {
  const clean = sanitizeToolId(id);
  return clean.length <= 64 ? clean : clean.slice(0, 64);
}

export function toBedrockSystem(system: TextPart[] | undefined, extra?: string): BedrockBlock[] {
  const out: BedrockBlock[] = [];
  for (const p of system ?? []) {
    if (!p.text) continue;
    out.push({ text: p.text }, ...cachePoint(p.cacheControl));
  }
  if (extra) out.push({ text: extra });
  return out;
}

export function toBedrockMessages(messages: Message[]): BedrockMessage[] {
  const out: BedrockMessage[] = [];
  let documents = 0;
  const nextDocName = () => `document-${++documents}`;
  for (const m of messages) {
    const role = m.role === "assistant" ? "assistant" : "user";
    const blocks =
      m.role === "assistant"
        ? m.content.flatMap(assistantBlock)
        : m.role === "tool"
          ? m.content.flatMap((p) => toolResultBlock(p, nextDocName))
          : m.content.flatMap((p) => userBlock(p, nextDocName));
    if (blocks.length === 0) continue;
    const last = out[out.length - 1];
    if (last && last.role === role) last.content.push(...blocks);
    else out.push({ role, content: blocks });
  }
  for (const m of out) if (m.role === "user") m.content = toolResultsFirst(m.content);
  trimFinalAssistant(out);
  return out;
}

function toolResultsFirst(blocks: BedrockBlock[]): BedrockBlock[] {
  const results = blocks.filter((b) => "toolResult" in b);
  if (results.length === 0 || results.length === blocks.length) return blocks;
  return [...results, ...blocks.filter((b) => !("toolResult" in b))];
}

function trimFinalAssistant(out: BedrockMessage[]): void {
  const last = out[out.length - 1];
  if (!last || last.role !== "assistant") return;
  const block = last.content[last.content.length - 1];
  if (typeof block?.text !== "string") return;
  const trimmed = block.text.trimEnd();
  if (trimmed) block.text = trimmed;
  else last.content.pop();
  if (last.content.length === 0) out.pop();
}

function userBlock(p: UserContentPart, nextDocName: () => string): BedrockBlock[] {
  if (p.type === "text") return p.text ? [{ text: p.text }, ...cachePoint(p.cacheControl)] : [];
  return [mediaBlock(p, nextDocName), ...cachePoint(p.cacheControl)];
}

function mediaBlock(p: ImagePart | FilePart, nextDocName: () => string): BedrockBlock {
  const src = p.source;
  if (src.kind !== "base64") {
    throw new BadRequestError("Amazon Bedrock takes images and documents as inline base64 data, not URLs.");
  }
  const mediaType = (p.type === "file" ? (p.mediaType ?? src.mediaType) : src.mediaType).toLowerCase();
  if (p.type === "image" || mediaType.startsWith("image/")) {
    const format = IMAGE_FORMATS[mediaType];
    if (!format) throw new BadRequestError(`Amazon Bedrock does not take '${mediaType}' images (png, jpeg, gif or webp).`);
    return { image: { format, source: { bytes: src.data } } };
  }
  const format = DOCUMENT_FORMATS[mediaType];
  if (!format) throw new BadRequestError(`Amazon Bedrock does not take '${mediaType}' documents.`);
  return { document: { format, name: documentName(p.filename) ?? nextDocName(), source: { bytes: src.data } } };
}

/** Converse document names allow letters, digits, single spaces, hyphens, parentheses and brackets. */
function documentName(filename: string | undefined): string | undefined {
  if (!filename) return undefined;
  const base = filename.replace(/\.[^.]+$/, "").replace(/[^A-Za-z0-9\-()[\] ]+/g, " ").replace(/\s+/g, " ").trim();
  return base || undefined;
}

function assistantBlock(p: AssistantContentPart): BedrockBlock[] {
  switch (p.type) {
    case "text":
      return p.text ? [{ text: p.text }, ...cachePoint(p.cacheControl)] : [];
    case "reasoning":
      if (p.redactedData !== undefined) return [{ reasoningContent: { redactedContent: p.redactedData } }];
      // Claude verifies its signature; reasoning another provider produced cannot be replayed.
      return p.signature ? [{ reasoningContent: { reasoningText: { text: p.text, signature: p.signature } } }] : [];
    case "tool-call":
      return [{ toolUse: { toolUseId: bedrockToolUseId(p.id), name: p.name, input: parseToolInput(p.arguments) } }, ...cachePoint(p.cacheControl)];
  }
}

function toolResultBlock(p: ToolResultPart, nextDocName: () => string): BedrockBlock[] {
  const content = p.content.flatMap((c): BedrockBlock[] => (c.type === "text" ? (c.text ? [{ text: c.text }] : []) : [mediaBlock(c, nextDocName)]));
  // Converse rejects an empty result (and blank text): a tool that returned nothing says so.
  const result: Record<string, unknown> = { toolUseId: bedrockToolUseId(p.toolCallId), content: content.length ? content : [{ text: "(no output)" }] };
  if (p.isError) result.status = "error";
  return [{ toolResult: result }, ...cachePoint(p.cacheControl)];
}
