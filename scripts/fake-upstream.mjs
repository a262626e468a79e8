#!/usr/bin/env node
// Fake LLM upstream for tests and benchmarks: one loopback HTTP server that speaks the real wire
// formats of OpenAI (and every OpenAI-compatible provider), Anthropic and Gemini.
// Plain Node ESM, no dependencies (node:http only), Node 20+.
//
// URL scheme:   [/s/<session>]/<provider>/<the provider's real path>
//   /openai/v1/chat/completions, /deepseek/v1/embeddings, /<any>/v1/models   (OpenAI format)
//   /anthropic/v1/messages, /anthropic/v1/messages/count_tokens, /anthropic/v1/models
//   /gemini/v1beta/models/{model}:generateContent | :streamGenerateContent[?alt=sse]
//          | :countTokens | :embedContent | :batchEmbedContents,  GET /gemini/v1beta/models
// Control API (JSON), per session ("default" when the URL has no /s/<session> prefix):
//   POST   /__control/<session>/script    {responses:[Step…]}  append steps to the FIFO queue
//   POST   /__control/<session>/config    {chunks?, chunkDelayMs?, firstByteDelayMs?, record?, validate?}
//   GET    /__control/<session>/requests  → {requests:[…], aborted:N, pending:N, dropped:N}
//   DELETE /__control/<session>            reset the session
//   GET    /__fixtures/list                → ["anthropic/…", …] ([] when the shared fixtures are absent)
//   GET    /__fixtures/file?path=…         → the file's bytes
// See test/helpers/fake-upstream.ts for the typed client and the Step shape.

import http from "node:http";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { EXTRA_FORMATS } from "./fake-upstream/formats.mjs";
import { cloudEnvLines, fakeServiceAccountJson, fakeServiceAccountKey } from "./fake-upstream/cloud-env.mjs";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = path.resolve(HERE, "..");
const DEFAULT_FIXTURES_DIR = path.resolve(REPO_ROOT, "../shared/fixtures");
const MAX_RECORDED = 10_000; // per session; older entries are dropped (benchmarks run millions of requests)

// ───────────────────────────── small utilities ─────────────────────────────

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const J = JSON.stringify;
let idCounter = 0;
const rid = (prefix, len = 24) => {
  idCounter = (idCounter + 1) % 1e9;
  const s = idCounter.toString(36) + Math.random().toString(36).slice(2) + Math.random().toString(36).slice(2);
  return prefix + ("fake" + s).slice(0, len);
};
const nowSec = () => Math.floor(Date.now() / 1000);
const toInt = (v) => {
  if (v === undefined || v === null || v === "") return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? Math.floor(n) : undefined;
};

const FILLER_WORDS = (
  "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et dolore " +
  "magna aliqua ut enim ad minim veniam quis nostrud exercitation ullamco laboris nisi ut aliquip ex ea commodo"
).split(" ");
const fillerCache = new Map(); // n → array of " word" pieces
function fillerPieces(n) {
  let a = fillerCache.get(n);
  if (!a) {
    a = [];
    for (let i = 0; i < n; i++) a.push(" " + FILLER_WORDS[i % FILLER_WORDS.length]);
    if (fillerCache.size < 1000) fillerCache.set(n, a);
  }
  return a;
}
const FILLER_BLOCK = (() => {
  let s = "";
  while (s.length < 65536) s += FILLER_WORDS.join(" ") + ". ";
  return s.slice(0, 65536);
})();
function fillerText(bytes) {
  let out = "";
  while (out.length + FILLER_BLOCK.length <= bytes) out += FILLER_BLOCK;
  return out + FILLER_BLOCK.slice(0, Math.max(0, bytes - out.length));
}

const REASONING_PIECES = ["Thinking", " about", " the", " request", " step", " by", " step", "."];
const FAKE_SIGNATURE =
  "RmFrZVNpZ25hdHVyZTpmYWtlLXVwc3RyZWFtOnRoaW5raW5nLWJsb2NrLXNpZ25hdHVyZS0wMDAwMDAwMDAwMDAwMDAwMDAwMDA=";
const FAKE_THOUGHT_SIGNATURE = "CiQBFakeThoughtSignatureZmFrZS10aG91Z2h0LXNpZ25hdHVyZQ==";

// Deterministic pseudo-embedding of a string.
function embedVector(text, dims) {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  const v = new Array(dims);
  for (let i = 0; i < dims; i++) {
    h = Math.imul(h ^ (h >>> 15), 2246822507) ^ i;
    h = Math.imul(h ^ (h >>> 13), 3266489909);
    v[i] = Math.round((((h >>> 0) / 4294967295) * 2 - 1) * 1e6) / 1e7; // small floats like real embeddings
  }
  return v;
}
function floatsToBase64(v) {
  const buf = Buffer.alloc(v.length * 4);
  for (let i = 0; i < v.length; i++) buf.writeFloatLE(v[i], i * 4);
  return buf.toString("base64");
}

// Text of OpenAI/Anthropic content (string or array of parts).
function contentText(c) {
  if (typeof c === "string") return c;
  if (Array.isArray(c)) return c.map((p) => (typeof p === "string" ? p : p && typeof p.text === "string" ? p.text : "")).join(" ");
  return "";
}

// Split a string into pieces of about `size` characters.
function splitEvery(s, size) {
  const out = [];
  for (let i = 0; i < s.length; i += size) out.push(s.slice(i, i + size));
  return out.length ? out : [""];
}

// Example arguments for a tool's JSON schema.
/** The patch a fake apply_patch call writes (Codex's patch grammar): adds fake.txt. */
const FAKE_PATCH = "*** Begin Patch\n*** Add File: fake.txt\n+fake upstream\n*** End Patch\n";

function exampleArgs(schema, variant) {
  const cities = ["San Francisco", "Boston", "Paris", "Tokyo"];
  const props = schema && typeof schema === "object" && schema.properties && typeof schema.properties === "object" ? schema.properties : {};
  const keys = Array.isArray(schema?.required) && schema.required.length ? schema.required : Object.keys(props);
  const out = {};
  for (const k of keys) out[k] = exampleValue(k, props[k] || {}, variant, cities);
  return out;
}
function exampleValue(name, s, variant, cities) {
  if (Array.isArray(s.enum) && s.enum.length) return s.enum[0];
  let t = Array.isArray(s.type) ? s.type.find((x) => x !== "null") : s.type;
  if (typeof t === "string") t = t.toLowerCase(); // Gemini uses STRING/NUMBER/…
  if (!t && s.properties) t = "object";
  switch (t) {
    case "number":
    case "integer":
      return variant + 1;
    case "boolean":
      return true;
    case "array":
      return [];
    case "object":
      return exampleArgs(s, variant);
    default:
      return /loc|city|place|where|region|country/i.test(name) ? cities[variant % cities.length] : `fake-${name}`;
  }
}

// ───────────────────────────── request analysis ─────────────────────────────

const COMPAT_USAGE_ON_FINISH = new Set(["deepseek", "mistral"]);

