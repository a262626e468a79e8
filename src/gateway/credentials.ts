/** Where each surface's SDK puts its key. */
export function bearer(req: Request): string | undefined {
  const h = req.headers.get("authorization");
  if (!h) return undefined;
  const m = /^Bearer\s+(.+)$/i.exec(h.trim());
  return m ? m[1].trim() : undefined;
}

/** Anthropic SDKs send x-api-key; Claude Code and others may send a Bearer token. */
export function anthropicToken(req: Request): string | undefined {
  return req.headers.get("x-api-key")?.trim() || bearer(req);
}

/** Google SDKs send ?key= or x-goog-api-key. */
export function googleToken(req: Request): string | undefined {
  return new URL(req.url).searchParams.get("key")?.trim() || req.headers.get("x-goog-api-key")?.trim() || bearer(req);
}
