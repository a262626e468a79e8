import { Hono } from "hono";
import { authenticateWhile } from "../auth/authenticate";
import { credentialOf } from "../auth/token";
import { checkChatRequest, checkSessionId } from "../canonical/request-limits";
import { anthropicCodec } from "../codecs/anthropic";
import type { AppBindings } from "../env";
import { NotFoundError } from "../errors/gateway-error";
import { runChat } from "../gateway/chat/chat";
import { countTokens } from "../gateway/count-tokens";
import { errorsAs } from "../gateway/render-error";
import { readJsonObject } from "../gateway/request-body";
import { anthropicHeaders } from "./anthropic-headers";


const ANTHROPIC_FIELDS = { model: "model", maxTokens: "max_tokens" };

/** POST /v1/messages (+ /count_tokens) — the Anthropic-native surface; every error in Anthropic's shape. */
export const messagesRoutes = new Hono<AppBindings>()
  .post("/", async (c) => {
    const { key, value: { body, bytes, req } } = await authenticateWhile(c.env, credentialOf(c.req.raw), async () => {
      const { body, bytes } = await readJsonObject(c);
      const req = anthropicCodec.decodeRequest(body);
      checkChatRequest(req, ANTHROPIC_FIELDS);
      checkSessionId(c.req.header("x-session-id"), "x-session-id");
      return { body, bytes, req };
    });
    return runChat({
      env: c.env, ctx: c.executionCtx, surface: anthropicCodec, surfaceName: "anthropic", req, rawBody: body, rawBytes: bytes,
      key, forwardHeaders: anthropicHeaders(c.req.raw, c.env), clientSignal: c.req.raw.signal, sessionId: c.req.header("x-session-id"),
    });
  })
  .post("/count_tokens", async (c) => {
    const { key, value: req } = await authenticateWhile(c.env, credentialOf(c.req.raw), async () => {
      const { body } = await readJsonObject(c);
      // count_tokens bodies have no max_tokens; the codec requires one for messages.
      const req = anthropicCodec.decodeRequest({ max_tokens: 1, ...body, stream: false });
      checkChatRequest(req, ANTHROPIC_FIELDS);
      return req;
    });
    return countTokens({
      env: c.env, ctx: c.executionCtx, key, req, surface: anthropicCodec, surfaceName: "anthropic",
      forwardHeaders: anthropicHeaders(c.req.raw, c.env), render: (n) => ({ input_tokens: n }),
    });
  })
  .all("*", (c) => {
    throw new NotFoundError(`No route for ${c.req.method} ${c.req.path}`);
  })
  .onError(errorsAs(anthropicCodec));
