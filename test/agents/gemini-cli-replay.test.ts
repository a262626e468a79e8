/**
 * What Gemini CLI 0.61 (and @google/genai 1.30 under it) and @ai-sdk/google were recorded sending
 * (../shared/fixtures/agents): streamGenerateContent?alt=sse with systemInstruction,
 * functionDeclarations with parametersJsonSchema, thinkingConfig, a `provider/model` id in the
 * path — replayed to every kind of provider. The answer must be a valid Gemini stream (or JSON),
 * and the next turn built from it (a tool call, then its functionResponse) must work. Gemini CLI's
 * other calls — countTokens for prompts with media, embedContent — answer too.
 */
import { expect, it } from "vitest";
import { describeWithSharedFixtures } from "../helpers/fake-upstream";
import { readReply, type Reply } from "../helpers/surface-reply";
import { GEMINI_JSON, GEMINI_SSE, agentRig, offeredTools, PROVIDERS, recorded, upstreamText, type Provider } from "./helpers";

const GEMINI_CLI = [
  "gemini-cli-0.61.0.streamGenerateContent.gemini-2.5-flash.first-turn",
  "gemini-cli-0.61.0.streamGenerateContent.gemini-2.5-flash.tool-result-turn",
  "gemini-cli-0.61.0.streamGenerateContent.anthropic-claude-sonnet-4.6.first-turn",
];

/** The model turn a client stores from a reply: text, then calls with their ids and signatures. */
function modelTurn(reply: Reply): Record<string, unknown> {
  const parts: Record<string, unknown>[] = [];
  if (reply.text) parts.push({ text: reply.text });
  for (const c of reply.calls) {
    const part: Record<string, unknown> = { functionCall: { ...(c.id ? { id: c.id } : {}), name: c.name, args: c.args } };
    if (c.thoughtSignature) part.thoughtSignature = c.thoughtSignature;
    parts.push(part);
  }
  return { role: "model", parts };
}

const streamPath = (model: string) => `/v1beta/models/${model}:streamGenerateContent?alt=sse`;

function checkUpstream(p: Provider, recordedBody: Record<string, any>, sent: any): void {
  const declared = recordedBody.tools.flatMap((t: { functionDeclarations: Array<{ name: string }> }) => t.functionDeclarations.map((f) => f.name));
  expect(offeredTools(p.format, sent)).toEqual(declared);
  expect(upstreamText(sent)).toContain("specializing in software engineering tasks"); // systemInstruction
  if (p.format === "openai") {
    // parametersJsonSchema becomes the function's JSON schema, unchanged.
    expect(sent.tools[0].function.parameters).toEqual(recordedBody.tools[0].functionDeclarations[0].parametersJsonSchema);
  }
  if (p.format === "anthropic") {
    expect(sent.tools[0].input_schema).toEqual(recordedBody.tools[0].functionDeclarations[0].parametersJsonSchema);
    // A thinking budget turns Claude's thinking on — except after a tool call Claude did not sign
    // (Gemini's history), which Anthropic would refuse.
    const budget = recordedBody.generationConfig.thinkingConfig.thinkingBudget;
    const unsignedToolTurn = recordedBody.contents.some((c: { parts: Array<{ functionCall?: unknown }> }) => c.parts.some((part) => part.functionCall));
    expect(sent.thinking?.budget_tokens).toBe(budget !== undefined && !unsignedToolTurn ? budget : undefined);
    // Gemini CLI's sampling (temperature 1, topP 0.95, topK 64) as Claude accepts it: with thinking
    // on, no temperature or top_k and top_p only from 0.95; without, no top_p beside temperature.
    const { temperature, topP, topK } = recordedBody.generationConfig;
    expect([temperature, topP, topK]).toEqual([1, 0.95, 64]);
    if (sent.thinking) expect([sent.temperature, sent.top_p, sent.top_k]).toEqual([undefined, 0.95, undefined]);
    else expect([sent.temperature, sent.top_p, sent.top_k]).toEqual([1, undefined, 64]);
  }
}