/** Which default behaviour a request gets: model, stream, tools, reasoning, chunk count, token counts. */
function analyze(provider, format, body, rawLen, url, headers, cfg) {
  const q = url.searchParams;
  const a = {
    provider,
    format,
    model: "fake-model",
    stream: false,
    includeUsage: false,
    promptTokens: Math.max(1, Math.ceil(rawLen / 4)),
    reasoning: null, // null | "visible" | "hidden"
    tool: null, // null | {name, schema}
    parallel: false,
    maxOut: undefined,
    chunks: toInt(headers["x-fake-chunks"]) ?? toInt(q.get("fake_chunks")) ?? cfg.chunks,
    chunkDelayMs: toInt(headers["x-fake-chunk-delay-ms"]) ?? toInt(q.get("fake_chunk_delay_ms")) ?? cfg.chunkDelayMs ?? 0,
    firstByteDelayMs:
      toInt(headers["x-fake-first-byte-delay-ms"]) ?? toInt(q.get("fake_first_byte_delay_ms")) ?? cfg.firstByteDelayMs ?? 0,
  };
  if (!body || typeof body !== "object") return a;
  let tools = [];
  let forced = null; // null | true (any tool) | "name"
  let noTools = false;
  let lastUserText = null; // text of the last message when it is a plain user message

  if (format === "openai") {
    if (typeof body.model === "string") a.model = body.model;
    a.stream = body.stream === true;
    a.includeUsage = !!(body.stream_options && body.stream_options.include_usage);
    a.maxOut = toInt(body.max_completion_tokens) ?? toInt(body.max_tokens);
    const effort = body.reasoning_effort ?? body.reasoning?.effort;
    const wantsReasoning =
      (effort !== undefined && effort !== "none" && effort !== null) ||
      (body.reasoning && typeof body.reasoning === "object" && body.reasoning.enabled !== false && body.reasoning.exclude !== true) ||
      body.thinking?.type === "enabled" ||
      /reasoner/.test(a.model);
    if (wantsReasoning) a.reasoning = provider === "openai" ? "hidden" : "visible";
    if (Array.isArray(body.tools))
      tools = body.tools
        .filter((t) => t && (t.function || t.name))
        .map((t) => ({ name: t.function?.name ?? t.name, schema: t.function?.parameters ?? t.parameters }));
    const tc = body.tool_choice;
    if (tc === "none") noTools = true;
    else if (tc === "required") forced = true;
    else if (tc && typeof tc === "object") forced = tc.function?.name ?? tc.name ?? true;
    const msgs = Array.isArray(body.messages) ? body.messages : [];
    const last = msgs[msgs.length - 1];
    if (last && last.role === "user") lastUserText = contentText(last.content);
  } else if (format === "anthropic") {
    if (typeof body.model === "string") a.model = body.model;
    a.stream = body.stream === true;
    a.maxOut = toInt(body.max_tokens);
    const tt = body.thinking?.type;
    if (tt === "enabled" || tt === "adaptive") a.reasoning = "visible";
    if (Array.isArray(body.tools))
      tools = body.tools.filter((t) => t && t.name && (t.input_schema || !t.type || t.type === "custom")).map((t) => ({ name: t.name, schema: t.input_schema }));
    const tc = body.tool_choice;
    if (tc?.type === "none") noTools = true;
    else if (tc?.type === "any") forced = true;
    else if (tc?.type === "tool") forced = tc.name ?? true;
    const msgs = Array.isArray(body.messages) ? body.messages : [];
    const last = msgs[msgs.length - 1];
    if (last && last.role === "user") {
      const hasResult = Array.isArray(last.content) && last.content.some((p) => p && p.type === "tool_result");
      if (!hasResult) lastUserText = contentText(last.content);
    }
  } else if (format === "gemini") {
    const gc = body.generationConfig || {};
    a.maxOut = toInt(gc.maxOutputTokens);
    const th = gc.thinkingConfig;
    if (th && th.includeThoughts === true) a.reasoning = "visible";
    else if (th && (th.thinkingBudget > 0 || th.thinkingBudget === -1 || th.thinkingLevel)) a.reasoning = "hidden";
    for (const t of Array.isArray(body.tools) ? body.tools : [])
      for (const f of Array.isArray(t?.functionDeclarations) ? t.functionDeclarations : [])
        if (f && f.name) tools.push({ name: f.name, schema: f.parameters ?? f.parametersJsonSchema });
    const fc = body.toolConfig?.functionCallingConfig;
    if (fc?.mode === "NONE") noTools = true;
    else if (fc?.mode === "ANY") forced = Array.isArray(fc.allowedFunctionNames) && fc.allowedFunctionNames[0] ? fc.allowedFunctionNames[0] : true;
    const contents = Array.isArray(body.contents) ? body.contents : [];
    const last = contents[contents.length - 1];
    if (last && (last.role === "user" || last.role === undefined) && Array.isArray(last.parts)) {
      const hasResponse = last.parts.some((p) => p && p.functionResponse);
      if (!hasResponse) lastUserText = last.parts.map((p) => (p && typeof p.text === "string" ? p.text : "")).join(" ");
    }
  }

  if (tools.length && !noTools) {
    let pick = null;
    if (forced) pick = (typeof forced === "string" && tools.find((t) => t.name === forced)) || tools[0];
    // A text naming one of the tools ("…with apply_patch") calls that one, else the first.
    else if (lastUserText && /weather/i.test(lastUserText)) pick = tools.find((t) => lastUserText.includes(t.name)) ?? tools[0];
    if (pick) {
      a.tool = pick;
      a.parallel = !!(lastUserText && /parallel/i.test(lastUserText));
    }
  }
  return a;
}

/** The answer's pieces: reasoning pieces, text pieces (possibly truncated), tool calls. */
function planAnswer(a, override) {
  let text;
  if (override && override.textPieces) text = override.textPieces;
  else {
    const base = ["Hello", " from", " fake", " " + a.provider, " (" + a.model + ")"];
    const n = a.chunks;
    if (n === undefined || n === base.length) text = base;
    else if (n <= 0) text = [];
    else if (n < base.length) text = [...base.slice(0, n - 1), base.slice(n - 1).join("")];
    else text = base.concat(fillerPieces(n - base.length));
  }
  let truncated = false;
  if (!override && !a.tool && a.maxOut !== undefined && a.maxOut >= 1 && text.length > a.maxOut) {
    text = text.slice(0, a.maxOut);
    truncated = true;
  }
  const reasoning = a.reasoning ? REASONING_PIECES : null;
  let calls = [];
  if (a.tool && !override) {
    const count = a.parallel ? 2 : 1;
    for (let i = 0; i < count; i++) {
      // apply_patch as a one-string function (a custom tool seen by a format without them) gets a real patch.
      const args = a.tool.name === "apply_patch" && a.tool.schema?.properties?.input ? { input: FAKE_PATCH } : exampleArgs(a.tool.schema, i);
      const argsJson = J(args);
      calls.push({ name: a.tool.name, args, argsJson, fragments: splitEvery(argsJson, 6) });
    }
    text = []; // tool-call turns carry no answer text (Anthropic adds a short preamble, see below)
  }
  const toolTokens = calls.reduce((n, c) => n + c.fragments.length, 0);
  const reasoningTokens = reasoning ? reasoning.length : 0;
  const outputTokens = Math.max(1, text.length + toolTokens + reasoningTokens);
  return { text, reasoning, calls, truncated, reasoningTokens, outputTokens };
}

// ───────────────────────────── OpenAI format ─────────────────────────────

