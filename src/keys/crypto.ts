/** Key material: generation, hashing, masking and constant-time comparison. Never logs anything. */

export const API_KEY_PREFIX = "lr_live_";
export const MANAGEMENT_KEY_PREFIX = "lr_mgmt_";

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
/** 43 base62 characters ≈ 256 bits of entropy. */
const SECRET_LENGTH = 43;
/** CRC32 (< 2^32 < 62^6) in base62, left-padded: the last 6 characters of a key issued since checksums. */
const CHECKSUM_LENGTH = 6;

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

/**
 * Keys carry a checksum, like GitHub's tokens: `lr_live_` + 43 random base62 characters + the CRC32
 * of everything before it in 6 base62 characters. A typo or a made-up token is refused from its
 * own characters, before any lookup. Keys issued before checksums (prefix + 43 characters, no
 * checksum) are 6 characters shorter, so the two formats never overlap.
 */
export const generateApiKey = () => withChecksum(API_KEY_PREFIX + randomSecret());
export const generateManagementKey = () => withChecksum(MANAGEMENT_KEY_PREFIX + randomSecret());

/**
 * What a token's own characters say about it (no lookup):
 * - `checksummed`: the current format, checksum verified;
 * - `legacy`: the format issued before checksums, which only a lookup can tell from junk;
 * - `invalid`: neither (wrong prefix, length, alphabet or checksum): refused at once.
 */
export type KeyFormat = "checksummed" | "legacy" | "invalid";

export function keyFormat(token: string, prefix: string): KeyFormat {
  if (!token.startsWith(prefix)) return "invalid";
  const body = token.length - prefix.length;
  if (body !== SECRET_LENGTH && body !== SECRET_LENGTH + CHECKSUM_LENGTH) return "invalid";
  for (let i = prefix.length; i < token.length; i++) if (!isBase62(token.charCodeAt(i))) return "invalid";
  if (body === SECRET_LENGTH) return "legacy";
  const head = token.slice(0, -CHECKSUM_LENGTH);
  return checksum(head) === token.slice(-CHECKSUM_LENGTH) ? "checksummed" : "invalid";
}

const isBase62 = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);

function withChecksum(head: string): string {
  return head + checksum(head);
}

function checksum(text: string): string {
  let n = crc32(text);
  let out = "";
  for (let i = 0; i < CHECKSUM_LENGTH; i++) {
    out = ALPHABET[n % 62] + out;
    n = Math.floor(n / 62);
  }
  return out;
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[i] = c >>> 0;
  }
  return t;
})();

/** CRC-32 (IEEE) of an ASCII string (keys are ASCII by construction). */
function crc32(text: string): number {
  let c = 0xffffffff;
  for (let i = 0; i < text.length; i++) c = CRC_TABLE[(c ^ text.charCodeAt(i)) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

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
