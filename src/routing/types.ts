import type { CanonicalRequest } from "../canonical/types";
import type { EndpointWire, PricingMicros } from "../catalog/types";
import type { MediaKind, ProviderEntry } from "../providers/types";

/** One way to serve a model: a provider, its upstream id and that endpoint's own limits and price. */
export interface Endpoint {
  /** Catalog id, `provider/model` (e.g. `anthropic/claude-sonnet-4.6`); what the response reports. */
  modelId: string;
  provider: ProviderEntry;
  /** The id the upstream API expects (e.g. `claude-sonnet-4-6`). */
  upstreamModel: string;
  /** undefined = price unknown (a key with a limit may not use it). */
  pricing?: PricingMicros;
  contextLength?: number;
  maxOutputTokens?: number;
  supportedParameters?: string[];
  /** false: the curated catalog says this model takes no reasoning parameter (e.g. gpt-4o). */
  acceptsReasoning?: false;
  /** Embedding model. */
  embedding?: boolean;
  /** A shared free-tier endpoint (`:free`): rate limited per key like the providers' free tiers. */
  freeTier?: boolean;
  /**
   * The upstream API to call (catalog EndpointWire): "responses" = the provider's Responses API
   * (OpenAI's `-pro` / `codex` models answer nowhere else); absent = its chat API.
   */
  wire?: EndpointWire;
  /** What the model outputs (catalog architecture.output_modalities: text, image, audio…). */
  outputModalities?: string[];
}

export interface RouteResolution {
  /** Candidates in the order they should be tried. Never empty. */
  endpoints: Endpoint[];
  /** Whether to try the next endpoint on a retryable failure (provider.allow_fallbacks). */
  allowFallbacks: boolean;
  /** Request rewrites a variant implies (e.g. `:thinking` turns reasoning on). */
  adjust?: (req: CanonicalRequest, endpoint: Endpoint) => CanonicalRequest;
  /**
   * Called once the request is admitted (reserved) on `endpoint`: pins an `auto` session. Its
   * storage write runs in the background (the returned promise is for callers without a context).
   */
  admitted?: (endpoint: Endpoint) => Promise<void> | undefined;
}

export interface ResolveOptions {
  /** The calling key's allowed providers (null = all). */
  allowedProviders: string[] | null;
  /** Chat, embeddings, or one of the media APIs (images, speech, transcription). */
  kind: "chat" | "embeddings" | MediaKind;
  /**
   * Size of the caller's body in bytes, when known: without inline media it bounds the prompt
   * (≈ bytes / 4 tokens) without serializing the request again.
   */
  bodyBytes?: number;
  /** Lets routing do background KV writes (auto-router stickiness) without delaying the request. */
  ctx?: Pick<ExecutionContext, "waitUntil">;
  /** Whose `auto` session pins to use (the calling key's hash): a session id never crosses keys. */
  sessionScope?: string;
}