function openaiUsage(a, p) {
  const u = {
    prompt_tokens: a.promptTokens,
    completion_tokens: p.outputTokens,
    total_tokens: a.promptTokens + p.outputTokens,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: p.reasoningTokens,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
  if (a.provider === "deepseek") {
    u.prompt_cache_hit_tokens = 0;
    u.prompt_cache_miss_tokens = a.promptTokens;
  }
  return u;
}
const openaiFinish = (p) => (p.calls.length ? "tool_calls" : p.truncated ? "length" : "stop");

function openaiChat(a, override) {
  const p = planAnswer(a, override);
  const id = a.provider === "deepseek" ? rid("", 36) : rid("chatcmpl-", 38);
  const created = nowSec();
  const modelJ = J(a.model);
  const reasoningField = a.provider === "groq" ? "reasoning" : "reasoning_content";
  const headers = { "x-request-id": rid("req_") };
  if (!a.stream) {
    const message = { role: "assistant", content: p.calls.length ? null : p.text.join("") };
    if (p.reasoning && a.reasoning === "visible") message[reasoningField] = p.reasoning.join("");
    if (p.calls.length)
      message.tool_calls = p.calls.map((c) => ({ id: rid("call_"), type: "function", function: { name: c.name, arguments: c.argsJson } }));
    message.refusal = null;
    message.annotations = [];
    const body = {
      id,
      object: "chat.completion",
      created,
      model: a.model,
      choices: [{ index: 0, message, logprobs: null, finish_reason: openaiFinish(p) }],
      usage: openaiUsage(a, p),
      service_tier: "default",
      system_fingerprint: "fp_fake",
    };
    return { status: 200, headers: { ...headers, "content-type": "application/json" }, chunks: [J(body)], single: true };
  }
  // Streaming: data-only SSE, every chunk shares id/created, [DONE] at the end.
  const usagePlacement = COMPAT_USAGE_ON_FINISH.has(a.provider)
    ? "finish"
    : a.provider === "groq"
      ? "groq"
      : a.includeUsage
        ? "separate"
        : "none";
  const usageNull = usagePlacement === "separate" || a.provider === "deepseek";
  const extra = a.provider === "openai" ? ',"obfuscation":"fAk3"' : "";
  const head = `data: {"id":"${id}","object":"chat.completion.chunk","created":${created},"model":${modelJ},${
    a.provider === "openai" ? '"service_tier":"default",' : ""
  }"system_fingerprint":"fp_fake","choices":[{"index":0,"delta":`;
  const tailOpen = `,"logprobs":null,"finish_reason":null}]${usageNull ? ',"usage":null' : ""}${extra}}\n\n`;
  const out = [];
  const hasCalls = p.calls.length > 0;
  out.push(head + (hasCalls && !p.reasoning ? '{"role":"assistant","content":null,"refusal":null}' : '{"role":"assistant","content":"","refusal":null}') + tailOpen);
  if (p.reasoning && a.reasoning === "visible")
    for (const r of p.reasoning) out.push(head + `{"${reasoningField}":${J(r)}}` + tailOpen);
  for (const t of p.text) out.push(head + `{"content":${J(t)}}` + tailOpen);
  p.calls.forEach((c, k) => {
    out.push(head + `{"tool_calls":[{"index":${k},"id":"${rid("call_")}","type":"function","function":{"name":${J(c.name)},"arguments":""}}]}` + tailOpen);
    for (const f of c.fragments) out.push(head + `{"tool_calls":[{"index":${k},"function":{"arguments":${J(f)}}}]}` + tailOpen);
  });
  const usageJ = J(openaiUsage(a, p));
  const fin = J(openaiFinish(p));
  let finishTail;
  if (usagePlacement === "finish") finishTail = `,"logprobs":null,"finish_reason":${fin}}],"usage":${usageJ}}\n\n`;
  else if (usagePlacement === "groq")
    finishTail = `,"logprobs":null,"finish_reason":${fin}}],"x_groq":{"id":"${rid("req_")}","usage":${usageJ}}${a.includeUsage ? ',"usage":' + usageJ : ""}}\n\n`;
  else finishTail = `,"logprobs":null,"finish_reason":${fin}}]${usageNull ? ',"usage":null' : ""}${extra}}\n\n`;
  out.push(head + "{}" + finishTail);
  if (usagePlacement === "separate")
    out.push(
      `data: {"id":"${id}","object":"chat.completion.chunk","created":${created},"model":${modelJ},"system_fingerprint":"fp_fake","choices":[],"usage":${usageJ}${extra}}\n\n`,
    );
  out.push("data: [DONE]\n\n");
  return { status: 200, headers: { ...headers, "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" }, chunks: out };
}

function openaiEmbeddings(a, body) {
  const input = body.input;
  const items = typeof input === "string" ? [input] : Array.isArray(input) ? input : [];
  const dims = toInt(body.dimensions) ?? 16;
  const b64 = body.encoding_format === "base64";
  let chars = 0;
  const data = items.map((it, index) => {
    const s = typeof it === "string" ? it : J(it);
    chars += s.length;
    const v = embedVector(s, dims);
    return { object: "embedding", index, embedding: b64 ? floatsToBase64(v) : v };
  });
  const tokens = Math.max(1, Math.ceil(chars / 4));
  const out = { object: "list", data, model: a.model, usage: { prompt_tokens: tokens, total_tokens: tokens } };
  return { status: 200, headers: { "content-type": "application/json", "x-request-id": rid("req_") }, chunks: [J(out)], single: true };
}

const OPENAI_MODELS = {
  openai: ["gpt-4o", "gpt-4o-mini", "gpt-4.1-nano", "o3-mini", "text-embedding-3-small"],
  deepseek: ["deepseek-chat", "deepseek-reasoner"],
  groq: ["llama-3.3-70b-versatile", "qwen/qwen3-32b"],
  mistral: ["mistral-large-latest", "mistral-small-latest", "mistral-embed"],
  xai: ["grok-4", "grok-3-mini"],
  together: ["meta-llama/Llama-3.3-70B-Instruct-Turbo", "deepseek-ai/DeepSeek-R1"],
  openrouter: ["openai/gpt-4o-mini", "anthropic/claude-sonnet-4.5", "google/gemini-2.5-flash"],
  ollama: ["llama3.2:latest", "qwen3:8b"],
};
function openaiModels(provider) {
  const ids = OPENAI_MODELS[provider] ?? [`${provider}-model-small`, `${provider}-model-large`];
  const created = 1700000000;
  let data;
  if (provider === "openrouter")
    data = ids.map((id, i) => ({
      id,
      canonical_slug: id,
      name: id,
      created,
      description: "Fake OpenRouter model",
      context_length: 128000,
      architecture: { modality: "text->text", input_modalities: ["text"], output_modalities: ["text"], tokenizer: "Other" },
      pricing: { prompt: String(0.0000001 * (i + 1)), completion: String(0.0000004 * (i + 1)), request: "0", image: "0" },
      top_provider: { context_length: 128000, max_completion_tokens: 16384, is_moderated: false },
      supported_parameters: ["tools", "tool_choice", "max_tokens", "temperature", "reasoning"],
    }));
  else data = ids.map((id) => ({ id, object: "model", created, owned_by: provider === "openai" ? "system" : provider === "ollama" ? "library" : provider }));
  const body = provider === "openrouter" ? { data } : { object: "list", data };
  return { status: 200, headers: { "content-type": "application/json" }, chunks: [J(body)], single: true };
}

// ───────────────────────────── Anthropic format ─────────────────────────────

function anthropicUsageStart(a) {
  return {
    input_tokens: a.promptTokens,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
    cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 },
    output_tokens: 1,
    service_tier: "standard",
  };
}
const anthropicStop = (p) => (p.calls.length ? "tool_use" : p.truncated ? "max_tokens" : "end_turn");
const TOOL_PREAMBLE = ["I'll", " check", " that", " for", " you", "."];

