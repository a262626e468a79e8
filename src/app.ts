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
import { managementRoutes } from "./routes/management";

/** Which wire format a path speaks, so errors come back in the caller's own shape. */
function surfaceFor(path: string, method: string): Codec {
  if (path.startsWith("/v1/messages")) return CODECS.anthropic;
  if (path.startsWith("/v1beta/")) return CODECS.gemini;
  if (path.startsWith("/v1/models/") && method === "POST") return CODECS.gemini;
  return CODECS.openai;
}

export const app = new Hono<AppBindings>();

app.get("/", (c) => c.json({ name: "arouter", docs: "https://github.com/arouter/arouter#readme" }));
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
app.route("/v1/models", modelsRoutes);
app.route("/api/v1/models", modelsRoutes);
app.route("/api/v1", managementRoutes);

app.notFound((c) => renderError(surfaceFor(c.req.path, c.req.method), new NotFoundError(`No route for ${c.req.method} ${c.req.path}`)));
app.onError((err, c) => renderError(surfaceFor(c.req.path, c.req.method), err));
