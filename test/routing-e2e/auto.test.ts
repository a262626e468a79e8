// model: "auto" end to end: cheapest capable model, a configurable preference list, stickiness per
// session (body session_id or the x-session-id header, on every surface).
import { beforeEach, describe, expect, it } from "vitest";
import { onlyProviders, type FakeSession } from "../helpers/fake-upstream";
import { rig } from "../helpers/rig";
import { resetRouting, user } from "./helpers";

beforeEach(resetRouting);

const groqOnly = (up: FakeSession) => onlyProviders(up, "GROQ");
const TINY_PNG =
  "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
const imageMessage = [{ role: "user", content: [{ type: "text", text: "What is this?" }, { type: "image_url", image_url: { url: TINY_PNG } }] }];
const weatherTool = { type: "function", function: { name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } } };

const chosen = async (res: Response) => {
  expect(res.status).toBe(200);
  const body = (await res.json()) as any;
  return { catalogId: res.headers.get("x-arouter-model"), provider: body.provider as string, model: body.model as string, body };
};

describe("auto: cheapest capable model", () => {
  it("plain text → the cheapest model; images → the cheapest that takes images; json_schema → one with structured outputs", async () => {
    // Groq alone: llama-3.1-8b is the cheapest; it takes no images and has no structured outputs.
    const s = await rig("auto-caps", { env: groqOnly });
    const text = await chosen(await s.chat({ model: "auto", messages: user() }));
    expect(text.catalogId).toBe("meta-llama/llama-3.1-8b-instruct");
    expect(text.provider).toBe("groq");
    expect(text.model).toBe("llama-3.1-8b-instant");

    const image = await chosen(await s.chat({ model: "auto", messages: imageMessage }));
    expect(image.catalogId).toBe("meta-llama/llama-4-scout");
    const sentImage = (await s.up.lastRequest())!;
    expect(sentImage.body.model).toBe("meta-llama/llama-4-scout-17b-16e-instruct");
    expect(JSON.stringify(sentImage.body.messages)).toContain("image_url");

    const schema = await chosen(
      await s.chat({
        model: "auto",
        messages: user("Give me JSON"),
        response_format: { type: "json_schema", json_schema: { name: "x", schema: { type: "object", properties: { a: { type: "string" } } } } },
      }),
    );
    expect(schema.catalogId).toBe("openai/gpt-oss-20b");
    expect((await s.up.lastRequest())!.body.response_format.type).toBe("json_schema");

    // Each choice really is capable: the models API agrees.
    const info = async (id: string) => (await (await s.gw.fetch(`/v1/models/${id}`)).json()) as any;
    expect((await info("meta-llama/llama-4-scout")).architecture.input_modalities).toContain("image");
    expect((await info("meta-llama/llama-3.1-8b-instruct")).architecture.input_modalities).not.toContain("image");
    expect((await info("openai/gpt-oss-20b")).supported_parameters).toContain("structured_outputs");
    expect((await info("meta-llama/llama-3.1-8b-instruct")).supported_parameters).not.toContain("structured_outputs");
  });

  it("a prompt too long for the cheap models → one whose context fits", async () => {
    const s = await rig("auto-context", { env: groqOnly });
    // ~150k tokens: only kimi-k2-0905 (262k context) fits among Groq's models.
    const big = "lorem ipsum ".repeat(50_000);
    const res = await chosen(await s.chat({ model: "auto", messages: user(big) }));
    expect(res.catalogId).toBe("moonshotai/kimi-k2-0905");
  });

  it("with tools → a model that supports tools (AUTO_ROUTER_MODELS preference order)", async () => {
    const s = await rig("auto-tools", {
      env: (up) => ({ ...onlyProviders(up, "TOGETHER"), AUTO_ROUTER_MODELS: "deepseek/deepseek-r1, meta-llama/llama-3.3-70b-instruct" }),
    });
    const plain = await chosen(await s.chat({ model: "auto", messages: user() }));
    expect(plain.catalogId).toBe("deepseek/deepseek-r1");
    // DeepSeek R1 on Together takes no tools: the next preferred model does.
    const tools = await chosen(await s.chat({ model: "auto", messages: user("weather in Paris?"), tools: [weatherTool] }));
    expect(tools.catalogId).toBe("meta-llama/llama-3.3-70b-instruct");
    expect(tools.body.choices[0].message.tool_calls[0].function.name).toBe("get_weather");
    expect((await s.up.lastRequest())!.body.tools[0].function.name).toBe("get_weather");
  });

  it("falls back to the next auto choice when the first fails", async () => {
    const s = await rig("auto-fallback", { env: groqOnly });
    await s.up.script({ status: 503 });
    const res = await chosen(await s.chat({ model: "auto", messages: user() }));
    expect(res.catalogId).not.toBe("meta-llama/llama-3.1-8b-instruct");
    const hits = await s.hits();
    expect(hits).toHaveLength(2);
    expect(hits[0]).toBe("groq:llama-3.1-8b-instant");
  });

  it("streams the chosen model's answer, naming it in every chunk", async () => {
    const s = await rig("auto-stream", { env: groqOnly });
    const res = await s.chat({ model: "auto", messages: user(), stream: true });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-arouter-model")).toBe("meta-llama/llama-3.1-8b-instruct");
    const text = await res.text();
    expect(text).toContain('"model":"llama-3.1-8b-instant"');
    expect(text).toContain('"provider":"groq"');
  });
});

