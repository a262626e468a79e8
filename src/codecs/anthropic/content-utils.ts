/**
 * Small conversions shared by the Anthropic encoders and decoders: tool-use ids, tool input,
 * cache_control, base64 text and data: URLs.
 */
import type { CacheControl, MediaSource } from "../../canonical/types";
import { newToolCallId } from "../../canonical/ids";
import { packToolCallId } from "../../canonical/tool-call-id";
import { isRecord, safeJsonParse } from "../../streams/json";

function isIdChar(code: number): boolean {
  return (
    (code >= 48 && code <= 57) || // 0-9
    (code >= 65 && code <= 90) || // A-Z
    (code >= 97 && code <= 122) || // a-z
    code === 95 || // _
    code === 45 // -
  );
}

/**
 * Anthropic rejects tool_use ids outside ^[a-zA-Z0-9_-]+$ (other providers use dots, colons…).
 * Invalid characters become "_"; the mapping is deterministic so a tool_use and its
 * tool_result still match.
 */
export function sanitizeToolId(id: string): string {
  if (id.length === 0) return "toolu_empty";
  let out = "";
  let changed = false;
  for (let i = 0; i < id.length; i++) {
    const code = id.charCodeAt(i);
    if (isIdChar(code)) out += id[i];
    else {
      out += "_";
      changed = true;
    }
  }
  return changed ? out : id;
}

/** The id of a tool_use block returned to an Anthropic caller (Gemini signature packed in). */
export function toolUseIdForCaller(id: string | undefined, thoughtSignature?: string): string {
  const base = id ? sanitizeToolId(id) : newToolCallId("toolu_");
  return packToolCallId(base, thoughtSignature);
}

/** Canonical arguments (JSON text) → Anthropic `input`, which must be an object. */
export function parseToolInput(args: string): Record<string, unknown> {
  if (!args) return {};
  const parsed = safeJsonParse(args);
  return parsed.ok && isRecord(parsed.value) ? parsed.value : {};
}

export function fromWireCacheControl(cc: { type: "ephemeral"; ttl?: string } | null | undefined): CacheControl | undefined {
  if (!cc) return undefined;
  return cc.ttl ? { type: "ephemeral", ttl: cc.ttl } : { type: "ephemeral" };
}

/** `{ cache_control }` to spread into a block, or nothing. */
export function wireCacheControl(cc: CacheControl | undefined): { cache_control?: CacheControl } {
  if (!cc) return {};
  return { cache_control: cc.ttl ? { type: "ephemeral", ttl: cc.ttl } : { type: "ephemeral" } };
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function utf8ToBase64(text: string): string {
  const bytes = encoder.encode(text);
  let binary = "";
  // Chunked so large documents do not overflow String.fromCharCode's argument limit.
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

export function base64ToUtf8(b64: string): string | undefined {
  try {
    const binary = atob(b64);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return decoder.decode(bytes);
  } catch {
    return undefined;
  }
}

/** OpenAI callers send images as `data:<type>;base64,<data>` URLs; Anthropic wants a base64 source. */
export function normalizeMediaSource(source: MediaSource): MediaSource {
  if (source.kind !== "url" || !source.url.startsWith("data:")) return source;
  const comma = source.url.indexOf(",");
  if (comma === -1) return source;
  const meta = source.url.slice(5, comma);
  if (!meta.endsWith(";base64")) return source;
  return { kind: "base64", mediaType: meta.slice(0, -";base64".length), data: source.url.slice(comma + 1) };
}
