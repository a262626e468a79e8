/**
 * Gemini thinking models attach a `thoughtSignature` to function calls and reject the next
 * turn if it is not sent back. OpenAI and Anthropic clients only echo the tool-call id, so the
 * signature travels inside it: `<id>.ts.<base64url signature>` would break Anthropic's id rule
 * (^[a-zA-Z0-9_-]+$), hence the `__ts_` separator and base64url (no +/=).
 *
 * Every non-Gemini codec packs on encode (response and stream) and unpacks on decodeRequest,
 * so the canonical model always holds the plain id and the signature separately.
 */
const SEP = "__ts_";

export function packToolCallId(id: string, thoughtSignature?: string): string {
  if (!thoughtSignature) return id;
  return `${id}${SEP}${toBase64Url(thoughtSignature)}`;
}

export function unpackToolCallId(packed: string): { id: string; thoughtSignature?: string } {
  const at = packed.indexOf(SEP);
  if (at === -1) return { id: packed };
  const sig = fromBase64Url(packed.slice(at + SEP.length));
  return sig === undefined ? { id: packed } : { id: packed.slice(0, at), thoughtSignature: sig };
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
