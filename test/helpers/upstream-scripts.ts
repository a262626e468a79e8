/**
 * Hand-written upstream answers in each provider's wire format, for scripted fake-upstream steps:
 * single stream events, a whole answer with a given text (stream or not), and the opening of a
 * stream with some content and no terminator (to be cut, stalled or broken by the step's fault).
 */
import type { FakeStep } from "./fake-upstream";
import type { UpstreamInfo, WireFormat } from "./fake-answers";

/** One OpenAI chat.completion.chunk as an SSE event; a null delta makes the usage chunk (no choices). */
export function openaiChunk(
  delta: Record<string, unknown> | null,
  o: { finish?: string; id?: string; model?: string; created?: number; usage?: Record<string, number> } = {},
): string {
  const choices = delta === null ? [] : [{ index: 0, delta, finish_reason: o.finish ?? null }];
  const chunk = { id: o.id ?? "chatcmpl-fake", object: "chat.completion.chunk", created: o.created ?? 1, model: o.model ?? "gpt-4o", choices, ...(o.usage ? { usage: o.usage } : {}) };
  return `data: ${JSON.stringify(chunk)}\n\n`;
}

/** One Anthropic stream event (the SSE event name is its type). */
export const anthropicEvent = (type: string, data: object = {}) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;

interface GeminiElementOptions {
  finish?: boolean;
  usage: { input: number; output: number };
  model: string;
  responseId?: string;
}

/** One GenerateContentResponse (a whole answer, or one stream element). */
export function geminiElement(parts: unknown[], o: GeminiElementOptions): Record<string, unknown> {
  return {
    candidates: [{ content: { role: "model", parts }, ...(o.finish ? { finishReason: "STOP" } : {}), index: 0 }],
    usageMetadata: { promptTokenCount: o.usage.input, candidatesTokenCount: o.usage.output, totalTokenCount: o.usage.input + o.usage.output },
    modelVersion: o.model,
    ...(o.responseId ? { responseId: o.responseId } : {}),
  };
}

/** One Gemini stream element as an alt=sse event (Google frames with CRLF). */
export const geminiChunk = (parts: unknown[], o: GeminiElementOptions) => `data: ${JSON.stringify(geminiElement(parts, o))}\r\n\r\n`;

export const SCRIPTED_USAGE = { input: 21, output: 9 };

/** A scripted answer whose text is `text`, in the upstream's own format (stream or not). */
export function scriptedText(u: UpstreamInfo, stream: boolean, text: string, usage = SCRIPTED_USAGE): FakeStep {
  const half = Math.ceil(text.length / 2);
  const pieces = [text.slice(0, half), text.slice(half)];
  const model = u.upstreamModel;
  if (u.format === "openai") {
    const o = { id: "chatcmpl-scripted", created: 1_750_000_000, model };
    const u2 = { prompt_tokens: usage.input, completion_tokens: usage.output, total_tokens: usage.input + usage.output };
    if (!stream)
      return {
        body: {
          id: o.id, object: "chat.completion", created: o.created, model,
          choices: [{ index: 0, message: { role: "assistant", content: text, refusal: null }, logprobs: null, finish_reason: "stop" }],
          usage: u2,
        },
      };
    return {
      chunks: [
        openaiChunk({ role: "assistant", content: "" }, o),
        ...pieces.map((p) => openaiChunk({ content: p }, o)),
        openaiChunk({}, { ...o, finish: "stop" }),
        openaiChunk(null, { ...o, usage: u2 }),
        "data: [DONE]\n\n",
      ],
    };
  }
  if (u.format === "anthropic") {
    const message = {
      id: "msg_scripted", type: "message", role: "assistant", model,
      content: [{ type: "text", text }], stop_reason: "end_turn", stop_sequence: null,
      usage: { input_tokens: usage.input, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: usage.output },
    };
    if (!stream) return { body: message };
    return {
      chunks: [
        anthropicEvent("message_start", { message: { ...message, content: [], stop_reason: null, usage: { ...message.usage, output_tokens: 1 } } }),
        anthropicEvent("content_block_start", { index: 0, content_block: { type: "text", text: "" } }),
        ...pieces.map((p) => anthropicEvent("content_block_delta", { index: 0, delta: { type: "text_delta", text: p } })),
        anthropicEvent("content_block_stop", { index: 0 }),
        anthropicEvent("message_delta", { delta: { stop_reason: "end_turn", stop_sequence: null }, usage: { output_tokens: usage.output } }),
        anthropicEvent("message_stop"),
      ],
    };
  }
  const o = { model, responseId: "scripted-response" };
  if (!stream) return { body: geminiElement([{ text }], { ...o, finish: true, usage }) };
  return {
    chunks: [
      geminiChunk([{ text: pieces[0] }], { ...o, usage: { input: usage.input, output: Math.floor(usage.output / 2) } }),
      geminiChunk([{ text: pieces[1] }], { ...o, finish: true, usage }),
    ],
  };
}

/** A stream's opening with some content ("Hello there, partial"), no terminator. */
export function contentChunks(f: WireFormat): string[] {
  if (f === "openai") return [openaiChunk({ role: "assistant", content: "" }), openaiChunk({ content: "Hello" }), openaiChunk({ content: " there, partial" })];
  if (f === "anthropic")
    return [
      anthropicEvent("message_start", { message: { id: "msg_r", type: "message", role: "assistant", model: "claude-sonnet-4-6", content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 11, output_tokens: 1 } } }),
      anthropicEvent("content_block_start", { index: 0, content_block: { type: "text", text: "" } }),
      anthropicEvent("content_block_delta", { index: 0, delta: { type: "text_delta", text: "Hello" } }),
      anthropicEvent("content_block_delta", { index: 0, delta: { type: "text_delta", text: " there, partial" } }),
    ];
  const o = { model: "gemini-2.0-flash", usage: { input: 11, output: 2 } };
  return [geminiChunk([{ text: "Hello" }], o), geminiChunk([{ text: " there, partial" }], o)];
}

/** An OpenAI stream that delivers "Hel", then the connection drops (before "lo" and any terminator). */
export const cutOpenAIStream = (): FakeStep => ({
  fault: "reset-after",
  resetAfterChunks: 2,
  chunks: [openaiChunk({ role: "assistant", content: "" }), openaiChunk({ content: "Hel" }), openaiChunk({ content: "lo" })],
});
