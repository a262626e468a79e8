/**
 * Images and audio in chat answers, through the chat surfaces: OpenRouter's image models and
 * OpenAI's gpt-audio (chat format, same-format and re-encoded), Gemini image and TTS models
 * (inlineData) reached from the chat surface, and the Gemini surface answering with inlineData
 * from an OpenAI-format upstream; streamed and not; each priced at the catalog's media rates.
 */
import { describe, expect, it } from "vitest";
import { jsonPost } from "../helpers/gateway";
import { PNG_1X1, prices, setup } from "./helpers";

const DATA_URL = `data:image/png;base64,${PNG_1X1}`;
const TRANSCRIPT = "Hello from the fake voice.";

/** The `data:` payloads of a chat.completion.chunk SSE body. */
function chunks(sse: string): any[] {
  return sse
    .split("\n\n")
    .map((f) => f.trim())
    .filter((f) => f.startsWith("data: ") && f !== "data: [DONE]")
    .map((f) => JSON.parse(f.slice(6)));
}

describe("chat surface: image output", () => {
  it("Gemini image model: responseModalities asked for, the inlineData image as message.images, image tokens at their rate", async () => {
    const s = await setup("chat-img-gemini");
    const res = await s.post("/v1/chat/completions", {
      model: "google/gemini-2.5-flash-image", modalities: ["image", "text"], messages: [{ role: "user", content: "Draw a boat" }], provider: { only: ["google"] },
    });
    expect(res.status).toBe(200);
    const sent = (await s.up.lastRequest())!;
    expect(sent.path).toBe("/gemini/v1beta/models/gemini-2.5-flash-image:generateContent");
    expect(sent.body.generationConfig.responseModalities).toEqual(["IMAGE", "TEXT"]);
    const body = (await res.json()) as any;
    const msg = body.choices[0].message;
    expect(msg.content).toBe("Here is your image.");
    expect(msg.images).toEqual([{ type: "image_url", image_url: { url: DATA_URL }, index: 0 }]);
    expect(body.usage.completion_tokens_details.image_tokens).toBe(1290);
    const p = prices("google/gemini-2.5-flash-image", "google");
    const expected = Math.ceil(body.usage.prompt_tokens * p.prompt + 5 * p.completion + 1290 * p.imageOutputToken!);
    expect(body.usage.cost).toBe(expected / 1e6);
    const g = await s.generation(res.headers.get("x-generation-id")!);
    expect(g.cost_micros).toBe(expected);
    expect(await s.usage()).toBeCloseTo(expected / 1e6, 9);
  });

  it("Gemini image model, streamed: the image arrives as delta.images", async () => {
    const s = await setup("chat-img-gemini-stream");
    const res = await s.post("/v1/chat/completions", {
      model: "google/gemini-2.5-flash-image", modalities: ["image", "text"], stream: true, stream_options: { include_usage: true },
      messages: [{ role: "user", content: "Draw a boat" }], provider: { only: ["google"] },
    });
    expect(res.status).toBe(200);
    const all = chunks(await res.text());
    const deltas = all.flatMap((c) => c.choices.map((ch: any) => ch.delta));
    expect(deltas.map((d) => d.content ?? "").join("")).toBe("Here is your image.");
    expect(deltas.flatMap((d) => d.images ?? [])).toEqual([{ type: "image_url", image_url: { url: DATA_URL }, index: 0 }]);
    const usage = all.at(-1).usage;
    expect(usage.completion_tokens_details.image_tokens).toBe(1290);
    const p = prices("google/gemini-2.5-flash-image", "google");
    expect(usage.cost).toBe(Math.ceil(usage.prompt_tokens * p.prompt + 5 * p.completion + 1290 * p.imageOutputToken!) / 1e6);
  });

  it("OpenRouter image model (same format): message.images and delta.images as the upstream sent them, modalities forwarded", async () => {
    const s = await setup("chat-img-openrouter");
    const body = { model: "google/gemini-2.5-flash-image", modalities: ["image", "text"], messages: [{ role: "user", content: "Draw" }], provider: { only: ["openrouter"] } };
    const res = await s.post("/v1/chat/completions", body);
    expect(res.status).toBe(200);
    expect((await s.up.lastRequest())!.body.modalities).toEqual(["image", "text"]);
    const json = (await res.json()) as any;
    expect(json.choices[0].message.images[0].image_url.url).toBe(DATA_URL);
    const p = prices("google/gemini-2.5-flash-image", "openrouter");
    // OpenRouter lists no image-output rate for it: every output token at the completion rate.
    expect(p.imageOutputToken).toBeUndefined();
    expect(json.usage.cost).toBe(Math.ceil(json.usage.prompt_tokens * p.prompt + json.usage.completion_tokens * p.completion) / 1e6);
    const stream = await s.post("/v1/chat/completions", { ...body, stream: true });
    const deltas = chunks(await stream.text()).flatMap((c) => c.choices.map((ch: any) => ch.delta));
    expect(deltas.flatMap((d) => d.images ?? []).map((i: any) => i.image_url.url)).toEqual([DATA_URL]);
  });
});

