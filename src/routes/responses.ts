import { Hono, type Context } from "hono";
import { authenticateWhile } from "../auth/authenticate";
import { extractToken } from "../auth/token";
import { responsesCodec } from "../codecs/responses";
import type { AppBindings } from "../env";
import { NotFoundError } from "../errors/gateway-error";
import { runChat } from "../gateway/chat/chat";
import { countTokens } from "../gateway/count-tokens";
import { errorsAs } from "../gateway/render-error";
import { readJsonObject } from "../gateway/request-body";
import { expandConversation, ResponseKeeper, type Turn } from "../response-store/conversation";
import { deleteResponse, getResponse, listInputItems } from "./responses-state";

/**
 * Reads and decodes a Responses body, authenticating meanwhile, then expands the stored
 * conversation it continues (previous_response_id, item references) into its input and decodes
 * that again: every upstream, the same-format passthrough included, sees the whole conversation.
 */
async function readTurn(c: Context<AppBindings>, fixed: Record<string, unknown> = {}) {
  const { key, value } = await authenticateWhile(c.env, extractToken(c.req.raw), async () => {
    const { body, bytes } = await readJsonObject(c);
    const raw = { ...body, ...fixed };
    return { body: raw, bytes, req: responsesCodec.decodeRequest(raw) };
  });
  const turn: Turn = await expandConversation(c.env, key.hash, value.body);
  const req = turn.expanded ? responsesCodec.decodeRequest(turn.body) : value.req;
  return { key, req, turn, bytes: value.bytes + turn.addedBytes };
}

/**
 * POST /v1/responses (+ /input_tokens, and the stored responses) — the OpenAI Responses surface
 * (Codex, the Agents SDK, @ai-sdk/openai's default model); every error in its shape.
 */
export const responsesRoutes = new Hono<AppBindings>()
  .post("/", async (c) => {
    const { key, req, turn, bytes } = await readTurn(c);
    const body = turn.body;
    // `store` defaults to true, as on OpenAI: the answer is kept so previous_response_id can continue it.
    const keep =
      body.store !== false
        ? new ResponseKeeper(c.env, key.hash, { previousId: typeof body.previous_response_id === "string" ? body.previous_response_id : undefined, input: turn.input })
        : undefined;
    return runChat({
      env: c.env, ctx: c.executionCtx, surface: responsesCodec, surfaceName: "responses", req, rawBody: body, rawBytes: bytes,
      key, clientSignal: c.req.raw.signal, sessionId: c.req.header("x-session-id"), keep,
    });
  })
  .post("/input_tokens", async (c) => {
    const { key, req } = await readTurn(c, { stream: false });
    return countTokens({
      env: c.env, ctx: c.executionCtx, key, req, surface: responsesCodec, surfaceName: "responses",
      render: (n) => ({ object: "response.input_tokens", input_tokens: n }),
    });
  })
  .get("/:id", getResponse)
  .delete("/:id", deleteResponse)
  .get("/:id/input_items", listInputItems)
  .all("*", (c) => {
    throw new NotFoundError(`No route for ${c.req.method} ${c.req.path}`);
  })
  .onError(errorsAs(responsesCodec));
