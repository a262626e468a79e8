import { createMiddleware } from "hono/factory";

/**
 * Strict Content-Security-Policy for every page: scripts and styles only from this origin (no
 * inline code, so injected markup cannot run), requests only to this origin, no framing. The
 * console keeps a management key in sessionStorage; this is what keeps other code away from it.
 */
export const STRICT_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

/** Swagger UI sets style attributes from its bundled React code and inlines SVG icons. */
export const DOCS_CSP = STRICT_CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'");

export const securityHeaders = (csp: string = STRICT_CSP) =>
  createMiddleware(async (c, next) => {
    await next();
    const type = c.res.headers.get("content-type") ?? "";
    if (!type.startsWith("text/html")) return;
    c.header("Content-Security-Policy", csp);
    c.header("X-Content-Type-Options", "nosniff");
    c.header("Referrer-Policy", "no-referrer");
    c.header("Cross-Origin-Opener-Policy", "same-origin");
    c.header("Permissions-Policy", "camera=(), microphone=(), geolocation=()");
  });
