import { describe, expect, it } from "vitest";
import { DEMO_HEADER } from "../../src/demo/demo-labels";
import { fakeSession } from "../helpers/fake-upstream";
import { gateway, jsonPost, readSse } from "../helpers/gateway";

// DEMO=1 is what `npm start` sets when it runs the built-in fake upstream: every answer carries a
// demo header, and the model lists flag each model, so nobody takes a canned answer for a real one.
async function setup(demo: boolean) {
  const up = fakeSession("demo-labels");
  const gw = gateway({ ...up.env, ...(demo ? { DEMO: "1" } : {}) });
  const { key } = await gw.createKey();
  const auth = { authorization: `Bearer ${key}` };
  return { gw, key, auth };
}

type ModelList = { demo?: boolean; demo_note?: string; data: Array<{ id: string; demo?: boolean; description: string }> };

describe("demo labels", () => {
  it("labels chat answers, streamed and not, on every surface", async () => {
    const { gw, key, auth } = await setup(true);
    const plain = await gw.fetch("/v1/chat/completions", jsonPost({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "Hi" }] }, auth));
    expect(plain.status).toBe(200);
    expect(plain.headers.get(DEMO_HEADER)).toBe("true");
    expect(plain.headers.get("x-arouter-provider")).toBe("openai"); // the gateway's own headers survive
    const body = (await plain.json()) as { choices: Array<{ message: { content: string } }> };
    expect(body.choices[0].message.content).toContain("fake");

    const streamed = await gw.fetch(
      "/v1/messages",
      jsonPost({ model: "anthropic/claude-sonnet-4.6", max_tokens: 100, stream: true, messages: [{ role: "user", content: "Hi" }] }, { "x-api-key": key }),
    );
    expect(streamed.headers.get(DEMO_HEADER)).toBe("true");
    const sse = await readSse(streamed);
    expect(sse.events.map((e) => e.event)).toContain("message_stop");

    const gemini = await gw.fetch(
      "/v1beta/models/google/gemini-2.5-flash:generateContent",
      jsonPost({ contents: [{ role: "user", parts: [{ text: "Hi" }] }] }, { "x-goog-api-key": key }),
    );
    expect(gemini.status).toBe(200);
    expect(gemini.headers.get(DEMO_HEADER)).toBe("true");
    await gw.settled();
  });

  it("labels errors too", async () => {
    const { gw } = await setup(true);
    const res = await gw.fetch("/v1/chat/completions", jsonPost({ model: "openai/gpt-4o-mini", messages: [] }));
    expect(res.status).toBe(401);
    expect(res.headers.get(DEMO_HEADER)).toBe("true");
  });

  it("flags every model and the list in /v1/models, and the Gemini list", async () => {
    const { gw, auth } = await setup(true);
    const res = await gw.fetch("/v1/models", { headers: auth });
    expect(res.headers.get(DEMO_HEADER)).toBe("true");
    const list = (await res.json()) as ModelList;
    expect(list.demo).toBe(true);
    expect(list.demo_note).toMatch(/fake upstream/);
    expect(list.data.length).toBeGreaterThan(10);
    for (const m of list.data) {
      expect(m.demo).toBe(true);
      expect(m.description).toMatch(/^\[Demo: /);
    }

    const one = (await (await gw.fetch("/v1/models/openai/gpt-4o-mini")).json()) as { id: string; demo?: boolean; description: string };
    expect(one.id).toBe("openai/gpt-4o-mini");
    expect(one.demo).toBe(true);

    // @google/genai's models.list() GETs /v1/models with a Google-style key: re-dispatched, labelled once.
    const google = (await (await gw.fetch("/v1/models", { headers: { "x-goog-api-key": auth.authorization.slice(7) } })).json()) as {
      models: Array<{ name: string; demo?: boolean; description: string }>;
      demo?: boolean;
    };
    expect(google.demo).toBe(true);
    expect(google.models.length).toBeGreaterThan(10);
    for (const m of google.models) {
      expect(m.demo).toBe(true);
      expect(m.name).toMatch(/^models\/[^ ]+$/); // identifiers are never touched
      expect(m.description.startsWith("[Demo: ")).toBe(true);
      expect(m.description.indexOf("[Demo: ", 1)).toBe(-1);
    }
  });

  it("adds nothing when DEMO is not set", async () => {
    const { gw, auth } = await setup(false);
    const chat = await gw.fetch("/v1/chat/completions", jsonPost({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "Hi" }] }, auth));
    expect(chat.status).toBe(200);
    expect(chat.headers.has(DEMO_HEADER)).toBe(false);
    const list = (await (await gw.fetch("/v1/models", { headers: auth })).json()) as ModelList;
    expect(list.demo).toBeUndefined();
    expect(list.data.some((m) => m.demo !== undefined || m.description.startsWith("[Demo"))).toBe(false);
    await gw.settled();
  });
});
