/**
 * Workers AI through an `AI` binding (a fake binding object here: npm start and the tests run
 * without a Cloudflare login): enabled with no token, nothing fetched, the binding's two answer
 * shapes (OpenAI's, and Workers AI's own `{response, tool_calls, usage}`, streamed as
 * `data: {"response": …}` events) both reaching every surface in its own format.
 */
import { describe, expect, it } from "vitest";
import { fakeSession } from "../helpers/fake-upstream";
import { gateway, jsonPost } from "../helpers/gateway";
import { ask, expectOk } from "../helpers/surface-reply";
import { SURFACES, surfaceCall } from "../helpers/surface-request";

interface RunCall {
  model: string;
  inputs: Record<string, unknown>;
  options?: Record<string, unknown>;
}

const MODEL = "@cf/meta/llama-3.3-70b-instruct-fp8-fast";
const enc = new TextEncoder();

function sseStream(events: string[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(c) {
      // Split across chunk boundaries mid-event, as a network would.
      const all = enc.encode(events.map((e) => `data: ${e}\n\n`).join(""));
      for (let i = 0; i < all.length; i += 13) c.enqueue(all.slice(i, i + 13));
      c.close();
    },
  });
}

/** A binding answering in Workers AI's native shape (what most @cf models return). */
function nativeBinding(calls: RunCall[]) {
  return {
    async run(model: string, inputs: Record<string, unknown>, options?: Record<string, unknown>) {
      calls.push({ model, inputs, options });
      const wantsTool = Array.isArray(inputs.tools) && JSON.stringify(inputs.messages).includes("weather");
      if (inputs.stream) {
        if (wantsTool) return sseStream([JSON.stringify({ response: "", tool_calls: [{ name: "get_weather", arguments: { city: "Oslo" } }] }), JSON.stringify({ response: "", usage: { prompt_tokens: 12, completion_tokens: 5, total_tokens: 17 } }), "[DONE]"]);
        return sseStream([...["Hello", " from", " the", " binding"].map((t) => JSON.stringify({ response: t, p: "abc" })), JSON.stringify({ response: "", usage: { prompt_tokens: 12, completion_tokens: 4, total_tokens: 16 } }), "[DONE]"]);
      }
      if (wantsTool) return { response: null, tool_calls: [{ name: "get_weather", arguments: { city: "Oslo" } }], usage: { prompt_tokens: 12, completion_tokens: 5, total_tokens: 17 } };
      return { response: "Hello from the binding", usage: { prompt_tokens: 12, completion_tokens: 4, total_tokens: 16 } };
    },
  };
}


describe("the AI binding", () => {
  for (const surface of SURFACES) {
    for (const stream of [false, true]) {
      it(`${surface}, ${stream ? "streamed" : "complete"}: text and a tool call, with no token and no fetch`, async () => {
        const calls: RunCall[] = [];
        const up = fakeSession("wai-binding");
        const gw = gateway({ ...up.env, AI: nativeBinding(calls) });
        const { key } = await gw.createKey();
        const send = async (text: string, tools: boolean) =>
          expectOk(await ask(gw, surfaceCall(surface, key, { model: `cloudflare/${MODEL}`, tools, framing: stream ? "sse" : "json", turns: [{ role: "user", text }] })));
        const plain = await send("Say hello", false);
        expect(plain.text).toBe("Hello from the binding");
        expect(plain.usage).toMatchObject({ input: 12, output: 4 });
        const tool = await send("What's the weather?", true);
        expect(tool.calls.map((c) => ({ name: c.name, args: c.args }))).toEqual([{ name: "get_weather", args: { city: "Oslo" } }]);
        expect(calls).toHaveLength(2);
        expect(calls[0].model).toBe(MODEL);
        expect(calls[0].inputs.stream === true).toBe(stream);
        expect(calls[0].inputs).not.toHaveProperty("model");
        expect(calls[0].inputs).not.toHaveProperty("stream_options");
        expect(Array.isArray(calls[1].inputs.tools)).toBe(true);
        expect(await up.requests()).toHaveLength(0);
      });
    }
  }

  it("passes OpenAI-shaped answers through, and runs through AI Gateway when one is configured", async () => {
    const calls: RunCall[] = [];
    const binding = {
      async run(model: string, inputs: Record<string, unknown>, options?: Record<string, unknown>) {
        calls.push({ model, inputs, options });
        return {
          id: "chatcmpl-1", object: "chat.completion", created: 1, model,
          choices: [{ index: 0, message: { role: "assistant", content: "OpenAI-shaped" }, finish_reason: "stop" }],
          usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
        };
      },
    };
    const gw = gateway({ AI: binding, AI_GATEWAY_ACCOUNT_ID: "acc", AI_GATEWAY_ID: "my-gw" });
    const { key } = await gw.createKey();
    const res = await gw.fetch("/v1/chat/completions", jsonPost({ model: `cloudflare/${MODEL}`, messages: [{ role: "user", content: "hi" }] }, { authorization: `Bearer ${key}` }));
    expect(res.status).toBe(200);
    expect(((await res.json()) as any).choices[0].message.content).toBe("OpenAI-shaped");
    expect(calls[0].options).toEqual({ gateway: { id: "my-gw" } });
  });

  it("relays a binding failure as the provider's error", async () => {
    const binding = { run: () => Promise.reject(new Error("5007: No such model @cf/nope")) };
    const gw = gateway({ AI: binding });
    const { key } = await gw.createKey();
    const res = await gw.fetch("/v1/chat/completions", jsonPost({ model: "cloudflare/@cf/nope", messages: [{ role: "user", content: "hi" }] }, { authorization: `Bearer ${key}` }));
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/No such model/);
  });

  it("prefers HTTP when CLOUDFLARE_BASE_URL is set explicitly", async () => {
    const calls: RunCall[] = [];
    const up = fakeSession("wai-http");
    const gw = gateway({
      ...up.env,
      AI: nativeBinding(calls),
      CLOUDFLARE_API_TOKEN: "t",
      CLOUDFLARE_ACCOUNT_ID: "a",
      CLOUDFLARE_BASE_URL: `${up.baseUrl}/cloudflare/client/v4/accounts/a/ai/v1`,
    });
    const { key } = await gw.createKey();
    const res = await gw.fetch("/v1/chat/completions", jsonPost({ model: `cloudflare/${MODEL}`, messages: [{ role: "user", content: "hi" }] }, { authorization: `Bearer ${key}` }));
    expect(res.status).toBe(200);
    expect(calls).toHaveLength(0);
    expect((await up.lastRequest())!.headers.authorization).toBe("Bearer t");
  });
});
