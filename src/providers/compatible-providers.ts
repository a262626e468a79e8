// Every OpenAI-compatible provider: one factory call each, with its documented base URL and
// Bearer auth (<PREFIX>_API_KEY, <PREFIX>_BASE_URL). codecOptions record where one departs from
// the defaults; aiGateway gives its Cloudflare AI Gateway slug where the gateway supports it.
import { openAICompatibleProvider as compat } from "./openai-compatible";
import type { ProviderEntry } from "./types";

/** Providers of the first release. */
const established: ProviderEntry[] = [
  compat({
    id: "deepseek", name: "DeepSeek", envPrefix: "DEEPSEEK", defaultBaseUrl: "https://api.deepseek.com/v1",
    ownsBareModel: (m) => m.startsWith("deepseek-"),
    codecOptions: { reasoningHistory: "reasoning_content", thinkingSwitch: true },
    aiGateway: { slug: "deepseek" },
  }),
  compat({
    id: "groq", name: "Groq", envPrefix: "GROQ", defaultBaseUrl: "https://api.groq.com/openai/v1", aiGateway: { slug: "groq" },
    // Whisper on Groq's OpenAI-compatible /audio/transcriptions and /audio/translations.
    media: { transcription: (m) => (m.startsWith("whisper") ? "openai" : undefined) },
  }),
  compat({
    id: "mistral", name: "Mistral", envPrefix: "MISTRAL", defaultBaseUrl: "https://api.mistral.ai/v1", embeddings: true,
    ownsBareModel: (m) => /^(mistral-|magistral-|codestral-|ministral-|pixtral-|devstral-|open-mistral)/.test(m),
    aiGateway: { slug: "mistral", path: "/v1" },
  }),
  compat({
    id: "x-ai", name: "xAI", envPrefix: "XAI", defaultBaseUrl: "https://api.x.ai/v1",
    ownsBareModel: (m) => m.startsWith("grok-"),
    aiGateway: { slug: "grok", path: "/v1" },
  }),
  compat({
    id: "together", name: "Together AI", envPrefix: "TOGETHER", defaultBaseUrl: "https://api.together.xyz/v1", embeddings: true,
    // FLUX and other image models on /images/generations (width/height/steps, not OpenAI's size).
    media: { images: (m) => (/flux|stable-diffusion|imagen|ideogram|hidream|qwen-image/i.test(m) ? "together" : undefined) },
  }),
  compat({
    id: "fireworks", name: "Fireworks", envPrefix: "FIREWORKS", defaultBaseUrl: "https://api.fireworks.ai/inference/v1",
    // FLUX through Fireworks' image workflows: POST …/workflows/<model>/text_to_image.
    media: { images: (m) => (/flux/i.test(m) ? "fireworks" : undefined) },
    mediaPath: (op, model) => (op === "images" ? `/workflows/${model}/text_to_image` : undefined),
  }),
  compat({ id: "deepinfra", name: "DeepInfra", envPrefix: "DEEPINFRA", defaultBaseUrl: "https://api.deepinfra.com/v1/openai", embeddings: true }),
  compat({ id: "cerebras", name: "Cerebras", envPrefix: "CEREBRAS", defaultBaseUrl: "https://api.cerebras.ai/v1", aiGateway: { slug: "cerebras" } }),
  compat({ id: "perplexity", name: "Perplexity", envPrefix: "PERPLEXITY", defaultBaseUrl: "https://api.perplexity.ai", aiGateway: { slug: "perplexity-ai" } }),
  compat({ id: "openrouter", name: "OpenRouter", envPrefix: "OPENROUTER", defaultBaseUrl: "https://openrouter.ai/api/v1", embeddings: true,
    codecOptions: { reasoningParam: "openrouter", cacheControl: "cache_control", sendTopK: true },
    aiGateway: { slug: "openrouter" },
  }),
  compat({ id: "ollama", name: "Ollama", envPrefix: "OLLAMA", defaultBaseUrl: "http://localhost:11434/v1", keyless: true, embeddings: true }),
];

