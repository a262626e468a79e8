import { Hono, type Context } from "hono";
import { authenticateWhile } from "../auth/authenticate";
import { credentialOf } from "../auth/token";
import { checkChatRequest, checkSessionId } from "../canonical/request-limits";
import { geminiCodec } from "../codecs/gemini";
import type { AppBindings } from "../env";
import { BadRequestError, NotFoundError } from "../errors/gateway-error";
import { runChat } from "../gateway/chat/chat";
import { countTokens } from "../gateway/count-tokens";
import { errorsAs } from "../gateway/render-error";
import { decodePath, readJsonObject } from "../gateway/request-body";
import { geminiEmbed } from "./gemini-embeddings";
import { getGeminiModel, listGeminiModels } from "./gemini-models";

const GEMINI_FIELDS = { model: "model (URL path)", maxTokens: "generationConfig.maxOutputTokens" };

/** Google's SDKs put the key in `?key=` or x-goog-api-key; this surface alone reads the query. */
const googleToken = (req: Request) => credentialOf(req, { query: true });

/**
 * One Gemini method call: `{model}:{action}` where `{model}` may be `models/{id}`, or — as
 * @ai-sdk/google sends a `provider/model` id, treating it as a resource path — `{provider}/{model}`
 * without `models/`. Ids contain slashes (`anthropic/claude-sonnet-4.6`), so the tail is split at
 * its last colon.
 */
async function callMethod(c: Context<AppBindings>): Promise<Response> {
  const { model, action } = parseModelAction(c.req.path);
  checkAlt(c.req.query("alt"));
  if (action === "generateContent" || action === "streamGenerateContent") {
    const stream = action === "streamGenerateContent";
    const { key, value: { body, bytes, req } } = await authenticateWhile(c.env, googleToken(c.req.raw), async () => {
      const { body, bytes } = await readJsonObject(c);
      const req = geminiCodec.decodeRequest(body, { model, stream });
      checkChatRequest(req, GEMINI_FIELDS);
      checkSessionId(c.req.header("x-session-id"), "x-session-id");
      return { body, bytes, req };
    });
    return runChat({
      env: c.env, ctx: c.executionCtx, surface: geminiCodec, surfaceName: "gemini", req, rawBody: body, rawBytes: bytes, key,
      framing: c.req.query("alt") === "sse" ? "sse" : "json-array", clientSignal: c.req.raw.signal,
      sessionId: c.req.header("x-session-id"),
    });
  }
  if (action === "countTokens") {
    const { key, value: req } = await authenticateWhile(c.env, googleToken(c.req.raw), async () => {
      const { body } = await readJsonObject(c);
      // countTokens takes either {contents,…} or {generateContentRequest:{…}}.
      const inner = body.generateContentRequest && typeof body.generateContentRequest === "object" ? (body.generateContentRequest as Record<string, unknown>) : body;
      const { model: _m, ...rest } = inner;
      const req = geminiCodec.decodeRequest(rest, { model, stream: false });
      checkChatRequest(req, GEMINI_FIELDS);
      return req;
    });
    return countTokens({ env: c.env, ctx: c.executionCtx, key, req, surface: geminiCodec, surfaceName: "gemini", render: (n) => ({ totalTokens: n }) });
  }
  if (action === "embedContent" || action === "batchEmbedContents") return geminiEmbed(c, model, action);
  throw new NotFoundError(`Unknown method '${action}'. Supported: generateContent, streamGenerateContent, countTokens, embedContent, batchEmbedContents.`);
}

/** The Gemini-native surface under /v1beta: methods, the model list, and every error in Google's shape. */
export const geminiRoutes = new Hono<AppBindings>()
  .get("/models", listGeminiModels)
  .get("/models/*", getGeminiModel)
  .post("/*", callMethod)
  .all("*", (c) => {
    throw new NotFoundError(`No route for ${c.req.method} ${c.req.path}`);
  })
  .onError(errorsAs(geminiCodec));

/**
 * The same methods under /v1 (what @google/genai 3.x sends by default): only paths ending in
 * `:{action}`, so the OpenAI routes beside them are untouched.
 */
export const geminiV1Routes = new Hono<AppBindings>().post("/:path{[\\s\\S]+:[A-Za-z]+}", callMethod).onError(errorsAs(geminiCodec));

/** `?alt=`: the answer's format. JSON (the default) and SSE are what this gateway speaks; anything else is a 400, as at Google. */
function checkAlt(alt: string | undefined): void {
  if (alt === undefined || alt === "json" || alt === "sse") return;
  throw new BadRequestError(`alt: ${JSON.stringify(alt.slice(0, 40))} is not supported; use alt=sse or alt=json.`, { fields: ["alt"] });
}

function parseModelAction(path: string): { model: string; action: string } {
  let tail = decodePath(path.replace(/^\/(v1beta|v1)\//, ""));
  if (tail.startsWith("models/")) tail = tail.slice("models/".length);
  const colon = tail.lastIndexOf(":");
  if (colon <= 0) throw new BadRequestError(`Expected a path like /v1beta/models/{model}:generateContent, got '${path}'.`);
  return { model: tail.slice(0, colon), action: tail.slice(colon + 1) };
}
