/**
 * Catalog shapes. Model fields follow the OpenRouter-style schema that GET /v1/models returns;
 * prices are USD per token as decimal strings ("0.000003" = $3 per million tokens).
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
}

export interface Architecture {
  modality?: string;
  input_modalities: string[];
  output_modalities: string[];
  tokenizer: string;
  instruct_type: string | null;
}

/** One provider serving a model. */
export interface CatalogEndpoint {
  /** Provider id from the registry (src/providers/registry.ts). */
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
  quantization?: string;
  /** Where the figures come from. */
  source?: string;
  /** Found by refreshCatalog, not in the shipped data. */
  discovered?: boolean;
}

export interface CatalogModel {
  id: string;
  canonical_slug: string;
  name: string;
  created: number;
  description: string;
  context_length: number | null;
  architecture: Architecture;
  pricing: PricingStrings | null;
  top_provider: { context_length: number | null; max_completion_tokens: number | null; is_moderated: boolean };
  per_request_limits: Record<string, string> | null;
  supported_parameters: string[];
  default_parameters: Record<string, unknown>;
  expiration_date: string | null;
  /** Other ids that name this model (dated snapshots…). */
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
}

/** What refreshCatalog stores in KV: the last good listing of each provider. */
export interface StoredListings {
  version: 1;
  refreshed_at: string;
  providers: Record<string, { listed_at: string; models: DiscoveredModel[] }>;
}
