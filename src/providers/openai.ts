import { openAICompatibleProvider } from "./openai-compatible";

/** Bare OpenAI model ids: gpt-*, chatgpt-*, o1/o3/o4…, text-embedding-*, omni-moderation. */
const OPENAI_BARE = /^(gpt-|chatgpt-|o\d(-|$)|text-embedding-|omni-|codex-|computer-use-|dall-e-|tts-|whisper-)/;

export const openaiProvider = openAICompatibleProvider({
  id: "openai",
  name: "OpenAI",
  envPrefix: "OPENAI",
  defaultBaseUrl: "https://api.openai.com/v1",
  ownsBareModel: (m) => OPENAI_BARE.test(m),
  embeddings: true,
  aiGateway: { slug: "openai" },
  // api.openai.com rejects max_tokens for reasoning models (o-series, gpt-5).
  codecOptions: { maxTokensField: "max_completion_tokens" },
  // gpt-image / dall-e on /images, tts / gpt-*-tts on /audio/speech, whisper / *-transcribe on /audio/transcriptions.
  media: {
    images: (m) => (/^(gpt-image|dall-e|chatgpt-image)/.test(m) ? "openai" : undefined),
    speech: (m) => (/(^tts-|-tts($|-))/.test(m) ? "openai" : undefined),
    transcription: (m) => (/(^whisper|transcribe)/.test(m) ? "openai" : undefined),
  },
  // Every OpenAI chat model also answers on /v1/responses (the -pro and codex families only there).
  responses: true,
});
