/**
 * Image and audio output on the chat-completions wire, both directions:
 * - images (OpenRouter's image models): `message.images` / `delta.images`,
 *   `[{type: "image_url", image_url: {url: "data:image/png;base64,…"}}]`;
 * - audio (OpenAI's gpt-audio models): `message.audio` {id, data, expires_at, transcript}, streamed
 *   as `delta.audio` pieces (id and transcript pieces first, data pieces, expires_at last);
 * - the request's `modalities` and `audio: {voice, format}`.
 */
import type { CanonicalRequest, GeneratedMediaPart, OutputModality, StreamEvent } from "../../canonical/types";
import { isRecord } from "../../streams/json";
import { base64ToBytes, bytesToBase64 } from "../../media/bytes";
import { wavHeader } from "../../media/audio/wav";
import { parseDataUrl } from "./media";

const str = (v: unknown) => (typeof v === "string" ? v : undefined);
const MODALITIES: ReadonlySet<string> = new Set<OutputModality>(["text", "image", "audio"]);

/** `modalities` / `audio` of a request → the canonical output options (unknown modalities are left to the upstream). */
export function decodeOutputOptions(body: Record<string, unknown>): Pick<CanonicalRequest, "outputModalities" | "audioOutput"> {
  const out: Pick<CanonicalRequest, "outputModalities" | "audioOutput"> = {};
  if (Array.isArray(body.modalities)) {
    const m = body.modalities.filter((x): x is OutputModality => typeof x === "string" && MODALITIES.has(x));
    // Text alone is the default: it is not carried (a Gemini upstream needs no responseModalities for it).
    if (m.some((x) => x !== "text")) out.outputModalities = m;
  }
  if (isRecord(body.audio)) {
    const voice = isRecord(body.audio.voice) ? str(body.audio.voice.id) : str(body.audio.voice);
    out.audioOutput = { voice, format: str(body.audio.format) };
  }
  return out;
}

/** OpenAI's voices for audio output; another format's voice name (Gemini's `Kore`) gets `alloy`. */
const OPENAI_VOICES = new Set(["alloy", "ash", "ballad", "coral", "echo", "fable", "nova", "onyx", "sage", "shimmer", "verse", "marin", "cedar"]);

/** The canonical output options as chat-completions fields (for an upstream of another surface's request). */
export function encodeOutputOptions(req: CanonicalRequest): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const audio = req.outputModalities?.includes("audio") || req.audioOutput !== undefined;
  // OpenAI's audio models answer text and audio together; ["audio"] alone is refused.
  if (req.outputModalities?.length) out.modalities = audio ? ["text", "audio"] : req.outputModalities;
  if (audio) {
    const voice = req.audioOutput?.voice?.toLowerCase();
    // Streamed audio output is pcm16 only.
    out.audio = { voice: voice && OPENAI_VOICES.has(voice) ? voice : "alloy", format: req.stream ? "pcm16" : (req.audioOutput?.format ?? "wav") };
  }
  return out;
}

function imageOf(v: unknown): GeneratedMediaPart | undefined {
  if (!isRecord(v) || !isRecord(v.image_url)) return undefined;
  const url = str(v.image_url.url);
  const parsed = url ? parseDataUrl(url) : undefined;
  return parsed ? { type: "generated-image", mediaType: parsed.mediaType, data: parsed.data } : undefined;
}

/** `message.images` and `message.audio` of an upstream answer. */
export function readMessageMedia(message: Record<string, unknown>, audioFormat = "wav"): GeneratedMediaPart[] {
  const out: GeneratedMediaPart[] = [];
  for (const i of Array.isArray(message.images) ? message.images : []) {
    const img = imageOf(i);
    if (img) out.push(img);
  }
  const a = message.audio;
  if (isRecord(a) && typeof a.data === "string") {
    out.push({
      type: "generated-audio", data: a.data, format: audioFormat, transcript: str(a.transcript), id: str(a.id),
      expiresAt: typeof a.expires_at === "number" ? a.expires_at : undefined,
    });
  }
  return out;
}

/** `delta.images` and `delta.audio` of an upstream chunk → canonical events. */
export function mediaDeltaEvents(delta: Record<string, unknown>, emit: (e: StreamEvent) => void): void {
  for (const i of Array.isArray(delta.images) ? delta.images : []) {
    const img = imageOf(i);
    if (img?.type === "generated-image") emit({ type: "image", mediaType: img.mediaType, data: img.data });
  }
  const a = delta.audio;
  if (!isRecord(a)) return;
  const ev: Extract<StreamEvent, { type: "audio-delta" }> = { type: "audio-delta" };
  if (typeof a.id === "string") ev.id = a.id;
  if (typeof a.data === "string") ev.data = a.data;
  if (typeof a.transcript === "string") ev.transcript = a.transcript;
  if (typeof a.expires_at === "number") ev.expiresAt = a.expires_at;
  if (Object.keys(ev).length > 1) emit(ev);
}

const imageUrl = (mediaType: string, data: string, index: number) => ({ type: "image_url", image_url: { url: `data:${mediaType};base64,${data}` }, index });

/** Several base64 pieces as one (their texts cannot simply be joined: each may end in padding). */
function joinBase64(pieces: string[]): string {
  if (pieces.length === 1) return pieces[0];
  const parts = pieces.map(base64ToBytes);
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return bytesToBase64(out);
}

/**
 * Raw 24 kHz 16-bit PCM (Gemini TTS) for a caller that asked for `wav`: the same samples behind a
 * WAV header. Other formats pass as they are (an mp3 would need an encoder).
 */
function asRequested(data: string, format: string, requested: string | undefined): string {
  if (format !== "pcm16" || requested !== "wav") return data;
  const pcm = base64ToBytes(data);
  const wav = new Uint8Array(44 + pcm.length);
  wav.set(wavHeader(pcm.length, 24000));
  wav.set(pcm, 44);
  return bytesToBase64(wav);
}

/** Canonical media → the `images` and `audio` fields of a caller's message (`audioFormat`: what the caller asked for). */
export function writeMessageMedia(media: GeneratedMediaPart[] | undefined, message: Record<string, unknown>, audioFormat?: string): void {
  if (!media?.length) return;
  const images = media.flatMap((m, i) => (m.type === "generated-image" ? [imageUrl(m.mediaType, m.data, i)] : []));
  if (images.length) message.images = images;
  const audio = media.filter((m) => m.type === "generated-audio");
  if (audio.length) {
    const a = audio[0];
    message.audio = {
      id: a.id ?? "", data: asRequested(joinBase64(audio.map((x) => x.data)), a.format, audioFormat), expires_at: a.expiresAt ?? 0,
      transcript: audio.map((x) => x.transcript ?? "").join(""),
    };
  }
}

/** One canonical media event → the caller's delta (as JSON text). */
export function mediaDeltaJson(ev: Extract<StreamEvent, { type: "image" | "audio-delta" }>, imageIndex: number): string {
  if (ev.type === "image") return JSON.stringify({ images: [imageUrl(ev.mediaType, ev.data, imageIndex)] });
  const audio: Record<string, unknown> = {};
  if (ev.id !== undefined) audio.id = ev.id;
  if (ev.transcript !== undefined) audio.transcript = ev.transcript;
  if (ev.data !== undefined) audio.data = ev.data;
  if (ev.expiresAt !== undefined) audio.expires_at = ev.expiresAt;
  return JSON.stringify({ audio });
}
