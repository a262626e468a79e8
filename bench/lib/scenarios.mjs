// The benchmark scenarios. Each one lists, per Worker it measures, the request that Worker gets
// (`requests`) and the wire format of the answer it must give (`answers`, checked before any
// load: see check.mjs). The pass-through and the floor get the equivalent upstream request at the
// same fake-upstream endpoint; Portkey gets an OpenAI-format request routed by its headers.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { portkeyHeaders } from "./portkey.mjs";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

/** Every Worker a round can measure, in the order a round runs them. */
export const TARGET_ORDER = ["gateway", "gateway-all", "passthrough", "floor", "portkey"];
export const TARGET_LABEL = { gateway: "ARouter", "gateway-all": "ARouter, all providers", passthrough: "pass-through", floor: "floor", portkey: "Portkey 1.15.2" };

/** The upstream id the gateway sends for a catalog model (its first endpoint), so every Worker's
 * upstream request names the same model and the fake's answers are byte-comparable. */
function upstreamModel(id, fallback) {
  try {
    const data = JSON.parse(fs.readFileSync(path.join(ROOT, "data", "models.json"), "utf8"));
    return data.models.find((m) => m.id === id)?.endpoints?.[0]?.upstream_model ?? fallback;
  } catch {
    return fallback;
  }
}

export const MODELS = {
  openai: { gateway: "openai/gpt-4o-mini", upstream: upstreamModel("openai/gpt-4o-mini", "gpt-4o-mini") },
  anthropic: { gateway: "anthropic/claude-haiku-4.5", upstream: upstreamModel("anthropic/claude-haiku-4.5", "claude-haiku-4-5") },
};

/** Upstream credentials the pass-through Worker's callers send (the fake only checks presence). */
export const FAKE_KEYS = { openai: "sk-fake-openai", anthropic: "sk-ant-fake", gemini: "fake-gemini-key" };

export const MARKER = "Hello"; // the fake upstream's first text piece: "Hello from fake …"
const PROMPT = "Say hello and then write a few words of filler text.";
const MAX_TOKENS = 4096; // above every scenario's answer length, so no answer is truncated

function filler(bytes) {
  const words = "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore ".split(" ");
  let s = "";
  for (let i = 0; s.length < bytes; i++) s += words[i % words.length] + " ";
  return s.slice(0, bytes);
}

const json = (v) => JSON.stringify(v);
const JSON_CT = { "content-type": "application/json" };
const LARGE_PROMPT = filler(100 * 1024);

// ── gateway (client-facing) requests ──

const gwOpenAI = (model, stream, prompt = PROMPT) => ({ apiKey }) => ({
  path: "/v1/chat/completions",
  headers: { ...JSON_CT, authorization: `Bearer ${apiKey}` },
  body: json({ model, messages: [{ role: "user", content: prompt }], max_tokens: MAX_TOKENS, stream }),
});

const gwAnthropic = (model, stream) => ({ apiKey }) => ({
  path: "/v1/messages",
  headers: { ...JSON_CT, "x-api-key": apiKey, "anthropic-version": "2023-06-01" },
  body: json({ model, max_tokens: MAX_TOKENS, messages: [{ role: "user", content: PROMPT }], stream }),
});

const gwGemini = (model, stream) => ({ apiKey }) => ({
  path: `/v1beta/models/${model}:${stream ? "streamGenerateContent?alt=sse" : "generateContent"}`,
  headers: { ...JSON_CT, "x-goog-api-key": apiKey },
  body: json({ contents: [{ role: "user", parts: [{ text: PROMPT }] }], generationConfig: { maxOutputTokens: MAX_TOKENS } }),
});

const gwModels = (query = "") => () => ({ method: "GET", path: `/v1/models${query}`, headers: {} });

// ── equivalent upstream requests (what the gateway sends the provider) ──

const openAIUpstreamBody = (stream, prompt = PROMPT) =>
  json({
    model: MODELS.openai.upstream,
    messages: [{ role: "user", content: prompt }],
    max_tokens: MAX_TOKENS,
    stream,
    ...(stream ? { stream_options: { include_usage: true } } : {}),
  });

const upOpenAI = (stream, prompt = PROMPT) => () => ({
  path: "/openai/v1/chat/completions",
  headers: { ...JSON_CT, authorization: `Bearer ${FAKE_KEYS.openai}` },
  body: openAIUpstreamBody(stream, prompt),
});

const upAnthropic = (stream) => () => ({
  path: "/anthropic/v1/messages",
  headers: { ...JSON_CT, "x-api-key": FAKE_KEYS.anthropic, "anthropic-version": "2023-06-01" },
  body: json({ model: MODELS.anthropic.upstream, max_tokens: MAX_TOKENS, messages: [{ role: "user", content: PROMPT }], stream }),
});

// ── Portkey: an OpenAI-format request; its headers pick the provider and the fake as its host ──

/** To OpenAI: the very body the pass-through forwards (usage included in streams, as the gateway asks). */
const pkOpenAI = (stream, prompt = PROMPT) => ({ fakeUrl }) => ({
  path: "/v1/chat/completions",
  headers: portkeyHeaders("openai", fakeUrl, FAKE_KEYS.openai),
  body: openAIUpstreamBody(stream, prompt),
});

/** To Anthropic: Portkey translates the OpenAI request to /v1/messages and the answer back. */
const pkAnthropic = (stream) => ({ fakeUrl }) => ({
  path: "/v1/chat/completions",
  headers: portkeyHeaders("anthropic", fakeUrl, FAKE_KEYS.anthropic),
  body: json({ model: MODELS.anthropic.upstream, messages: [{ role: "user", content: PROMPT }], max_tokens: MAX_TOKENS, stream }),
});

