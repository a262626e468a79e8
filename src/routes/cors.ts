import type { MiddlewareHandler } from "hono";
import type { AppBindings } from "../env";
import { PermissionError } from "../errors/gateway-error";

/**
 * Cross-origin calls from browsers. The model routes answer them for the origins the operator
 * lists in CORS_ORIGINS (a comma list, or `*`), with the headers the SDKs send and the gateway's
 * own response headers exposed; preflights get 204. Nothing else ever answers cross-origin: the
 * management API (keys, management keys, activity, key info, generations) refuses a request from
 * another origin with 403, and every other preflight is a 403 without CORS headers.
 */
// Everything under /v1 and /v1beta is called with an API key (chat, messages, embeddings, models,
// Gemini methods, and the Responses and media routes as they arrive); under /api/v1 only the
// OpenRouter-style aliases are.
const MODEL_ROUTES = /^\/(v1|v1beta)\/|^\/api\/v1\/(chat\/completions|embeddings|models|responses|images|audio)(\/|$)/;
const MANAGEMENT_ROUTES = /^\/api\/v1\//;

/** Headers a browser may send to the model routes: the SDKs' (OpenAI's x-stainless-*, Anthropic's, Google's) and ours. */
const ALLOWED_HEADERS = new Set([
  "authorization", "content-type", "accept", "accept-language", "content-language",
  "x-api-key", "anthropic-version", "anthropic-beta", "anthropic-dangerous-direct-browser-access",
  "x-goog-api-key", "x-goog-api-client", "x-goog-user-project",
  "openai-organization", "openai-project", "openai-beta", "x-session-id", "http-referer", "x-title",
]);
const ALLOWED_PREFIXES = ["x-stainless-"];
const EXPOSED = "x-generation-id, x-arouter-cost, x-arouter-provider, x-arouter-model, x-arouter-token-count, x-arouter-max-tokens-clamped, retry-after";

const isModelRoute = (path: string) => MODEL_ROUTES.test(path);

/** The Access-Control-Allow-Origin value for `origin`, or null when it may not call. */
function allowOrigin(config: string | undefined, origin: string): string | null {
  const list = (config ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  if (list.includes("*")) return "*";
  return list.some((o) => o.replace(/\/$/, "") === origin) ? origin : null;
}

function allowedRequestHeaders(requested: string | undefined): string {
  return (requested ?? "")
    .split(",")
    .map((h) => h.trim().toLowerCase())
    .filter((h) => h && (ALLOWED_HEADERS.has(h) || ALLOWED_PREFIXES.some((p) => h.startsWith(p))))
    .join(", ");
}

export const cors: MiddlewareHandler<AppBindings> = async (c, next) => {
  const origin = c.req.header("origin");
  if (!origin || origin === new URL(c.req.url).origin) return next();
  const path = c.req.path;
  const allowed = isModelRoute(path) ? allowOrigin(c.env.CORS_ORIGINS, origin) : null;
  if (c.req.method === "OPTIONS" && c.req.header("access-control-request-method")) {
    if (!allowed) return new Response(null, { status: 403 });
    return new Response(null, {
      status: 204,
      headers: {
        "access-control-allow-origin": allowed,
        "access-control-allow-methods": "GET, POST, DELETE, OPTIONS", // DELETE: stored responses (/v1/responses/{id})
        "access-control-allow-headers": allowedRequestHeaders(c.req.header("access-control-request-headers")),
        "access-control-max-age": "86400",
        vary: "Origin, Access-Control-Request-Headers",
      },
    });
  }
  if (!allowed) {
    if (MANAGEMENT_ROUTES.test(path) && !isModelRoute(path)) throw new PermissionError("The management API does not accept cross-origin requests.");
    return next();
  }
  await next();
  const res = new Response(c.res.body, c.res);
  res.headers.set("access-control-allow-origin", allowed);
  res.headers.set("access-control-expose-headers", EXPOSED);
  res.headers.append("vary", "Origin");
  c.res = res;
};