describe("auto: sticky per session", () => {
  // An image request picks llama-4-scout; a later text-only request would pick llama-3.1-8b,
  // unless the session keeps it on llama-4-scout.
  it("session_id in the body", async () => {
    const s = await rig("auto-sticky-body", { env: groqOnly });
    expect((await chosen(await s.chat({ model: "auto", messages: imageMessage, session_id: "sess-A" }))).catalogId).toBe("meta-llama/llama-4-scout");
    expect((await chosen(await s.chat({ model: "auto", messages: user(), session_id: "sess-A" }))).catalogId).toBe("meta-llama/llama-4-scout");
    // Another session, or none, gets the cheapest.
    expect((await chosen(await s.chat({ model: "auto", messages: user(), session_id: "sess-B" }))).catalogId).toBe("meta-llama/llama-3.1-8b-instruct");
    expect((await chosen(await s.chat({ model: "auto", messages: user() }))).catalogId).toBe("meta-llama/llama-3.1-8b-instruct");
  });

  it("the x-session-id header (OpenAI surface)", async () => {
    const s = await rig("auto-sticky-header", { env: groqOnly });
    expect((await chosen(await s.chat({ model: "auto", messages: imageMessage }, { "x-session-id": "hdr-1" }))).catalogId).toBe("meta-llama/llama-4-scout");
    expect((await chosen(await s.chat({ model: "auto", messages: user() }, { "x-session-id": "hdr-1" }))).catalogId).toBe("meta-llama/llama-4-scout");
    expect((await chosen(await s.chat({ model: "auto", messages: user() }, { "x-session-id": "hdr-2" }))).catalogId).toBe("meta-llama/llama-3.1-8b-instruct");
    // The body's session_id wins over the header.
    expect((await chosen(await s.chat({ model: "auto", messages: user(), session_id: "hdr-2" }, { "x-session-id": "hdr-1" }))).catalogId).toBe(
      "meta-llama/llama-3.1-8b-instruct",
    );
  });

  it("the x-session-id header on the Anthropic and Gemini surfaces", async () => {
    const s = await rig("auto-sticky-surfaces", { env: groqOnly });
    const img = { type: "image", source: { type: "base64", media_type: "image/png", data: TINY_PNG.split(",")[1] } };
    const a1 = await s.messages({ model: "auto", max_tokens: 100, messages: [{ role: "user", content: [{ type: "text", text: "What is this?" }, img] }] }, { "x-session-id": "anth-1" });
    expect(a1.status).toBe(200);
    expect(a1.headers.get("x-arouter-model")).toBe("meta-llama/llama-4-scout");
    const a2 = await s.messages({ model: "auto", max_tokens: 100, messages: user() }, { "x-session-id": "anth-1" });
    expect(a2.headers.get("x-arouter-model")).toBe("meta-llama/llama-4-scout");
    expect(((await a2.json()) as any).type).toBe("message");

    // The same session id is shared across surfaces.
    const g = await s.post("gemini", "/v1beta/models/auto:generateContent", { contents: [{ role: "user", parts: [{ text: "Hello" }] }] }, { "x-session-id": "anth-1" });
    expect(g.status).toBe(200);
    expect(g.headers.get("x-arouter-model")).toBe("meta-llama/llama-4-scout");
    expect(((await g.json()) as any).candidates[0].content.parts[0].text.length).toBeGreaterThan(0);

    const fresh = await s.messages({ model: "auto", max_tokens: 100, messages: user() }, { "x-session-id": "anth-2" });
    expect(fresh.headers.get("x-arouter-model")).toBe("meta-llama/llama-3.1-8b-instruct");
  });

  it("a sticky model that cannot serve the request is not forced", async () => {
    const s = await rig("auto-sticky-capable", { env: groqOnly });
    expect((await chosen(await s.chat({ model: "auto", messages: user(), session_id: "s-cap" }))).catalogId).toBe("meta-llama/llama-3.1-8b-instruct");
    // The session's model takes no images: the image goes to a model that does.
    expect((await chosen(await s.chat({ model: "auto", messages: imageMessage, session_id: "s-cap" }))).catalogId).toBe("meta-llama/llama-4-scout");
  });
});
