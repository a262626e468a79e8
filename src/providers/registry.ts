import { aiGatewayHeaders, aiGatewaySettings, aiGatewayUrl } from "./ai-gateway";
import { amazonBedrockProvider } from "./amazon-bedrock";
import { anthropicProvider } from "./anthropic";
import { azureProvider } from "./azure";
import { cloudflareWorkersAiProvider } from "./cloudflare-workers-ai";
import { COMPATIBLE_PROVIDERS } from "./compatible-providers";
import { geminiProvider } from "./gemini";
import { googleVertexProvider } from "./google-vertex";
import { openaiProvider } from "./openai";
import type { ProviderConfig, ProviderEntry, UpstreamRequest } from "./types";
import type { Env } from "../env";

const ENTRIES: ProviderEntry[] = [
  openaiProvider,
  anthropicProvider,
  geminiProvider,
  ...COMPATIBLE_PROVIDERS,
  amazonBedrockProvider,
  googleVertexProvider,
  azureProvider,
  cloudflareWorkersAiProvider,
];

/**
 * Headers the configuration adds to every call (AI Gateway's cf-aig-authorization) are merged in
 * one place, after the provider built (and possibly signed) its request.
 */
function withConfigHeaders(p: ProviderEntry): ProviderEntry {
  const build = p.buildRequest;
  return {
    ...p,
    buildRequest(cfg, op, model, opts) {
      const built = build(cfg, op, model, opts);
      const extra = cfg.headers;
      if (!extra) return built;
      const add = (r: UpstreamRequest): UpstreamRequest => ({ ...r, headers: { ...r.headers, ...extra } });
      return built instanceof Promise ? built.then(add) : add(built);
    },
  };
}

export const PROVIDERS: readonly ProviderEntry[] = ENTRIES.map(withConfigHeaders);

const BY_ID = new Map(PROVIDERS.map((p) => [p.id, p]));
/** Aliases users type for provider slugs. */
const ALIASES: Record<string, string> = {
  gemini: "google", "google-ai-studio": "google", xai: "x-ai", grok: "x-ai",
  bedrock: "amazon-bedrock", "aws-bedrock": "amazon-bedrock", vertex: "google-vertex", "vertex-ai": "google-vertex",
  "azure-openai": "azure", "workers-ai": "cloudflare", qwen: "alibaba", dashscope: "alibaba", moonshot: "moonshotai",
  zai: "z-ai", "github-models": "github", "hugging-face": "huggingface", hf: "huggingface",
};

export function getProvider(id: string): ProviderEntry | undefined {
  return BY_ID.get(id) ?? BY_ID.get(ALIASES[id] ?? "");
}

/** The provider that owns a bare model id, if any. */
export function providerForBareModel(modelId: string): ProviderEntry | undefined {
  return PROVIDERS.find((p) => p.ownsBareModel?.(modelId));
}

const str = (v: unknown) => (typeof v === "string" && v.length > 0 ? v : undefined);

/**
 * The provider's config from env, or undefined when it is not enabled. A provider with its own
 * reader (AWS, Google service accounts…) uses it; the rest follow <PREFIX>_API_KEY /
 * <PREFIX>_BASE_URL, going through Cloudflare AI Gateway when one is configured and no base URL
 * is set explicitly.
 */
export function providerConfig(env: Env, p: ProviderEntry): ProviderConfig | undefined {
  if (p.config) return p.config(env);
  const apiKey = str(env[`${p.envPrefix}_API_KEY`]);
  const baseUrlVar = str(env[`${p.envPrefix}_BASE_URL`]);
  if (p.keyless ? !baseUrlVar && !apiKey : !apiKey) return undefined;
  const gw = p.aiGateway && !baseUrlVar ? aiGatewaySettings(env) : undefined;
  if (gw && p.aiGateway) {
    const headers = aiGatewayHeaders(gw);
    return { baseUrl: aiGatewayUrl(gw, p.aiGateway.slug, p.aiGateway.path), apiKey, ...(headers ? { headers } : {}) };
  }
  return { baseUrl: baseUrlVar ?? p.defaultBaseUrl, apiKey };
}

/** The variable a user must set to enable a provider (used in 503 messages). */
export function enablingVariable(p: ProviderEntry): string {
  return p.enabledBy ?? (p.keyless ? `${p.envPrefix}_BASE_URL` : `${p.envPrefix}_API_KEY`);
}

export function enabledProviders(env: Env): ProviderEntry[] {
  return PROVIDERS.filter((p) => providerConfig(env, p) !== undefined);
}
