/**
 * POST /v1/audio/speech end to end: OpenAI TTS (per-character tts-1, token-billed gpt-4o-mini-tts
 * whose SSE answer the gateway turns back into audio bytes) and Gemini TTS (raw 24 kHz PCM wrapped
 * as WAV, or passed raw), the request each upstream receives, the bytes the caller gets, and the
 * catalog price charged (header, usage record, key spend).
 */
import { describe, expect, it } from "vitest";
import { costMicros } from "../../src/catalog/pricing";
import { prices, setup } from "./helpers";

const bytesOf = async (res: Response) => new Uint8Array(await res.arrayBuffer());
const ascii = (b: Uint8Array, from: number, to: number) => String.fromCharCode(...b.subarray(from, to));

describe("POST /v1/audio/speech", () => {
  it("tts-1: streams the upstream's audio bytes, priced per character before the call", async () => {
    const s = await setup("speech-tts1");
    const input = "Hello from the gateway.";
    const res = await s.post("/v1/audio/speech", { model: "openai/tts-1", input, voice: "alloy", speed: 1.25 });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("audio/mpeg");
    const audio = await bytesOf(res);
    // The fake makes 200 bytes per character, "ID3" first for mp3.
    expect(audio.length).toBe(input.length * 200);
    expect(ascii(audio, 0, 3)).toBe("ID3");
    const sent = (await s.up.lastRequest())!;
    expect(sent.path).toBe("/openai/v1/audio/speech");
    expect(sent.body).toEqual({ model: "tts-1", input, voice: "alloy", speed: 1.25 });
    const expected = costMicros(prices("openai/tts-1", "openai"), { inputTokens: 0, outputTokens: 0 }, { characters: input.length });
    expect(expected).toBe(input.length * 15);
    expect(res.headers.get("x-arouter-cost")).toBe((expected / 1e6).toFixed(6));
    const g = await s.generation(res.headers.get("x-generation-id")!);
    expect(g).toMatchObject({ surface: "audio", provider_name: "openai", cost_micros: expected, status: 200, streamed: true });
    expect(await s.usage()).toBeCloseTo(expected / 1e6, 9);
  });

  it("gpt-4o-mini-tts: asks for SSE to learn the tokens, gives the caller the decoded bytes, bills text and audio tokens", async () => {
    const s = await setup("speech-mini-tts");
    const input = "Token billed speech.";
    const res = await s.post("/v1/audio/speech", { model: "openai/gpt-4o-mini-tts", input, voice: "coral", instructions: "Cheerful", response_format: "wav" });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("audio/wav");
    const audio = await bytesOf(res);
    expect(audio.length).toBe(input.length * 200);
    expect(ascii(audio, 0, 4)).toBe("RIFF");
    const sent = (await s.up.lastRequest())!;
    expect(sent.body).toEqual({ model: "gpt-4o-mini-tts", input, voice: "coral", instructions: "Cheerful", response_format: "wav", stream_format: "sse" });
    // The fake's usage: ceil(chars/4) text tokens in, ceil(bytes/100) audio tokens out.
    const inTok = Math.ceil(input.length / 4) + Math.ceil("Cheerful".length / 4);
    const outTok = Math.ceil((input.length * 200) / 100);
    const p = prices("openai/gpt-4o-mini-tts", "openai");
    const expected = Math.ceil(inTok * p.prompt + outTok * p.audioOutput!);
    const g = await s.generation(res.headers.get("x-generation-id")!);
    expect(g).toMatchObject({ surface: "audio", cost_micros: expected, tokens_prompt: inTok, tokens_completion: outTok });
    expect(await s.usage()).toBeCloseTo(expected / 1e6, 9);
  });

  it("stream_format sse: the caller gets OpenAI's speech events as sent", async () => {
    const s = await setup("speech-sse");
    const res = await s.post("/v1/audio/speech", { model: "openai/gpt-4o-mini-tts", input: "Events please.", voice: "alloy", stream_format: "sse" });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/event-stream");
    const text = await res.text();
    expect(text).toContain('"type":"speech.audio.delta"');
    expect(text).toContain('"type":"speech.audio.done"');
  });

  it("Gemini TTS: generateContent with AUDIO and the voice, the PCM wrapped as a 24 kHz WAV, billed per audio token", async () => {
    const s = await setup("speech-gemini");
    const input = "Speak this, Gemini.";
    const res = await s.post("/v1/audio/speech", { model: "google/gemini-2.5-flash-preview-tts", input, voice: "puck", response_format: "wav", provider: { only: ["google"] } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("audio/wav");
    const sent = (await s.up.lastRequest())!;
    expect(sent.path).toBe("/gemini/v1beta/models/gemini-2.5-flash-preview-tts:generateContent");
    expect(sent.body).toEqual({
      contents: [{ role: "user", parts: [{ text: input }] }],
      generationConfig: { responseModalities: ["AUDIO"], speechConfig: { voiceConfig: { prebuiltVoiceConfig: { voiceName: "Puck" } } } },
    });
    const wav = await bytesOf(res);
    const v = new DataView(wav.buffer);
    expect(ascii(wav, 0, 4)).toBe("RIFF");
    expect(ascii(wav, 8, 12)).toBe("WAVE");
    expect(v.getUint32(24, true)).toBe(24000);
    expect(v.getUint16(34, true)).toBe(16);
    expect(v.getUint32(40, true)).toBe(wav.length - 44);
    const g = await s.generation(res.headers.get("x-generation-id")!);
    const p = prices("google/gemini-2.5-flash-preview-tts", "google");
    // The fake reports ceil(pcmBytes / 960) AUDIO tokens.
    const audioTokens = Math.ceil((wav.length - 44) / 960);
    expect(g.tokens_completion).toBe(audioTokens);
    expect(g.cost_micros).toBe(Math.ceil(g.tokens_prompt * p.prompt + audioTokens * p.audioOutput!));
    expect(await s.usage()).toBeCloseTo(g.cost_micros / 1e6, 9);
  });

  it("Gemini TTS: pcm is the raw PCM; OpenAI voice names get Gemini's default voice", async () => {
    const s = await setup("speech-gemini-pcm");
    const res = await s.post("/v1/audio/speech", { model: "google/gemini-2.5-flash-preview-tts", input: "Raw please.", voice: "alloy", response_format: "pcm", provider: { only: ["google"] } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("audio/pcm");
    const pcm = await bytesOf(res);
    expect(pcm.length % 2).toBe(0);
    expect(ascii(pcm, 0, 4)).not.toBe("RIFF");
    expect((await s.up.lastRequest())!.body.generationConfig.speechConfig.voiceConfig.prebuiltVoiceConfig.voiceName).toBe("Kore");
  });

  it("refuses what cannot be produced or is malformed with OpenAI-shaped 400s, before any upstream call", async () => {
    const s = await setup("speech-bad");
    const mp3 = await s.post("/v1/audio/speech", { model: "google/gemini-2.5-flash-preview-tts", input: "x", voice: "Kore", response_format: "mp3", provider: { only: ["google"] } });
    expect(mp3.status).toBe(400);
    const msg = ((await mp3.json()) as any).error.message;
    expect(msg).toMatch(/'mp3'/);
    expect(msg).toMatch(/'wav' or 'pcm'/);
    const noInput = await s.post("/v1/audio/speech", { model: "openai/tts-1", voice: "alloy" });
    expect(noInput.status).toBe(400);
    expect(((await noInput.json()) as any).error).toMatchObject({ type: "invalid_request_error", message: expect.stringMatching(/^input: required/) });
    const badFormat = await s.post("/v1/audio/speech", { model: "openai/tts-1", input: "x", voice: "alloy", response_format: "ogg" });
    expect(badFormat.status).toBe(400);
    const notTts = await s.post("/v1/audio/speech", { model: "openai/gpt-4o", input: "x", voice: "alloy" });
    expect(notTts.status).toBe(400);
    expect(await s.up.requests()).toHaveLength(0);
  });

  it("a key with a limit: refused (402) when the input's price exceeds what is left; served and charged within it", async () => {
    const s = await setup("speech-limit", { limit: 0.001 });
    const long = "a".repeat(100); // 100 characters × $15/M = $0.0015 > $0.001
    const over = await s.post("/v1/audio/speech", { model: "openai/tts-1", input: long, voice: "alloy" });
    expect(over.status).toBe(402);
    expect(((await over.json()) as any).error.message).toMatch(/spend limit/);
    expect(await s.up.requests()).toHaveLength(0);
    const ok = await s.post("/v1/audio/speech", { model: "openai/tts-1", input: "a".repeat(50), voice: "alloy" });
    expect(ok.status).toBe(200);
    await ok.arrayBuffer();
    expect(await s.usage()).toBeCloseTo((50 * 15) / 1e6, 9);
  });
});
