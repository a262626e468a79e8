import { Hono } from "hono";
import { authenticateWhile } from "../auth/authenticate";
import { credentialOf } from "../auth/token";
import { checkChatRequest, checkSessionId } from "../canonical/request-limits";
import { openaiCodec } from "../codecs/openai";
import type { AppBindings } from "../env";
import { runChat } from "../gateway/chat/chat";
import { errorsAs } from "../gateway/render-error";
import { readJsonObject } from "../gateway/request-body";

/** POST /v1/chat/completions — the OpenAI-compatible surface. */
export const chatCompletionsRoutes = new Hono<AppBindings>()
  .post("/", async (c) => {
    const { key, value: { body, bytes, req } } = await authenticateWhile(c.env, credentialOf(c.req.raw), async () => {
      const { body, bytes } = await readJsonObject(c);
      const req = openaiCodec.decodeRequest(body);
      checkChatRequest(req, { model: "model", maxTokens: body.max_completion_tokens != null ? "max_completion_tokens" : "max_tokens" });
      checkSessionId(c.req.header("x-session-id"), "x-session-id");
      return { body, bytes, req };
    });
    return runChat({
      env: c.env, ctx: c.executionCtx, surface: openaiCodec, surfaceName: "openai", req, rawBody: body, rawBytes: bytes,
      key, clientSignal: c.req.raw.signal, sessionId: c.req.header("x-session-id"),
    });
  })
  .onError(errorsAs(openaiCodec));
