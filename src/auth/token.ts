/**
 * The one rule for finding a request's credential, on every route (model calls, key info,
 * management):
 *
 * 1. `Authorization: Bearer <token>` — OpenAI SDKs, Claude Code's ANTHROPIC_AUTH_TOKEN, the console;
 * 2. `x-api-key` — Anthropic SDKs;
 * 3. `x-goog-api-key` — Google SDKs;
 * 4. `?key=` — only where the route passes `{ query: true }`: the Gemini surface, where Google's SDKs
 *    and REST examples put it. A key in a URL can end up in access logs, so no other route reads it.
 *
 * The first of these present wins. An Authorization header with another scheme (Basic…) is not a
 * credential: alone, it is answered 401.
 */
export function extractToken(req: Request, opts: { query?: boolean } = {}): string | undefined {
  const auth = req.headers.get("authorization");
  if (auth !== null) {
    const m = /^\s*Bearer\s+(\S+)\s*$/i.exec(auth);
    if (m) return m[1];
  }
  const header = req.headers.get("x-api-key") ?? req.headers.get("x-goog-api-key");
  if (header?.trim()) return header.trim();
  if (opts.query !== true) return undefined;
  const q = new URL(req.url).searchParams.get("key");
  return q?.trim() || undefined;
}