function anthropicMessages(a, override, forcedTool) {
  const p = planAnswer(a, override);
  const id = rid("msg_01", 28);
  const headers = { "request-id": rid("req_011") };
  // Like the real API, a non-forced tool turn usually starts with a short text block.
  const textPieces = p.calls.length && !forcedTool ? TOOL_PREAMBLE : p.text;
  const outputTokens = p.outputTokens + (p.calls.length && !forcedTool ? TOOL_PREAMBLE.length : 0);
  const callIds = p.calls.map(() => rid("toolu_01", 30));
  if (!a.stream) {
    const content = [];
    if (p.reasoning) content.push({ type: "thinking", thinking: p.reasoning.join(""), signature: FAKE_SIGNATURE });
    if (textPieces.length || !p.calls.length) content.push({ type: "text", text: textPieces.join("") });
    p.calls.forEach((c, i) => content.push({ type: "tool_use", id: callIds[i], name: c.name, input: c.args }));
    const u = anthropicUsageStart(a);
    u.output_tokens = outputTokens;
    const body = { id, type: "message", role: "assistant", model: a.model, content, stop_reason: anthropicStop(p), stop_sequence: null, usage: u };
    return { status: 200, headers: { ...headers, "content-type": "application/json" }, chunks: [J(body)], single: true };
  }
  const ev = (name, data) => `event: ${name}\ndata: ${data}\n\n`;
  const out = [];
  out.push(
    ev(
      "message_start",
      `{"type":"message_start","message":{"id":"${id}","type":"message","role":"assistant","model":${J(a.model)},"content":[],"stop_reason":null,"stop_sequence":null,"usage":${J(anthropicUsageStart(a))}}}`,
    ),
  );
  let index = 0;
  let pinged = false;
  const ping = () => {
    if (!pinged) {
      out.push(ev("ping", '{"type": "ping"}'));
      pinged = true;
    }
  };
  // The real API pads some JSON objects with spaces before the final brace.
  const stop = (i) => out.push(ev("content_block_stop", `{"type":"content_block_stop","index":${i}      }`));
  const delta = (i, d) => `{"type":"content_block_delta","index":${i},"delta":${d}}`;
  if (p.reasoning) {
    out.push(ev("content_block_start", `{"type":"content_block_start","index":${index},"content_block":{"type":"thinking","thinking":"","signature":""}}`));
    ping();
    for (const r of p.reasoning) out.push(ev("content_block_delta", delta(index, `{"type":"thinking_delta","thinking":${J(r)}}`)));
    out.push(ev("content_block_delta", delta(index, `{"type":"signature_delta","signature":"${FAKE_SIGNATURE}"}`)));
    stop(index++);
  }
  if (textPieces.length || !p.calls.length) {
    out.push(ev("content_block_start", `{"type":"content_block_start","index":${index},"content_block":{"type":"text","text":""}}`));
    ping();
    for (const t of textPieces) out.push(ev("content_block_delta", delta(index, `{"type":"text_delta","text":${J(t)}}`)));
    stop(index++);
  }
  p.calls.forEach((c, k) => {
    out.push(
      ev(
        "content_block_start",
        `{"type":"content_block_start","index":${index},"content_block":{"type":"tool_use","id":"${callIds[k]}","name":${J(c.name)},"input":{}}}`,
      ),
    );
    ping();
    out.push(ev("content_block_delta", delta(index, `{"type":"input_json_delta","partial_json":""}`)));
    for (const f of c.fragments) out.push(ev("content_block_delta", delta(index, `{"type":"input_json_delta","partial_json":${J(f)}}`)));
    stop(index++);
  });
  out.push(
    ev(
      "message_delta",
      `{"type":"message_delta","delta":{"stop_reason":"${anthropicStop(p)}","stop_sequence":null},"usage":{"input_tokens":${a.promptTokens},"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":${outputTokens}}}`,
    ),
  );
  out.push(ev("message_stop", '{"type":"message_stop"           }'));
  return { status: 200, headers: { ...headers, "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" }, chunks: out };
}

function anthropicModels() {
  const data = [
    { type: "model", id: "claude-sonnet-4-5-20250929", display_name: "Claude Sonnet 4.5", created_at: "2025-09-29T00:00:00Z" },
    { type: "model", id: "claude-haiku-4-5-20251001", display_name: "Claude Haiku 4.5", created_at: "2025-10-01T00:00:00Z" },
    { type: "model", id: "claude-opus-4-1-20250805", display_name: "Claude Opus 4.1", created_at: "2025-08-05T00:00:00Z" },
  ];
  const body = { data, has_more: false, first_id: data[0].id, last_id: data[data.length - 1].id };
  return { status: 200, headers: { "content-type": "application/json" }, chunks: [J(body)], single: true };
}

// ───────────────────────────── Gemini format ─────────────────────────────

function geminiUsage(a, candidates, thoughts) {
  const u = { promptTokenCount: a.promptTokens };
  if (candidates > 0) u.candidatesTokenCount = candidates;
  u.totalTokenCount = a.promptTokens + candidates + thoughts;
  u.promptTokensDetails = [{ modality: "TEXT", tokenCount: a.promptTokens }];
  if (thoughts > 0) u.thoughtsTokenCount = thoughts;
  return u;
}

function geminiGenerate(a, override, streamMode /* null | "sse" | "array" */) {
  const p = planAnswer(a, override);
  const responseId = rid("", 23);
  const modelVersion = a.model;
  const thoughts = p.reasoningTokens;
  const finish = p.truncated ? "MAX_TOKENS" : "STOP";
  const visible = a.reasoning === "visible";
  const candTokens = p.outputTokens - thoughts;
  const headers = {};
  if (!streamMode) {
    const parts = [];
    if (p.reasoning && visible) parts.push({ text: p.reasoning.join(""), thought: true });
    if (p.calls.length)
      p.calls.forEach((c, i) => {
        const part = { functionCall: { name: c.name, args: c.args } };
        if (i === 0 && p.reasoning) part.thoughtSignature = FAKE_THOUGHT_SIGNATURE;
        parts.push(part);
      });
    else {
      const part = { text: p.text.join("") };
      if (p.reasoning) part.thoughtSignature = FAKE_THOUGHT_SIGNATURE;
      parts.push(part);
    }
    const body = {
      candidates: [{ content: { parts, role: "model" }, finishReason: finish, index: 0 }],
      usageMetadata: geminiUsage(a, candTokens, thoughts),
      modelVersion,
      responseId,
    };
    return { status: 200, headers: { ...headers, "content-type": "application/json; charset=UTF-8" }, chunks: [J(body)], single: true };
  }
  // Streaming: every chunk is a full GenerateContentResponse, usageMetadata on every chunk (running
  // totals), finishReason only on the last one.
  const objs = [];
  let cand = 0;
  let th = 0;
  const chunk = (parts, last) => {
    const c = { content: { parts, role: "model" } };
    if (last) c.finishReason = finish;
    c.index = 0;
    return { candidates: [c], usageMetadata: geminiUsage(a, cand, th), modelVersion, responseId };
  };
  if (p.reasoning) {
    if (visible)
      for (const r of p.reasoning) {
        th += 1;
        objs.push(chunk([{ text: r, thought: true }], false));
      }
    th = thoughts;
  }
  if (p.calls.length) {
    cand = candTokens;
    objs.push(
      chunk(
        p.calls.map((c, i) => {
          const part = { functionCall: { name: c.name, args: c.args } };
          if (i === 0 && p.reasoning) part.thoughtSignature = FAKE_THOUGHT_SIGNATURE;
          return part;
        }),
        false,
      ),
    );
    objs.push(chunk([{ text: "" }], true));
  } else {
    const n = p.text.length;
    if (n === 0) objs.push(chunk([{ text: "" }], true));
    p.text.forEach((t, i) => {
      cand += 1;
      const part = { text: t };
      if (i === 0 && p.reasoning) part.thoughtSignature = FAKE_THOUGHT_SIGNATURE;
      objs.push(chunk([part], i === n - 1));
    });
  }
  if (streamMode === "sse") {
    return {
      status: 200,
      headers: { ...headers, "content-type": "text/event-stream" },
      chunks: objs.map((o) => `data: ${J(o)}\r\n\r\n`),
    };
  }
  // Without alt=sse: one JSON array streamed incrementally, pretty-printed like the real API.
  const chunks = objs.map((o, i) => (i === 0 ? "[" : "\n,\r\n") + J(o, null, 2));
  chunks.push("\n]");
  return { status: 200, headers: { ...headers, "content-type": "application/json; charset=UTF-8" }, chunks };
}

function geminiText(body) {
  let s = "";
  const walk = (v) => {
    if (typeof v === "string") s += v;
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === "object") for (const k in v) walk(v[k]);
  };
  walk(body);
  return s;
}

function geminiEmbed(a, body, batch) {
  const one = (req) => {
    const dims = toInt(req?.outputDimensionality) ?? 16;
    return { values: embedVector(geminiText(req?.content ?? ""), dims) };
  };
  const out = batch ? { embeddings: (Array.isArray(body.requests) ? body.requests : []).map(one) } : { embedding: one(body) };
  return { status: 200, headers: { "content-type": "application/json; charset=UTF-8" }, chunks: [J(out)], single: true };
}

function geminiModels() {
  const m = (name, displayName, methods, extra = {}) => ({
    name: `models/${name}`,
    version: "001",
    displayName,
    description: `Fake ${displayName}`,
    inputTokenLimit: 1048576,
    outputTokenLimit: 65536,
    supportedGenerationMethods: methods,
    ...extra,
  });
  const gen = ["generateContent", "countTokens", "createCachedContent", "batchGenerateContent"];
  const body = {
    models: [
      m("gemini-2.5-flash", "Gemini 2.5 Flash", gen, { temperature: 1, topP: 0.95, topK: 64, maxTemperature: 2, thinking: true }),
      m("gemini-2.5-pro", "Gemini 2.5 Pro", gen, { temperature: 1, topP: 0.95, topK: 64, maxTemperature: 2, thinking: true }),
      m("gemini-embedding-001", "Gemini Embedding 001", ["embedContent", "countTextTokens", "countTokens", "asyncBatchEmbedContent"], {
        inputTokenLimit: 2048,
        outputTokenLimit: 1,
      }),
    ],
  };
  return { status: 200, headers: { "content-type": "application/json; charset=UTF-8" }, chunks: [J(body)], single: true };
}

