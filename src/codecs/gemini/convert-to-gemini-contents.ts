/**
 * Canonical messages → Gemini `contents` (upstream requests).
 *
 * - assistant → role "model"; user and tool → role "user"; consecutive same-role turns are merged
 *   (a tool turn followed by a user turn becomes one user content).
 * - Reasoning parts are dropped: Gemini accepts no foreign thoughts, and its own thought
 *   summaries are not needed in history.
 * - Tool results become functionResponse parts. Gemini wants the function name, which OpenAI and
 *   Anthropic results do not carry: it is recovered from the assistant call with the same id.
 * - Gemini 3 rejects a model turn whose first function call has no thoughtSignature (history from
 *   another provider, or a client that dropped it); Google documents the sentinel
 *   "skip_thought_signature_validator" for exactly that case.
 */
import type { FilePart, ImagePart, Message, ToolResultPart } from "../../canonical/types";
import { isRecord, safeJsonParse } from "../../streams/json";
import type { GeminiModelTraits } from "./gemini-models";
import { guessFileMimeType, guessImageMimeType, parseDataUrl } from "./media";

export const SKIP_THOUGHT_SIGNATURE = "skip_thought_signature_validator";

export type OutPart = Record<string, unknown>;
export interface OutContent {
  role: "user" | "model";
  parts: OutPart[];
}

export function messagesToGeminiContents(messages: Message[], traits: GeminiModelTraits): OutContent[] {
  const names = new Map<string, string>();
  for (const m of messages) {
    if (m.role !== "assistant") continue;
    for (const p of m.content) if (p.type === "tool-call") names.set(p.id, p.name);
  }

  const contents: OutContent[] = [];
  const push = (role: OutContent["role"], parts: OutPart[]) => {
    if (parts.length === 0) return;
    const last = contents[contents.length - 1];
    if (last && last.role === role) last.parts.push(...parts);
    else contents.push({ role, parts });
  };

  for (const m of messages) {
    if (m.role === "user") {
      const parts = m.content.flatMap((p) => (p.type === "text" ? (p.text ? [{ text: p.text }] : []) : [mediaPart(p)]));
      // An empty user turn is still a turn (Gemini accepts `{"text": ""}`, not an empty parts list).
      push("user", parts.length > 0 || m.content.length === 0 ? parts : [{ text: "" }]);
    } else if (m.role === "assistant") {
      const parts: OutPart[] = [];
      for (const p of m.content) {
        if (p.type === "text" && p.text) parts.push({ text: p.text });
        else if (p.type === "tool-call") {
          const part: OutPart = { functionCall: { id: p.id, name: p.name, args: parseArgs(p.arguments) } };
          if (p.thoughtSignature) part.thoughtSignature = p.thoughtSignature;
          parts.push(part);
        }
      }
      const firstCall = parts.find((p) => p.functionCall !== undefined);
      if (traits.gemini3 && firstCall && firstCall.thoughtSignature === undefined) {
        firstCall.thoughtSignature = SKIP_THOUGHT_SIGNATURE;
      }
      push("model", parts);
    } else {
      const responses: OutPart[] = [];
      const media: OutPart[] = [];
      for (const r of m.content) {
        const fr: Record<string, unknown> = {
          id: r.toolCallId,
          name: r.name ?? names.get(r.toolCallId) ?? r.toolCallId,
          response: toolResponse(r),
        };
        const attachments = r.content.filter((c) => c.type !== "text").map((c) => mediaPart(c as ImagePart | FilePart));
        // Gemini 3 takes media inside the function response; older models only as sibling parts.
        if (attachments.length > 0 && traits.gemini3) fr.parts = attachments;
        else media.push(...attachments);
        responses.push({ functionResponse: fr });
      }
      push("user", [...responses, ...media]);
    }
  }
  return contents;
}

/** Gemini wants an object: a JSON-object result is sent as is, other text as {content}, errors as {error}. */
function toolResponse(r: ToolResultPart): Record<string, unknown> {
  const text = r.content
    .filter((c) => c.type === "text")
    .map((c) => c.text)
    .join("");
  const parsed = safeJsonParse(text);
  const value: unknown = parsed.ok && isRecord(parsed.value) ? parsed.value : undefined;
  if (r.isError) return { error: value ?? text };
  return value !== undefined ? (value as Record<string, unknown>) : { content: text };
}

export function parseArgs(args: string): Record<string, unknown> {
  if (args.trim() === "") return {};
  const parsed = safeJsonParse(args);
  // Gemini needs an object; unparseable arguments (a model's broken JSON) cannot be expressed.
  return parsed.ok && isRecord(parsed.value) ? parsed.value : {};
}

function mediaPart(p: ImagePart | FilePart): OutPart {
  const src = p.source;
  if (src.kind === "base64") {
    const mimeType = p.type === "file" ? (p.mediaType ?? src.mediaType) : src.mediaType;
    return { inlineData: { mimeType, data: src.data } };
  }
  const inline = parseDataUrl(src.url);
  if (inline) return { inlineData: inline };
  const mimeType =
    p.type === "image" ? guessImageMimeType(src.url) : (p.mediaType ?? guessFileMimeType(src.url) ?? "application/pdf");
  return { fileData: { mimeType, fileUri: src.url } };
}
