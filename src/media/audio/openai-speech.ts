// OpenAI's /audio/speech. tts-1 / tts-1-hd are priced per input character (known before the
// call); gpt-4o-mini-tts and later per token, which only the SSE answer reports
// (`speech.audio.delta` {audio} … `speech.audio.done` {usage}): for those the gateway asks for SSE
// and turns it back into audio bytes, unless the caller itself asked for SSE.
import { mediaWorstCaseMicros } from "../../catalog/media-pricing";
import { worstCaseMicros } from "../../catalog/pricing";
import type { Usage } from "../../canonical/types";
import { isRecord, safeJsonParse } from "../../streams/json";
import { sseDecoder } from "../../streams/sse";
import { base64ToBytes } from "../bytes";
import { AUDIO_TYPES, type AudioMetering, type SpeechWire } from "./types";

/** Audio output tokens a token-billed TTS call may produce at most (gpt-4o-mini-tts caps its output). */
const MAX_AUDIO_OUTPUT_TOKENS = 16384;

const utf8Bytes = (s: string | undefined) => (s ? new TextEncoder().encode(s).length : 0);

export const openaiSpeechWire: SpeechWire = {
  prepare(req, endpoint) {
    const p = endpoint.pricing;
    // Per character: the price is known now. Per token: a token is at least one byte of text.
    const byChar = !p || !!p.character;
    const body: Record<string, unknown> = { model: endpoint.upstreamModel, input: req.input, voice: req.voice };
    if (req.responseFormat) body.response_format = req.responseFormat;
    if (req.speed !== undefined) body.speed = req.speed;
    if (req.instructions) body.instructions = req.instructions;
    const sse = !byChar || req.streamFormat === "sse";
    if (sse) body.stream_format = "sse";
    let bound: number | null = null;
    if (p && byChar) bound = (mediaWorstCaseMicros(p, { characters: [...req.input].length }) ?? 0) + (p.request ?? 0);
    else if (p) bound = worstCaseMicros(p, utf8Bytes(req.input) + utf8Bytes(req.instructions), MAX_AUDIO_OUTPUT_TOKENS);
    return { op: "speech", body, bound, sse, format: req.responseFormat ?? "mp3" };
  },
  async open(res, req, prepared) {
    const characters = { characters: [...req.input].length };
    if (!prepared.sse) {
      const metered: AudioMetering = { usage: { inputTokens: 0, outputTokens: 0 }, media: characters };
      return { contentType: res.headers.get("content-type") ?? AUDIO_TYPES[prepared.format] ?? "application/octet-stream", body: res.body!, metered: Promise.resolve(metered) };
    }
    // SSE upstream: watch for the usage; give the caller SSE as is, or the decoded audio bytes.
    const passSse = req.streamFormat === "sse";
    const decoder = sseDecoder();
    let usage: Usage | undefined;
    let done!: (m: AudioMetering) => void;
    const metered = new Promise<AudioMetering>((r) => (done = r));
    const finish = () => done({ usage: usage ?? { inputTokens: 0, outputTokens: 0 }, media: { ...characters, outputAudioTokens: usage?.audioOutputTokens } });
    const onEvent = (data: string, emit: (b: Uint8Array) => void) => {
      const parsed = safeJsonParse(data);
      if (!parsed.ok || !isRecord(parsed.value)) return;
      const ev = parsed.value;
      if (ev.type === "speech.audio.delta" && typeof ev.audio === "string" && !passSse) emit(base64ToBytes(ev.audio));
      if (ev.type === "speech.audio.done" && isRecord(ev.usage)) {
        const u = ev.usage;
        const out = typeof u.output_tokens === "number" ? u.output_tokens : 0;
        usage = { inputTokens: typeof u.input_tokens === "number" ? u.input_tokens : 0, outputTokens: out, audioOutputTokens: out };
      }
    };
    const body = res.body!.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, c) {
          if (passSse) c.enqueue(chunk);
          decoder.transform(chunk, (e) => onEvent(e.data, (b) => c.enqueue(b)));
        },
        flush(c) {
          decoder.flush((e) => onEvent(e.data, (b) => c.enqueue(b)));
          finish();
        },
      }),
    );
    return { contentType: passSse ? "text/event-stream" : (AUDIO_TYPES[prepared.format] ?? "audio/mpeg"), body, metered };
  },
};
