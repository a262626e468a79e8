/**
 * The Responses surface × every upstream format × {non-stream, stream}: what each scenario becomes
 * in the upstream's own request (instructions, images, JSON schema output, reasoning, sampling
 * parameters, custom tools) and what the caller gets back.
 */
import { describe, expect, it } from "vitest";
import { FAKE_REASONING, UPSTREAMS, fakeText, type UpstreamInfo } from "../helpers/fake-answers";
import { JSON_SCHEMA, PNG_B64 } from "../helpers/surface-request";
import { items, outputText, readResponse, readStream, setup, type Rec } from "./helpers";

const MODELS: UpstreamInfo[] = [UPSTREAMS.openai, UPSTREAMS.anthropic, UPSTREAMS.gemini, UPSTREAMS.deepseek];
/** A Responses caller reaches OpenAI through its Responses API; the others in their own format. */
const wire = (u: UpstreamInfo) => (u.provider === "openai" ? "responses" : u.format);

async function answer(s: Awaited<ReturnType<typeof setup>>, body: Rec): Promise<Rec> {
  const res = await s.post(body);
  return body.stream ? (await readStream(res)).final : readResponse(res);
}

for (const stream of [false, true]) {
  describe(`Responses surface, ${stream ? "streamed" : "not streamed"}`, () => {
    for (const u of MODELS) {
      it(`instructions, developer messages and an image reach ${u.model}`, async () => {
        const s = await setup("resp-tr-image");
        const body = {
          model: u.model,
          stream,
          instructions: "Be brief.",
          input: [
            { role: "developer", content: "Answer in English." },
            { role: "user", content: [{ type: "input_text", text: "What is in this image?" }, { type: "input_image", image_url: `data:image/png;base64,${PNG_B64}` }] },
          ],
        };
        if (u === UPSTREAMS.deepseek) {
          // A text-only model: refused before any upstream call.
          const res = await s.post(body);
          expect(res.status).toBe(400);
          expect(((await res.json()) as { error: Rec }).error.message).toMatch(/image/i);
          expect(await s.up.requests()).toHaveLength(0);
          return;
        }
        const final = await answer(s, body);
        expect(outputText(final)).toBe(fakeText(u));
        expect(final.instructions).toBe("Be brief.");
        const b = (await s.up.lastRequest())!.body as Rec;
        if (wire(u) === "responses") {
          expect(b.instructions).toBe("Be brief.\n\nAnswer in English.");
          expect(b.input).toEqual([
            { type: "message", role: "user", content: [{ type: "input_text", text: "What is in this image?" }, { type: "input_image", image_url: `data:image/png;base64,${PNG_B64}`, detail: "auto" }] },
          ]);
        } else if (u.format === "anthropic") {
          expect(JSON.stringify(b.system)).toContain("Be brief.");
          expect(JSON.stringify(b.system)).toContain("Answer in English.");
          expect((b.messages as Rec[])[0].content).toEqual([
            { type: "text", text: "What is in this image?" },
            { type: "image", source: { type: "base64", media_type: "image/png", data: PNG_B64 } },
          ]);
        } else {
          expect(JSON.stringify(b.systemInstruction)).toContain("Answer in English.");
          expect(((b.contents as Rec[])[0].parts as Rec[])[1]).toEqual({ inlineData: { mimeType: "image/png", data: PNG_B64 } });
        }
      });

      it(`text.format json_schema becomes ${u.model}'s structured output`, async () => {
        const s = await setup("resp-tr-json");
        const final = await answer(s, { model: u.model, stream, input: "Weather in Paris as JSON", text: { format: { type: "json_schema", name: "weather_report", schema: JSON_SCHEMA, strict: true } } });
        expect(final.text).toEqual({ format: { type: "json_schema", name: "weather_report", schema: JSON_SCHEMA, strict: true }, verbosity: "medium" });
        const b = (await s.up.lastRequest())!.body as Rec;
        if (wire(u) === "responses") expect(b.text).toEqual({ format: { type: "json_schema", name: "weather_report", schema: JSON_SCHEMA, strict: true } });
        else if (u.format === "anthropic") expect(b.output_config).toEqual({ format: { type: "json_schema", schema: JSON_SCHEMA } });
        else if (u.format === "gemini") expect((b.generationConfig as Rec).responseJsonSchema).toEqual(JSON_SCHEMA);
        else expect(b.response_format).toEqual({ type: "json_schema", json_schema: { name: "weather_report", schema: JSON_SCHEMA, strict: true } });
      });

      it(`reasoning effort and summaries on ${u.model}`, async () => {
        const s = await setup("resp-tr-reasoning");
        const final = await answer(s, { model: u.model, stream, input: "Think, then say hello", reasoning: { effort: "high", summary: "auto" }, temperature: 0.3 });
        expect(final.reasoning).toEqual({ effort: "high", summary: "auto" });
        const res = await s.up.lastRequest();
        const b = res!.body as Rec;
        const reasons = u !== UPSTREAMS.openai; // gpt-4o takes no reasoning: dropped, not refused
        const summary = items(final, "reasoning").map((i) => ((i.summary as Rec[])[0]?.text as string) ?? "").join("");
        expect(summary).toBe(reasons ? FAKE_REASONING : "");
        expect(outputText(final)).toBe(fakeText(u));
        if (wire(u) === "responses") {
          expect(b.reasoning).toBeUndefined();
          expect(b.include).toBeUndefined(); // gpt-4o answers include: reasoning.encrypted_content with a 400
          expect(b.temperature).toBe(0.3);
        } else if (u.format === "anthropic") expect(b.thinking).toMatchObject({ type: "enabled", budget_tokens: expect.any(Number) });
        else if (u.format === "gemini") expect((b.generationConfig as Rec).thinkingConfig).toMatchObject({ includeThoughts: true });
        else expect(b.reasoning_effort).toBe("high");
      });

      it(`a custom tool (free-form input) and a namespace on ${u.model}`, async () => {
        const s = await setup("resp-tr-custom");
        const tools = [
          { type: "custom", name: "apply_patch", description: "Edit files", format: { type: "grammar", syntax: "lark", definition: "start: /.+/" } },
          { type: "namespace", name: "files", description: "File tools", tools: [{ type: "function", name: "read", parameters: { type: "object", properties: { path: { type: "string" } } } }] },
        ];
        const final = await answer(s, { model: u.model, stream, input: "What's the weather? Write it down with apply_patch.", tools });
        const call = items(final, "custom_tool_call")[0];
        expect(call).toMatchObject({ name: "apply_patch", input: "*** Begin Patch\n*** Add File: fake.txt\n+fake upstream\n*** End Patch\n" });
        expect(final.tools).toEqual(tools);
        const b = (await s.up.lastRequest())!.body as Rec;
        const sent = JSON.stringify(b.tools);
        if (wire(u) === "responses") expect(b.tools).toEqual(tools);
        else {
          // Elsewhere: a function taking one string, and the namespace's member under its qualified name.
          expect(sent).toContain('"apply_patch"');
          expect(sent).toContain('"input"');
          expect(sent).toContain("files__read");
        }
      });
    }
  });
}

