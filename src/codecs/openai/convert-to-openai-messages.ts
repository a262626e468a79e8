/**
 * Canonical system + messages -> OpenAI chat messages (upstream side).
 * - all system parts become ONE leading system message (joined, order kept) because several
 *   compatible providers only accept a string there;
 * - each tool result becomes its own `tool` message; images/files returned by tools (which
 *   OpenAI tool messages cannot hold) follow in a user message;
 * - tool-call ids are sent plain: results carry the plain id, so packing a Gemini signature
 *   into the call id would break the pairing upstream.
 */
import type {
  AssistantContentPart,
  CacheControl,
  FilePart,
  ImagePart,
  Message,
  ReasoningPart,
  TextPart,
  UserContentPart,
} from "../../canonical/types";
import type { OpenAIEncodeOptions } from "./encode-options";
import { AUDIO_FORMATS, extensionForMediaType, sourceToUrl } from "./media";
import { partToDetails, reasoningText } from "./reasoning-details";

type Wire = Record<string, unknown>;

function cacheFields(cc: CacheControl | undefined, opts: OpenAIEncodeOptions): Wire {
  if (!cc) return {};
  if (opts.cacheControl === "cache_control") return { cache_control: cc.ttl ? { type: "ephemeral", ttl: cc.ttl } : { type: "ephemeral" } };
  if (opts.cacheControl === "prompt_cache_breakpoint") return { prompt_cache_breakpoint: { mode: "explicit" } };
  return {};
}

const marksCache = (parts: Array<{ cacheControl?: CacheControl }>, opts: OpenAIEncodeOptions) =>
  (opts.cacheControl ?? "none") !== "none" && parts.some((p) => p.cacheControl);

function encodePart(p: UserContentPart, opts: OpenAIEncodeOptions): Wire {
  switch (p.type) {
    case "text":
      return { type: "text", text: p.text, ...cacheFields(p.cacheControl, opts) };
    case "image":
      return {
        type: "image_url",
        image_url: p.detail ? { url: sourceToUrl(p.source), detail: p.detail } : { url: sourceToUrl(p.source) },
        ...cacheFields(p.cacheControl, opts),
      };
    case "file":
      return { ...encodeFile(p), ...cacheFields(p.cacheControl, opts) };
  }
}

function encodeFile(p: FilePart): Wire {
  const mediaType = p.source.kind === "base64" ? p.source.mediaType : p.mediaType;
  const audioFormat = mediaType ? AUDIO_FORMATS[mediaType] : undefined;
  if (audioFormat && p.source.kind === "base64") {
    return { type: "input_audio", input_audio: { data: p.source.data, format: audioFormat } };
  }
  if (p.source.kind === "url" && mediaType?.startsWith("image/")) {
    return { type: "image_url", image_url: { url: p.source.url } };
  }
  // OpenAI requires a filename next to file_data.
  const filename = p.filename ?? `document.${extensionForMediaType(mediaType ?? "application/pdf")}`;
  return { type: "file", file: { filename, file_data: sourceToUrl(p.source) } };
}

function userContent(parts: UserContentPart[], opts: OpenAIEncodeOptions): string | Wire[] {
  const only = parts[0];
  if (parts.length === 1 && only.type === "text" && !marksCache(parts, opts)) return only.text;
  return parts.map((p) => encodePart(p, opts));
}

function assistantMessage(parts: AssistantContentPart[], opts: OpenAIEncodeOptions): Wire {
  const texts: TextPart[] = [];
  const reasoning: ReasoningPart[] = [];
  const toolCalls: Wire[] = [];
  for (const p of parts) {
    if (p.type === "text") texts.push(p);
    else if (p.type === "reasoning") reasoning.push(p);
    else toolCalls.push({ id: p.id, type: "function", function: { name: p.name, arguments: p.arguments } });
  }
  const msg: Wire = { role: "assistant" };
  if (marksCache(texts, opts)) msg.content = texts.map((t) => ({ type: "text", text: t.text, ...cacheFields(t.cacheControl, opts) }));
  else msg.content = texts.length > 0 ? texts.map((t) => t.text).join("") : toolCalls.length > 0 ? null : "";
  if (toolCalls.length > 0) msg.tool_calls = toolCalls;

  const history = opts.reasoningHistory ?? "openrouter";
  if (reasoning.length > 0 && history !== "none") {
    const text = reasoningText(reasoning);
    if (history === "reasoning_content") {
      if (text) msg.reasoning_content = text;
    } else {
      if (text) msg.reasoning = text;
      msg.reasoning_details = reasoning.flatMap((p, i) => partToDetails(p, i));
    }
  }
  return msg;
}

function toolMessages(m: Extract<Message, { role: "tool" }>, opts: OpenAIEncodeOptions): Wire[] {
  const out: Wire[] = [];
  const media: Array<ImagePart | FilePart> = [];
  for (const r of m.content) {
    const texts = r.content.filter((c): c is TextPart => c.type === "text");
    for (const c of r.content) if (c.type !== "text") media.push(c);
    const content =
      texts.length === 1 && !marksCache(texts, opts)
        ? texts[0].text
        : texts.length === 0
          ? ""
          : texts.map((t) => ({ type: "text", text: t.text, ...cacheFields(t.cacheControl, opts) }));
    out.push({ role: "tool", tool_call_id: r.toolCallId, content });
  }
  if (media.length > 0) out.push({ role: "user", content: media.map((p) => encodePart(p, opts)) });
  return out;
}

export function convertToOpenAIMessages(system: TextPart[] | undefined, messages: Message[], opts: OpenAIEncodeOptions): Wire[] {
  const out: Wire[] = [];
  if (system && system.length > 0) {
    out.push({
      role: "system",
      content: marksCache(system, opts)
        ? system.map((p) => ({ type: "text", text: p.text, ...cacheFields(p.cacheControl, opts) }))
        : system.map((p) => p.text).join("\n\n"),
    });
  }
  for (const m of messages) {
    if (m.role === "user") out.push({ role: "user", content: userContent(m.content, opts) });
    else if (m.role === "assistant") out.push(assistantMessage(m.content, opts));
    else out.push(...toolMessages(m, opts));
  }
  return out;
}
