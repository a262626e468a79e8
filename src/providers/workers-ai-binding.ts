// Workers AI through the deployment's `AI` binding instead of HTTP: a fetch-shaped transport, so
// the gateway keeps speaking OpenAI chat completions to it. The binding's `run()` answers either in
// OpenAI's shape (newer models) or in Workers AI's own (`{response, tool_calls, usage}`, streamed
// as `data: {"response": "…"}` events); the latter is reshaped here into OpenAI's, which is what
// the provider's codec reads. This is the binding's protocol, not another format the gateway
// speaks, so it stays inside the provider's files.
import { newToolCallId } from "../canonical/ids";
import { isRecord, safeJsonParse } from "../streams/json";
import { sseDecoder, sseFrame } from "../streams/sse";
import type { FetchLike } from "./types";

/** The part of the Workers AI binding used here. */
export interface AiBinding {
  run(model: string, inputs: Record<string, unknown>, options?: Record<string, unknown>): Promise<unknown>;
}

export function isAiBinding(v: unknown): v is AiBinding {
  return typeof v === "object" && v !== null && typeof (v as { run?: unknown }).run === "function";
}

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

/** A FetchLike that runs each OpenAI-shaped request through the binding. */
export function bindingTransport(ai: AiBinding, gatewayId?: string): FetchLike {
  return async (url, init) => {
    const parsed = safeJsonParse(typeof init.body === "string" ? init.body : "");
    // Workers AI's own API (text-to-image): the model is in the URL, the answer is `{result}`.
    const run = /\/run\/(.+)$/.exec(url);
    if (run && parsed.ok && isRecord(parsed.value)) return runNative(ai, run[1], parsed.value, gatewayId);
    if (!parsed.ok || !isRecord(parsed.value) || typeof parsed.value.model !== "string") {
      return json(400, { error: { message: "Workers AI binding: the request body must be a JSON object with a model", type: "invalid_request_error" } });
    }
    const { model, stream_options: _ignored, ...inputs } = parsed.value;
    const options = gatewayId ? { gateway: { id: gatewayId } } : undefined;
    let out: unknown;
    try {
      out = await ai.run(model, url.endsWith("/embeddings") ? { text: inputs.input } : inputs, options);
    } catch (err) {
      // The binding throws on model errors (unknown model, bad input): relay them as an upstream 400/500.
      const message = err instanceof Error ? err.message : "Workers AI binding call failed";
      return json(/\b(5\d\d|internal)\b/i.test(message) ? 500 : 400, { error: { message, type: "workers_ai_error" } });
    }
    if (url.endsWith("/embeddings")) return json(200, toOpenAIEmbeddings(out, model));
    if (out instanceof ReadableStream) {
      return new Response(out.pipeThrough(openAIChunks(model)), { status: 200, headers: { "content-type": "text/event-stream" } });
    }
    return json(200, toOpenAICompletion(out, model));
  };
}

interface NativeToolCall {
  name: string;
  arguments: unknown;
}

function nativeCalls(v: unknown): NativeToolCall[] {
  return Array.isArray(v) ? v.filter((c): c is NativeToolCall => isRecord(c) && typeof c.name === "string") : [];
}

const argsText = (a: unknown) => (typeof a === "string" ? a : JSON.stringify(a ?? {}));

function usageOf(u: unknown): Record<string, number> {
  const r = isRecord(u) ? u : {};
  const prompt = typeof r.prompt_tokens === "number" ? r.prompt_tokens : 0;
  const completion = typeof r.completion_tokens === "number" ? r.completion_tokens : 0;
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

/** A complete answer in OpenAI's chat.completion shape (already one: unchanged). */
export function toOpenAICompletion(out: unknown, model: string): unknown {
  if (isRecord(out) && Array.isArray(out.choices)) return out;
  const r = isRecord(out) ? out : {};
  const calls = nativeCalls(r.tool_calls);
  const text = typeof r.response === "string" ? r.response : r.response !== undefined && r.response !== null ? JSON.stringify(r.response) : "";
  const message: Record<string, unknown> = { role: "assistant", content: calls.length ? null : text };
  if (calls.length)
    message.tool_calls = calls.map((c) => ({ id: newToolCallId(), type: "function", function: { name: c.name, arguments: argsText(c.arguments) } }));
  return {
    id: `chatcmpl-${newToolCallId("")}`,
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, message, finish_reason: calls.length ? "tool_calls" : "stop" }],
    usage: usageOf(r.usage),
  };
}