describe("OpenAI reasoning models", () => {
  it("temperature and top_p are dropped for gpt-5 (OpenAI rejects them), on the Responses and the chat surface", async () => {
    const s = await setup("resp-tr-sampling");
    const res = await s.post({ model: "openai/gpt-5", input: "Hi", temperature: 0.2, top_p: 0.9 });
    await readResponse(res);
    expect(res.headers.get("x-arouter-dropped")).toBe("temperature, top_p");
    const sent = (await s.up.lastRequest())!.body as Rec;
    expect(sent.temperature).toBeUndefined();
    expect(sent.top_p).toBeUndefined();
    const chat = await s.gw.fetch("/v1/chat/completions", {
      method: "POST",
      headers: { authorization: `Bearer ${s.key}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "openai/gpt-5", messages: [{ role: "user", content: "Hi" }], temperature: 0.2 }),
    });
    expect(chat.status).toBe(200);
    const sentChat = (await s.up.lastRequest())!;
    expect(sentChat.path).toBe("/openai/v1/chat/completions");
    expect(sentChat.body.temperature).toBeUndefined();
    // A model that takes them keeps them.
    await readResponse(await s.post({ model: "openai/gpt-4o", input: "Hi", temperature: 0.2 }));
    expect(((await s.up.lastRequest())!.body as Rec).temperature).toBe(0.2);
  });
});
