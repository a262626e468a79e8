/**
 * POST /v1/audio/transcriptions and /v1/audio/translations (multipart uploads) end to end:
 * OpenAI whisper-1 and Groq whisper-large-v3 (per second of audio: the gateway asks for
 * verbose_json and renders the caller's format), OpenAI *-transcribe (per token), malformed and
 * incomplete uploads, and keys with a limit (an upload whose length is unknown cannot be bounded).
 */
import { describe, expect, it } from "vitest";
import { prices, setup, wav } from "./helpers";

function upload(model: string, file: Blob, fields: Record<string, string> = {}, name = "speech.wav"): FormData {
  const form = new FormData();
  form.set("model", model);
  form.set("file", file, name);
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  return form;
}
const wavFile = (seconds: number) => new Blob([wav(seconds)], { type: "audio/wav" });

describe("POST /v1/audio/transcriptions", () => {
  it("whisper-1: forwards the upload with the upstream model, answers json with usage and cost, bills per second", async () => {
    const s = await setup("stt-whisper");
    const res = await s.postForm("/v1/audio/transcriptions", upload("openai/whisper-1", wavFile(3), { language: "en" }));
    expect(res.status).toBe(200);
    const sent = (await s.up.lastRequest())!;
    expect(sent.path).toBe("/openai/v1/audio/transcriptions");
    expect(sent.headers["content-type"]).toMatch(/^multipart\/form-data; boundary=/);
    expect(sent.body).toContain('name="model"\r\n\r\nwhisper-1\r\n');
    expect(sent.body).toContain('name="response_format"\r\n\r\nverbose_json\r\n');
    expect(sent.body).toContain('name="language"\r\n\r\nen\r\n');
    expect(sent.body).toContain('filename="speech.wav"');
    const expected = Math.ceil(3 * prices("openai/whisper-1", "openai").audioSecond!);
    expect(expected).toBe(300);
    const body = (await res.json()) as any;
    expect(body).toEqual({ text: "Fake transcription of 3 seconds of audio.", usage: { type: "duration", seconds: 3, cost: expected / 1e6 } });
    expect(res.headers.get("x-arouter-cost")).toBe((expected / 1e6).toFixed(6));
    const g = await s.generation(res.headers.get("x-generation-id")!);
    expect(g).toMatchObject({ surface: "audio", provider_name: "openai", cost_micros: expected, status: 200 });
    expect(await s.usage()).toBeCloseTo(expected / 1e6, 9);
  });

  it("renders text, srt, vtt and verbose_json from the upstream's verbose_json", async () => {
    const s = await setup("stt-formats");
    const text = await s.postForm("/v1/audio/transcriptions", upload("openai/whisper-1", wavFile(2), { response_format: "text" }));
    expect(text.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(await text.text()).toBe("Fake transcription of 2 seconds of audio.\n");
    const srt = await s.postForm("/v1/audio/transcriptions", upload("openai/whisper-1", wavFile(2), { response_format: "srt" }));
    expect(await srt.text()).toBe("1\n00:00:00,000 --> 00:00:01,000\nFake transcriptio\n\n2\n00:00:01,000 --> 00:00:02,000\nn of 2 seconds of audio.\n\n");
    const vtt = await s.postForm("/v1/audio/transcriptions", upload("openai/whisper-1", wavFile(2), { response_format: "vtt" }));
    expect(vtt.headers.get("content-type")).toMatch(/^text\/vtt/);
    expect(await vtt.text()).toBe("WEBVTT\n\n00:00:00.000 --> 00:00:01.000\nFake transcriptio\n\n00:00:01.000 --> 00:00:02.000\nn of 2 seconds of audio.\n\n");
    const verbose = (await (await s.postForm("/v1/audio/transcriptions", upload("openai/whisper-1", wavFile(2), { response_format: "verbose_json" }))).json()) as any;
    expect(verbose).toMatchObject({ task: "transcribe", duration: 2, segments: [{ id: 0 }, { id: 1 }], usage: { type: "duration", seconds: 2, cost: 0.0002 } });
    // Every call asked the upstream for verbose_json.
    for (const r of await s.up.requests()) expect(r.body).toContain('name="response_format"\r\n\r\nverbose_json\r\n');
  });

  it("gpt-4o-mini-transcribe: billed per audio and text token; subtitle formats refused before the call", async () => {
    const s = await setup("stt-transcribe");
    const res = await s.postForm("/v1/audio/transcriptions", upload("openai/gpt-4o-mini-transcribe", wavFile(4)));
    expect(res.status).toBe(200);
    const body = (await res.json()) as any;
    // The fake: ceil(seconds × 10) audio tokens in, 12 text tokens out.
    expect(body.usage).toMatchObject({ type: "tokens", input_tokens: 40, output_tokens: 12 });
    const p = prices("openai/gpt-4o-mini-transcribe", "openai");
    const expected = Math.ceil(40 * p.audioInput! + 12 * p.completion);
    expect(body.usage.cost).toBe(expected / 1e6);
    expect(await s.usage()).toBeCloseTo(expected / 1e6, 9);
    const srt = await s.postForm("/v1/audio/transcriptions", upload("openai/gpt-4o-mini-transcribe", wavFile(1), { response_format: "srt" }));
    expect(srt.status).toBe(400);
    expect(((await srt.json()) as any).error.message).toMatch(/'json' or 'text'/);
    expect(await s.up.requests()).toHaveLength(1);
  });

  it("answers malformed and incomplete uploads with OpenAI-shaped 400s", async () => {
    const s = await setup("stt-bad");
    const broken = await s.gw.fetch("/v1/audio/transcriptions", {
      method: "POST",
      headers: { authorization: `Bearer ${s.key}`, "content-type": "multipart/form-data; boundary=XYZ" },
      body: "--XYZ\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\nopenai/whisper-1",
    });
    expect(broken.status).toBe(400);
    expect(((await broken.json()) as any).error).toMatchObject({ type: "invalid_request_error", message: expect.stringMatching(/multipart/i) });
    const noFile = new FormData();
    noFile.set("model", "openai/whisper-1");
    const missing = await s.postForm("/v1/audio/transcriptions", noFile);
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as any).error.message).toMatch(/^file: required/);
    const badFormat = await s.postForm("/v1/audio/transcriptions", upload("openai/whisper-1", wavFile(1), { response_format: "xml" }));
    expect(badFormat.status).toBe(400);
    expect(((await badFormat.json()) as any).error.message).toMatch(/response_format/);
    // The `provider` form field is the same provider preferences every endpoint takes: not JSON,
    // or JSON of the wrong shape, is a 400 before any routing.
    for (const provider of ["not json", '{"order":"groq"}', '{"only":[3]}', "[1,2]"]) {
      const bad = await s.postForm("/v1/audio/transcriptions", upload("openai/whisper-1", wavFile(1), { provider }));
      expect(bad.status, provider).toBe(400);
      expect(((await bad.json()) as any).error).toMatchObject({ type: "invalid_request_error", message: expect.stringMatching(/^provider: expected JSON text of provider preferences/) });
    }
    const json = await s.post("/v1/audio/transcriptions", { model: "openai/whisper-1" });
    expect(json.status).toBe(400);
    expect(await s.up.requests()).toHaveLength(0);
  });

  it("a key with a limit: a WAV's length bounds the price; an upload of unknown length is refused (402) before the call", async () => {
    const s = await setup("stt-limit", { limit: 0.01 });
    const ok = await s.postForm("/v1/audio/transcriptions", upload("openai/whisper-1", wavFile(5)));
    expect(ok.status).toBe(200);
    await ok.json();
    expect(await s.usage()).toBeCloseTo(0.0005, 9);
    const mp3 = new Blob([new Uint8Array(8000).fill(7)], { type: "audio/mpeg" });
    const unknown = await s.postForm("/v1/audio/transcriptions", upload("openai/whisper-1", mp3, {}, "speech.mp3"));
    expect(unknown.status).toBe(402);
    expect(((await unknown.json()) as any).error.message).toMatch(/cannot be known before the call/);
    // 200 seconds × $0.0001 = $0.02 > the $0.0095 left.
    const long = await s.postForm("/v1/audio/transcriptions", upload("openai/whisper-1", wavFile(200)));
    expect(long.status).toBe(402);
    expect(await s.up.requests()).toHaveLength(1);
  });
});

