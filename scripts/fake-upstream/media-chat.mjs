// Chat answers with image or audio output, for the fake upstream:
// - Gemini image models (`…image…` in the URL's model): text + an `inlineData` image part, IMAGE
//   tokens in candidatesTokensDetails; TTS models (`…tts…`): one `inlineData` part of 24 kHz 16-bit
//   PCM (`audio/L16;codec=pcm;rate=24000`), AUDIO tokens. generateContent and streamGenerateContent (SSE).
// - OpenAI chat with `modalities` (gpt-audio: `message.audio` {id, data, expires_at, transcript},
//   streamed as `delta.audio` pieces; OpenRouter image models: `message.images`, streamed as `delta.images`).
import { J, errorPlan, nowSec, rid } from "../fake-upstream.mjs";
import { PNG_1X1 } from "./media-images.mjs";

const TRANSCRIPT = ["Hello", " from", " the", " fake", " voice."];
const IMAGE_TEXT = "Here is your image.";
const IMAGE_TOKENS = 1290;

/** 16-bit PCM at 24 kHz: a short deterministic waveform, 0.1 s per character of text. */
function pcm(text) {
  const samples = Math.max(2400, text.length * 2400);
  const buf = Buffer.alloc(samples * 2);
  for (let i = 0; i < samples; i++) buf.writeInt16LE(Math.round(Math.sin(i / 10) * 8000), i * 2);
  return buf;
}

function geminiText(body) {
  const parts = (body?.contents ?? []).flatMap((c) => c.parts ?? []);
  return parts.map((p) => p.text ?? "").join(" ");
}

function gemini(ctx, model, stream) {
  const b = ctx.body ?? {};
  const mods = (b.generationConfig?.responseModalities ?? []).map((m) => String(m).toUpperCase());
  const tts = /tts/.test(model);
  const promptTokens = Math.max(1, Math.ceil(ctx.rawLen / 4));
  let parts;
  let details;
  let outTokens;
  if (tts) {
    if (!mods.includes("AUDIO")) return errorPlan("gemini", 400, "The requested combination of response modalities (TEXT) is not supported by the model.");
    const voice = b.generationConfig?.speechConfig?.voiceConfig?.prebuiltVoiceConfig?.voiceName;
    if (voice !== undefined && !/^[A-Z][a-z]+$/.test(voice)) return errorPlan("gemini", 400, `Voice ${voice} is not supported.`);
    const audio = pcm(geminiText(b));
    outTokens = Math.ceil(audio.length / 960);
    details = [{ modality: "AUDIO", tokenCount: outTokens }];
    const b64 = audio.toString("base64");
    const half = Math.floor(b64.length / 8) * 4;
    const mime = "audio/L16;codec=pcm;rate=24000";
    parts = stream ? [[{ inlineData: { mimeType: mime, data: b64.slice(0, half) } }], [{ inlineData: { mimeType: mime, data: b64.slice(half) } }]] : [[{ inlineData: { mimeType: mime, data: b64 } }]];
  } else {
    if (mods.length && !mods.includes("IMAGE")) {
      parts = [[{ text: "I can only describe it in words." }]];
      outTokens = 8;
      details = [{ modality: "TEXT", tokenCount: 8 }];
    } else {
      outTokens = IMAGE_TOKENS + 5;
      details = [{ modality: "TEXT", tokenCount: 5 }, { modality: "IMAGE", tokenCount: IMAGE_TOKENS }];
      parts = [[{ text: IMAGE_TEXT }], [{ inlineData: { mimeType: "image/png", data: PNG_1X1 } }]];
      if (!stream) parts = [parts.flat()];
    }
  }
  const usage = (final) => ({
    promptTokenCount: promptTokens,
    candidatesTokenCount: final ? outTokens : 0,
    totalTokenCount: promptTokens + (final ? outTokens : 0),
    promptTokensDetails: [{ modality: "TEXT", tokenCount: promptTokens }],
    ...(final ? { candidatesTokensDetails: details } : {}),
  });
  const responseId = rid("", 23);
  const obj = (p, i, last) => ({
    candidates: [{ content: { parts: p, role: "model" }, ...(last ? { finishReason: "STOP" } : {}), index: 0 }],
    usageMetadata: usage(last),
    modelVersion: model,
    responseId,
  });
  if (!stream) return { status: 200, headers: { "content-type": "application/json; charset=UTF-8" }, chunks: [J(obj(parts[0], 0, true))], single: true };
  return { status: 200, headers: { "content-type": "text/event-stream" }, chunks: parts.map((p, i) => `data: ${J(obj(p, i, i === parts.length - 1))}\r\n\r\n`) };
}

