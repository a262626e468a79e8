// Base64 of binary media (images, audio) in chunks: String.fromCharCode over a whole image would
// overflow the call stack.
const CHUNK = 0x8000;

export function bytesToBase64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += CHUNK) binary += String.fromCharCode.apply(null, bytes.subarray(i, i + CHUNK) as unknown as number[]);
  return btoa(binary);
}

/** Throws (DOMException / TypeError) when the text is not base64. */
export function base64ToBytes(b64: string): Uint8Array {
  const binary = atob(b64.replace(/[\s]/g, "").replace(/-/g, "+").replace(/_/g, "/"));
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

/** `data:image/png;base64,…` → its media type and base64 payload (plain base64 passes through). */
export function splitDataUrl(s: string, fallbackType: string): { mediaType: string; data: string } {
  const m = /^data:([^;,]+)(?:;[^,]*)?,(.*)$/s.exec(s);
  return m ? { mediaType: m[1], data: m[2] } : { mediaType: fallbackType, data: s };
}
