import { Hono } from "hono";
import { authenticateWhile } from "../auth/authenticate";
import { extractToken } from "../auth/token";
import { anthropicCodec } from "../codecs/anthropic";
import type { AppBindings } from "../env";
import { NotFoundError } from "../errors/gateway-error";
import { runChat } from "../gateway/chat/chat";
import { countTokens } from "../gateway/count-tokens";
import { errorsAs } from "../gateway/render-error";
import { readJsonObject } from "../gateway/request-body";

/** Headers an Anthropic-format upstream should see exactly as the caller sent them. */
function anthropicHeaders(req: Request): Record<string, string> {
  const out: Record<string, string> = {};
  for (const h of ["anthropic-version", "anthropic-beta"]) {
    const v = req.headers.get(h);
    if (v) out[h] = v;
  }
  return out;
}

/** POST /v1/messages (+ /count_tokens) — the Anthropic-native surface; every error in Anthropic's shape. */
export const messagesRoutes = new Hono<AppBindings>()
  .post("/", async (c) => {
    const { key, value: { body, bytes, req } } = await authenticateWhile(c.env, extractToken(c.req.raw), async () => {
      const { body, bytes } = await readJsonObject(c);
      return { body, bytes, req: anthropicCodec.decodeRequest(body) };
    });
    return runChat({
      env: c.env, ctx: c.executionCtx, surface: anthropicCodec, surfaceName: "anthropic", req, rawBody: body, rawBytes: bytes,
      key, forwardHeaders: anthropicHeaders(c.req.raw), clientSignal: c.req.raw.signal, sessionId: c.req.header("x-session-id"),
    });
  })
  .post("/count_tokens", async (c) => {
    const { key, value: req } = await authenticateWhile(c.env, extractToken(c.req.raw), async () => {
      const { body } = await readJsonObject(c);
      // count_tokens bodies have no max_tokens; the codec requires one for messages.
      return anthropicCodec.decodeRequest({ max_tokens: 1, ...body, stream: false });
    });
    return countTokens({
      env: c.env, ctx: c.executionCtx, key, req, surface: anthropicCodec, surfaceName: "anthropic",
      forwardHeaders: anthropicHeaders(c.req.raw), render: (n) => ({ input_tokens: n }),
    });
  })
  .all("*", (c) => {
    throw new NotFoundError(`No route for ${c.req.method} ${c.req.path}`);
  })
  .onError(errorsAs(anthropicCodec));
