import type { FormatName } from "../canonical/types";
import type { Codec } from "../codecs/codec";

export type UpstreamOperation = "chat" | "count_tokens" | "embeddings" | "list_models";

export interface ProviderConfig {
  baseUrl: string;
  apiKey?: string;
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
  /** Which codec speaks to this provider. */
  format: FormatName;
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
    opts: { stream: boolean; headers?: Record<string, string>; body?: string },
  ): UpstreamRequest | Promise<UpstreamRequest>;
  /** A provider-tuned instance of its format's codec (e.g. OpenAI's max_completion_tokens). */
  codec?: Codec;
  /** Operations this provider supports; chat is implied. */
  supports?: Partial<Record<UpstreamOperation, boolean>>;
}
