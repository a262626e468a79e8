/**
 * Catalog shapes. Model fields follow the OpenRouter-style schema that GET /v1/models returns;
 * prices are USD decimal strings: per token ("0.000003" = $3 per million tokens) unless the field
 * says otherwise. The integer micro-USD form the gateway computes with is PricingMicros below.
 */

/**
 * Prices of one endpoint (USD strings). The first eight fields are always present; the media
 * fields only where the provider bills that unit. Token fields are OpenRouter's names.
 *
 * Media units (how image, audio and speech models are billed):
 * - audio / audio_output / input_audio_cache: per audio token in / out / cached (gpt-audio, Gemini TTS).
 * - image_token / image_output: per image token in / out (gpt-image-1, Gemini image models;
 *   OpenRouter's listings give `image_output` per token).
 * - per_image: per generated image, keyed `"<quality>|<size>"` with `*` for any
 *   (`"hd|1024x1792"`, `"*|*"`); the figures providers publish per image.
 * - image_megapixel / image_step: per generated megapixel / diffusion step (FLUX hosts).
 * - audio_second: per second of input audio (speech-to-text; $0.006/min = "0.0001").
 * - character: per input character (text-to-speech; $15 per 1M characters = "0.000015").
 * `request` is per request and `web_search` per search, as in OpenRouter's schema.
 */
export interface PricingStrings {
  prompt: string;
  completion: string;
  request?: string;
  image?: string;
  web_search?: string;
  internal_reasoning?: string;
  input_cache_read?: string;
  input_cache_write?: string;
  audio?: string;
  audio_output?: string;
  input_audio_cache?: string;
  image_token?: string;
  image_output?: string;
  per_image?: Record<string, string>;
  image_megapixel?: string;
  image_step?: string;
  audio_second?: string;
  character?: string;
}

/**
 * Prices in micro-USD per unit (per token unless named otherwise): $3 per million tokens = 3.
 * Cost of a request = Σ units × price, rounded up to an integer number of micro-USD
 * (src/catalog/pricing.ts: costMicros, worstCaseMicros; media: src/catalog/media-pricing.ts).
 */
export interface PricingMicros {
  prompt: number;
  completion: number;
  request?: number;
  image?: number;
  webSearch?: number;
  internalReasoning?: number;
  inputCacheRead?: number;
  inputCacheWrite?: number;
  /** Per audio input / output / cached audio input token. */
  audioInput?: number;
  audioOutput?: number;
  audioCacheRead?: number;
  /** Per image input / output token. */
  imageInputToken?: number;
  imageOutputToken?: number;
  /** Per generated image by `"<quality>|<size>"` (`*` = any). */
  perImage?: Record<string, number>;
  /** Per generated megapixel, per diffusion step. */
  imageMegapixel?: number;
  imageStep?: number;
  /** Per second of input audio. */
  audioSecond?: number;
  /** Per input character. */
  character?: number;
}

export interface Architecture {
  modality?: string;
  /** text, image, file, audio. */
  input_modalities: string[];
  /** text, image, audio, embeddings, transcription (speech-to-text models, as OpenRouter lists them). */
  output_modalities: string[];
  tokenizer: string;
  instruct_type: string | null;
}

/**
 * The upstream API an endpoint must be called through. Absent: the provider's chat API (its codec).
 * - responses: the provider's Responses API (OpenAI's `-pro` and `codex` families).
 * - images: its image generation API (OpenAI /images, Gemini :predict, Workers AI, FLUX hosts).
 * - speech: its text-to-speech API (/audio/speech).
 * - transcription: its speech-to-text API (/audio/transcriptions, /audio/translations).
 */
export type EndpointWire = "responses" | "images" | "speech" | "transcription";

/** One provider serving a model. */
export interface CatalogEndpoint {
  /** Provider id from the registry (src/providers/registry.ts); unregistered providers are skipped at runtime. */
  provider: string;
  /** The id the upstream API expects. */
  upstream_model: string;
  context_length: number | null;
  max_completion_tokens: number | null;
  /** null = price unknown (e.g. found by a refresh but not in the shipped data). */
  pricing: PricingStrings | null;
  supported_parameters: string[];
  /** "free": a zero-price variant endpoint (OpenRouter `:free`), used only by the `:free` variant. */
  variant?: "free";
  /** Absent = the provider's chat API; see EndpointWire. */
  wire?: EndpointWire;
  /** The provider moderates requests (OpenAI, Anthropic, Azure, Bedrock's Anthropic models). */
  is_moderated?: boolean;
  quantization?: string;
  /** Where the figures come from. */
  source?: string;
  /** Found by refreshCatalog, not in the shipped data. */
  discovered?: boolean;
  /** When a provider's model listing first / last showed this endpoint (ISO dates; refresh only). */
  first_seen?: string;
  last_seen?: string;
}

export interface CatalogModel {
  id: string;
  canonical_slug: string;
  name: string;
  /** Unix seconds: the release date, else the day the catalog first saw the model. Never 0 when shipped. */
  created: number;
  description: string;
  context_length: number | null;
  architecture: Architecture;
  pricing: PricingStrings | null;
  top_provider: { context_length: number | null; max_completion_tokens: number | null; is_moderated: boolean };
  per_request_limits: Record<string, string> | null;
  supported_parameters: string[];
  /** null when the model has no default parameters. */
  default_parameters: Record<string, unknown> | null;
  expiration_date: string | null;
  /** Other ids that name this model (dated snapshots, OpenRouter's spelling…). */
  aliases?: string[];
  endpoints: CatalogEndpoint[];
  source?: string;
  discovered?: boolean;
}

export interface CatalogData {
  version: number;
  sources?: Record<string, string>;
  models: CatalogModel[];
}

/** One model as a provider's list endpoint reported it (normalised). */
export interface DiscoveredModel {
  id: string;
  name?: string;
  created?: number;
  description?: string;
  context_length?: number;
  max_completion_tokens?: number;
  /** Only when the listing carries prices (OpenRouter, Together). */
  pricing?: PricingStrings;
  input_modalities?: string[];
  output_modalities?: string[];
  supported_parameters?: string[];
  /** When listings first / last showed this model (ISO timestamps), kept across refreshes. */
  first_seen?: string;
  last_seen?: string;
}

/** What refreshCatalog stores in KV: the last good listing of each provider. */
export interface StoredListings {
  version: 1;
  refreshed_at: string;
  providers: Record<string, { listed_at: string; models: DiscoveredModel[] }>;
}
