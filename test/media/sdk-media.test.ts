/**
 * The official `openai` SDK's media calls against the gateway, unchanged (its fetch routed into
 * the app in-process): images.generate, images.edit (multipart upload), audio.speech.create,
 * audio.transcriptions.create; and the model list filtered by output modality.
 */
import OpenAI, { toFile } from "openai";
import { describe, expect, it } from "vitest";
import { SDK_BASE, sdkFetch, type SdkCall } from "../helpers/sdk-fetch";
import { PNG_1X1, pngBytes, setup, wav } from "./helpers";

async function sdk(name: string) {
  const s = await setup(name);
  const log: SdkCall[] = [];
  const client = new OpenAI({ apiKey: s.key, baseURL: `${SDK_BASE}/v1`, fetch: sdkFetch(s.gw, log), maxRetries: 0 });
  return { ...s, client, log };
}

describe("openai SDK media calls → gateway", () => {
  it("images.generate", async () => {
    const { client, log, up } = await sdk("sdk-img-gen");
    const res = await client.images.generate({ model: "openai/gpt-image-1", prompt: "a red fox", size: "1024x1024", quality: "low" });
    expect(log[0]).toMatchObject({ method: "POST", path: "/v1/images/generations" });
    expect(res.data).toEqual([{ b64_json: PNG_1X1 }]);
    expect(res.usage?.output_tokens).toBeGreaterThan(0);
    expect((await up.lastRequest())!.body).toMatchObject({ model: "gpt-image-1", prompt: "a red fox", size: "1024x1024", quality: "low" });
  });

  it("images.edit with an uploaded file", async () => {
    const { client, log, up } = await sdk("sdk-img-edit");
    const res = await client.images.edit({ model: "openai/gpt-image-1", prompt: "add a hat", image: await toFile(pngBytes(), "fox.png", { type: "image/png" }) });
    expect(log[0]).toMatchObject({ method: "POST", path: "/v1/images/edits" });
    expect(log[0].headers["content-type"]).toMatch(/^multipart\/form-data/);
    expect(res.data).toHaveLength(1);
    const sent = (await up.lastRequest())!;
    expect(sent.path).toBe("/openai/v1/images/edits");
    expect(sent.body).toContain('filename="fox.png"');
  });

  it("audio.speech.create streams the audio bytes", async () => {
    const { client, log } = await sdk("sdk-speech");
    const input = "The SDK speaks.";
    const res = await client.audio.speech.create({ model: "openai/tts-1", input, voice: "alloy", response_format: "flac" });
    expect(log[0]).toMatchObject({ method: "POST", path: "/v1/audio/speech" });
    expect(res.headers.get("content-type")).toBe("audio/flac");
    const audio = new Uint8Array(await res.arrayBuffer());
    expect(audio.length).toBe(input.length * 200);
    expect(String.fromCharCode(...audio.subarray(0, 4))).toBe("fLaC");
  });

  it("audio.transcriptions.create (json and verbose_json) and audio.translations.create", async () => {
    const { client, log } = await sdk("sdk-stt");
    const file = await toFile(wav(2), "clip.wav", { type: "audio/wav" });
    const t = await client.audio.transcriptions.create({ model: "openai/whisper-1", file });
    expect(log[0]).toMatchObject({ method: "POST", path: "/v1/audio/transcriptions" });
    expect(t.text).toBe("Fake transcription of 2 seconds of audio.");
    const v = await client.audio.transcriptions.create({ model: "openai/whisper-1", file: await toFile(wav(2), "clip.wav"), response_format: "verbose_json" });
    expect(v.duration).toBe(2);
    expect(v.segments).toHaveLength(2);
    const tr = await client.audio.translations.create({ model: "openai/whisper-1", file: await toFile(wav(1), "clip.wav") });
    expect(tr.text).toBe("Fake translation of 1 seconds of audio.");
  });
});

describe("GET /v1/models?output_modalities=", () => {
  it("image and audio list the media models of the catalog, and only those", async () => {
    const s = await setup("models-media");
    const ids = async (q: string) => {
      const res = await s.gw.fetch(`/v1/models?output_modalities=${q}`, { headers: { authorization: `Bearer ${s.key}` } });
      expect(res.status).toBe(200);
      const data = ((await res.json()) as { data: Array<{ id: string; architecture: { output_modalities: string[] } }> }).data;
      for (const m of data) expect(m.architecture.output_modalities).toContain(q);
      return data.map((m) => m.id);
    };
    const images = await ids("image");
    expect(images).toEqual(expect.arrayContaining(["openai/gpt-image-1", "google/imagen-4.0-generate-001", "black-forest-labs/flux-1-schnell", "google/gemini-2.5-flash-image"]));
    expect(images).not.toContain("openai/gpt-4o");
    const audio = await ids("audio");
    expect(audio).toEqual(expect.arrayContaining(["openai/tts-1", "openai/gpt-4o-mini-tts", "google/gemini-2.5-flash-preview-tts"]));
    expect(audio).not.toContain("openai/whisper-1");
  });
});
