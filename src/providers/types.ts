import type { UpstreamFormatName } from "../canonical/types";
import type { DiscoveredModel } from "../catalog/types";
import type { UpstreamCodec } from "../codecs/codec";
import type { Env } from "../env";

export type UpstreamOperation = "chat" | "count_tokens" | "embeddings" | "list_models" | MediaOperation;

/**
 * Calls of the media APIs (src/media): image generation and editing, text to speech, speech to
 * text. A provider builds their URLs in its own buildRequest, for the wire its `media` names.
 */
export type MediaOperation = "images" | "image_edits" | "speech" | "transcription" | "translation";

/** The media APIs a request can ask for: what routing selects endpoints for (src/media). */
export type MediaKind = "images" | "speech" | "transcription";

/**
 * Wire formats of the media APIs (one small codec each under src/media):
 * - images: `openai` (/images/generations and /images/edits), `together` (/images/generations with
 *   width/height/steps), `fireworks` (FLUX workflows …/text_to_image), `workers-ai` (/ai/run/<model>),
 *   `imagen` (Google's :predict), `gemini` (generateContent with responseModalities IMAGE).
 * - speech: `openai` (/audio/speech), `gemini` (generateContent with responseModalities AUDIO).
 * - transcription: `openai` (/audio/transcriptions and /audio/translations, multipart).
 */
export interface MediaWires {
  images: "openai" | "together" | "fireworks" | "workers-ai" | "imagen" | "gemini";
  speech: "openai" | "gemini";
  transcription: "openai";
}

/** Which wire a provider's media API speaks for one upstream model; undefined: it has none for it. */
export type ProviderMedia = { [K in MediaKind]?: (upstreamModel: string) => MediaWires[K] | undefined };

/** The part of `fetch` the gateway uses; a provider may supply another transport with this shape. */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export interface ProviderConfig {
  baseUrl: string;
  apiKey?: string;
  /**
   * Provider-specific settings read by the provider's own `config(env)` (region, project,
   * deployment map…); opaque to everything else.
   */
  settings?: Readonly<Record<string, string>>;
  /** Headers every call to this provider carries (Cloudflare AI Gateway's cf-aig-authorization). */
  headers?: Readonly<Record<string, string>>;
}

export interface UpstreamRequest {
  url: string;
  headers: Record<string, string>;
  /** Replaces the gateway's serialized body (e.g. a signed or re-framed one). */
  body?: BodyInit;
}

/** A provider is data plus a few small functions; no provider special-cases live elsewhere. */
export interface ProviderEntry {
  /** Slug used in model ids: `deepseek/deepseek-r1`. */
  id: string;
  name: string;
  /** Which wire format speaks to this provider (its main one, when it serves several). */
  format: UpstreamFormatName;
  /** `OPENAI` → OPENAI_API_KEY / OPENAI_BASE_URL. */
  envPrefix: string;
  defaultBaseUrl: string;
  /** Enabled by its base URL alone (Ollama). */
  keyless?: boolean;
  /** Whether a bare model id (no `provider/`) belongs to this provider. */
  ownsBareModel?: (modelId: string) => boolean;
  /**
   * URL and headers for one upstream call. `body` is the serialized JSON body the gateway will
   * send; a provider that must sign it (SigV4) or mint a token may do so asynchronously, and may
   * return a replacement body.
   */
  buildRequest(
    cfg: ProviderConfig,
    op: UpstreamOperation,
    model: string,
    opts: {
      stream: boolean;
      headers?: Record<string, string>;
      body?: string;
      /** The wire format of the call when it is not the provider's main one (see `alsoServes`). */
      format?: UpstreamFormatName;
    },
  ): UpstreamRequest | Promise<UpstreamRequest>;
  /** A provider-tuned codec (e.g. OpenAI's max_completion_tokens), or an upstream-only one (Bedrock). */
  codec?: UpstreamCodec;
  /** One provider serving several wire formats picks the codec per upstream model (Vertex: Gemini or Claude). */
  codecForModel?(upstreamModel: string): UpstreamCodec | undefined;
  /**
   * Wire formats the provider serves besides `format`, for every chat model (OpenAI and Azure: the
   * Responses API). A caller speaking one of them is answered through it (same-format passthrough:
   * Codex on OpenAI keeps built-in tools and encrypted reasoning); buildRequest gets the format in
   * `opts.format`. `countTokens`: the format has a token-counting endpoint there.
   */
  alsoServes?: Partial<Record<UpstreamFormatName, { countTokens: boolean }>>;
  /** Operations this provider supports; chat is implied. */
  supports?: Partial<Record<UpstreamOperation, boolean>>;
  /**
   * Reads the provider's configuration when `<PREFIX>_API_KEY` / `<PREFIX>_BASE_URL` are not
   * enough (AWS credentials and region, a service account…); undefined = not enabled.
   */
  config?(env: Env): ProviderConfig | undefined;
  /** What a user sets to enable it, for error messages (default `<PREFIX>_API_KEY`). */
  enabledBy?: string;
  /**
   * Cloudflare AI Gateway: this provider's slug there, and the path after the slug that stands
   * for the provider's default base URL (`mistral` + `/v1`). Absent: never routed through it.
   */
  aiGateway?: { slug: string; path?: string };
  /** A transport other than fetch (a Workers binding) when the deployment has one; undefined → fetch. */
  transport?(env: Env): FetchLike | undefined;
  /** The provider's own model listing, for listings that are not OpenAI-, Anthropic- or Gemini-shaped. */
  listModels?(cfg: ProviderConfig, fetch: FetchLike): Promise<DiscoveredModel[]>;
  /** The media APIs this provider serves (images, speech, transcription) and their wire formats. */
  media?: ProviderMedia;
  /** Upstream ids may contain ':' (Bedrock's `…-v1:0`): a suffix there is part of the id, not a variant. */
  colonModelIds?: boolean;
}
