/** Random ids in the shapes callers expect. crypto.getRandomValues is cheap in workerd. */
const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

export function randomToken(length = 24): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  let out = "";
  for (let i = 0; i < length; i++) out += ALPHABET[bytes[i] % 62];
  return out;
}

/** Gateway generation id, also sent as X-Generation-Id. */
export const newGenerationId = () => `gen-${Math.floor(Date.now() / 1000)}-${randomToken(20)}`;
export const newToolCallId = (prefix = "call_") => `${prefix}${randomToken(24)}`;
