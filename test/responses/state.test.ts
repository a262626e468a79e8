/**
 * Stored responses: `store` (default true) keeps an answer so `previous_response_id` and
 * `item_reference` continue it on the very next request; GET / DELETE / input_items; only the
 * key that created a response sees it; retention; long conversations within the platform's
 * value-size limit; `store: false` keeps nothing.
 */
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { responseStore } from "../../src/response-store/conversation";
import type { ResponseStore } from "../../src/response-store/response-store";
import { outputText, readResponse, readStream, setup, WEATHER_FUNCTION, type Rec } from "./helpers";

const CLAUDE = "anthropic/claude-sonnet-4.6";
const CLAUDE_TEXT = "Hello from fake anthropic (claude-sonnet-4-6)";

type AnthropicMessage = { role: string; content: Array<Rec> | string };
const anthropicMessages = async (s: Awaited<ReturnType<typeof setup>>) => ((await s.up.lastRequest())!.body as { messages: AnthropicMessage[] }).messages;
const textOf = (m: AnthropicMessage) => (typeof m.content === "string" ? m.content : m.content.map((p) => (typeof p.text === "string" ? p.text : "")).join(""));

describe("stored responses", () => {
  it("previous_response_id continues a stored answer on the next request, streamed or not", async () => {
    const s = await setup("state-continue");
    const first = await readResponse(await s.post({ model: CLAUDE, input: "My name is Ada." }));
    // Streamed, and continued at once: the write lands before the final event.
    const second = await readStream(await s.post({ model: CLAUDE, input: "What is my name?", previous_response_id: first.id, stream: true }));
    expect(second.final.previous_response_id).toBe(first.id);
    const msgs = await anthropicMessages(s);
    expect(msgs.map((m) => m.role)).toEqual(["user", "assistant", "user"]);
    expect(msgs.map(textOf)).toEqual(["My name is Ada.", CLAUDE_TEXT, "What is my name?"]);

    const third = await readResponse(await s.post({ model: "google/gemini-2.5-flash", input: "And again?", previous_response_id: second.final.id }));
    const contents = ((await s.up.lastRequest())!.body as { contents: Array<{ role: string; parts: Rec[] }> }).contents;
    expect(contents.map((c) => c.role)).toEqual(["user", "model", "user", "model", "user"]);
    expect(contents.map((c) => c.parts.map((p) => p.text ?? "").join(""))).toEqual(["My name is Ada.", CLAUDE_TEXT, "What is my name?", CLAUDE_TEXT, "And again?"]);
    expect(third.previous_response_id).toBe(second.final.id);
  });

  it("a store:false turn continuing a stored one reaches OpenAI as the same-format body, the history in its input", async () => {
    const s = await setup("state-passthrough");
    const first = await readResponse(await s.post({ model: "openai/gpt-5", input: "Think first", reasoning: { effort: "low", summary: "auto" } }));
    const stored = (await (await s.get(`/v1/responses/${first.id}?include=reasoning.encrypted_content`)).json()) as Rec;
    const payload = ((stored.output as Rec[]).find((i) => i.type === "reasoning")!).encrypted_content;
    expect(payload).toMatch(/^gAAAA/); // kept although this caller never asked to see it
    const second = await s.post({ model: "openai/gpt-5", input: "And now?", previous_response_id: first.id, store: false, reasoning: { effort: "low", summary: "auto" }, service_tier: "flex" });
    expect(second.status).toBe(200);
    const sent = (await s.up.lastRequest())!.body as Rec;
    // The caller's own body (service_tier passes untouched), the stored turn expanded into input, no ids.
    expect(sent).toMatchObject({ model: "gpt-5", store: false, service_tier: "flex" });
    expect(sent.previous_response_id).toBeUndefined();
    expect(sent.input).toEqual([
      { type: "message", role: "user", content: [{ type: "input_text", text: "Think first" }] },
      { type: "reasoning", encrypted_content: payload, summary: [{ type: "summary_text", text: "Thinking about the request step by step." }] },
      { type: "message", role: "assistant", content: [{ type: "output_text", text: "Hello from fake openai (gpt-5)" }] },
      { type: "message", role: "user", content: [{ type: "input_text", text: "And now?" }] },
    ]);
  });

  it("GET returns the stored response as it was sent; reasoning payloads only with include", async () => {
    const s = await setup("state-get");
    const sent = await readStream(await s.post({ model: CLAUDE, input: "Think first", reasoning: { effort: "high", summary: "auto" }, stream: true }));
    const got = (await (await s.get(`/v1/responses/${sent.final.id}`)).json()) as Rec;
    expect(got).toEqual(sent.final);
    const reasoning = (got.output as Rec[]).find((i) => i.type === "reasoning")!;
    expect(reasoning).not.toHaveProperty("encrypted_content");
    const withPayloads = (await (await s.get(`/v1/responses/${sent.final.id}?include[]=reasoning.encrypted_content`)).json()) as Rec;
    const signed = (withPayloads.output as Rec[]).find((i) => i.type === "reasoning")!;
    expect(signed.encrypted_content).toMatch(/^arouter:v1:/);

    const plain = await readResponse(await s.post({ model: "openai/gpt-4o", input: "Hi", tools: [WEATHER_FUNCTION] }));
    expect(await (await s.get(`/v1/responses/${plain.id}`)).json()).toEqual(plain);
  });

  it("keeps Anthropic's signed thinking across turns for a caller that never asked to see it", async () => {
    const s = await setup("state-thinking");
    const first = await readResponse(await s.post({ model: CLAUDE, input: "What's the weather in Paris?", tools: [WEATHER_FUNCTION], reasoning: { effort: "high" } }));
    const call = (first.output as Rec[]).find((i) => i.type === "function_call")!;
    expect((first.output as Rec[]).some((i) => "encrypted_content" in i)).toBe(false);
    await readResponse(
      await s.post({
        model: CLAUDE,
        previous_response_id: first.id,
        input: [{ type: "function_call_output", call_id: call.call_id, output: '{"temp_c":21}' }],
        tools: [WEATHER_FUNCTION],
        reasoning: { effort: "high" },
      }),
    );
    const msgs = await anthropicMessages(s);
    const assistant = msgs[1].content as Rec[];
    expect(assistant[0]).toMatchObject({ type: "thinking", signature: expect.any(String) });
    expect(assistant.find((p) => p.type === "tool_use")).toMatchObject({ id: call.call_id, name: "get_weather" });
    expect((msgs[2].content as Rec[])[0]).toMatchObject({ type: "tool_result", tool_use_id: call.call_id });
  });

  it("only the key that created a response can read, continue or delete it", async () => {
    const s = await setup("state-owner");
    const mine = await readResponse(await s.post({ model: CLAUDE, input: "secret" }));
    const other = await s.gw.createKey({ name: "other" });
    expect((await s.get(`/v1/responses/${mine.id}`, other.key)).status).toBe(404);
    expect((await s.get(`/v1/responses/${mine.id}/input_items`, other.key)).status).toBe(404);
    const del = await s.gw.fetch(`/v1/responses/${mine.id}`, { method: "DELETE", headers: { authorization: `Bearer ${other.key}` } });
    expect(del.status).toBe(404);
    const cont = await s.gw.fetch("/v1/responses", {
      method: "POST",
      headers: { authorization: `Bearer ${other.key}`, "content-type": "application/json" },
      body: JSON.stringify({ model: CLAUDE, input: "continue", previous_response_id: mine.id }),
    });
    expect(cont.status).toBe(400);
    expect(await cont.json()).toMatchObject({ error: { message: `Previous response with id '${mine.id}' not found.`, param: "previous_response_id", type: "invalid_request_error" } });
    expect((await s.get(`/v1/responses/${mine.id}`)).status).toBe(200);
    expect((await s.get(`/v1/responses/${mine.id}`, "lr_live_not_a_key")).status).toBe(401);
  });

  it("DELETE removes a response: reading or continuing it then fails", async () => {
    const s = await setup("state-delete");
    const r = await readResponse(await s.post({ model: CLAUDE, input: "bye" }));
    const del = await s.gw.fetch(`/v1/responses/${r.id}`, { method: "DELETE", headers: { authorization: `Bearer ${s.key}` } });
    expect(await del.json()).toEqual({ id: r.id, object: "response", deleted: true });
    expect((await s.get(`/v1/responses/${r.id}`)).status).toBe(404);
    const again = await s.gw.fetch(`/v1/responses/${r.id}`, { method: "DELETE", headers: { authorization: `Bearer ${s.key}` } });
    expect(again.status).toBe(404);
    expect((await s.post({ model: CLAUDE, input: "x", previous_response_id: r.id })).status).toBe(400);
  });

  it("store: false keeps nothing", async () => {
    const s = await setup("state-nostore");
    const r = await readResponse(await s.post({ model: CLAUDE, input: "x", store: false }));
    expect(r.store).toBe(false);
    expect((await s.get(`/v1/responses/${r.id}`)).status).toBe(404);
    const rows = await runInDurableObject(responseStore(s.gw.env, s.hash), (_o: ResponseStore, state) => state.storage.sql.exec("SELECT COUNT(*) AS n FROM responses").one().n);
    expect(rows).toBe(0);
  });

  it("input_items lists what a response was generated from, newest first, paged by item id", async () => {
    const s = await setup("state-items");
    const first = await readResponse(await s.post({ model: CLAUDE, instructions: "Be brief.", input: [{ role: "user", content: "one" }] }));
    const second = await readResponse(await s.post({ model: CLAUDE, input: "two", previous_response_id: first.id }));
    const all = (await (await s.get(`/v1/responses/${second.id}/input_items?order=asc&limit=100`)).json()) as { data: Rec[]; has_more: boolean };
    expect(all.has_more).toBe(false);
    expect(all.data.map((i) => [i.type, i.role])).toEqual([["message", "user"], ["message", "assistant"], ["message", "user"]]);
    expect(all.data[0]).toMatchObject({ id: expect.stringMatching(/^msg_/), content: [{ type: "input_text", text: "one" }] });
    expect(all.data[1].id).toBe((first.output as Rec[])[0].id);
    const page1 = (await (await s.get(`/v1/responses/${second.id}/input_items?limit=2`)).json()) as { data: Rec[]; has_more: boolean; last_id: string; first_id: string };
    expect(page1.data.map((i) => i.id)).toEqual([all.data[2].id, all.data[1].id]);
    expect(page1).toMatchObject({ has_more: true, first_id: all.data[2].id, last_id: all.data[1].id });
    const page2 = (await (await s.get(`/v1/responses/${second.id}/input_items?limit=2&after=${page1.last_id}`)).json()) as { data: Rec[]; has_more: boolean };
    expect(page2.data.map((i) => i.id)).toEqual([all.data[0].id]);
    expect(page2.has_more).toBe(false);
    expect((await s.get(`/v1/responses/${second.id}/input_items?limit=0`)).status).toBe(400);
  });

  it("item_reference brings in a stored item by id", async () => {
    const s = await setup("state-ref");
    const first = await readResponse(await s.post({ model: CLAUDE, input: "Remember: blue." }));
    const answer = (first.output as Rec[])[0];
    await readResponse(await s.post({ model: CLAUDE, input: [{ role: "user", content: "Earlier you said:" }, { type: "item_reference", id: answer.id }, { role: "user", content: "Again?" }] }));
    const msgs = await anthropicMessages(s);
    expect(msgs.map(textOf)).toEqual(["Earlier you said:", CLAUDE_TEXT, "Again?"]);
    const missing = await s.post({ model: CLAUDE, input: [{ type: "item_reference", id: "msg_nope" }] });
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { error: Rec }).error.message).toContain("msg_nope");
  });

  it("expires responses after the retention; the alarm deletes their rows", async () => {
    // ~43 ms of retention.
    const s = await setup("state-retention", { RESPONSES_RETENTION_DAYS: "0.0000005" });
    const r = await readResponse(await s.post({ model: CLAUDE, input: "short-lived" }));
    const stub = responseStore(s.gw.env, s.hash);
    await new Promise((done) => setTimeout(done, 120));
    expect((await s.get(`/v1/responses/${r.id}`)).status).toBe(404);
    // The alarm was set for the expiry; it may already have fired on its own.
    await runDurableObjectAlarm(stub);
    const left = await runInDurableObject(stub, (_o: ResponseStore, state) => state.storage.sql.exec("SELECT (SELECT COUNT(*) FROM responses) + (SELECT COUNT(*) FROM items) AS n").one().n);
    expect(left).toBe(0);
  });

  it("a default retention of 30 days", async () => {
    const s = await setup("state-30d");
    const r = await readResponse(await s.post({ model: CLAUDE, input: "kept" }));
    const stub = responseStore(s.gw.env, s.hash);
    const day = 86_400_000;
    expect(await stub.get(String(r.id), Date.now() + 29 * day)).not.toBeNull();
    expect(await stub.get(String(r.id), Date.now() + 30 * day + 1000)).toBeNull();
  });

  it("stores items larger than a Durable Object value (2 MB) in chunks, and continues them intact", async () => {
    const s = await setup("state-large", { MAX_BODY_BYTES: String(16 * 1024 * 1024) });
    // 2.5 M characters, 3 UTF-8 bytes each past the first: ~7.5 MB in one input item.
    const big = "a" + "€".repeat(2_500_000);
    const first = await readResponse(await s.post({ model: CLAUDE, input: big, max_output_tokens: 50 }));
    const chunks = await runInDurableObject(responseStore(s.gw.env, s.hash), (_o: ResponseStore, state) =>
      state.storage.sql.exec("SELECT COUNT(*) AS n, MAX(LENGTH(CAST(data AS BLOB))) AS bytes FROM items WHERE part = 0").one(),
    );
    expect(chunks.n).toBeGreaterThan(4);
    expect(chunks.bytes).toBeLessThan(2_000_000);
    // A second big turn: the conversation (> 4 M characters) is read back in more than one page.
    const big2 = "b" + "€".repeat(2_500_000);
    const second = await readResponse(await s.post({ model: CLAUDE, input: big2, previous_response_id: first.id, max_output_tokens: 50 }));
    await readResponse(await s.post({ model: CLAUDE, input: "How long was that?", previous_response_id: second.id, max_output_tokens: 50 }));
    const msgs = await anthropicMessages(s);
    expect(msgs.map(textOf)).toEqual([big, CLAUDE_TEXT, big2, CLAUDE_TEXT, "How long was that?"]);
    expect(outputText(first)).toBe(CLAUDE_TEXT);
    const listed = (await (await s.get(`/v1/responses/${second.id}/input_items?order=asc`)).json()) as { data: Rec[] };
    expect(listed.data.map((i) => i.role)).toEqual(["user", "assistant", "user"]);
  });
});