describe("chat surface: audio output", () => {
  it("gpt-audio: message.audio with data, transcript, id and expires_at; audio tokens at the audio rate", async () => {
    const s = await setup("chat-audio-openai");
    const res = await s.post("/v1/chat/completions", {
      model: "openai/gpt-audio", modalities: ["text", "audio"], audio: { voice: "alloy", format: "wav" }, messages: [{ role: "user", content: "Say hi" }], provider: { only: ["openai"] },
    });
    expect(res.status).toBe(200);
    expect((await s.up.lastRequest())!.body).toMatchObject({ modalities: ["text", "audio"], audio: { voice: "alloy", format: "wav" } });
    const body = (await res.json()) as any;
    const audio = body.choices[0].message.audio;
    expect(audio.transcript).toBe(TRANSCRIPT);
    expect(audio.id).toMatch(/^audio_/);
    expect(audio.expires_at).toBeGreaterThan(0);
    expect(atob(audio.data).length).toBe(TRANSCRIPT.length * 2400 * 2);
    const audioTokens = body.usage.completion_tokens_details.audio_tokens;
    expect(audioTokens).toBeGreaterThan(0);
    const p = prices("openai/gpt-audio", "openai");
    const expected = Math.ceil(body.usage.prompt_tokens * p.prompt + 6 * p.completion + audioTokens * p.audioOutput!);
    const g = await s.generation(res.headers.get("x-generation-id")!);
    expect(g.cost_micros).toBe(expected);
  });

  it("gpt-audio streamed: the audio deltas (transcript pieces, data, expires_at) reach the caller", async () => {
    const s = await setup("chat-audio-openai-stream");
    const res = await s.post("/v1/chat/completions", {
      model: "openai/gpt-audio", modalities: ["text", "audio"], audio: { voice: "alloy", format: "pcm16" }, stream: true, stream_options: { include_usage: true },
      messages: [{ role: "user", content: "Say hi" }], provider: { only: ["openai"] },
    });
    expect(res.status).toBe(200);
    const all = chunks(await res.text());
    const audio = all.flatMap((c) => c.choices.map((ch: any) => ch.delta.audio).filter(Boolean));
    expect(audio.map((a: any) => a.transcript ?? "").join("")).toBe(TRANSCRIPT);
    expect(atob(audio.map((a: any) => a.data ?? "").join("")).length).toBe(TRANSCRIPT.length * 2400 * 2);
    expect(audio[0].id).toMatch(/^audio_/);
    expect(audio.at(-1).expires_at).toBeGreaterThan(0);
    const g = await s.generation(res.headers.get("x-generation-id")!);
    const usage = all.at(-1).usage;
    const p = prices("openai/gpt-audio", "openai");
    expect(g.cost_micros).toBe(Math.ceil(usage.prompt_tokens * p.prompt + 6 * p.completion + usage.completion_tokens_details.audio_tokens * p.audioOutput!));
  });

  it("Gemini TTS from the chat surface: AUDIO with the voice, the PCM as message.audio, streamed as delta.audio", async () => {
    const s = await setup("chat-audio-gemini");
    const req = { model: "google/gemini-2.5-flash-preview-tts", modalities: ["text", "audio"], audio: { voice: "puck", format: "pcm16" }, messages: [{ role: "user", content: "Say hello" }], provider: { only: ["google"] } };
    const res = await s.post("/v1/chat/completions", req);
    expect(res.status).toBe(200);
    const sent = (await s.up.lastRequest())!;
    expect(sent.body.generationConfig).toMatchObject({ responseModalities: ["AUDIO"], speechConfig: { voiceConfig: { prebuiltVoiceConfig: { voiceName: "Puck" } } } });
    const body = (await res.json()) as any;
    const pcm = atob(body.choices[0].message.audio.data);
    expect(pcm.length % 2).toBe(0);
    expect(pcm.length).toBeGreaterThanOrEqual(4800);
    const audioTokens = body.usage.completion_tokens_details.audio_tokens;
    expect(audioTokens).toBe(Math.ceil(pcm.length / 960));
    const p = prices("google/gemini-2.5-flash-preview-tts", "google");
    expect(body.usage.cost).toBe(Math.ceil(body.usage.prompt_tokens * p.prompt + audioTokens * p.audioOutput!) / 1e6);

    const stream = await s.post("/v1/chat/completions", { ...req, stream: true });
    const pieces = chunks(await stream.text()).flatMap((c) => c.choices.map((ch: any) => ch.delta.audio?.data).filter(Boolean));
    expect(pieces.length).toBe(2);
    expect(atob(pieces.join(""))).toBe(pcm);
  });
});

