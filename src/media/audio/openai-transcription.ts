// OpenAI's /audio/transcriptions and /audio/translations (also Groq's). whisper-style models are
// priced per second of audio: the gateway asks the upstream for verbose_json (which carries the
// duration) and renders the caller's format from it. *-transcribe models are priced per token
// (json carries the usage) and only answer json or text.
import { mediaWorstCaseMicros } from "../../catalog/media-pricing";
import { BadRequestError } from "../../errors/gateway-error";
import type { Endpoint } from "../../routing/types";
import { isRecord } from "../../streams/json";
import type { TranscriptFormat, TranscriptionRequest } from "./transcription-api";
import type { AudioMetering } from "./types";

export interface PreparedTranscription {
  op: "transcription" | "translation";
  form: FormData;
  /** What the upstream was asked for. */
  upstreamFormat: TranscriptFormat;
  bound: number | null;
}

export interface Transcript {
  /** The caller's body and its content type. */
  body: string;
  contentType: string;
  /** The parsed JSON answer (json / verbose_json), to which usage.cost is added. */
  json?: Record<string, unknown>;
  metering: AudioMetering;
}

const tokenBilled = (endpoint: Endpoint) => !endpoint.pricing?.audioSecond && !!endpoint.pricing;

export function prepareTranscription(req: TranscriptionRequest, endpoint: Endpoint): PreparedTranscription {
  const tokens = tokenBilled(endpoint);
  if (tokens && !["json", "text"].includes(req.responseFormat)) {
    throw new BadRequestError(`response_format '${req.responseFormat}' is not available for '${endpoint.modelId}'; use 'json' or 'text'.`);
  }
  const upstreamFormat: TranscriptFormat = tokens ? "json" : "verbose_json";
  const form = new FormData();
  for (const [k, v] of req.form.entries()) if (k !== "model" && k !== "response_format" && k !== "provider") form.append(k, v);
  form.set("model", endpoint.upstreamModel);
  form.set("response_format", upstreamFormat);
  const p = endpoint.pricing;
  let bound: number | null = null;
  // Per second: bounded only when the upload's length is known (a WAV header). Per token: unknown.
  if (p && !tokens && req.seconds !== undefined) bound = (mediaWorstCaseMicros(p, { audioSeconds: Math.ceil(req.seconds) }) ?? 0) + (p.request ?? 0);
  return { op: req.translate ? "translation" : "transcription", form, upstreamFormat, bound };
}

const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : undefined);

/** The upstream's JSON answer → the caller's format, and what it consumed. */
export function readTranscript(answer: unknown, req: TranscriptionRequest): Transcript {
  if (!isRecord(answer) || typeof answer.text !== "string") throw new Error("expected {text}");
  const u = isRecord(answer.usage) ? answer.usage : undefined;
  let metering: AudioMetering;
  if (u?.type === "tokens") {
    const details = isRecord(u.input_token_details) ? u.input_token_details : undefined;
    const audio = num(details?.audio_tokens) ?? 0;
    const usage = { inputTokens: num(u.input_tokens) ?? 0, outputTokens: num(u.output_tokens) ?? 0, audioInputTokens: audio || undefined };
    metering = { usage, media: { inputAudioTokens: audio } };
  } else {
    const seconds = num(u?.seconds) ?? num(answer.duration) ?? req.seconds ?? 0;
    metering = { usage: { inputTokens: 0, outputTokens: 0 }, media: { audioSeconds: seconds } };
  }
  const text = answer.text;
  const segments = Array.isArray(answer.segments) ? answer.segments.filter(isRecord) : [];
  switch (req.responseFormat) {
    case "text":
      return { body: `${text}\n`, contentType: "text/plain; charset=utf-8", metering };
    case "srt":
      return { body: subtitles(segments, text, ",", false), contentType: "text/plain; charset=utf-8", metering };
    case "vtt":
      return { body: subtitles(segments, text, ".", true), contentType: "text/vtt; charset=utf-8", metering };
    case "verbose_json":
      return { body: "", contentType: "application/json", json: answer, metering };
    case "json": {
      const json: Record<string, unknown> = { text };
      if (Array.isArray(answer.logprobs)) json.logprobs = answer.logprobs;
      json.usage = u ?? { type: "duration", seconds: Math.ceil(metering.media.audioSeconds ?? 0) };
      return { body: "", contentType: "application/json", json, metering };
    }
  }
}

/** SRT or WebVTT cues from verbose_json segments (one cue for the whole text when there are none). */
function subtitles(segments: Record<string, unknown>[], text: string, msSep: string, vtt: boolean): string {
  const cues = segments.length ? segments : [{ start: 0, end: 0, text }];
  const out = cues.map((s, i) => {
    const line = `${stamp(num(s.start) ?? 0, msSep)} --> ${stamp(num(s.end) ?? 0, msSep)}\n${String(s.text ?? "").trim()}\n`;
    return vtt ? line : `${i + 1}\n${line}`;
  });
  return (vtt ? "WEBVTT\n\n" : "") + out.join("\n") + "\n";
}

function stamp(seconds: number, msSep: string): string {
  const ms = Math.round(seconds * 1000);
  const p = (n: number, w = 2) => String(n).padStart(w, "0");
  return `${p(Math.floor(ms / 3_600_000))}:${p(Math.floor(ms / 60_000) % 60)}:${p(Math.floor(ms / 1000) % 60)}${msSep}${p(ms % 1000, 3)}`;
}
