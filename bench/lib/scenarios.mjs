// The benchmark scenarios. Each one has a gateway request and the equivalent upstream request
// that the pass-through Worker forwards to the same fake-upstream endpoint.

export const MODELS = {
  openai: { gateway: "openai/gpt-4o-mini", upstream: "gpt-4o-mini" },
  anthropic: { gateway: "anthropic/claude-haiku-4.5", upstream: "claude-haiku-4-5-20251001" },
};

/** Upstream credentials the pass-through Worker's callers send (the fake only checks presence). */
export const FAKE_KEYS = { openai: "sk-fake-openai", anthropic: "sk-ant-fake", gemini: "fake-gemini-key" };

export const MARKER = "Hello"; // the fake upstream's first text piece: "Hello from fake …"
const PROMPT = "Say hello and then write a few words of filler text.";
const MAX_TOKENS = 1024;

function filler(bytes) {
  const words = "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore ".split(" ");
  let s = "";
  for (let i = 0; s.length < bytes; i++) s += words[i % words.length] + " ";
  return s.slice(0, bytes);
}

const json = (v) => JSON.stringify(v);
const JSON_CT = { "content-type": "application/json" };

// ── gateway (client-facing) requests ──

const gwOpenAI = (model, stream, prompt = PROMPT) => (key) => ({
  path: "/v1/chat/completions",
  headers: { ...JSON_CT, authorization: `Bearer ${key}` },
  body: json({ model, messages: [{ role: "user", content: prompt }], max_tokens: MAX_TOKENS, stream }),
});

const gwAnthropic = (model, stream) => (key) => ({
  path: "/v1/messages",
  headers: { ...JSON_CT, "x-api-key": key, "anthropic-version": "2023-06-01" },
  body: json({ model, max_tokens: MAX_TOKENS, messages: [{ role: "user", content: PROMPT }], stream }),
});

const gwGemini = (model, stream) => (key) => ({
  path: `/v1beta/models/${model}:${stream ? "streamGenerateContent?alt=sse" : "generateContent"}`,
  headers: { ...JSON_CT, "x-goog-api-key": key },
  body: json({ contents: [{ role: "user", parts: [{ text: PROMPT }] }], generationConfig: { maxOutputTokens: MAX_TOKENS } }),
});

// ── equivalent upstream requests (what the gateway sends the provider) ──

const upOpenAI = (stream, prompt = PROMPT) => () => ({
  path: "/openai/v1/chat/completions",
  headers: { ...JSON_CT, authorization: `Bearer ${FAKE_KEYS.openai}` },
  body: json({
    model: MODELS.openai.upstream,
    messages: [{ role: "user", content: prompt }],
    max_tokens: MAX_TOKENS,
    stream,
    ...(stream ? { stream_options: { include_usage: true } } : {}),
  }),
});

const upAnthropic = (stream) => () => ({
  path: "/anthropic/v1/messages",
  headers: { ...JSON_CT, "x-api-key": FAKE_KEYS.anthropic, "anthropic-version": "2023-06-01" },
  body: json({ model: MODELS.anthropic.upstream, max_tokens: MAX_TOKENS, messages: [{ role: "user", content: PROMPT }], stream }),
});

const LARGE_PROMPT = filler(100 * 1024);

/**
 * kind: "throughput" (autocannon + probes) or "long" (concurrent long streams, memory).
 * class: which target the scenario is judged against.
 * upstream: fake-upstream session config for the throughput runs; probeUpstream for TTFT probes.
 */
export const SCENARIOS = [
  {
    id: "openai-nonstream",
    title: "OpenAI→OpenAI non-streaming",
    kind: "throughput",
    class: "nonstream",
    stream: false,
    upstream: { chunks: 50 },
    gateway: gwOpenAI(MODELS.openai.gateway, false),
    passthrough: upOpenAI(false),
  },
  {
    id: "openai-stream",
    title: "OpenAI→OpenAI streaming (50 chunks)",
    kind: "throughput",
    class: "same-format-stream",
    stream: true,
    upstream: { chunks: 50 },
    gateway: gwOpenAI(MODELS.openai.gateway, true),
    passthrough: upOpenAI(true),
  },
  {
    id: "openai-to-anthropic-stream",
    title: "OpenAI surface→Anthropic streaming",
    kind: "throughput",
    class: "translated-stream",
    stream: true,
    upstream: { chunks: 50 },
    gateway: gwOpenAI(MODELS.anthropic.gateway, true),
    passthrough: upAnthropic(true),
  },
  {
    id: "anthropic-to-openai-stream",
    title: "Anthropic surface (/v1/messages)→OpenAI streaming",
    kind: "throughput",
    class: "translated-stream",
    stream: true,
    upstream: { chunks: 50 },
    gateway: gwAnthropic(MODELS.openai.gateway, true),
    passthrough: upOpenAI(true),
  },
  {
    id: "gemini-to-anthropic-stream",
    title: "Gemini surface (streamGenerateContent)→Anthropic streaming",
    kind: "throughput",
    class: "translated-stream",
    stream: true,
    upstream: { chunks: 50 },
    gateway: gwGemini(MODELS.anthropic.gateway, true),
    passthrough: upAnthropic(true),
  },
  {
    id: "large-request-100k",
    title: "Large request: 100 KB prompt, OpenAI→OpenAI non-streaming",
    kind: "throughput",
    class: "nonstream",
    stream: false,
    upstream: { chunks: 50 },
    gateway: gwOpenAI(MODELS.openai.gateway, false, LARGE_PROMPT),
    passthrough: upOpenAI(false, LARGE_PROMPT),
  },
  {
    id: "long-streams-50",
    title: "50 concurrent long streams, OpenAI surface→Anthropic (memory)",
    kind: "long",
    class: "long",
    stream: true,
    streams: 50,
    chunkDelayMs: 5,
    gateway: gwOpenAI(MODELS.anthropic.gateway, true),
    passthrough: upAnthropic(true),
  },
];
