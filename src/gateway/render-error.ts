import type { ErrorHandler } from "hono";
import type { Codec } from "../codecs/codec";
import { toGatewayError } from "../errors/gateway-error";

/** The one place an error becomes an HTTP response, in the caller's own format. */
export function renderError(surface: Pick<Codec, "encodeError">, err: unknown, extraHeaders?: Record<string, string>): Response {
  const ge = toGatewayError(err);
  if (ge.status >= 500 && !(ge.metadata?.provider_name)) {
    // Log the class and message only: never request bodies or keys.
    console.error(`[arouter] ${ge.name}: ${ge.message}`, err instanceof Error && err !== ge ? err.stack : "");
  }
  const { status, body } = surface.encodeError(ge);
  const headers: Record<string, string> = { "content-type": "application/json", ...extraHeaders };
  if (ge.retryAfter !== undefined) headers["retry-after"] = String(Math.ceil(ge.retryAfter));
  return new Response(JSON.stringify(body), { status, headers });
}

/** A surface sub-app's `onError`: everything thrown under it is answered in that surface's format. */
export function errorsAs(surface: Pick<Codec, "encodeError">): ErrorHandler {
  return (err) => renderError(surface, err);
}