describeWithSharedFixtures("Gemini CLI's recorded requests, replayed to every provider", () => {
  for (const fixture of GEMINI_CLI) {
    for (const p of PROVIDERS) {
      it(`${fixture.split(".").slice(2).join(".")} → ${p.name}`, async () => {
        const rig = await agentRig("gemini-cli");
        const rec = await recorded(fixture);
        expect(rec.path).toMatch(/:streamGenerateContent\?alt=sse$/);
        const path = streamPath(p.model);

        const res = await rig.send(rec, rec.body, path);
        expect(res.status, await res.clone().text().then((t) => t.slice(0, 300))).toBe(200);
        const first = await readReply(GEMINI_SSE, res);
        expect(first.text).toBe(p.text);
        expect(first.finish).toBe("STOP");
        checkUpstream(p, rec.body, (await rig.sent()).body);

        // Next turn: a question the fake answers with a call of the first function, then its response.
        const ask = { ...rec.body, contents: [...rec.body.contents, modelTurn(first), { role: "user", parts: [{ text: "What is the weather like? Use a tool." }] }] };
        const callRes = await rig.send(rec, ask, path);
        expect(callRes.status).toBe(200);
        const call = await readReply(GEMINI_SSE, callRes);
        expect(call.calls.map((c) => c.name)).toEqual(["update_topic"]);
        const c = call.calls[0];
        const response = { role: "user", parts: [{ functionResponse: { ...(c.id ? { id: c.id } : {}), name: c.name, response: { output: "Topic updated." } } }] };
        const answeredRes = await rig.send(rec, { ...ask, contents: [...ask.contents, modelTurn(call), response] }, path);
        expect(answeredRes.status).toBe(200);
        expect((await readReply(GEMINI_SSE, answeredRes)).text).toBe(p.text);
        expect(upstreamText((await rig.sent()).body)).toContain("Topic updated.");
      });
    }
  }

  for (const p of PROVIDERS) {
    it(`@ai-sdk/google's provider/model path (no models/) → ${p.name}`, async () => {
      const rig = await agentRig("ai-sdk-google");
      const rec = await recorded("ai-sdk-google-4.0.129.generateContent.slash-model-id-path");
      expect(rec.path).toBe("/v1beta/anthropic/claude-sonnet-4.6:generateContent");
      const res = await rig.send(rec, rec.body, `/v1beta/${p.model}:generateContent`);
      expect(res.status).toBe(200);
      const reply = await readReply(GEMINI_JSON, res);
      expect(reply.text).toBe(p.text);
      const next = { ...rec.body, contents: [...rec.body.contents, modelTurn(reply), { role: "user", parts: [{ text: "And again?" }] }] };
      const again = await rig.send(rec, next, `/v1beta/${p.model}:generateContent`);
      expect((await readReply(GEMINI_JSON, again)).text).toBe(p.text);
    });
  }

  it("countTokens (Gemini CLI counts prompts with media) answers for every provider", async () => {
    const rig = await agentRig("gemini-cli-count");
    const rec = await recorded(GEMINI_CLI[0]);
    const png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";
    const body = { contents: [{ role: "user", parts: [{ text: "What is in this picture?" }, { inlineData: { mimeType: "image/png", data: png } }] }] };
    for (const p of PROVIDERS) {
      const res = await rig.send(rec, body, `/v1beta/models/${p.model}:countTokens`);
      if (p.name.startsWith("deepseek")) {
        // DeepSeek takes no images: the same clear 400 a generate call gets, in Google's shape.
        expect(res.status).toBe(400);
        expect(await res.json()).toMatchObject({ error: { status: "INVALID_ARGUMENT", message: expect.stringContaining("does not accept image input") } });
        continue;
      }
      expect(res.status, `${p.name}: ${await res.clone().text()}`).toBe(200);
      const count = (await res.json()) as { totalTokens: number };
      expect(count.totalTokens, p.name).toBeGreaterThan(0);
    }
  });

  it("embedContent with Gemini CLI's embedding model", async () => {
    const rig = await agentRig("gemini-cli-embed");
    const rec = await recorded(GEMINI_CLI[0]);
    const res = await rig.send(rec, { content: { parts: [{ text: "hello" }] } }, "/v1beta/models/gemini-embedding-001:embedContent");
    expect(res.status).toBe(200);
    expect(((await res.json()) as { embedding: { values: number[] } }).embedding.values.length).toBeGreaterThan(0);
  });
});
