import { trimSlash } from "./openai-compatible";
import type { ProviderEntry, UpstreamOperation } from "./types";

const ACTIONS: Record<Exclude<UpstreamOperation, "list_models">, string> = {
  chat: "generateContent",
  count_tokens: "countTokens",
  embeddings: "batchEmbedContents",
};

export const geminiProvider: ProviderEntry = {
  id: "google",
  name: "Google AI Studio",
  format: "gemini",
  envPrefix: "GEMINI",
  defaultBaseUrl: "https://generativelanguage.googleapis.com",
  ownsBareModel: (m) => m.startsWith("gemini-") || m.startsWith("gemma-") || m.startsWith("learnlm-"),
  supports: { chat: true, count_tokens: true, list_models: true, embeddings: true },
  aiGateway: { slug: "google-ai-studio" },
  buildRequest(cfg, op, model, opts) {
    const base = `${trimSlash(cfg.baseUrl)}/v1beta`;
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (cfg.apiKey) headers["x-goog-api-key"] = cfg.apiKey;
    if (op === "list_models") return { url: `${base}/models?pageSize=1000`, headers };
    // Always SSE upstream: one framing to decode, and the same bytes a Gemini SSE caller wants.
    const action = op === "chat" && opts.stream ? "streamGenerateContent?alt=sse" : ACTIONS[op];
    return { url: `${base}/models/${encodeURIComponent(model)}:${action}`, headers };
  },
};