function openai(ctx) {
  const b = ctx.body;
  if (ctx.cfg.auth !== false && !/^Bearer \S+/.test(ctx.headers.authorization ?? "")) return errorPlan("openai", 401, "You didn't provide an API key.");
  const audio = b.modalities.includes("audio");
  if (audio && (!b.audio || typeof b.audio.voice !== "string" || typeof b.audio.format !== "string"))
    return errorPlan("openai", 400, "Missing required parameter: 'audio'. It is required when 'modalities' includes 'audio'.");
  if (audio && b.stream && b.audio.format !== "pcm16") return errorPlan("openai", 400, "Audio output streaming only supports the pcm16 format.");
  const id = rid("chatcmpl-");
  const created = nowSec();
  const promptTokens = Math.max(1, Math.ceil(ctx.rawLen / 4));
  const data = pcm(TRANSCRIPT.join("")).toString("base64");
  const audioId = rid("audio_");
  const expires = created + 3600;
  const textTokens = 6;
  const mediaTokens = audio ? Math.ceil(data.length / 400) : IMAGE_TOKENS;
  const usage = {
    prompt_tokens: promptTokens,
    completion_tokens: textTokens + mediaTokens,
    total_tokens: promptTokens + textTokens + mediaTokens,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0, audio_tokens: audio ? mediaTokens : 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0, ...(audio ? {} : { image_tokens: mediaTokens }) },
  };
  const image = { type: "image_url", image_url: { url: `data:image/png;base64,${PNG_1X1}` }, index: 0 };
  const base = { id, object: "chat.completion", created, model: b.model };
  if (!b.stream) {
    const message = audio
      ? { role: "assistant", content: null, refusal: null, audio: { id: audioId, data, expires_at: expires, transcript: TRANSCRIPT.join("") } }
      : { role: "assistant", content: IMAGE_TEXT, refusal: null, images: [image] };
    return { status: 200, headers: { "content-type": "application/json" }, chunks: [J({ ...base, choices: [{ index: 0, message, finish_reason: "stop" }], usage })], single: true };
  }
  const chunk = (delta, finish = null, extra = {}) => `data: ${J({ ...base, object: "chat.completion.chunk", choices: [{ index: 0, delta, finish_reason: finish }], ...extra })}\n\n`;
  const chunks = [];
  if (audio) {
    TRANSCRIPT.forEach((t, i) => chunks.push(chunk(i === 0 ? { role: "assistant", content: null, audio: { id: audioId, transcript: t } } : { audio: { transcript: t } })));
    for (let i = 0; i < data.length; i += 4096) chunks.push(chunk({ audio: { data: data.slice(i, i + 4096) } }));
    chunks.push(chunk({ audio: { expires_at: expires } }));
  } else {
    chunks.push(chunk({ role: "assistant", content: IMAGE_TEXT }));
    chunks.push(chunk({ images: [image] }));
  }
  chunks.push(chunk({}, "stop"));
  if (b.stream_options?.include_usage) chunks.push(`data: ${J({ ...base, object: "chat.completion.chunk", choices: [], usage })}\n\n`);
  chunks.push("data: [DONE]\n\n");
  return { status: 200, headers: { "content-type": "text/event-stream" }, chunks };
}

const geminiMedia = (rest) => /\/models\/([^/:]*(?:image|tts)[^/:]*):(generateContent|streamGenerateContent)$/.exec(rest);

export const mediaChatFormat = {
  name: "media-chat",
  handles(provider, rest, method, _url, ctx) {
    if (method !== "POST") return false;
    if ((provider === "gemini" || provider === "google") && geminiMedia(rest)) return true;
    const m = ctx?.body?.modalities;
    return /\/chat\/completions$/.test(rest) && Array.isArray(m) && (m.includes("audio") || m.includes("image"));
  },
  plan(ctx) {
    const g = geminiMedia(ctx.rest);
    if (g && (ctx.provider === "gemini" || ctx.provider === "google")) return gemini(ctx, decodeURIComponent(g[1]), g[2] === "streamGenerateContent");
    return openai(ctx);
  },
  errorPlan: (status, message) => errorPlan("openai", status, message),
};
