/**
 * Canonical StreamEvents -> the caller's chat.completion.chunk SSE (OpenRouter-flavoured).
 * Every chunk carries the same id/created/model/provider. The trailer (one `choices: []` chunk
 * with the full usage and cost, then `data: [DONE]`) is always written in flush(), even after
 * an in-band error, so clients see a well-formed end of stream.
 */
import { packToolCallId } from "../../canonical/tool-call-id";
import { emptyUsage, type StreamEvent, type Usage } from "../../canonical/types";
import { sseComment, sseFrame } from "../../streams/sse";
import type { EncodeContext } from "../codec";
import { toOpenAIFinishReason } from "./map-openai-finish-reason";
import { encodeOpenAIUsage } from "./openai-usage";

const DONE = new TextEncoder().encode("data: [DONE]\n\n");

export function encodeOpenAIStream(ctx: EncodeContext): TransformStream<StreamEvent, Uint8Array> {
  const showReasoning = ctx.includeReasoning !== false;
  let model = ctx.model;
  let opened = false;
  let errored = false;
  let usage: Usage | undefined;
  // reasoning_details index: one per reasoning block; a block ends at its signature or at
  // the first non-reasoning output, so clients can rebuild the blocks and send them back.
  let detailIndex = 0;
  let inReasoning = false;

  const chunk = (body: Record<string, unknown>) =>
    sseFrame(
      JSON.stringify({ id: ctx.id, object: "chat.completion.chunk", created: ctx.created, model, provider: ctx.provider, ...body }),
    );
  const deltaChunk = (delta: Record<string, unknown>) =>
    chunk({ choices: [{ index: 0, delta, finish_reason: null, native_finish_reason: null, logprobs: null }] });

  return new TransformStream<StreamEvent, Uint8Array>({
    transform(ev, controller) {
      if (errored) return;
      const open = () => {
        if (opened) return;
        opened = true;
        controller.enqueue(deltaChunk({ role: "assistant", content: "" }));
      };
      const closeReasoning = () => {
        if (!inReasoning) return;
        inReasoning = false;
        detailIndex++;
      };
      switch (ev.type) {
        case "start":
          if (ev.model) model = ev.model;
          if (ev.usage) usage = ev.usage;
          open();
          return;
        case "text-delta":
          open();
          closeReasoning();
          if (ev.text) controller.enqueue(deltaChunk({ content: ev.text }));
          return;
        case "reasoning-delta":
          open();
          if (!showReasoning || !ev.text) return;
          inReasoning = true;
          controller.enqueue(
            deltaChunk({
              reasoning: ev.text,
              reasoning_details: [{ type: "reasoning.text", text: ev.text, format: "unknown", index: detailIndex }],
            }),
          );
          return;
        case "reasoning-signature":
          open();
          if (!showReasoning) return;
          controller.enqueue(
            deltaChunk({
              reasoning_details: [{ type: "reasoning.text", signature: ev.signature, format: "unknown", index: detailIndex }],
            }),
          );
          inReasoning = true;
          closeReasoning();
          return;
        case "reasoning-redacted":
          open();
          if (!showReasoning) return;
          closeReasoning();
          controller.enqueue(
            deltaChunk({ reasoning_details: [{ type: "reasoning.encrypted", data: ev.data, format: "unknown", index: detailIndex }] }),
          );
          detailIndex++;
          return;
        case "tool-call-start":
          open();
          closeReasoning();
          controller.enqueue(
            deltaChunk({
              tool_calls: [
                {
                  index: ev.index,
                  id: packToolCallId(ev.id, ev.thoughtSignature),
                  type: "function",
                  function: { name: ev.name, arguments: "" },
                },
              ],
            }),
          );
          return;
        case "tool-call-delta":
          open();
          if (ev.argumentsDelta) {
            controller.enqueue(deltaChunk({ tool_calls: [{ index: ev.index, function: { arguments: ev.argumentsDelta } }] }));
          }
          return;
        case "usage":
          usage = ev.usage;
          return;
        case "finish": {
          open();
          const reason = toOpenAIFinishReason(ev.finishReason, ev.nativeFinishReason);
          controller.enqueue(
            chunk({
              choices: [
                { index: 0, delta: {}, finish_reason: reason, native_finish_reason: ev.nativeFinishReason ?? reason, logprobs: null },
              ],
            }),
          );
          return;
        }
        case "keep-alive":
          controller.enqueue(sseComment("keep-alive"));
          return;
        case "error": {
          errored = true;
          const error: Record<string, unknown> = { code: ev.status, message: ev.message };
          if (ev.errorType) error.metadata = { error_type: ev.errorType };
          controller.enqueue(
            chunk({
              error,
              choices: [{ index: 0, delta: { content: "" }, finish_reason: "error", native_finish_reason: "error", logprobs: null }],
            }),
          );
          return;
        }
      }
    },
    flush(controller) {
      if (!opened && !errored) controller.enqueue(deltaChunk({ role: "assistant", content: "" }));
      controller.enqueue(chunk({ choices: [], usage: encodeOpenAIUsage(usage ?? emptyUsage(), ctx) }));
      controller.enqueue(DONE);
    },
  });
}
