/** JSON parsing that never throws: stream code branches on the result instead of try/catch soup. */
export type JsonResult = { ok: true; value: unknown } | { ok: false; error: string };

export function safeJsonParse(text: string): JsonResult {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : "invalid JSON" };
  }
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
