/**
 * Gemini thinking models attach a `thoughtSignature` to function calls and reject the next
 * turn if it is not sent back. OpenAI and Anthropic clients only echo the tool-call id, so the
 * signature travels inside it: `<id>.ts.<base64url signature>` would break Anthropic's id rule
 * (^[a-zA-Z0-9_-]+$), hence the `__ts_` separator and base64url (no +/=).
 *
 * Every non-Gemini codec packs on encode (response and stream) and unpacks on decodeRequest,
 * so the canonical model always holds the plain id and the signature separately.
 *
 * Signatures that are not canonical padded base64 (sanitized recordings, other gateways) would
 * not survive the base64url re-encoding, so they travel as base64url of their UTF-8 bytes after
 * a `__tsr_` separator instead.
 */
const SEP = "__ts_";
const SEP_RAW = "__tsr_";

const isPaddedBase64 = (s: string) => s.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(s);

export function packToolCallId(id: string, thoughtSignature?: string): string {
  if (!thoughtSignature) return id;
  if (isPaddedBase64(thoughtSignature)) return `${id}${SEP}${toBase64Url(thoughtSignature)}`;
  return `${id}${SEP_RAW}${toBase64Url(utf8ToBase64(thoughtSignature))}`;
}

export function unpackToolCallId(packed: string): { id: string; thoughtSignature?: string } {
  const at = packed.indexOf(SEP);
  const atRaw = packed.indexOf(SEP_RAW);
  if (atRaw !== -1 && (at === -1 || atRaw < at)) {
    const b64 = fromBase64Url(packed.slice(atRaw + SEP_RAW.length));
    const sig = b64 === undefined ? undefined : base64ToUtf8(b64);
    return sig === undefined ? { id: packed } : { id: packed.slice(0, atRaw), thoughtSignature: sig };
  }
  if (at === -1) return { id: packed };
  const sig = fromBase64Url(packed.slice(at + SEP.length));
  return sig === undefined ? { id: packed } : { id: packed.slice(0, at), thoughtSignature: sig };
}

function utf8ToBase64(text: string): string {
  let binary = "";
  for (const b of new TextEncoder().encode(text)) binary += String.fromCharCode(b);
  return btoa(binary);
}

function base64ToUtf8(b64: string): string | undefined {
  try {
    const binary = atob(b64);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return undefined;
  }
}

/** The signature is itself base64 (standard alphabet); re-encoding as base64url is lossless. */
function toBase64Url(b64: string): string {
  return b64.replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64Url(s: string): string | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(s)) return undefined;
  const std = s.replace(/-/g, "+").replace(/_/g, "/");
  return std + "=".repeat((4 - (std.length % 4)) % 4);
}
