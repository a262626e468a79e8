/**
 * Amazon Bedrock through the gateway: the auth modes (SigV4 checked by the fake's own verifier,
 * temporary credentials, Bedrock API keys), AWS errors (HTTP and in-stream) and what routing does
 * with them, and multi-turn tool use and thinking in Converse's shapes.
 */
import { describe, expect, it } from "vitest";
import { bedrockEnv, FAKE_AWS } from "../helpers/cloud-env";
import { fakeSession } from "../helpers/fake-upstream";
import { gateway, jsonPost, readSse } from "../helpers/gateway";
import { ask, expectOk } from "../helpers/surface-reply";
import { surfaceCall, type Intent } from "../helpers/surface-request";

const MODEL = "anthropic.claude-3-5-haiku-20241022-v1:0";
const ID = `amazon-bedrock/${MODEL}`;

async function setup(name: string, env: (up: ReturnType<typeof fakeSession>) => Record<string, string>) {
  const up = fakeSession(name);
  const gw = gateway({ ...up.env, ...env(up) });
  const { key } = await gw.createKey();
  const chat = (body: Record<string, unknown>) => gw.fetch("/v1/chat/completions", jsonPost(body, { authorization: `Bearer ${key}` }));
  return { up, gw, key, chat };
}

const hello = { model: ID, messages: [{ role: "user", content: "Say hello" }] };

describe("auth", () => {
  it("sends a Bedrock API key as a Bearer token, unsigned", async () => {
    const { up, chat } = await setup("bedrock-bearer", (u) => bedrockEnv(u, "bearer"));
    expect((await chat(hello)).status).toBe(200);
    const sent = (await up.lastRequest())!;
    expect(sent.headers.authorization).toBe("Bearer fake-bedrock-api-key");
    expect(sent.headers["x-amz-date"]).toBeUndefined();
  });

  it("signs the session token of temporary credentials", async () => {
    const { up, chat } = await setup("bedrock-session", (u) => bedrockEnv(u, "session"));
    expect((await chat(hello)).status).toBe(200);
    const sent = (await up.lastRequest())!;
    expect(sent.headers["x-amz-security-token"]).toBe(FAKE_AWS.sessionToken);
    expect(sent.headers.authorization).toMatch(/SignedHeaders=[^,]*x-amz-security-token/);
  });

  it("relays AWS's refusal of a wrong secret (the fake recomputes the signature)", async () => {
    const { chat } = await setup("bedrock-badsig", (u) => ({ ...bedrockEnv(u, "sigv4"), AWS_SECRET_ACCESS_KEY: "not-the-secret" }));
    const res = await chat(hello);
    expect(res.status).toBe(502);
    expect(((await res.json()) as any).error.message).toMatch(/signature we calculated does not match/);
  });

  it("is not enabled without credentials, and says what to set", async () => {
    const up = fakeSession("bedrock-off");
    const gw = gateway({ ...up.env, AWS_BEDROCK_BASE_URL: `${up.baseUrl}/bedrock`, AWS_ACCESS_KEY_ID: FAKE_AWS.accessKeyId });
    const { key } = await gw.createKey();
    const res = await gw.fetch("/v1/chat/completions", jsonPost(hello, { authorization: `Bearer ${key}` }));
    expect(res.status).toBe(503);
    expect(await res.text()).toMatch(/AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY \(or AWS_BEARER_TOKEN_BEDROCK\)/);
    expect(await up.requests()).toHaveLength(0);
  });
});