/** Model labs' own APIs and inference hosts added with the clouds (issue #13). */
const added: ProviderEntry[] = [
  compat({
    // DashScope international (Singapore). Qwen3's thinking switch is `enable_thinking` (+ budget);
    // the docs ask not to send reasoning back in history.
    id: "alibaba", name: "Alibaba Cloud (Qwen)", envPrefix: "DASHSCOPE",
    defaultBaseUrl: "https://dashscope-intl.aliyuncs.com/compatible-mode/v1", embeddings: true,
    ownsBareModel: (m) => /^(qwen|qwq|qvq)[-\d.]/.test(m),
    codecOptions: { reasoningParam: "enable_thinking", reasoningHistory: "none" },
  }),
  compat({
    // Kimi's thinking models need their reasoning_content kept on earlier tool-call turns.
    id: "moonshotai", name: "Moonshot AI", envPrefix: "MOONSHOT", defaultBaseUrl: "https://api.moonshot.ai/v1",
    ownsBareModel: (m) => m.startsWith("kimi-") || m.startsWith("moonshot-v1"),
    codecOptions: { reasoningHistory: "reasoning_content" },
  }),
  compat({
    // GLM: thinking is a switch; stream_options is not a documented field (usage comes anyway).
    id: "z-ai", name: "Z.ai", envPrefix: "ZAI", defaultBaseUrl: "https://api.z.ai/api/paas/v4",
    ownsBareModel: (m) => m.startsWith("glm-"),
    codecOptions: { reasoningParam: "thinking", reasoningHistory: "reasoning_content", streamOptions: false },
  }),
  compat({
    id: "minimax", name: "MiniMax", envPrefix: "MINIMAX", defaultBaseUrl: "https://api.minimax.io/v1",
    ownsBareModel: (m) => /^minimax-/i.test(m),
  }),
  compat({ id: "sambanova", name: "SambaNova", envPrefix: "SAMBANOVA", defaultBaseUrl: "https://api.sambanova.ai/v1" }),
  compat({ id: "nebius", name: "Nebius Token Factory", envPrefix: "NEBIUS", defaultBaseUrl: "https://api.tokenfactory.nebius.com/v1", embeddings: true }),
  compat({ id: "novita", name: "Novita AI", envPrefix: "NOVITA", defaultBaseUrl: "https://api.novita.ai/openai/v1", embeddings: true }),
  compat({ id: "hyperbolic", name: "Hyperbolic", envPrefix: "HYPERBOLIC", defaultBaseUrl: "https://api.hyperbolic.xyz/v1" }),
  compat({ id: "nvidia", name: "NVIDIA NIM", envPrefix: "NVIDIA", defaultBaseUrl: "https://integrate.api.nvidia.com/v1" }),
  // Inference Providers router; HUGGINGFACE_API_KEY holds an HF token (hf_…).
  compat({ id: "huggingface", name: "Hugging Face", envPrefix: "HUGGINGFACE", defaultBaseUrl: "https://router.huggingface.co/v1" }),
  compat({ id: "baseten", name: "Baseten", envPrefix: "BASETEN", defaultBaseUrl: "https://inference.baseten.co/v1" }),
  compat({ id: "chutes", name: "Chutes", envPrefix: "CHUTES", defaultBaseUrl: "https://llm.chutes.ai/v1" }),
  compat({
    // GitHub Models: GITHUB_API_KEY holds a GitHub token with models:read. Its model list lives
    // in a separate catalog API, not under /inference.
    id: "github", name: "GitHub Models", envPrefix: "GITHUB", defaultBaseUrl: "https://models.github.ai/inference",
    headers: { "x-github-api-version": "2022-11-28" },
    listModels: false,
  }),
  compat({
    // Cohere's Compatibility API rejects stream_options.
    id: "cohere", name: "Cohere", envPrefix: "COHERE", defaultBaseUrl: "https://api.cohere.ai/compatibility/v1", embeddings: true,
    ownsBareModel: (m) => m.startsWith("command-") || m.startsWith("c4ai-"),
    codecOptions: { streamOptions: false },
  }),
  compat({
    id: "inception", name: "Inception", envPrefix: "INCEPTION", defaultBaseUrl: "https://api.inceptionlabs.ai/v1",
    ownsBareModel: (m) => m.startsWith("mercury"),
  }),
  compat({
    id: "upstage", name: "Upstage", envPrefix: "UPSTAGE", defaultBaseUrl: "https://api.upstage.ai/v1", embeddings: true,
    ownsBareModel: (m) => m.startsWith("solar-"),
  }),
  compat({ id: "venice", name: "Venice", envPrefix: "VENICE", defaultBaseUrl: "https://api.venice.ai/api/v1", embeddings: true }),
];

export const COMPATIBLE_PROVIDERS: readonly ProviderEntry[] = [...established, ...added];
