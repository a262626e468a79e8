import { Hono } from "hono";
import { anthropicCodec } from "../codecs/anthropic";
import type { AppBindings } from "../env";
import { authenticateApiKey, authenticateWhile } from "../gateway/accounting";
import { runChat } from "../gateway/chat";
import { anthropicToken } from "../gateway/credentials";
import { countTokens } from "../gateway/count-tokens";
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

/** POST /v1/messages (+ /count_tokens) — the Anthropic-native surface. */
export const messagesRoutes = new Hono<AppBindings>()
  .post("/", async (c) => {
    const { key, value: { body, bytes, req } } = await authenticateWhile(c.env, anthropicToken(c.req.raw), async () => {
      const { body, bytes } = await readJsonObject(c);
      return { body, bytes, req: anthropicCodec.decodeRequest(body) };
    });
    return runChat({
      env: c.env, ctx: c.executionCtx, surface: anthropicCodec, surfaceName: "anthropic", req, rawBody: body, rawBytes: bytes,
      key, forwardHeaders: anthropicHeaders(c.req.raw), clientSignal: c.req.raw.signal, sessionId: c.req.header("x-session-id"),
    });
  })
  .post("/count_tokens", async (c) => {
    const key = await authenticateApiKey(c.env, anthropicToken(c.req.raw));
    const { body, bytes } = await readJsonObject(c);
    // count_tokens bodies have no max_tokens; the codec requires one for messages.
    const req = anthropicCodec.decodeRequest({ max_tokens: 1, ...body, stream: false });
    const result = await countTokens({ env: c.env, ctx: c.executionCtx, key, req, rawBody: body, rawBytes: bytes, surface: anthropicCodec, forwardHeaders: anthropicHeaders(c.req.raw) });
    return c.json({ input_tokens: result.inputTokens }, 200, result.headers);
  });
