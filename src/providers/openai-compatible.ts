import { createOpenAICodec } from "../codecs/openai";
import type { OpenAIEncodeOptions } from "../codecs/openai/encode-options";
import type { MediaOperation, ProviderEntry, ProviderMedia, UpstreamOperation } from "./types";

export const OPENAI_PATHS: Record<UpstreamOperation, string> = {
  chat: "/chat/completions",
  embeddings: "/embeddings",
  list_models: "/models",
  count_tokens: "",
  images: "/images/generations",
  image_edits: "/images/edits",
  speech: "/audio/speech",
  transcription: "/audio/transcriptions",
  translation: "/audio/translations",
};

/** The Responses API's paths, for a provider that serves it (`responses` option). */
const RESPONSES_PATHS: Record<UpstreamOperation, string> = { ...OPENAI_PATHS, chat: "/responses", count_tokens: "/responses/input_tokens" };

export interface OpenAICompatibleOptions {
  id: string;
  name: string;
  envPrefix: string;
  defaultBaseUrl: string;
  keyless?: boolean;
  ownsBareModel?: (modelId: string) => boolean;
  embeddings?: boolean;
  /** Where this provider departs from the widely accepted OpenAI-compatible defaults. */
  codecOptions?: OpenAIEncodeOptions;
  /** Cloudflare AI Gateway slug (and the path after it standing for defaultBaseUrl). */
  aiGateway?: ProviderEntry["aiGateway"];
  /** Fixed headers the provider documents besides auth (e.g. GitHub's API version). */
  headers?: Record<string, string>;
  /** false: the provider has no model listing the catalog refresh could read. */
  listModels?: boolean;
  /** The media APIs it serves (src/media) and their wires. */
  media?: ProviderMedia;
  /** A media API at a path other than OpenAI's (Fireworks' FLUX workflows): the path after the base URL. */
  mediaPath?: (op: MediaOperation, model: string) => string | undefined;
  /** The provider also serves OpenAI's Responses API (`/responses`, `/responses/input_tokens`). */
  responses?: boolean;
}

const isMedia = (op: UpstreamOperation): op is MediaOperation => op in MEDIA_OPS;
const MEDIA_OPS: Record<MediaOperation, true> = { images: true, image_edits: true, speech: true, transcription: true, translation: true };

/**
 * Every OpenAI-compatible provider (DeepSeek, Groq, Mistral, xAI, Together, OpenRouter, Ollama…)
 * is one call to this factory: the base URL carries the version prefix (`…/v1`), auth is Bearer.
 */
export function openAICompatibleProvider(o: OpenAICompatibleOptions): ProviderEntry {
  return {
    id: o.id,
    name: o.name,
    format: "openai",
    envPrefix: o.envPrefix,
    defaultBaseUrl: o.defaultBaseUrl,
    keyless: o.keyless,
    ownsBareModel: o.ownsBareModel,
    codec: o.codecOptions ? createOpenAICodec(o.codecOptions) : undefined,
    aiGateway: o.aiGateway,
    media: o.media,
    supports: { chat: true, embeddings: o.embeddings ?? false, list_models: o.listModels ?? true, count_tokens: false },
    alsoServes: o.responses ? { responses: { countTokens: true } } : undefined,
    buildRequest(cfg, op, model, opts) {
      const headers: Record<string, string> = { "content-type": "application/json", ...o.headers };
      if (cfg.apiKey) headers.authorization = `Bearer ${cfg.apiKey}`;
      // Media answers are audio or image bytes (or the media codec's own SSE), not chat streams.
      if (opts.stream && !isMedia(op)) headers.accept = "text/event-stream";
      const own = isMedia(op) ? o.mediaPath?.(op, model) : undefined;
      // A provider's own media API (Fireworks' workflows) answers JSON only when asked to (else image bytes).
      if (own) headers.accept = "application/json";
      const paths = o.responses && opts.format === "responses" ? RESPONSES_PATHS : OPENAI_PATHS;
      return { url: trimSlash(cfg.baseUrl) + (own ?? paths[op]), headers };
    },
  };
}

export const trimSlash = (s: string) => (s.endsWith("/") ? s.slice(0, -1) : s);