describe("POST /v1/audio/translations", () => {
  it("Groq whisper-large-v3: forwarded to Groq's translations API, priced per second from Groq's price", async () => {
    const s = await setup("stt-groq");
    const res = await s.postForm("/v1/audio/translations", upload("openai/whisper-large-v3", wavFile(6), { response_format: "text" }));
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("Fake translation of 6 seconds of audio.\n");
    const sent = (await s.up.lastRequest())!;
    expect(sent.path).toBe("/groq/v1/audio/translations");
    expect(sent.body).toContain('name="model"\r\n\r\nwhisper-large-v3\r\n');
    const expected = Math.ceil(6 * prices("openai/whisper-large-v3", "groq").audioSecond!);
    expect(res.headers.get("x-arouter-cost")).toBe((expected / 1e6).toFixed(6));
    const g = await s.generation(res.headers.get("x-generation-id")!);
    expect(g).toMatchObject({ provider_name: "groq", cost_micros: expected });
  });

  it("honours provider preferences sent as a form field (the shared schema): only an ignored provider left is a 4xx", async () => {
    const s = await setup("stt-prefs");
    const ok = await s.postForm("/v1/audio/translations", upload("openai/whisper-large-v3", wavFile(2), { provider: '{"only":["groq"]}' }));
    expect(ok.status).toBe(200);
    expect((await s.up.lastRequest())!.path).toBe("/groq/v1/audio/translations");
    const none = await s.postForm("/v1/audio/translations", upload("openai/whisper-large-v3", wavFile(2), { provider: '{"ignore":["groq","openai"]}' }));
    expect(none.status).toBeGreaterThanOrEqual(400);
    expect(none.status).toBeLessThan(500);
    expect(await s.up.requests()).toHaveLength(1);
  });
});
