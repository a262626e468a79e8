import { Hono } from "hono";
import { authenticateWhile } from "../auth/authenticate";
import { extractToken } from "../auth/token";
import { openaiCodec } from "../codecs/openai";
import type { AppBindings } from "../env";
import { runChat } from "../gateway/chat/chat";
import { errorsAs } from "../gateway/render-error";
import { readJsonObject } from "../gateway/request-body";

/** POST /v1/chat/completions — the OpenAI-compatible surface. */
export const chatCompletionsRoutes = new Hono<AppBindings>()
  .post("/", async (c) => {
    const { key, value: { body, bytes, req } } = await authenticateWhile(c.env, extractToken(c.req.raw), async () => {
      const { body, bytes } = await readJsonObject(c);
      return { body, bytes, req: openaiCodec.decodeRequest(body) };
    });
    return runChat({
      env: c.env, ctx: c.executionCtx, surface: openaiCodec, surfaceName: "openai", req, rawBody: body, rawBytes: bytes,
      key, clientSignal: c.req.raw.signal, sessionId: c.req.header("x-session-id"),
    });
  })
  .onError(errorsAs(openaiCodec));
