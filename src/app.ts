import { Hono } from "hono";
import { geminiCodec } from "./codecs/gemini";
import { openaiCodec } from "./codecs/openai";
import { demoLabels } from "./demo/demo-labels";
import type { AppBindings } from "./env";
import { NotFoundError } from "./errors/gateway-error";
import { errorsAs, renderError } from "./gateway/render-error";
import { chatCompletionsRoutes } from "./routes/chat-completions";
import { cors } from "./routes/cors";
import { embeddingsRoutes } from "./routes/embeddings";
import { audioRoutes } from "./routes/audio";
import { geminiRoutes, geminiV1Routes } from "./routes/gemini";
import { imagesRoutes } from "./routes/images";
import { getGeminiModel, listGeminiModels } from "./routes/gemini-models";
import { managementRoutes } from "./routes/management";
import { messagesRoutes } from "./routes/messages";
import { modelsRoutes } from "./routes/models";
import { optionalKeyForModels } from "./routes/models-auth";
import { responsesRoutes } from "./routes/responses";
import { webRoutes } from "./web";

/**
 * The gateway. Each surface is a sub-app that renders its own errors (its `onError`); what no
 * surface claims falls to the app's handlers, in the OpenAI shape (the default surface).
 */
export const app = new Hono<AppBindings>();

// Browsers: the model routes answer the origins in CORS_ORIGINS; management routes never answer cross-origin.
app.use("*", cors);
app.use("*", demoLabels); // DEMO=1 (npm start with no provider key): label every answer as a demo

// Website, API reference and console (src/web): /, /models/…, /console, /openapi.json, /docs.
app.route("/", webRoutes);
app.get("/health", (c) => c.json({ ok: true }));

app.route("/v1/chat/completions", chatCompletionsRoutes);
app.route("/api/v1/chat/completions", chatCompletionsRoutes);
app.route("/v1/messages", messagesRoutes);
app.route("/v1/responses", responsesRoutes);
app.route("/api/v1/responses", responsesRoutes);
app.route("/v1/embeddings", embeddingsRoutes);
app.route("/api/v1/embeddings", embeddingsRoutes);
app.route("/v1/images", imagesRoutes);
app.route("/api/v1/images", imagesRoutes);
app.route("/v1/audio", audioRoutes);
app.route("/api/v1/audio", audioRoutes);
app.route("/v1beta", geminiRoutes);
// @google/genai 3.x defaults to /v1/models/{model}:generateContent (only `…:{method}` paths).
app.route("/v1", geminiV1Routes);
// @google/genai's models.list()/get() GET /v1/models too: a Google-style key marks those callers.
app.route("/v1/models", googleModelsRoutes());
app.on("GET", ["/v1/models", "/v1/models/*", "/api/v1/models", "/api/v1/models/*"], optionalKeyForModels);
app.route("/v1/models", modelsRoutes);
app.route("/api/v1/models", modelsRoutes);
app.route("/api/v1", managementRoutes);

app.notFound((c) => renderError(openaiCodec, new NotFoundError(`No route for ${c.req.method} ${c.req.path}`)));
app.onError(errorsAs(openaiCodec));

/** Google SDKs authenticate with x-goog-api-key or ?key=; OpenAI-style clients never do. */
function isGoogleCaller(req: Request): boolean {
  return req.headers.has("x-goog-api-key") || new URL(req.url).searchParams.has("key");
}

function googleModelsRoutes() {
  return new Hono<AppBindings>()
    .get("/", (c, next) => (isGoogleCaller(c.req.raw) ? listGeminiModels(c) : next()))
    .get("/*", (c, next) => (isGoogleCaller(c.req.raw) ? getGeminiModel(c) : next()))
    .onError(errorsAs(geminiCodec));
}
