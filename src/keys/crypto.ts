/** Key material: generation, hashing, masking and constant-time comparison. Never logs anything. */

export const API_KEY_PREFIX = "lr_live_";
export const MANAGEMENT_KEY_PREFIX = "lr_mgmt_";

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
/** 43 base62 characters ≈ 256 bits of entropy. */
const SECRET_LENGTH = 43;

/** Unbiased base62 secret (rejection sampling: bytes ≥ 248 are discarded so every symbol is equally likely). */
function randomSecret(length = SECRET_LENGTH): string {
  let out = "";
  while (out.length < length) {
    for (const b of crypto.getRandomValues(new Uint8Array(length * 2))) {
      if (b < 248 && out.length < length) out += ALPHABET[b % 62];
    }
  }
  return out;
}

export const generateApiKey = () => API_KEY_PREFIX + randomSecret();
export const generateManagementKey = () => MANAGEMENT_KEY_PREFIX + randomSecret();

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

async function sha256(text: string): Promise<ArrayBuffer> {
  return crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
}

/** SHA-256 hex digest: the only form in which keys are stored. */
export async function hashKey(key: string): Promise<string> {
  const bytes = new Uint8Array(await sha256(key));
  let out = "";
  for (const b of bytes) out += HEX[b];
  return out;
}

export const isKeyHash = (s: string) => /^[0-9a-f]{64}$/.test(s);

/** `lr_live_abc…xyz`: enough to recognise a key, useless to an attacker. */
export function maskKey(key: string): string {
  const prefix = key.startsWith(API_KEY_PREFIX) ? API_KEY_PREFIX : key.startsWith(MANAGEMENT_KEY_PREFIX) ? MANAGEMENT_KEY_PREFIX : "";
  const secret = key.slice(prefix.length);
  return `${prefix}${secret.slice(0, 3)}…${secret.slice(-3)}`;
}

/**
 * Constant-time string equality. Both sides are hashed first so neither the content nor the
 * length of the secret leaks through timing.
 */
export async function constantTimeEqual(a: string, b: string): Promise<boolean> {
  const [da, db] = await Promise.all([sha256(a), sha256(b)]);
  return crypto.subtle.timingSafeEqual(da, db);
}
