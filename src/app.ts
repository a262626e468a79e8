import { Hono } from "hono";
import { CODECS } from "./codecs";
import type { Codec } from "./codecs/codec";
import type { AppBindings } from "./env";
import { NotFoundError } from "./errors/gateway-error";
import { renderError } from "./gateway/render-error";
import { chatCompletionsRoutes } from "./routes/chat-completions";
import { embeddingsRoutes } from "./routes/embeddings";
import { geminiRoutes } from "./routes/gemini";
import { geminiModelsRoutes } from "./routes/gemini-models";
import { messagesRoutes } from "./routes/messages";
import { modelsRoutes } from "./routes/models";
import { optionalKeyForModels } from "./routes/models-auth";
import { managementRoutes } from "./routes/management";
import { webRoutes } from "./web";

/** Which wire format a path speaks, so errors come back in the caller's own shape. */
function surfaceFor(path: string, method: string, req?: Request): Codec {
  if (path.startsWith("/v1/messages")) return CODECS.anthropic;
  if (req && path.startsWith("/v1/models") && isGoogleCaller(req)) return CODECS.gemini;
  if (path.startsWith("/v1beta/")) return CODECS.gemini;
  if (path.startsWith("/v1/models/") && method === "POST") return CODECS.gemini;
  return CODECS.openai;
}

export const app = new Hono<AppBindings>();

// Website, API reference and console (src/web): /, /models/…, /console, /openapi.json, /docs.
app.route("/", webRoutes);
app.get("/health", (c) => c.json({ ok: true }));

app.route("/v1/chat/completions", chatCompletionsRoutes);
app.route("/api/v1/chat/completions", chatCompletionsRoutes);
app.route("/v1/messages", messagesRoutes);
app.route("/v1/embeddings", embeddingsRoutes);
app.route("/api/v1/embeddings", embeddingsRoutes);
app.route("/v1beta/models", geminiModelsRoutes);
app.route("/v1beta/models", geminiRoutes);
// @google/genai 3.x defaults to /v1/models/{model}:generateContent; GETs there are the OpenAI list.
app.route("/v1/models", geminiRoutes);
// …and @google/genai's models.list()/get() also GET /v1/models: a Google-style key marks them.
app.on("GET", ["/v1/models", "/v1/models/*"], async (c, next) => {
  if (!isGoogleCaller(c.req.raw)) return next();
  const url = new URL(c.req.url);
  url.pathname = url.pathname.replace(/^\/v1\/models/, "/v1beta/models");
  return app.fetch(new Request(url, c.req.raw), c.env, c.executionCtx);
});
app.on("GET", ["/v1/models", "/v1/models/*", "/api/v1/models", "/api/v1/models/*"], optionalKeyForModels);
app.route("/v1/models", modelsRoutes);
app.route("/api/v1/models", modelsRoutes);
app.route("/api/v1", managementRoutes);

app.notFound((c) => renderError(surfaceFor(c.req.path, c.req.method, c.req.raw), new NotFoundError(`No route for ${c.req.method} ${c.req.path}`)));
app.onError((err, c) => renderError(surfaceFor(c.req.path, c.req.method, c.req.raw), err));

/** Google SDKs authenticate with x-goog-api-key or ?key=; OpenAI-style clients never do. */
function isGoogleCaller(req: Request): boolean {
  return req.headers.has("x-goog-api-key") || new URL(req.url).searchParams.has("key");
}
