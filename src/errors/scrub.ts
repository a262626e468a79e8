/**
 * Upstream error text is relayed to callers (it says what went wrong), but providers put account
 * details in some of it: OpenAI organisation and project ids, fragments of the operator's API key
 * ("Incorrect API key provided: sk-proj-…abcd"), Google project numbers, AWS account ARNs, e-mail
 * addresses of service accounts. These are replaced before any error leaves the gateway; the rest
 * of the message is kept.
 */
const PATTERNS: Array<[RegExp, string]> = [
  // Secret-looking tokens: provider key prefixes, with any masking characters providers add.
  [/\b(sk-ant-|sk-proj-|sk-svcacct-|sk-|gsk_|xai-|pplx-|fw_|csk-|r8_|hf_|AIza)[A-Za-z0-9_*.\-]{3,}/g, "[redacted key]"],
  [/\bBearer\s+\S+/gi, "Bearer [redacted]"],
  [/(API key provided:?\s*)\S+/gi, "$1[redacted key]"],
  [/\borg-[A-Za-z0-9]{6,}/g, "org-[redacted]"],
  [/\bproj_[A-Za-z0-9]{6,}/g, "proj_[redacted]"],
  [/\bprojects\/[A-Za-z0-9\-_]+/g, "projects/[redacted]"],
  [/\bproject(_number|_id)?[:=\s]+['"]?\d{6,}/gi, "project [redacted]"],
  [/\barn:aws:[^\s"',]+/g, "arn:aws:[redacted]"],
  [/[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}/g, "[redacted email]"],
];

export function scrubText(text: string): string {
  let out = text;
  for (const [re, by] of PATTERNS) out = out.replace(re, by);
  return out;
}

/** scrubText on every string of a parsed error body (bounded: error bodies are small and shallow). */
export function scrubValue(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return scrubText(value);
  if (depth > 8 || typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) return value.slice(0, 50).map((v) => scrubValue(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value).slice(0, 50)) out[k] = scrubValue(v, depth + 1);
  return out;
}
