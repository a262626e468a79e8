/** Official SDKs as clients of the gateway, unchanged, inside workerd: their fetch routed into the app. */
import type { Gateway } from "./gateway";

export const SDK_BASE = "http://gateway.test";

export interface SdkCall {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
}

/**
 * A `fetch` for an SDK that routes http://gateway.test/… into the app in-process, recording what
 * the SDK sent (so tests can check the SDK's own URL scheme and auth placement).
 */
export function sdkFetch(gw: Gateway, log: SdkCall[] = []): typeof fetch {
  return (async (input: RequestInfo | URL, init?: RequestInit) => {
    const req = new Request(input, init);
    const url = new URL(req.url);
    if (url.origin !== SDK_BASE) throw new Error(`SDK called ${url.origin}, expected ${SDK_BASE}`);
    log.push({
      method: req.method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: Object.fromEntries([...req.headers.entries()].map(([k, v]) => [k.toLowerCase(), v])),
    });
    const body = req.method === "GET" || req.method === "HEAD" ? undefined : await req.arrayBuffer();
    return gw.fetch(url.pathname + url.search, { method: req.method, headers: req.headers, body, signal: init?.signal ?? undefined });
  }) as typeof fetch;
}
