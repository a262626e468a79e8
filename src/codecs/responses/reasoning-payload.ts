/**
 * A reasoning item's `encrypted_content`, as the Responses surface hands it out and reads it back.
 *
 * Responses clients (Codex with `store: false`) keep reasoning only as the opaque
 * `encrypted_content` of reasoning items and send it back on the next turn. Through the gateway
 * that payload may come from any provider, so it is tagged with its origin:
 * - OpenAI's own encrypted content travels verbatim (its Fernet tokens start with "gAAAA"): the
 *   same bytes a client would get from OpenAI directly, and what a same-format passthrough sends;
 * - anything else is `arouter:v1:` + base64url(JSON): `{o:"anthropic", t, s}` (a signed thinking
 *   block: its text and signature, both needed since the signature verifies that exact text),
 *   `{o:"anthropic", r}` (redacted thinking), `{o:"gemini", t, d}` (a thought signature).
 * Decoding restores the canonical part with its origin, so each upstream encoder sends a payload
 * only to its own family (Anthropic: signature / redactedData; OpenAI: encrypted.origin "openai").
 */
import type { ReasoningPart } from "../../canonical/types";
import { BadRequestError } from "../../errors/gateway-error";
import { isRecord, safeJsonParse } from "../../streams/json";

const TAG = "arouter:v1:";

/** The encrypted_content for a canonical reasoning part, when it carries a payload. */
export function encryptedContentOf(part: ReasoningPart): string | undefined {
  if (part.encrypted?.origin === "openai") return part.encrypted.data;
  if (part.redactedData !== undefined) return tag({ o: "anthropic", r: part.redactedData });
  if (part.signature) return tag({ o: "anthropic", t: part.text, s: part.signature });
  if (part.encrypted) return tag({ o: part.encrypted.origin, t: part.text, d: part.encrypted.data });
  return undefined;
}

/** Whether this encrypted_content is one of ours (not OpenAI's own). */
export const isTaggedPayload = (content: string): boolean => content.startsWith(TAG);

/**
 * The canonical part for a reasoning item the client sent back. `summary` is the item's summary
 * text, the part's text when the payload does not carry its own (OpenAI's).
 */
export function reasoningFromEncryptedContent(content: string, summary: string, path: string): ReasoningPart {
  if (!isTaggedPayload(content)) return { type: "reasoning", text: summary, encrypted: { origin: "openai", data: content } };
  const bad = () => new BadRequestError(`${path}: not a reasoning payload this gateway issued`);
  const json = base64UrlToUtf8(content.slice(TAG.length));
  const parsed = json === undefined ? undefined : safeJsonParse(json);
  if (!parsed?.ok || !isRecord(parsed.value)) throw bad();
  const { o, t, s, r, d } = parsed.value;
  const text = typeof t === "string" ? t : "";
  if (o === "anthropic" && typeof r === "string") return { type: "reasoning", text: "", redactedData: r };
  if (o === "anthropic" && typeof s === "string") return { type: "reasoning", text, signature: s };
  if (o === "gemini" && typeof d === "string") return { type: "reasoning", text, encrypted: { origin: "gemini", data: d } };
  throw bad();
}

function tag(payload: Record<string, string>): string {
  const bytes = new TextEncoder().encode(JSON.stringify(payload));
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return TAG + btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function base64UrlToUtf8(s: string): string | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(s)) return undefined;
  try {
    const binary = atob(s.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (s.length % 4)) % 4));
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return undefined;
  }
}
