import { Hono, type Context } from "hono";
import { geminiCodec } from "../codecs/gemini";
import type { AppBindings } from "../env";
import { BadRequestError, NotFoundError } from "../errors/gateway-error";
import { authenticateApiKey, authenticateWhile } from "../gateway/accounting";
import { runChat } from "../gateway/chat";
import { countTokens } from "../gateway/count-tokens";
import { googleToken } from "../gateway/credentials";
import { readJsonObject } from "../gateway/request-body";
import { geminiEmbed } from "./gemini-embeddings";

/**
 * The Gemini-native surface, mounted at both /v1beta/models and /v1/models (what @google/genai
 * 3.x sends by default). `{model}` may itself contain slashes (`anthropic/claude-sonnet-4.6`), so
 * the path tail is split at its last colon.
 */
export const geminiRoutes = new Hono<AppBindings>().post("/*", async (c) => {
  const { model, action } = parseModelAction(c);
  if (action === "generateContent" || action === "streamGenerateContent") {
    const stream = action === "streamGenerateContent";
    const { key, value: { body, bytes, req } } = await authenticateWhile(c.env, googleToken(c.req.raw), async () => {
      const { body, bytes } = await readJsonObject(c);
      return { body, bytes, req: geminiCodec.decodeRequest(body, { model, stream }) };
    });
    return runChat({
      env: c.env, ctx: c.executionCtx, surface: geminiCodec, surfaceName: "gemini", req, rawBody: body, rawBytes: bytes, key,
      framing: c.req.query("alt") === "sse" ? "sse" : "json-array", clientSignal: c.req.raw.signal,
      sessionId: c.req.header("x-session-id"),
    });
  }
  const key = await authenticateApiKey(c.env, googleToken(c.req.raw));
  const { body, bytes } = await readJsonObject(c);
  switch (action) {
    case "countTokens": {
      // countTokens takes either {contents,…} or {generateContentRequest:{…}}.
      const inner = body.generateContentRequest && typeof body.generateContentRequest === "object" ? (body.generateContentRequest as Record<string, unknown>) : body;
      const { model: _m, ...rest } = inner;
      const req = geminiCodec.decodeRequest(rest, { model, stream: false });
      const r = await countTokens({ env: c.env, ctx: c.executionCtx, key, req, rawBody: rest, rawBytes: bytes, surface: geminiCodec });
      return c.json({ totalTokens: r.inputTokens }, 200, r.headers);
    }
    case "embedContent":
    case "batchEmbedContents":
      return geminiEmbed(c, key, model, action, body, bytes);
    default:
      throw new NotFoundError(`Unknown method '${action}'. Supported: generateContent, streamGenerateContent, countTokens, embedContent, batchEmbedContents.`);
  }
});

function parseModelAction(c: Context<AppBindings>): { model: string; action: string } {
  const path = new URL(c.req.url).pathname;
  const marker = "/models/";
  const at = path.indexOf(marker);
  const tail = decodeURIComponent(path.slice(at + marker.length));
  const colon = tail.lastIndexOf(":");
  if (at === -1 || colon <= 0) throw new BadRequestError(`Expected a path like /v1beta/models/{model}:generateContent, got '${path}'.`);
  return { model: tail.slice(0, colon), action: tail.slice(colon + 1) };
}
