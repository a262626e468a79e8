import { trimSlash } from "./openai-compatible";
import type { ProviderEntry, ProviderMedia, UpstreamOperation } from "./types";

const ACTIONS: Partial<Record<UpstreamOperation, string>> = {
  chat: "generateContent",
  count_tokens: "countTokens",
  embeddings: "batchEmbedContents",
};

/**
 * Google's media models: Imagen (`imagen-*`, :predict), Gemini image models (`*-image*`,
 * generateContent with IMAGE output) and TTS models (`*-tts`, AUDIO output). Shared with Vertex.
 */
export const GOOGLE_MEDIA: ProviderMedia = {
  images: (m) => (m.startsWith("imagen-") ? "imagen" : /^gemini-.*image/.test(m) ? "gemini" : undefined),
  speech: (m) => (/^gemini-.*tts/.test(m) ? "gemini" : undefined),
};

/** The generateContent-style action of a media call (Imagen's :predict, else generateContent). */
export function googleMediaAction(op: UpstreamOperation, model: string): string | undefined {
  if (op === "images" || op === "image_edits") return model.startsWith("imagen-") ? "predict" : "generateContent";
  return op === "speech" ? "generateContent" : undefined;
}

export const geminiProvider: ProviderEntry = {
  id: "google",
  name: "Google AI Studio",
  format: "gemini",
  envPrefix: "GEMINI",
  defaultBaseUrl: "https://generativelanguage.googleapis.com",
  ownsBareModel: (m) => m.startsWith("gemini-") || m.startsWith("gemma-") || m.startsWith("learnlm-"),
  supports: { chat: true, count_tokens: true, list_models: true, embeddings: true },
  aiGateway: { slug: "google-ai-studio" },
  media: GOOGLE_MEDIA,
  buildRequest(cfg, op, model, opts) {
    const base = `${trimSlash(cfg.baseUrl)}/v1beta`;
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (cfg.apiKey) headers["x-goog-api-key"] = cfg.apiKey;
    if (op === "list_models") return { url: `${base}/models?pageSize=1000`, headers };
    // Always SSE upstream: one framing to decode, and the same bytes a Gemini SSE caller wants.
    const action = op === "chat" && opts.stream ? "streamGenerateContent?alt=sse" : (googleMediaAction(op, model) ?? ACTIONS[op]);
    return { url: `${base}/models/${encodeURIComponent(model)}:${action}`, headers };
  },
};