// ───────────────────────────── errors in each format ─────────────────────────────

const ANTHROPIC_ERR = { 400: "invalid_request_error", 401: "authentication_error", 403: "permission_error", 404: "not_found_error", 413: "request_too_large", 429: "rate_limit_error", 500: "api_error", 529: "overloaded_error" };
const GEMINI_STATUS = { 400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED", 404: "NOT_FOUND", 409: "ABORTED", 413: "INVALID_ARGUMENT", 429: "RESOURCE_EXHAUSTED", 499: "CANCELLED", 500: "INTERNAL", 503: "UNAVAILABLE", 504: "DEADLINE_EXCEEDED" };
const OPENAI_ERR = {
  400: ["invalid_request_error", null],
  401: ["invalid_request_error", "invalid_api_key"],
  403: ["invalid_request_error", "unsupported_country_region_territory"],
  404: ["invalid_request_error", "model_not_found"],
  429: ["requests", "rate_limit_exceeded"],
  500: ["server_error", null],
  503: ["server_error", null],
};
const DEFAULT_MESSAGES = {
  400: "Invalid request (fake upstream)",
  401: "Invalid API key (fake upstream)",
  403: "Permission denied (fake upstream)",
  404: "Not found (fake upstream)",
  429: "Rate limit reached (fake upstream)",
  500: "Internal server error (fake upstream)",
  502: "Bad gateway (fake upstream)",
  503: "Service unavailable (fake upstream)",
  529: "Overloaded",
};

function errorPlan(format, status, message, extraHeaders = {}) {
  const msg = message ?? DEFAULT_MESSAGES[status] ?? `Error ${status} (fake upstream)`;
  let body;
  let ct = "application/json";
  if (format === "anthropic") {
    body = { type: "error", error: { type: ANTHROPIC_ERR[status] ?? (status >= 500 ? "api_error" : "invalid_request_error"), message: msg }, request_id: rid("req_011") };
  } else if (format === "gemini") {
    body = { error: { code: status, message: msg, status: GEMINI_STATUS[status] ?? (status >= 500 ? "INTERNAL" : "FAILED_PRECONDITION") } };
    if (status === 429)
      body.error.details = [
        { "@type": "type.googleapis.com/google.rpc.QuotaFailure", violations: [{ quotaId: "GenerateRequestsPerMinutePerProjectPerModel-FreeTier" }] },
        { "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "1s" },
      ];
    ct = "application/json; charset=UTF-8";
  } else {
    const [type, code] = OPENAI_ERR[status] ?? [status >= 500 ? "server_error" : "invalid_request_error", null];
    body = { error: { message: msg, type, param: null, code } };
  }
  return { status, headers: { "content-type": ct, ...extraHeaders }, chunks: [J(body)], single: true };
}

// ───────────────────────────── routing of provider requests ─────────────────────────────

/**
 * A format added as its own module (scripts/fake-upstream/formats.mjs) that answers this request,
 * if any: the three built-in formats stay in this file, every newer protocol is a plugin.
 */
function extraFormatFor(ctx) {
  return EXTRA_FORMATS.find((f) => f.handles(ctx.provider, ctx.rest, ctx.method, ctx.url, ctx));
}

function formatOf(provider) {
  if (provider === "anthropic") return "anthropic";
  if (provider === "gemini" || provider === "google") return "gemini";
  return "openai";
}

/** Basic checks a real upstream would make; they catch gateway bugs (wrong auth header, wrong roles…). */
function validate(format, provider, kind, body, headers, url, cfg) {
  if (cfg.auth !== false) {
    if (format === "openai" && provider !== "ollama" && !/^Bearer \S+/.test(headers.authorization ?? ""))
      return errorPlan(format, 401, "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).");
    if (format === "anthropic" && !headers["x-api-key"] && !/^Bearer \S+/.test(headers.authorization ?? ""))
      return errorPlan(format, 401, "x-api-key header is required");
    if (format === "gemini" && !headers["x-goog-api-key"] && !url.searchParams.get("key") && !/^Bearer \S+/.test(headers.authorization ?? ""))
      return errorPlan(format, 403, "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.");
  }
  if (cfg.validate === false) return null;
  if (format === "anthropic" && !headers["anthropic-version"]) return errorPlan(format, 400, "anthropic-version: header is required");
  if (kind === "list") return null;
  if (body === undefined) return errorPlan(format, 400, "The request body is not valid JSON.");
  if (!body || typeof body !== "object" || Array.isArray(body)) return errorPlan(format, 400, "The request body must be a JSON object.");
  if (format === "openai") {
    if (typeof body.model !== "string" || !body.model) return errorPlan(format, 400, "you must provide a model parameter");
    if (kind === "chat") {
      if (!Array.isArray(body.messages) || body.messages.length === 0) return errorPlan(format, 400, "'messages' must contain at least one message");
      for (const [i, m] of body.messages.entries())
        if (!m || !["system", "developer", "user", "assistant", "tool", "function"].includes(m.role))
          return errorPlan(format, 400, `Invalid value for 'messages[${i}].role'`);
    }
    if (kind === "embeddings" && body.input === undefined) return errorPlan(format, 400, "'input' is a required property");
  } else if (format === "anthropic") {
    if (typeof body.model !== "string" || !body.model) return errorPlan(format, 400, "model: Field required");
    if (kind === "chat" && typeof body.max_tokens !== "number") return errorPlan(format, 400, "max_tokens: Field required");
    if (!Array.isArray(body.messages) || (kind === "chat" && body.messages.length === 0))
      return errorPlan(format, 400, "messages: at least one message is required");
    for (const [i, m] of body.messages.entries())
      if (!m || (m.role !== "user" && m.role !== "assistant"))
        return errorPlan(format, 400, `messages.${i}.role: Input should be 'user' or 'assistant'`);
  } else if (format === "gemini") {
    if (kind === "chat" || kind === "count") {
      const hasContents = Array.isArray(body.contents) && body.contents.length > 0;
      if (kind === "chat" && !hasContents) return errorPlan(format, 400, "* GenerateContentRequest.contents: contents is not specified\n");
      for (const [i, c] of (body.contents ?? []).entries())
        if (!c || (c.role !== undefined && c.role !== "user" && c.role !== "model") || !Array.isArray(c.parts))
          return errorPlan(format, 400, `Please use a valid role: user, model. (contents[${i}])`);
    }
  }
  return null;
}

/** Classify a provider path; returns {kind, format, model?, streamMode?} or null. */
function route(provider, rest, method, url) {
  const format = formatOf(provider);
  if (format === "anthropic") {
    if (method === "POST" && rest === "/v1/messages") return { kind: "chat", format };
    if (method === "POST" && rest === "/v1/messages/count_tokens") return { kind: "count", format };
    if (method === "GET" && rest === "/v1/models") return { kind: "list", format };
    return null;
  }
  if (format === "gemini") {
    const m = /^\/(v1beta|v1|v1alpha)\/models(?:\/([^:]+):([A-Za-z]+))?$/.exec(rest);
    if (!m) return null;
    if (!m[2]) return method === "GET" ? { kind: "list", format } : null;
    if (method !== "POST") return null;
    let model = decodeURIComponent(m[2]);
    if (model.startsWith("models/")) model = model.slice(7);
    const action = m[3];
    if (action === "generateContent") return { kind: "chat", format, model, streamMode: null };
    if (action === "streamGenerateContent") return { kind: "chat", format, model, streamMode: url.searchParams.get("alt") === "sse" ? "sse" : "array" };
    if (action === "countTokens") return { kind: "count", format, model };
    if (action === "embedContent") return { kind: "embed", format, model };
    if (action === "batchEmbedContents") return { kind: "batchEmbed", format, model };
    return null;
  }
  // OpenAI-compatible: match the suffix, so any version prefix works (/v1, /openai/v1, /api/v1, none).
  if (method === "POST" && /\/chat\/completions$/.test(rest)) return { kind: "chat", format };
  if (method === "POST" && /(^|\/)embeddings$/.test(rest)) return { kind: "embeddings", format };
  if (method === "GET" && /(^|\/)models$/.test(rest)) return { kind: "list", format };
  return null;
}

function defaultPlan(ctx, override) {
  const extra = extraFormatFor(ctx);
  if (extra) return extra.plan(ctx, override);
  return builtinPlan(ctx, override);
}

/** The three built-in protocols (OpenAI and compatibles, Anthropic, Gemini), plugins aside. */
function builtinPlan(ctx, override) {
  const { provider, rest, method, url, body, rawLen, headers, cfg } = ctx;
  const r = route(provider, rest, method, url);
  const format = formatOf(provider);
  if (!r) {
    if (format === "openai") return errorPlan(format, 404, `Invalid URL (${method} ${rest})`);
    if (format === "gemini") return errorPlan(format, 404, `Method not found: ${method} ${rest}`);
    return errorPlan(format, 404, `Not found: ${method} ${rest}`);
  }
  if (!override) {
    const bad = validate(format, provider, r.kind, body, headers, url, cfg);
    if (bad) return bad;
  }
  const a = analyze(provider, format, body, rawLen, url, headers, cfg);
  ctx.analysis = a;
  if (r.model) a.model = r.model;
  if (format === "gemini" && r.kind === "chat") a.stream = !!r.streamMode;
  switch (`${format}:${r.kind}`) {
    case "openai:chat":
      return openaiChat(a, override);
    case "openai:embeddings":
      return openaiEmbeddings(a, body ?? {});
    case "openai:list":
      return openaiModels(provider);
    case "anthropic:chat": {
      const tc = body?.tool_choice?.type;
      return anthropicMessages(a, override, tc === "any" || tc === "tool");
    }
    case "anthropic:count":
      return { status: 200, headers: { "content-type": "application/json" }, chunks: [J({ input_tokens: a.promptTokens })], single: true };
    case "anthropic:list":
      return anthropicModels();
    case "gemini:chat":
      return geminiGenerate(a, override, r.streamMode);
    case "gemini:count":
      return {
        status: 200,
        headers: { "content-type": "application/json; charset=UTF-8" },
        chunks: [J({ totalTokens: a.promptTokens, promptTokensDetails: [{ modality: "TEXT", tokenCount: a.promptTokens }] })],
        single: true,
      };
    case "gemini:embed":
      return geminiEmbed(a, body ?? {}, false);
    case "gemini:batchEmbed":
      return geminiEmbed(a, body ?? {}, true);
    case "gemini:list":
      return geminiModels();
  }
  return errorPlan(format, 404, `Not found: ${method} ${rest}`);
}

// ───────────────────────────── shared fixtures ─────────────────────────────

function safeFixturePath(dir, rel) {
  if (typeof rel !== "string" || !rel || rel.includes("\0")) return null;
  const full = path.resolve(dir, rel);
  if (full !== dir && !full.startsWith(dir + path.sep)) return null;
  return full;
}

function listFixtures(dir) {
  const out = [];
  const walk = (d, prefix) => {
    let entries;
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const rel = prefix ? `${prefix}/${e.name}` : e.name;
      if (e.isDirectory()) walk(path.join(d, e.name), rel);
      else if (e.isFile()) out.push(rel);
    }
  };
  walk(dir, "");
  return out.sort();
}

// Split a raw SSE body into events (separator kept with each event).
function splitSse(text) {
  const out = [];
  const re = /\r\n\r\n|\n\n|\r\r/g;
  let last = 0;
  let m;
  while ((m = re.exec(text))) {
    out.push(text.slice(last, m.index + m[0].length));
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

function fixturePlan(ctx, rel) {
  const dir = ctx.fixturesDir;
  const full = safeFixturePath(dir, rel);
  const format = formatOf(ctx.provider);
  if (!full || !fs.existsSync(full) || !fs.statSync(full).isFile())
    return { status: 500, headers: { "content-type": "text/plain" }, chunks: [`fake-upstream: shared fixture not found: ${rel}`], single: true };
  const text = fs.readFileSync(full, "utf8");
  let meta = null;
  const metaPath = full.replace(/\.(json|sse|jsonstream)$/, ".meta.json");
  if (metaPath !== full && fs.existsSync(metaPath)) {
    try {
      meta = JSON.parse(fs.readFileSync(metaPath, "utf8"));
    } catch {}
  }
  const metaStatus = toInt(meta?.response?.status);
  const metaCt = meta?.response?.content_type;
  if (rel.endsWith(".sse"))
    return { status: metaStatus ?? 200, headers: { "content-type": metaCt ?? "text/event-stream; charset=utf-8" }, chunks: splitSse(text) };
  if (rel.endsWith(".jsonstream")) {
    const parts = text.split(/(?=\n,\r\n)/);
    return { status: metaStatus ?? 200, headers: { "content-type": metaCt ?? "application/json; charset=UTF-8" }, chunks: parts };
  }
  if (rel.endsWith(".chunks.txt")) {
    const firstLine = text.split("\n").find((l) => l.trim() !== "") ?? "";
    if (/^(data|event):/.test(firstLine)) return { status: 200, headers: { "content-type": "text/event-stream; charset=utf-8" }, chunks: splitSse(text) };
    const lines = text.split("\n").map((l) => l.replace(/\r$/, "")).filter((l) => l.trim() !== "");
    const typeOf = (l) => {
      try {
        return JSON.parse(l).type ?? "message";
      } catch {
        return "message";
      }
    };
    if (format === "anthropic" || /^(openai-responses|open-responses)\//.test(rel))
      return { status: 200, headers: { "content-type": "text/event-stream; charset=utf-8" }, chunks: lines.map((l) => `event: ${typeOf(l)}\ndata: ${l}\n\n`) };
    if (format === "gemini") {
      if (ctx.url.searchParams.get("alt") === "sse")
        return { status: 200, headers: { "content-type": "text/event-stream" }, chunks: lines.map((l) => `data: ${l}\r\n\r\n`) };
      const chunks = lines.map((l, i) => (i === 0 ? "[" : "\n,\r\n") + l);
      chunks.push("\n]");
      return { status: 200, headers: { "content-type": "application/json; charset=UTF-8" }, chunks };
    }
    const chunks = lines.map((l) => `data: ${l}\n\n`);
    chunks.push("data: [DONE]\n\n");
    return { status: 200, headers: { "content-type": "text/event-stream; charset=utf-8" }, chunks };
  }
  // *.json (or anything else): status from meta, else error.code, else 400 for error bodies, else 200.
  let status = metaStatus;
  if (status === undefined) {
    try {
      const parsed = JSON.parse(text);
      const code = parsed?.error?.code;
      if (typeof code === "number" && code >= 400 && code < 600) status = code;
      else if (parsed && (parsed.type === "error" || (parsed.error && typeof parsed.error === "object"))) status = 400;
    } catch {}
  }
  const ct = metaCt ?? (format === "gemini" ? "application/json; charset=UTF-8" : "application/json");
  return { status: status ?? 200, headers: { "content-type": ct }, chunks: [text], single: true };
}

// ───────────────────────────── scripted steps ─────────────────────────────

function guessContentType(s) {
  const t = s.trimStart();
  if (t.startsWith("data:") || t.startsWith("event:") || t.startsWith(":")) return "text/event-stream; charset=utf-8";
  if (t.startsWith("{") || t.startsWith("[")) return "application/json";
  return "text/plain; charset=utf-8";
}

function stepPlan(ctx, step) {
  let plan;
  const format = formatOf(ctx.provider);
  if (step.sharedFixture) plan = fixturePlan(ctx, step.sharedFixture);
  else if (Array.isArray(step.chunks)) {
    const chunks = step.chunks.map((c) => (typeof c === "string" ? c : J(c)));
    plan = { status: step.status ?? 200, headers: { "content-type": guessContentType(chunks[0] ?? "") }, chunks };
  } else if (Array.isArray(step.events)) {
    // Binary protocols (Bedrock's event stream) cannot be scripted as text chunks: their plugin
    // encodes the step's events itself.
    const extra = extraFormatFor(ctx);
    plan = extra?.eventsPlan
      ? extra.eventsPlan(ctx, step.events)
      : { status: 500, headers: { "content-type": "text/plain" }, chunks: [`fake-upstream: no plugin encodes events for ${ctx.provider}`], single: true };
  } else if (step.body !== undefined) {
    const s = typeof step.body === "string" ? step.body : J(step.body);
    plan = { status: step.status ?? 200, headers: { "content-type": typeof step.body === "string" ? guessContentType(s) : "application/json" }, chunks: [s], single: true };
  } else if (step.size !== undefined) {
    plan = sizedPlan(ctx, toInt(step.size) ?? 0);
  } else if ((step.status ?? 200) >= 400) {
    const extra = extraFormatFor(ctx);
    plan = extra ? extra.errorPlan(step.status, step.message) : errorPlan(format, step.status, step.message);
  } else {
    plan = defaultPlan(ctx, null);
  }
  if (step.status !== undefined) plan.status = step.status;
  if (step.headers) for (const [k, v] of Object.entries(step.headers)) plan.headers[k.toLowerCase()] = String(v);
  return plan;
}

/** A valid response of about `size` bytes for the request's format (streaming or not). */
function sizedPlan(ctx, size) {
  const extra = extraFormatFor(ctx);
  if (extra?.streams) {
    const stream = extra.streams(ctx);
    const textPieces = stream ? splitEvery(fillerText(Math.max(1, Math.floor(size * 0.92))), 4096) : [fillerText(Math.max(1, size - 600))];
    return extra.plan(ctx, { textPieces });
  }
  const r = route(ctx.provider, ctx.rest, ctx.method, ctx.url);
  if (!r || r.kind !== "chat") {
    return { status: 200, headers: { "content-type": "application/json" }, chunks: [J({ object: "filler", data: fillerText(Math.max(0, size - 40)) })], single: true };
  }
  const probe = analyze(ctx.provider, formatOf(ctx.provider), ctx.body, ctx.rawLen, ctx.url, ctx.headers, ctx.cfg);
  const stream = r.format === "gemini" ? !!r.streamMode : probe.stream;
  const textPieces = stream ? splitEvery(fillerText(Math.max(1, Math.floor(size * 0.92))), 4096) : [fillerText(Math.max(1, size - 600))];
  return defaultPlan(ctx, { textPieces });
}

// ───────────────────────────── sessions ─────────────────────────────

function newSession() {
  return { queue: [], requests: [], aborted: 0, dropped: 0, config: {} };
}

// ───────────────────────────── the server ─────────────────────────────

export async function startFakeUpstream(opts = {}) {
  const { port = 0, host = "127.0.0.1", quiet = true } = opts;
  const fixturesDir = path.resolve(opts.sharedFixturesDir ?? process.env.FAKE_UPSTREAM_FIXTURES ?? DEFAULT_FIXTURES_DIR);
  const hasFixtures = fs.existsSync(fixturesDir) && fs.statSync(fixturesDir).isDirectory();
  const serverDefaults = { ...(opts.defaults ?? {}) };
  const sessions = new Map();
  const session = (id) => {
    let s = sessions.get(id);
    if (!s) sessions.set(id, (s = newSession()));
    return s;
  };

  const sendJson = (res, status, value) => {
    const s = J(value);
    res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(s) });
    res.end(s);
  };

  async function handleControl(req, res, url, raw) {
    const parts = url.pathname.split("/").filter(Boolean); // ["__control", session, action?]
    const id = decodeURIComponent(parts[1] ?? "");
    const action = parts[2] ?? "";
    if (!id) return sendJson(res, 400, { error: "missing session id" });
    if (req.method === "DELETE" && !action) {
      sessions.delete(id);
      return sendJson(res, 200, { ok: true });
    }
    const s = session(id);
    let body = null;
    if (raw.length) {
      try {
        body = JSON.parse(raw.toString("utf8"));
      } catch {
        return sendJson(res, 400, { error: "control body must be JSON" });
      }
    }
    if (req.method === "POST" && action === "script") {
      const steps = Array.isArray(body) ? body : Array.isArray(body?.responses) ? body.responses : body && typeof body === "object" ? [body] : [];
      for (const st of steps) {
        const times = Math.max(1, toInt(st?.times) ?? 1);
        for (let i = 0; i < times; i++) s.queue.push(st ?? {});
      }
      return sendJson(res, 200, { ok: true, pending: s.queue.length });
    }
    if (req.method === "GET" && action === "script") return sendJson(res, 200, { pending: s.queue.length, steps: s.queue });
    if (req.method === "POST" && action === "config") {
      s.config = { ...s.config, ...(body ?? {}) };
      return sendJson(res, 200, { ok: true, config: s.config });
    }
    if (req.method === "GET" && action === "requests")
      return sendJson(res, 200, { requests: s.requests, aborted: s.aborted, pending: s.queue.length, dropped: s.dropped });
    return sendJson(res, 404, { error: `unknown control call ${req.method} ${url.pathname}` });
  }

  function handleFixtures(req, res, url) {
    if (url.pathname === "/__fixtures/list") return sendJson(res, 200, hasFixtures ? listFixtures(fixturesDir) : []);
    if (url.pathname === "/__fixtures/file") {
      const rel = url.searchParams.get("path");
      const full = hasFixtures ? safeFixturePath(fixturesDir, rel) : null;
      if (!full) return sendJson(res, 400, { error: "bad or missing path" });
      if (!fs.existsSync(full) || !fs.statSync(full).isFile()) return sendJson(res, 404, { error: `no such fixture: ${rel}` });
      const buf = fs.readFileSync(full);
      const ct = full.endsWith(".json") ? "application/json" : "text/plain; charset=utf-8";
      res.writeHead(200, { "content-type": ct, "content-length": buf.length });
      return res.end(buf);
    }
    return sendJson(res, 404, { error: "unknown fixtures call" });
  }

  /** Write a plan: delays, chunk pacing and faults. */
  async function execute(ctx, plan, step) {
    const { res } = ctx;
    const firstByteDelayMs = step?.firstByteDelayMs ?? ctx.analysis?.firstByteDelayMs ?? 0;
    const chunkDelayMs = step?.chunkDelayMs ?? ctx.analysis?.chunkDelayMs ?? 0;
    const fault = step?.fault;
    if (firstByteDelayMs > 0) await sleep(firstByteDelayMs);
    if (ctx.closed) return;
    if (fault === "hang") return; // never answer; the close handler counts the client's abort
    if (fault === "reset") {
      ctx.serverDestroyed = true;
      ctx.req.socket.destroy();
      return;
    }
    const headers = { ...plan.headers };
    const chunks = plan.chunks;
    const single = plan.single && chunks.length === 1 && !fault && !chunkDelayMs;
    if (single) {
      headers["content-length"] = Buffer.byteLength(chunks[0]);
      res.writeHead(plan.status, headers);
      res.end(chunks[0]);
      return;
    }
    res.writeHead(plan.status, headers);
    res.flushHeaders();
    let limit = chunks.length;
    if (fault === "reset-after") limit = Math.min(chunks.length, toInt(step.resetAfterChunks) ?? 1);
    else if (fault === "stall") limit = Math.min(chunks.length, toInt(step.stallAfterChunks ?? step.resetAfterChunks) ?? chunks.length);
    for (let i = 0; i < limit; i++) {
      if (ctx.closed) return;
      if (i > 0 && chunkDelayMs > 0) {
        await sleep(chunkDelayMs);
        if (ctx.closed) return;
      }
      if (i === limit - 1 && fault === "reset-after") await new Promise((r) => res.write(chunks[i], () => r()));
      else res.write(chunks[i]);
    }
    if (fault === "reset-after") {
      await sleep(5);
      ctx.serverDestroyed = true;
      ctx.req.socket.destroy();
      return;
    }
    if (fault === "stall") return; // headers + some chunks, then silence until the client gives up
    res.end(); // "truncate" is a normal end: the step's chunks simply lack their terminator
  }

  async function handleProvider(req, res, url, raw) {
    let pathname = url.pathname;
    let sessionId = "default";
    const sm = /^\/s\/([^/]+)(\/.*)?$/.exec(pathname);
    if (sm) {
      sessionId = decodeURIComponent(sm[1]);
      pathname = sm[2] ?? "/";
    }
    const s = session(sessionId);
    const cfg = { ...serverDefaults, ...s.config };
    const seg = /^\/([^/]+)(\/.*)?$/.exec(pathname);
    const provider = seg ? seg[1] : "";
    const rest = seg ? (seg[2] ?? "") : "";
    const text = raw.toString("utf8");
    const ct = req.headers["content-type"] ?? "";
    let body = null; // null: empty body; undefined: invalid JSON
    if (raw.length) {
      if (/json/i.test(ct) || /^\s*[[{]/.test(text)) {
        try {
          body = JSON.parse(text);
        } catch {
          body = undefined;
        }
      }
    }
    const entry = {
      method: req.method,
      path: pathname,
      query: Object.fromEntries(url.searchParams),
      headers: { ...req.headers },
      body: body === undefined || (body === null && raw.length) ? text : body,
      at: Date.now(),
      aborted: false,
    };
    const ctx = { req, res, url, method: req.method, provider, rest, body, rawBytes: raw, rawLen: raw.length, headers: req.headers, cfg, fixturesDir, closed: false };
    if (cfg.record !== false) {
      s.requests.push(entry);
      if (s.requests.length > MAX_RECORDED) {
        s.requests.shift();
        s.dropped++;
      }
    }
    res.on("close", () => {
      ctx.closed = true;
      if (!res.writableFinished && !ctx.serverDestroyed) {
        s.aborted++;
        entry.aborted = true;
      }
    });

    // Legacy liveness ping: GET /<single segment> → {ok, path}.
    if (!rest && req.method === "GET" && provider && !sm) return sendJson(res, 200, { ok: true, path: url.pathname + url.search });

    // Next matching scripted step, else the default behaviour.
    const target = pathname + url.search;
    const idx = s.queue.findIndex((st) => !st.match || target.includes(st.match));
    const step = idx >= 0 ? s.queue.splice(idx, 1)[0] : null;
    let plan;
    try {
      plan = step ? stepPlan(ctx, step) : defaultPlan(ctx, null);
    } catch (e) {
      plan = { status: 500, headers: { "content-type": "text/plain" }, chunks: [`fake-upstream internal error: ${e?.stack ?? e}`], single: true };
    }
    entry.scripted = !!step;
    await execute(ctx, plan, step);
  }

  const server = http.createServer((req, res) => {
    const chunks = [];
    let bodyDone = false;
    req.on("data", (c) => chunks.push(c));
    req.on("error", () => {});
    res.on("error", () => {});
    // A client that goes away while still sending its body is an abort too (counted on its session).
    res.on("close", () => {
      if (bodyDone) return;
      const m = /^\/s\/([^/?]+)/.exec(req.url ?? "");
      if (!(req.url ?? "").startsWith("/__")) session(m ? decodeURIComponent(m[1]) : "default").aborted++;
    });
    req.on("end", () => {
      bodyDone = true;
      const raw = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
      let url;
      try {
        url = new URL(req.url ?? "/", "http://fake.local");
      } catch {
        return sendJson(res, 400, { error: "bad url" });
      }
      let p;
      if (url.pathname.startsWith("/__control/")) p = handleControl(req, res, url, raw);
      else if (url.pathname.startsWith("/__fixtures/")) p = Promise.resolve(handleFixtures(req, res, url));
      else p = handleProvider(req, res, url, raw);
      p.catch((e) => {
        if (!res.headersSent) sendJson(res, 500, { error: String(e?.stack ?? e) });
        else res.destroy();
      });
    });
  });
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.requestTimeout = 0; // "hang" steps may stay open as long as the client waits
  server.maxRequestsPerSocket = 0;

  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const addr = server.address();
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${addr.port}`;
  if (!quiet) console.log(`fake-upstream listening on ${url}`);
  return {
    url,
    port: addr.port,
    fixturesDir,
    hasFixtures,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections?.();
      }),
  };
}

// Building blocks for the format plugins in scripts/fake-upstream/ (used at request time only, so
// the import cycle plugin → this file is harmless).
export { J, rid, nowSec, toInt, sleep, fillerPieces, fillerText, splitEvery, exampleArgs, contentText, embedVector, analyze, planAnswer, errorPlan, DEFAULT_MESSAGES, REASONING_PIECES, FAKE_SIGNATURE, FAKE_PATCH };
/** The built-in formats' answer for a request (plugins that wrap a built-in protocol delegate to it). */
export { builtinPlan };

// ───────────────────────────── CLI ─────────────────────────────

/**
 * Provider → path under the fake's base URL and the dummy key it accepts: the gateway's
 * `<NAME>_BASE_URL` / `<NAME>_API_KEY`. One table (providers.json), read by the CLI here and by
 * the tests' client (test/helpers/fake-upstream.ts).
 */
export const PROVIDER_ENV = Object.entries(JSON.parse(fs.readFileSync(path.join(HERE, "fake-upstream", "providers.json"), "utf8"))).map(
  ([name, p]) => [name, p.path, p.key],
);

const isMain = (() => {
  try {
    return process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
})();

if (isMain) {
  const args = process.argv.slice(2);
  const flag = (name) => {
    const i = args.indexOf(name);
    if (i >= 0) return args[i + 1];
    const eq = args.find((x) => x.startsWith(name + "="));
    return eq ? eq.slice(name.length + 1) : undefined;
  };
  if (args.includes("--help") || args.includes("-h")) {
    console.log(
      "usage: node scripts/fake-upstream.mjs [--port 8790] [--host 127.0.0.1] [--session NAME]\n" +
        "         [--chunks N] [--chunk-delay-ms MS] [--first-byte-delay-ms MS] [--fixtures DIR] [--no-record]",
    );
    process.exit(0);
  }
  const port = toInt(flag("--port")) ?? toInt(process.env.PORT) ?? 8790;
  const host = flag("--host") ?? process.env.HOST ?? "127.0.0.1";
  const defaults = {};
  const chunks = toInt(flag("--chunks") ?? process.env.FAKE_CHUNKS);
  if (chunks !== undefined) defaults.chunks = chunks;
  const cd = toInt(flag("--chunk-delay-ms") ?? process.env.FAKE_CHUNK_DELAY_MS);
  if (cd !== undefined) defaults.chunkDelayMs = cd;
  const fb = toInt(flag("--first-byte-delay-ms") ?? process.env.FAKE_FIRST_BYTE_DELAY_MS);
  if (fb !== undefined) defaults.firstByteDelayMs = fb;
  if (args.includes("--no-record")) defaults.record = false;
  // Vertex needs a service account: one is made now, and the fake's OAuth endpoint checks its signatures.
  const saKey = fakeServiceAccountKey();
  const srv = await startFakeUpstream({ port, host, defaults: { ...defaults, oauthPublicKey: saKey.publicKeyPem }, sharedFixturesDir: flag("--fixtures") });
  const sessionName = flag("--session");
  const base = sessionName ? `${srv.url}/s/${encodeURIComponent(sessionName)}` : srv.url;
  const sa = { json: fakeServiceAccountJson(saKey.privateKeyPem, `${base}/oauth2/token`) };
  console.log(`fake-upstream listening on ${srv.url}` + (Object.keys(defaults).length ? ` (defaults: ${J(defaults)})` : ""));
  console.log(`shared fixtures: ${srv.hasFixtures ? srv.fixturesDir : "(none)"}`);
  console.log("# environment for the gateway (e.g. .dev.vars):");
  for (const [name, suffix, key] of PROVIDER_ENV) {
    console.log(`${name}_BASE_URL=${base}${suffix}`);
    if (key) console.log(`${name}_API_KEY=${key}`);
  }
  for (const line of cloudEnvLines(base, sa.json)) console.log(line);
  const stop = () => srv.close().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}
