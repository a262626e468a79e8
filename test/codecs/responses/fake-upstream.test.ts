/**
 * The fake upstream speaks the Responses API (scripts/fake-upstream/responses.mjs): what the
 * Responses codec encodes for OpenAI is accepted by it, and what it answers decodes — streamed and
 * not, with function and custom tools, reasoning and its encrypted content, cuts, errors.
 */
import { describe, expect, it } from "vitest";
import type { CanonicalRequest, StreamEvent } from "../../../src/canonical/types";
import { CODECS } from "../../../src/codecs";
import { fakeSession, sharedFixturesAvailable } from "../../helpers/fake-upstream";
import { collect } from "../../helpers/streams";
import { summarize } from "./helpers";

const codec = CODECS.responses;

async function call(up: ReturnType<typeof fakeSession>, body: Record<string, unknown>): Promise<Response> {
  return fetch(`${up.url("OPENAI")}/responses`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: "Bearer sk-fake-openai" },
    body: JSON.stringify(body),
  });
}

async function events(res: Response): Promise<StreamEvent[]> {
  expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
  return collect(res.body!.pipeThrough(codec.decodeStream()));
}

const weather = (over: Partial<CanonicalRequest> = {}): CanonicalRequest => ({
  ...codec.decodeRequest({
    model: "m",
    input: "What's the weather in Paris?",
    tools: [
      { type: "function", name: "get_weather", parameters: { type: "object", properties: { location: { type: "string" } }, required: ["location"] } },
      { type: "custom", name: "apply_patch" },
    ],
    reasoning: { effort: "low", summary: "auto" },
  }),
  ...over,
});

describe("fake upstream: the Responses API", () => {
  it("answers the codec's request, streamed: reasoning with encrypted content, a function call, usage", async () => {
    const up = fakeSession("responses-stream");
    const req = { ...weather(), stream: true };
    const res = await call(up, codec.encodeRequest(req, "gpt-5.1-codex"));
    const ev = await events(res);
    const s = summarize(ev);
    expect(s.reasoning).toBe("Thinking about the request step by step.");
    expect(s.payloads).toEqual([{ type: "reasoning-encrypted", origin: "openai", data: expect.stringMatching(/^gAAAAAB/) }]);
    expect(s.tools[0]).toMatchObject({ name: "get_weather", args: '{"location":"San Francisco"}' });
    expect(ev.find((e) => e.type === "finish")).toEqual({ type: "finish", finishReason: "tool_calls", nativeFinishReason: "completed" });
    const sent = (await up.lastRequest())!;
    expect(sent.path).toBe("/openai/v1/responses");
    expect(sent.body).toMatchObject({ store: false, include: ["reasoning.encrypted_content"], stream: true });
  });

  it("a forced custom tool, non-streamed: the raw input comes back as the canonical {input}", async () => {
    const up = fakeSession("responses-custom");
    const req = weather({ toolChoice: { type: "tool", name: "apply_patch" } });
    const res = await call(up, codec.encodeRequest(req, "gpt-5.1-codex"));
    expect(res.status).toBe(200);
    const out = codec.decodeResponse(await res.json());
    const callPart = out.content.find((p) => p.type === "tool-call");
    expect(callPart).toMatchObject({ name: "apply_patch", custom: true });
    expect(JSON.parse((callPart as { arguments: string }).arguments)).toEqual({ input: "*** Begin Patch\n*** Add File: fake.txt\n+fake upstream\n*** End Patch\n" });
  });

  it("a max_output_tokens cut is response.incomplete; errors come in OpenAI's envelope", async () => {
    const up = fakeSession("responses-cut");
    const cut = await call(up, codec.encodeRequest({ model: "m", stream: true, maxTokens: 16, messages: [{ role: "user", content: [{ type: "text", text: "Hi" }] }] }, "gpt-4o"));
    expect(summarize(await events(cut)).text).not.toBe("");
    await up.configure({ chunks: 40 });
    const long = await call(up, codec.encodeRequest({ model: "m", stream: false, maxTokens: 16, messages: [{ role: "user", content: [{ type: "text", text: "Hi" }] }] }, "gpt-4o"));
    expect(codec.decodeResponse(await long.json())).toMatchObject({ finishReason: "length", nativeFinishReason: "max_output_tokens" });

    await up.script({ status: 429, message: "Rate limit reached for requests" });
    const limited = await call(up, { model: "gpt-4o", input: "x" });
    expect(limited.status).toBe(429);
    expect(codec.decodeError(429, await limited.text())).toMatchObject({ message: "Rate limit reached for requests", type: "requests" });
  });

  it("rejects what a gateway must never send: foreign reasoning payloads, previous_response_id without store", async () => {
    const up = fakeSession("responses-validate");
    const foreign = await call(up, { model: "gpt-5", store: false, input: [{ type: "reasoning", summary: [], encrypted_content: "arouter:v1:eyJvIjoiYW50aHJvcGljIn0" }] });
    expect(foreign.status).toBe(400);
    expect(((await foreign.json()) as { error: { code: string } }).error.code).toBe("invalid_encrypted_content");
    const previous = await call(up, { model: "gpt-5", store: false, previous_response_id: "gen-1", input: "x" });
    expect(previous.status).toBe(400);
    const unauthenticated = await fetch(`${up.url("OPENAI")}/responses`, { method: "POST", body: "{}" });
    expect(unauthenticated.status).toBe(401);
  });

  it.skipIf(!sharedFixturesAvailable())("serves the shared Responses recordings with their event framing", async () => {
    const up = fakeSession("responses-fixture");
    await up.script({ sharedFixture: "openai-responses/openai-custom-tool.1.chunks.txt" });
    const s = summarize(await events(await call(up, { model: "gpt-5.2-codex", input: "x", stream: true })));
    expect(s.tools[0]).toMatchObject({ name: "write_sql", custom: true, args: JSON.stringify({ input: "SELECT * FROM users WHERE age > 25" }) });
  });
});