describe("Gemini surface: media output", () => {
  it("an OpenAI-format image answer (OpenRouter) comes back as an inlineData part, streamed and not", async () => {
    // Google's own endpoints disabled: OpenRouter's is the one left (the Gemini surface has no provider preferences).
    const s = await setup("gemini-surface-img", {}, { GEMINI_API_KEY: "", GOOGLE_VERTEX_PROJECT: "" });
    const gemini = (action: string) =>
      s.gw.fetch(`/v1beta/models/google/gemini-2.5-flash-image:${action}`, jsonPost({
        contents: [{ role: "user", parts: [{ text: "Draw" }] }], generationConfig: { responseModalities: ["TEXT", "IMAGE"] },
      }, { "x-goog-api-key": s.key }));
    const res = await gemini("generateContent");
    expect(res.status).toBe(200);
    const sent = (await s.up.lastRequest())!;
    expect(sent.path).toBe("/openrouter/v1/chat/completions");
    expect(sent.body.modalities).toEqual(["text", "image"]);
    const body = (await res.json()) as any;
    expect(body.candidates[0].content.parts).toEqual([{ text: "Here is your image." }, { inlineData: { mimeType: "image/png", data: PNG_1X1 } }]);
    const stream = await gemini("streamGenerateContent?alt=sse");
    const parts = (await stream.text()).split("\r\n\r\n").filter((f) => f.startsWith("data: ")).flatMap((f) => JSON.parse(f.slice(6)).candidates[0].content.parts);
    expect(parts).toContainEqual({ inlineData: { mimeType: "image/png", data: PNG_1X1 } });
  });
});

describe("Anthropic surface", () => {
  it("refuses an image model (its answer would carry images Messages cannot hold) with a 400 in Anthropic's shape", async () => {
    const s = await setup("anthropic-surface-img");
    const res = await s.gw.fetch("/v1/messages", jsonPost(
      { model: "google/gemini-2.5-flash-image", max_tokens: 100, messages: [{ role: "user", content: "Draw" }] },
      { "x-api-key": s.key, "anthropic-version": "2023-06-01" },
    ));
    expect(res.status).toBe(400);
    const body = (await res.json()) as any;
    expect(body.type).toBe("error");
    expect(body.error.type).toBe("invalid_request_error");
    expect(body.error.message).toMatch(/generated images or audio.*\/v1\/chat\/completions/);
    expect(await s.up.requests()).toHaveLength(0);
    // A text model on the same surface is unaffected.
    const ok = await s.gw.fetch("/v1/messages", jsonPost(
      { model: "openai/gpt-4o-mini", max_tokens: 100, messages: [{ role: "user", content: "Hi" }] },
      { "x-api-key": s.key, "anthropic-version": "2023-06-01" },
    ));
    expect(ok.status).toBe(200);
  });
});