function toOpenAIEmbeddings(out: unknown, model: string): unknown {
  const rows = isRecord(out) && Array.isArray(out.data) ? out.data : [];
  return { object: "list", model, data: rows.map((embedding, index) => ({ object: "embedding", index, embedding })), usage: { prompt_tokens: 0, total_tokens: 0 } };
}

/**
 * The binding's SSE stream → OpenAI chunks. OpenAI-shaped events pass through; native ones
 * (`{response, tool_calls?, usage?}`) become deltas, and their end (`[DONE]` or the stream's
 * close) a finish chunk carrying the usage, then `[DONE]`.
 */
function openAIChunks(model: string): TransformStream<Uint8Array, Uint8Array> {
  const sse = sseDecoder();
  const id = `chatcmpl-${newToolCallId("")}`;
  const created = Math.floor(Date.now() / 1000);
  let native = false;
  let done = false;
  let usage: Record<string, number> | undefined;
  let toolCalls = 0;
  const chunk = (delta: Record<string, unknown>, finish: string | null, extra: Record<string, unknown> = {}) =>
    sseFrame(JSON.stringify({ id, object: "chat.completion.chunk", created, model, choices: [{ index: 0, delta, finish_reason: finish }], ...extra }));
  const finish = (emit: (b: Uint8Array) => void) => {
    if (done) return;
    done = true;
    if (native) emit(chunk({}, toolCalls ? "tool_calls" : "stop", { usage: usage ?? usageOf(undefined) }));
    emit(sseFrame("[DONE]"));
  };
  const onEvent = (emit: (b: Uint8Array) => void) => (ev: { data: string }) => {
    if (done) return;
    if (ev.data === "[DONE]") return finish(emit);
    const p = safeJsonParse(ev.data);
    if (!p.ok || !isRecord(p.value)) return emit(sseFrame(ev.data)); // the codec reports it as malformed
    const v = p.value;
    if (Array.isArray(v.choices) || isRecord(v.error)) return emit(sseFrame(ev.data));
    native = true;
    if (v.usage !== undefined) usage = usageOf(v.usage);
    if (typeof v.response === "string" && v.response) emit(chunk({ content: v.response }, null));
    for (const c of nativeCalls(v.tool_calls)) {
      emit(chunk({ tool_calls: [{ index: toolCalls++, id: newToolCallId(), type: "function", function: { name: c.name, arguments: argsText(c.arguments) } }] }, null));
    }
  };
  return new TransformStream({
    transform(bytes, controller) {
      sse.transform(bytes, onEvent((b) => controller.enqueue(b)));
    },
    flush(controller) {
      const emit = (b: Uint8Array) => controller.enqueue(b);
      sse.flush(onEvent(emit));
      // A native stream that just stops is complete; an OpenAI-shaped one without [DONE] is not
      // (left for the codec to report as truncated).
      if (native) finish(emit);
    },
  });
}

/** One `…/ai/run/<model>` call through the binding, answered as the HTTP API would (`{result, success}`). */
async function runNative(ai: AiBinding, model: string, inputs: Record<string, unknown>, gatewayId?: string): Promise<Response> {
  try {
    const out = await ai.run(model, inputs, gatewayId ? { gateway: { id: gatewayId } } : undefined);
    return json(200, { result: out, success: true, errors: [], messages: [] });
  } catch (err) {
    const message = err instanceof Error ? err.message : "Workers AI binding call failed";
    return json(/\b(5\d\d|internal)\b/i.test(message) ? 500 : 400, { success: false, errors: [{ code: 0, message }], messages: [], result: null });
  }
}
