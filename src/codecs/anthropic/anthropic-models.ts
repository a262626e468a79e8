/**
 * What a Claude model accepts, read from its id (as gemini-models.ts does for Gemini). Only used
 * to translate what a known model would reject; unknown and future ids get the current behaviour.
 */

/**
 * `role: "system"` messages inside `messages`: Claude Opus 4.8 and the 5.x models except Claude
 * Sonnet 5 (Anthropic's list). Earlier models answer "role 'system' is not supported on this
 * model". Ids look like `claude-opus-4-8`, `claude-sonnet-4-20250514` (a date, minor 0),
 * `claude-3-7-sonnet-…`, or Vertex's `claude-sonnet-4-5@20250929`.
 */
export function acceptsMidConversationSystem(model: string): boolean {
  if (/^claude-(?:instant|[123](?:[-.@]|$))/.test(model)) return false;
  const m = /^claude-(opus|sonnet|haiku)-(\d+)(?:-(\d+))?/.exec(model);
  if (!m) return true;
  const major = Number(m[2]);
  // A second number of 8 digits is a date (`claude-sonnet-4-20250514`), not a minor version.
  const minor = m[3] !== undefined && m[3].length < 8 ? Number(m[3]) : 0;
  if (major === 5 && minor === 0 && m[1] === "sonnet") return false;
  return major > 4 || (major === 4 && minor >= 8);
}