/** Throughput scenario with the gateway, the pass-through, the floor and optionally Portkey. */
function chat({ gateway, upstreamRequest, portkey, answer, upstreamAnswer, portkeyAnswer = answer, ...rest }) {
  return {
    kind: "throughput",
    requests: { gateway, passthrough: upstreamRequest, floor: upstreamRequest, ...(portkey ? { portkey } : {}) },
    answers: { gateway: answer, passthrough: upstreamAnswer, floor: upstreamAnswer, ...(portkey ? { portkey: portkeyAnswer } : {}) },
    ...rest,
  };
}

/** GET /v1/models on the all-provider gateway (and the base one, for scale). */
function models(id, query, title) {
  return {
    id,
    title,
    kind: "catalog",
    class: "catalog",
    stream: false,
    requests: { "gateway-all": gwModels(query), gateway: gwModels(query) },
    answers: { "gateway-all": "models-json", gateway: "models-json" },
  };
}

const EVENTS_LONG = 1000;

/**
 * kind: "throughput" (autocannon + probe), "catalog" (probe only), "long" (concurrent long
 * streams, memory). class: which target the scenario is judged against. events: content events
 * per answer (the fake sends one text piece per event). upstream: fake-upstream session config.
 */
export const SCENARIOS = [
  chat({
    id: "openai-nonstream", title: "OpenAI→OpenAI non-streaming", class: "nonstream", stream: false, events: 50, upstream: { chunks: 50 },
    gateway: gwOpenAI(MODELS.openai.gateway, false), upstreamRequest: upOpenAI(false), portkey: pkOpenAI(false),
    answer: "openai-json", upstreamAnswer: "openai-json",
  }),
  chat({
    id: "openai-stream", title: "OpenAI→OpenAI streaming (50 chunks)", class: "same-format-stream", stream: true, events: 50, upstream: { chunks: 50 },
    gateway: gwOpenAI(MODELS.openai.gateway, true), upstreamRequest: upOpenAI(true), portkey: pkOpenAI(true),
    answer: "openai-sse", upstreamAnswer: "openai-sse",
  }),
  chat({
    id: "openai-to-anthropic-stream", title: "OpenAI surface→Anthropic streaming", class: "translated-stream", stream: true, events: 50, upstream: { chunks: 50 },
    gateway: gwOpenAI(MODELS.anthropic.gateway, true), upstreamRequest: upAnthropic(true), portkey: pkAnthropic(true),
    answer: "openai-sse", upstreamAnswer: "anthropic-sse",
  }),
  chat({
    id: "anthropic-to-openai-stream", title: "Anthropic surface (/v1/messages)→OpenAI streaming", class: "translated-stream", stream: true, events: 50,
    upstream: { chunks: 50 }, gateway: gwAnthropic(MODELS.openai.gateway, true), upstreamRequest: upOpenAI(true), answer: "anthropic-sse", upstreamAnswer: "openai-sse",
  }),
  chat({
    id: "gemini-to-anthropic-stream", title: "Gemini surface (streamGenerateContent)→Anthropic streaming", class: "translated-stream", stream: true, events: 50,
    upstream: { chunks: 50 }, gateway: gwGemini(MODELS.anthropic.gateway, true), upstreamRequest: upAnthropic(true), answer: "gemini-sse", upstreamAnswer: "anthropic-sse",
  }),
  chat({
    id: "large-request-100k", title: "Large request: 100 KB prompt, OpenAI→OpenAI non-streaming", class: "nonstream", stream: false, events: 50,
    upstream: { chunks: 50 }, gateway: gwOpenAI(MODELS.openai.gateway, false, LARGE_PROMPT), upstreamRequest: upOpenAI(false, LARGE_PROMPT),
    answer: "openai-json", upstreamAnswer: "openai-json",
  }),
  chat({
    id: "openai-stream-1000", title: `One ${EVENTS_LONG}-event stream, OpenAI→OpenAI`, class: "long-answer", stream: true, events: EVENTS_LONG,
    upstream: { chunks: EVENTS_LONG }, probe: false, amount: (o) => (o.quick ? 1 : 3) * o.connections,
    gateway: gwOpenAI(MODELS.openai.gateway, true), upstreamRequest: upOpenAI(true), portkey: pkOpenAI(true),
    answer: "openai-sse", upstreamAnswer: "openai-sse",
  }),
  {
    id: "chat-all-providers",
    title: "OpenAI→OpenAI non-streaming: base vs all-provider environment (catalog lookup)",
    kind: "throughput",
    class: "catalog-lookup",
    stream: false,
    events: 50,
    upstream: { chunks: 50 },
    requests: { gateway: gwOpenAI(MODELS.openai.gateway, false), "gateway-all": gwOpenAI(MODELS.openai.gateway, false) },
    answers: { gateway: "openai-json", "gateway-all": "openai-json" },
  },
  models("models-list", "", "GET /v1/models"),
  models("models-list-image", "?output_modalities=image", "GET /v1/models?output_modalities=image"),
  models("models-list-tools", "?supported_parameters=tools", "GET /v1/models?supported_parameters=tools"),
  {
    id: "long-streams-50",
    title: "50 concurrent long streams, OpenAI surface→Anthropic (memory)",
    kind: "long",
    class: "long",
    stream: true,
    streams: 50,
    chunkDelayMs: 5,
    requests: { gateway: gwOpenAI(MODELS.anthropic.gateway, true), passthrough: upAnthropic(true) },
    answers: { gateway: "openai-sse", passthrough: "anthropic-sse" },
  },
];

/** The Workers a scenario measures, in run order, limited to those the runtime has. */
export function targetsOf(scn, available = TARGET_ORDER) {
  return TARGET_ORDER.filter((t) => scn.requests[t] && available.includes(t));
}
