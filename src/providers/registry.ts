import { anthropicProvider } from "./anthropic";
import { geminiProvider } from "./gemini";
import { openaiProvider } from "./openai";
import { openAICompatibleProvider } from "./openai-compatible";
import type { ProviderConfig, ProviderEntry } from "./types";
import type { Env } from "../env";

const compatible = [
  openAICompatibleProvider({
    id: "deepseek", name: "DeepSeek", envPrefix: "DEEPSEEK", defaultBaseUrl: "https://api.deepseek.com/v1",
    ownsBareModel: (m) => m.startsWith("deepseek-"),
    codecOptions: { reasoningHistory: "reasoning_content", thinkingSwitch: true },
  }),
  openAICompatibleProvider({ id: "groq", name: "Groq", envPrefix: "GROQ", defaultBaseUrl: "https://api.groq.com/openai/v1" }),
  openAICompatibleProvider({
    id: "mistral", name: "Mistral", envPrefix: "MISTRAL", defaultBaseUrl: "https://api.mistral.ai/v1", embeddings: true,
    ownsBareModel: (m) => /^(mistral-|magistral-|codestral-|ministral-|pixtral-|devstral-|open-mistral)/.test(m),
  }),
  openAICompatibleProvider({
    id: "x-ai", name: "xAI", envPrefix: "XAI", defaultBaseUrl: "https://api.x.ai/v1",
    ownsBareModel: (m) => m.startsWith("grok-"),
  }),
  openAICompatibleProvider({ id: "together", name: "Together AI", envPrefix: "TOGETHER", defaultBaseUrl: "https://api.together.xyz/v1", embeddings: true }),
  openAICompatibleProvider({ id: "fireworks", name: "Fireworks", envPrefix: "FIREWORKS", defaultBaseUrl: "https://api.fireworks.ai/inference/v1" }),
  openAICompatibleProvider({ id: "deepinfra", name: "DeepInfra", envPrefix: "DEEPINFRA", defaultBaseUrl: "https://api.deepinfra.com/v1/openai", embeddings: true }),
  openAICompatibleProvider({ id: "cerebras", name: "Cerebras", envPrefix: "CEREBRAS", defaultBaseUrl: "https://api.cerebras.ai/v1" }),
  openAICompatibleProvider({ id: "perplexity", name: "Perplexity", envPrefix: "PERPLEXITY", defaultBaseUrl: "https://api.perplexity.ai" }),
  openAICompatibleProvider({ id: "openrouter", name: "OpenRouter", envPrefix: "OPENROUTER", defaultBaseUrl: "https://openrouter.ai/api/v1", embeddings: true,
    codecOptions: { reasoningParam: "openrouter", cacheControl: "cache_control", sendTopK: true },
  }),
  openAICompatibleProvider({ id: "ollama", name: "Ollama", envPrefix: "OLLAMA", defaultBaseUrl: "http://localhost:11434/v1", keyless: true, embeddings: true }),
];

export const PROVIDERS: readonly ProviderEntry[] = [openaiProvider, anthropicProvider, geminiProvider, ...compatible];

const BY_ID = new Map(PROVIDERS.map((p) => [p.id, p]));
/** Aliases users type for provider slugs. */
const ALIASES: Record<string, string> = { gemini: "google", "google-ai-studio": "google", xai: "x-ai", grok: "x-ai" };

export function getProvider(id: string): ProviderEntry | undefined {
  return BY_ID.get(id) ?? BY_ID.get(ALIASES[id] ?? "");
}

/** The provider that owns a bare model id, if any. */
export function providerForBareModel(modelId: string): ProviderEntry | undefined {
  return PROVIDERS.find((p) => p.ownsBareModel?.(modelId));
}

const str = (v: unknown) => (typeof v === "string" && v.length > 0 ? v : undefined);

/** The provider's config from env, or undefined when it is not enabled. */
export function providerConfig(env: Env, p: ProviderEntry): ProviderConfig | undefined {
  const apiKey = str(env[`${p.envPrefix}_API_KEY`]);
  const baseUrlVar = str(env[`${p.envPrefix}_BASE_URL`]);
  if (p.keyless ? !baseUrlVar && !apiKey : !apiKey) return undefined;
  return { baseUrl: baseUrlVar ?? p.defaultBaseUrl, apiKey };
}

/** The variable a user must set to enable a provider (used in 503 messages). */
export function enablingVariable(p: ProviderEntry): string {
  return p.keyless ? `${p.envPrefix}_BASE_URL` : `${p.envPrefix}_API_KEY`;
}

export function enabledProviders(env: Env): ProviderEntry[] {
  return PROVIDERS.filter((p) => providerConfig(env, p) !== undefined);
}