describe("errors", () => {
  it("falls back to the next model on a ThrottlingException", async () => {
    const { up, chat } = await setup("bedrock-throttle", (u) => bedrockEnv(u));
    await up.script({ match: "converse", status: 429, message: "Too many requests, please wait before trying again." });
    const res = await chat({ ...hello, models: [ID, "amazon-bedrock/meta.llama3-3-70b-instruct-v1:0"] });
    expect(res.status).toBe(200);
    expect(((await res.json()) as any).choices[0].message.content).toBe("Hello from fake bedrock (meta.llama3-3-70b-instruct-v1:0)");
    const sent = await up.requests();
    expect(sent.map((r) => r.path)).toEqual([
      `/bedrock/model/${encodeURIComponent(MODEL)}/converse`,
      `/bedrock/model/${encodeURIComponent("meta.llama3-3-70b-instruct-v1:0")}/converse`,
    ]);
  });

  it("relays a ValidationException as a 400 in the caller's format", async () => {
    const { up, gw, key } = await setup("bedrock-400", (u) => bedrockEnv(u));
    await up.script({ status: 400, message: "The model returned the following errors: messages.0: bad" });
    const res = await gw.fetch("/v1/messages", jsonPost({ model: ID, max_tokens: 100, messages: [{ role: "user", content: "x" }] }, { "x-api-key": key }));
    expect(res.status).toBe(400);
    const body = (await res.json()) as any;
    expect(body.type).toBe("error");
    expect(body.error.type).toBe("invalid_request_error");
    expect(body.error.message).toMatch(/messages\.0: bad/);
  });

  it("an exception before any content is an HTTP error; after content, an in-band one", async () => {
    const { up, chat } = await setup("bedrock-stream-errors", (u) => bedrockEnv(u));
    await up.script({ events: [{ type: "messageStart", payload: { role: "assistant" } }, { exception: "serviceUnavailableException", message: "Bedrock is unable to process your request." }] });
    const early = await chat({ ...hello, stream: true });
    expect(early.status).toBe(503);
    expect(await early.text()).toMatch(/unable to process your request/);

    await up.script({
      events: [
        { type: "messageStart", payload: { role: "assistant" } },
        { type: "contentBlockDelta", payload: { contentBlockIndex: 0, delta: { text: "Partial" } } },
        { exception: "modelStreamErrorException", message: "The model stream failed." },
      ],
    });
    const late = await chat({ ...hello, stream: true });
    expect(late.status).toBe(200);
    const { events } = await readSse(late);
    const chunks = events.filter((e) => e.data !== "[DONE]").map((e) => JSON.parse(e.data));
    expect(chunks.map((c) => c.choices?.[0]?.delta?.content ?? "").join("")).toBe("Partial");
    const err = chunks.find((c) => c.error);
    expect(err.error.message).toMatch(/modelStreamErrorException: The model stream failed/);
  });
});

describe("conversations", () => {
  it("sends a tool-result turn as Converse toolUse / toolResult blocks with matching ids", async () => {
    const { up, gw, key } = await setup("bedrock-tool-turn", (u) => bedrockEnv(u));
    const it: Intent = {
      model: ID,
      tools: true,
      turns: [
        { role: "user", text: "What's the weather in Paris?" },
        { role: "assistant", calls: [{ id: "toolu_01ABC", name: "get_weather", args: { city: "Paris" } }] },
        { role: "tool", results: [{ id: "toolu_01ABC", name: "get_weather", result: { temp: 21 } }] },
      ],
    };
    const reply = expectOk(await ask(gw, surfaceCall("anthropic", key, it)));
    expect(reply.text).toBe(`Hello from fake bedrock (${MODEL})`);
    const body = (await up.lastRequest())!.body;
    expect(body.messages).toEqual([
      { role: "user", content: [{ text: "What's the weather in Paris?" }] },
      { role: "assistant", content: [{ toolUse: { toolUseId: "toolu_01ABC", name: "get_weather", input: { city: "Paris" } } }] },
      { role: "user", content: [{ toolResult: { toolUseId: "toolu_01ABC", content: [{ text: '{"temp":21}' }] } }] },
    ]);
    expect(body.toolConfig.tools).toHaveLength(1);
  });

  it("asks Claude for thinking and returns it signed to an Anthropic caller", async () => {
    const { up, gw, key } = await setup("bedrock-thinking", (u) => bedrockEnv(u));
    for (const stream of [false, true]) {
      const call = surfaceCall("anthropic", key, { model: ID, thinking: true, framing: stream ? "sse" : "json", turns: [{ role: "user", text: "Think first" }] });
      const reply = expectOk(await ask(gw, call));
      expect(reply.reasoning).toBe("Thinking about the request step by step.");
      expect(reply.signature).toBeTruthy();
      const sent = (await up.lastRequest())!.body;
      expect(sent.additionalModelRequestFields.thinking).toEqual({ type: "enabled", budget_tokens: 4096 });
      expect(sent.inferenceConfig.maxTokens).toBeGreaterThan(4096);
    }
  });
});
