import { describe, expect, it } from "vitest";
import { fakeSession } from "../helpers/fake-upstream";
import { gateway, jsonPost } from "../helpers/gateway";

// openai/gpt-4o: at most 16,384 output tokens ($2.50 / $10 per million). Claude Code asks every
// model it does not know for 32,000: a ceiling, not a demand.
const MODEL = "openai/gpt-4o";
const ASKED = 32_000;
const MAX = 16_384;

const requests = {
  openai: (stream: boolean) => ({
    path: "/v1/chat/completions",
    body: { model: MODEL, max_tokens: ASKED, stream, messages: [{ role: "user", content: "Hi" }] },
  }),
  anthropic: (stream: boolean) => ({
    path: "/v1/messages",
    body: { model: MODEL, max_tokens: ASKED, stream, messages: [{ role: "user", content: "Hi" }] },
  }),
  gemini: (stream: boolean) => ({
    path: `/v1beta/models/${MODEL}:${stream ? "streamGenerateContent?alt=sse" : "generateContent"}`,
    body: { contents: [{ role: "user", parts: [{ text: "Hi" }] }], generationConfig: { maxOutputTokens: ASKED } },
  }),
};

describe("an output limit above the endpoint's maximum is lowered to it", () => {
  for (const [surface, make] of Object.entries(requests)) {
    for (const stream of [false, true]) {
      it(`${surface} surface, ${stream ? "streamed" : "not streamed"}: clamped, reported, and reserved at the clamped value`, async () => {
        const up = fakeSession(`clamp-${surface}`);
        const gw = gateway(up.env);
        // Worst case with 32,000 output tokens is ≈ $0.32; with 16,384 ≈ $0.164: only the clamp fits $0.25.
        const { key } = await gw.createKey({ limit: 0.25 });
        const { path, body } = make(stream);
        const res = await gw.fetch(path, jsonPost(body, { authorization: `Bearer ${key}` }));
        expect(res.status).toBe(200);
        expect(res.headers.get("x-arouter-max-tokens-clamped")).toBe(`${ASKED}->${MAX}`);
        await res.text();
        const sent = (await up.lastRequest())!.body;
        expect(sent.max_completion_tokens ?? sent.max_tokens).toBe(MAX);
        await gw.settled();
      });
    }
  }

  it("a limit within the maximum is sent as is, with no clamp header", async () => {
    const up = fakeSession("clamp-none");
    const gw = gateway(up.env);
    const { key } = await gw.createKey();
    const res = await gw.fetch("/v1/chat/completions", jsonPost({ model: MODEL, max_tokens: 100, messages: [{ role: "user", content: "Hi" }] }, { authorization: `Bearer ${key}` }));
    expect(res.status).toBe(200);
    expect(res.headers.has("x-arouter-max-tokens-clamped")).toBe(false);
    expect((await up.lastRequest())!.body.max_completion_tokens).toBe(100);
    await gw.settled();
  });
});
