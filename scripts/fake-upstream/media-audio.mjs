// Audio APIs for the fake upstream (OpenAI and OpenAI-format providers such as Groq):
// - POST …/audio/speech {model, input, voice, response_format, speed, instructions, stream_format}
//   → the audio bytes (in several chunks), or with stream_format "sse" the events
//   speech.audio.delta {audio} … speech.audio.done {usage} (gpt-4o-mini-tts and later).
// - POST …/audio/transcriptions | …/audio/translations (multipart: file, model, response_format…)
//   → json {text, usage}, verbose_json {task, language, duration, text, segments, usage}, text, srt, vtt.
//   whisper-style models report usage {type: "duration", seconds}; *-transcribe models token usage.
import { J, errorPlan, splitEvery } from "../fake-upstream.mjs";
import { audioSeconds, parseMultipart } from "./multipart.mjs";

const FORMATS = { mp3: "audio/mpeg", opus: "audio/ogg", aac: "audio/aac", flac: "audio/flac", wav: "audio/wav", pcm: "audio/pcm" };
const bearer = (ctx) => ctx.cfg.auth === false || /^Bearer \S+/.test(ctx.headers.authorization ?? "");

/** Deterministic audio-like bytes: 200 bytes per input character, with the format's magic where it has one. */
function fakeAudio(input, format) {
  const body = Buffer.alloc(Math.max(400, input.length * 200));
  for (let i = 0; i < body.length; i++) body[i] = (i * 31 + input.charCodeAt(i % input.length)) & 0xff;
  const magic = { mp3: "ID3", wav: "RIFF", flac: "fLaC", opus: "OggS" }[format];
  if (magic) body.write(magic, 0, "ascii");
  return body;
}

function speech(ctx) {
  if (!bearer(ctx)) return errorPlan("openai", 401, "You didn't provide an API key.");
  const b = ctx.body;
  if (!b || typeof b.model !== "string") return errorPlan("openai", 400, "you must provide a model parameter");
  if (typeof b.input !== "string" || !b.input) return errorPlan("openai", 400, "Missing required parameter: 'input'.");
  if (typeof b.voice !== "string") return errorPlan("openai", 400, "Missing required parameter: 'voice'.");
  const format = b.response_format ?? "mp3";
  if (!FORMATS[format]) return errorPlan("openai", 400, `Invalid value: '${format}'. Supported values are: 'mp3', 'opus', 'aac', 'flac', 'wav', and 'pcm'.`);
  const audio = fakeAudio(b.input, format);
  if (b.stream_format === "sse") {
    if (/^tts-1/.test(b.model)) return errorPlan("openai", 400, "stream_format 'sse' is not supported for this model.");
    const chunks = splitEvery(audio.toString("base64"), 4096).map((a) => `data: ${J({ type: "speech.audio.delta", audio: a })}\n\n`);
    const input_tokens = Math.ceil(b.input.length / 4) + (b.instructions ? Math.ceil(b.instructions.length / 4) : 0);
    const output_tokens = Math.ceil(audio.length / 100);
    chunks.push(`data: ${J({ type: "speech.audio.done", usage: { input_tokens, output_tokens, total_tokens: input_tokens + output_tokens } })}\n\n`);
    return { status: 200, headers: { "content-type": "text/event-stream" }, chunks };
  }
  const chunks = [];
  for (let i = 0; i < audio.length; i += 1024) chunks.push(audio.subarray(i, i + 1024));
  return { status: 200, headers: { "content-type": FORMATS[format] }, chunks };
}

const srtTime = (s, sep) => {
  const ms = Math.round(s * 1000);
  const p = (n, w = 2) => String(n).padStart(w, "0");
  return `${p(Math.floor(ms / 3600000))}:${p(Math.floor(ms / 60000) % 60)}:${p(Math.floor(ms / 1000) % 60)}${sep}${p(ms % 1000, 3)}`;
};

function transcription(ctx, translate) {
  if (!bearer(ctx)) return errorPlan("openai", 401, "You didn't provide an API key.");
  const form = parseMultipart(ctx.rawBytes, ctx.headers["content-type"]);
  if (!form) return errorPlan("openai", 400, "Could not parse multipart form");
  const { fields, files } = form;
  if (!fields.model) return errorPlan("openai", 400, "you must provide a model parameter");
  const file = files.file?.[0];
  if (!file) return errorPlan("openai", 400, "Missing required parameter: 'file'.");
  const seconds = Math.round(audioSeconds(file.bytes) * 100) / 100;
  const format = fields.response_format ?? "json";
  const tokenModel = /transcribe/.test(fields.model);
  if (tokenModel && !["json", "text"].includes(format)) return errorPlan("openai", 400, `response_format '${format}' is not compatible with model '${fields.model}'. Use 'json' or 'text'.`);
  const text = `${translate ? "Fake translation" : "Fake transcription"} of ${seconds} seconds of audio.`;
  const half = Math.round((seconds / 2) * 100) / 100;
  const segments = [
    { id: 0, seek: 0, start: 0, end: half, text: text.slice(0, 17), tokens: [1, 2], temperature: 0, avg_logprob: -0.2, compression_ratio: 1, no_speech_prob: 0.01 },
    { id: 1, seek: 0, start: half, end: seconds, text: text.slice(17), tokens: [3, 4], temperature: 0, avg_logprob: -0.2, compression_ratio: 1, no_speech_prob: 0.01 },
  ];
  const audioTokens = Math.ceil(seconds * 10);
  const usage = tokenModel
    ? { type: "tokens", input_tokens: audioTokens, input_token_details: { text_tokens: 0, audio_tokens: audioTokens }, output_tokens: 12, total_tokens: audioTokens + 12 }
    : { type: "duration", seconds: Math.ceil(seconds) };
  const plain = (s, ct) => ({ status: 200, headers: { "content-type": ct }, chunks: [s], single: true });
  switch (format) {
    case "text":
      return plain(`${text}\n`, "text/plain; charset=utf-8");
    case "srt":
      return plain(segments.map((s, i) => `${i + 1}\n${srtTime(s.start, ",")} --> ${srtTime(s.end, ",")}\n${s.text.trim()}\n`).join("\n") + "\n", "text/plain; charset=utf-8");
    case "vtt":
      return plain("WEBVTT\n\n" + segments.map((s) => `${srtTime(s.start, ".")} --> ${srtTime(s.end, ".")}\n${s.text.trim()}\n`).join("\n") + "\n", "text/vtt; charset=utf-8");
    case "verbose_json": {
      const body = { task: translate ? "translate" : "transcribe", language: translate ? "english" : (fields.language ?? "english"), duration: seconds, text, segments, usage };
      if (ctx.provider === "groq") body.x_groq = { id: "req_fake" };
      return plain(J(body), "application/json");
    }
    case "json":
      return plain(J(ctx.provider === "groq" ? { text, x_groq: { id: "req_fake" } } : { text, usage }), "application/json");
    default:
      return errorPlan("openai", 400, `Invalid value: '${format}'. Supported values are: 'json', 'text', 'srt', 'verbose_json', and 'vtt'.`);
  }
}

export const audioFormat = {
  name: "audio",
  handles: (_provider, rest, method) => method === "POST" && /\/audio\/(speech|transcriptions|translations)$/.test(rest),
  plan(ctx) {
    if (/\/speech$/.test(ctx.rest)) return speech(ctx);
    return transcription(ctx, /\/translations$/.test(ctx.rest));
  },
  errorPlan: (status, message) => errorPlan("openai", status, message),
};
