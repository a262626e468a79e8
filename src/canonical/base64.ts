/**
 * Inline media (canonical `{kind:"base64"}` sources) must be real base64, checked when a request is
 * decoded so a broken image is the caller's 400, not an upstream call. Both alphabets (standard and
 * URL-safe, which Google accepts) and unpadded text are allowed; line breaks are tolerated.
 */
const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

export function isBase64(text: string): boolean {
  const s = /\s/.test(text) ? text.replace(/\s+/g, "") : text;
  return s.length > 0 && s.length % 4 !== 1 && BASE64.test(s) && (!s.endsWith("=") || s.length % 4 === 0);
}
