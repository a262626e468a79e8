/**
 * Image and audio output on the Gemini wire, both directions: `inlineData` parts of a model
 * answer (images; TTS models' 24 kHz 16-bit PCM, `audio/L16;codec=pcm;rate=24000`), and the
 * request's `generationConfig.responseModalities` / `speechConfig` voice.
 */
import type { CanonicalRequest, GeneratedMediaPart, OutputModality, StreamEvent } from "../../canonical/types";
import { isRecord } from "../../streams/json";

/** Gemini's prebuilt voices; any other name (OpenAI's `alloy`…) gets the default voice. */
export const GEMINI_VOICES = [
  "Zephyr", "Puck", "Charon", "Kore", "Fenrir", "Leda", "Orus", "Aoede", "Callirrhoe", "Autonoe", "Enceladus", "Iapetus", "Umbriel", "Algieba", "Despina",
  "Erinome", "Algenib", "Rasalgethi", "Laomedeia", "Achernar", "Alnilam", "Schedar", "Gacrux", "Pulcherrima", "Achird", "Zubenelgenubi", "Vindemiatrix",
  "Sadachbia", "Sadaltager", "Sulafat",
];
const DEFAULT_VOICE = "Kore";

export function geminiVoice(voice: string | undefined): string {
  return GEMINI_VOICES.find((v) => v.toLowerCase() === voice?.toLowerCase()) ?? DEFAULT_VOICE;
}

/** Gemini's raw PCM output as OpenAI names it (`pcm16`: 24 kHz 16-bit little-endian mono). */
const PCM_MIME = "audio/L16;codec=pcm;rate=24000";
const FORMAT_MIME: Record<string, string> = { pcm16: PCM_MIME, wav: "audio/wav", mp3: "audio/mpeg", flac: "audio/flac", opus: "audio/ogg", aac: "audio/aac" };

export const audioMimeOf = (format: string) => FORMAT_MIME[format] ?? `audio/${format}`;

function audioFormatOf(mime: string): string {
  if (/^audio\/(l16|pcm)/i.test(mime)) return "pcm16";
  for (const [format, m] of Object.entries(FORMAT_MIME)) if (m === mime) return format;
  return mime.replace(/^audio\//, "");
}

/** The media of one answer part (thought images, Gemini 3's drafts, are left out). */
export function mediaOfPart(part: Record<string, unknown>): GeneratedMediaPart | undefined {
  const d = part.inlineData;
  if (part.thought === true || !isRecord(d) || typeof d.data !== "string" || typeof d.mimeType !== "string") return undefined;
  if (d.mimeType.startsWith("image/")) return { type: "generated-image", mediaType: d.mimeType, data: d.data };
  if (d.mimeType.startsWith("audio/")) return { type: "generated-audio", data: d.data, format: audioFormatOf(d.mimeType) };
  return undefined;
}

export function mediaEventOfPart(part: Record<string, unknown>): StreamEvent | undefined {
  const m = mediaOfPart(part);
  if (!m) return undefined;
  return m.type === "generated-image" ? { type: "image", mediaType: m.mediaType, data: m.data } : { type: "audio-delta", data: m.data, format: m.format };
}

/** A canonical media part as an answer's inlineData part. */
export function inlineDataPart(m: GeneratedMediaPart): Record<string, unknown> {
  return { inlineData: { mimeType: m.type === "generated-image" ? m.mediaType : audioMimeOf(m.format), data: m.data } };
}

/** `responseModalities` and the speechConfig voice of a Gemini request → the canonical output options. */
export function decodeOutputOptions(gc: Record<string, unknown>): Pick<CanonicalRequest, "outputModalities" | "audioOutput"> {
  const out: Pick<CanonicalRequest, "outputModalities" | "audioOutput"> = {};
  if (Array.isArray(gc.responseModalities)) {
    const m = gc.responseModalities.map((x) => String(x).toLowerCase()).filter((x): x is OutputModality => x === "text" || x === "image" || x === "audio");
    // Text alone is the default: it is not carried (other formats' upstreams need not see it).
    if (m.some((x) => x !== "text")) out.outputModalities = m;
  }
  const sc = isRecord(gc.speechConfig) ? gc.speechConfig : undefined;
  const vc = sc && isRecord(sc.voiceConfig) && isRecord(sc.voiceConfig.prebuiltVoiceConfig) ? sc.voiceConfig.prebuiltVoiceConfig : undefined;
  if (out.outputModalities?.includes("audio") || vc) out.audioOutput = { voice: typeof vc?.voiceName === "string" ? vc.voiceName : undefined };
  return out;
}

/** The canonical output options into a generationConfig (fields the caller set in Gemini's own terms win). */
export function encodeOutputOptions(req: CanonicalRequest, gc: Record<string, unknown>): void {
  // Gemini has no TEXT+AUDIO answer (TTS models take AUDIO alone): audio asked for means AUDIO only.
  const m = req.outputModalities?.includes("audio") ? ["audio"] : req.outputModalities;
  if (m?.length && gc.responseModalities === undefined) gc.responseModalities = m.map((x) => x.toUpperCase());
  if (req.audioOutput && gc.speechConfig === undefined) gc.speechConfig = { voiceConfig: { prebuiltVoiceConfig: { voiceName: geminiVoice(req.audioOutput.voice) } } };
}
