/**
 * The raw credential of a request, in the places SDKs put it: `Authorization: Bearer`,
 * `x-api-key` (Anthropic), `x-goog-api-key` and `?key=` (Gemini). Management routes pass
 * `{ query: false }` so management keys never travel in URLs (which end up in logs).
 */
export function extractToken(req: Request, opts: { query?: boolean } = {}): string | undefined {
  const auth = req.headers.get("authorization");
  if (auth?.trim()) {
    const m = /^Bearer\s+(.+)$/i.exec(auth.trim());
    return m ? m[1].trim() : auth.trim();
  }
  const header = req.headers.get("x-api-key") ?? req.headers.get("x-goog-api-key");
  if (header?.trim()) return header.trim();
  if (opts.query === false) return undefined;
  const q = new URL(req.url).searchParams.get("key");
  return q?.trim() || undefined;
}