describe("audio across formats", () => {
  it("chat → Gemini TTS with format wav: the 24 kHz PCM behind a WAV header", async () => {
    const s = await setup("chat-audio-gemini-wav");
    const res = await s.post("/v1/chat/completions", {
      model: "google/gemini-2.5-flash-preview-tts", modalities: ["audio"], audio: { voice: "Kore", format: "wav" }, messages: [{ role: "user", content: "Say hello" }], provider: { only: ["google"] },
    });
    expect(res.status).toBe(200);
    const wav = Uint8Array.from(atob(((await res.json()) as any).choices[0].message.audio.data), (c) => c.charCodeAt(0));
    const v = new DataView(wav.buffer);
    expect(String.fromCharCode(...wav.subarray(0, 4))).toBe("RIFF");
    expect(v.getUint32(24, true)).toBe(24000);
    expect(v.getUint32(40, true)).toBe(wav.length - 44);
  });

  it("Gemini surface → gpt-audio: responseModalities AUDIO becomes modalities text+audio with an OpenAI voice; the audio is inlineData", async () => {
    const s = await setup("gemini-surface-audio");
    const ask = (action: string) =>
      s.gw.fetch(`/v1beta/models/openai/gpt-audio:${action}`, jsonPost({
        contents: [{ role: "user", parts: [{ text: "Say hi" }] }],
        generationConfig: { responseModalities: ["AUDIO"], speechConfig: { voiceConfig: { prebuiltVoiceConfig: { voiceName: "Kore" } } } },
      }, { "x-goog-api-key": s.key }));
    const res = await ask("generateContent");
    expect(res.status).toBe(200);
    const sent = (await s.up.lastRequest())!;
    expect(sent.path).toBe("/openai/v1/chat/completions");
    expect(sent.body).toMatchObject({ modalities: ["text", "audio"], audio: { voice: "alloy", format: "wav" } });
    const parts = ((await res.json()) as any).candidates[0].content.parts;
    const audio = parts.find((p: any) => p.inlineData);
    expect(audio.inlineData.mimeType).toBe("audio/wav");
    expect(atob(audio.inlineData.data).length).toBe(TRANSCRIPT.length * 2400 * 2);

    const stream = await ask("streamGenerateContent?alt=sse");
    expect(stream.status).toBe(200);
    expect((await s.up.lastRequest())!.body.audio).toEqual({ voice: "alloy", format: "pcm16" });
    const streamed = (await stream.text()).split("\r\n\r\n").filter((f) => f.startsWith("data: "))
      .flatMap((f) => JSON.parse(f.slice(6)).candidates[0].content.parts).filter((p: any) => p.inlineData);
    expect(new Set(streamed.map((p: any) => p.inlineData.mimeType))).toEqual(new Set(["audio/L16;codec=pcm;rate=24000"]));
    expect(atob(streamed.map((p: any) => p.inlineData.data).join("")).length).toBe(TRANSCRIPT.length * 2400 * 2);
  });
});

describe("Gemini surface: same-format media answers", () => {
  it("a Gemini TTS stream (audio first, no text) passes through and is billed at the audio output rate", async () => {
    const s = await setup("gemini-surface-tts");
    const res = await s.gw.fetch("/v1beta/models/google/gemini-2.5-flash-preview-tts:streamGenerateContent?alt=sse", jsonPost({
      contents: [{ role: "user", parts: [{ text: "Say hello" }] }],
      generationConfig: { responseModalities: ["AUDIO"], speechConfig: { voiceConfig: { prebuiltVoiceConfig: { voiceName: "Puck" } } } },
    }, { "x-goog-api-key": s.key }));
    expect(res.status).toBe(200);
    const frames = (await res.text()).split("\r\n\r\n").filter((f) => f.startsWith("data: ")).map((f) => JSON.parse(f.slice(6)));
    const pcm = atob(frames.flatMap((f) => f.candidates[0].content.parts).map((p: any) => p.inlineData.data).join(""));
    expect(pcm.length).toBeGreaterThan(0);
    const last = frames.at(-1).usageMetadata;
    const audioTokens = last.candidatesTokensDetails.find((d: any) => d.modality === "AUDIO").tokenCount;
    const p = prices("google/gemini-2.5-flash-preview-tts", "google");
    // The catalog's text completion price is 0: only the audio rate makes this call cost anything.
    expect(p.completion).toBe(0);
    const expected = Math.ceil(last.promptTokenCount * p.prompt + audioTokens * p.audioOutput!);
    const g = await s.generation(res.headers.get("x-generation-id")!);
    expect(g.cost_micros).toBe(expected);
  });
});

describe("chat codec: audio in several parts", () => {
  it("joins the parts' bytes, not their base64 texts (each may end in padding)", async () => {
    const { openaiCodec } = await import("../../src/codecs/openai");
    const body = openaiCodec.encodeResponse(
      {
        id: "x", model: "m", content: [], finishReason: "stop", usage: { inputTokens: 1, outputTokens: 2 },
        media: [{ type: "generated-audio", data: "AQ==", format: "pcm16" }, { type: "generated-audio", data: "Ag==", format: "pcm16" }],
      },
      { id: "gen-1", model: "m", provider: "google", created: 1 },
    ) as any;
    expect(body.choices[0].message.audio.data).toBe("AQI=");
  });
});
