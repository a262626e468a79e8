// Gemini's TTS models on generateContent (responseModalities AUDIO, speechConfig): the answer is
// 24 kHz 16-bit mono PCM in an inlineData part, returned raw for `pcm` and wrapped in a WAV header
// for `wav`; formats that would need an encoder (mp3, opus, aac, flac) are refused before the call.
import { worstCaseMicros } from "../../catalog/pricing";
import { geminiMediaTokens } from "../../codecs/gemini/media-usage";
import { geminiVoice } from "../../codecs/gemini/media-output";
import { BadRequestError } from "../../errors/gateway-error";
import { isRecord, safeJsonParse } from "../../streams/json";
import { base64ToBytes } from "../bytes";
import { AUDIO_TYPES, type SpeechWire } from "./types";
import { pcmRate, wavHeader } from "./wav";

/** Gemini TTS models' output token limit (16,384), the most a call may produce. */
const MAX_OUTPUT_TOKENS = 16384;


export const geminiSpeechWire: SpeechWire = {
  prepare(req, endpoint) {
    const format = req.responseFormat ?? "wav";
    if (format !== "wav" && format !== "pcm") {
      throw new BadRequestError(`response_format '${format}' is not available for Gemini TTS models (they return raw PCM); use 'wav' or 'pcm'.`);
    }
    if (req.streamFormat === "sse") throw new BadRequestError("stream_format 'sse' is not available for Gemini TTS models; omit it for streamed audio bytes.");
    // Style instructions are spoken directions in Gemini's prompt ("Say cheerfully: …").
    const text = req.instructions ? `${req.instructions.trim()}: ${req.input}` : req.input;
    const body = {
      contents: [{ role: "user", parts: [{ text }] }],
      generationConfig: { responseModalities: ["AUDIO"], speechConfig: { voiceConfig: { prebuiltVoiceConfig: { voiceName: geminiVoice(req.voice) } } } },
    };
    const p = endpoint.pricing;
    const bound = p ? worstCaseMicros(p, new TextEncoder().encode(text).length, endpoint.maxOutputTokens ?? MAX_OUTPUT_TOKENS) : null;
    return { op: "speech", body, bound, format };
  },
  async open(res, _req, prepared) {
    const parsed = safeJsonParse(await res.text());
    const bad = (why: string) => new Error(why);
    if (!parsed.ok || !isRecord(parsed.value)) throw bad("not JSON");
    const a = parsed.value;
    const cand = Array.isArray(a.candidates) && isRecord(a.candidates[0]) ? a.candidates[0] : undefined;
    const parts = cand && isRecord(cand.content) && Array.isArray(cand.content.parts) ? cand.content.parts.filter(isRecord) : [];
    const chunks: Uint8Array[] = [];
    let mime: string | undefined;
    for (const p of parts) {
      if (isRecord(p.inlineData) && typeof p.inlineData.data === "string") {
        mime ??= typeof p.inlineData.mimeType === "string" ? p.inlineData.mimeType : undefined;
        chunks.push(base64ToBytes(p.inlineData.data));
      }
    }
    if (!chunks.length) throw bad("no audio in the answer");
    const size = chunks.reduce((n, c) => n + c.length, 0);
    if (prepared.format === "wav") chunks.unshift(wavHeader(size, pcmRate(mime)));
    const usage = geminiMediaTokens(isRecord(a.usageMetadata) ? a.usageMetadata : undefined);
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        for (const chunk of chunks) c.enqueue(chunk);
        c.close();
      },
    });
    return { contentType: AUDIO_TYPES[prepared.format], body, metered: Promise.resolve({ usage, media: { outputAudioTokens: usage.audioOutputTokens } }) };
  },
};
