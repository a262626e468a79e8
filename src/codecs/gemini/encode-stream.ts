/**
 * Canonical events → a Gemini stream for a Gemini caller, in either framing:
 * - "sse" (alt=sse): `data: <json>\r\n\r\n`, exactly as Google frames it;
 * - "json-array" (default streamGenerateContent): `[<json>\n,\r\n<json>\n]`.
 * Each chunk is a full GenerateContentResponse carrying the running usage, like Google's.
 * Function calls are emitted whole (Gemini never streams arguments): a call's argument deltas are
 * buffered until the call is complete (next call, other content, finish, or end). The finish
 * chunk is written in flush() because usage may still arrive after the finish event.
 */
import { emptyUsage, type FinishReason, type StreamEvent, type Usage } from "../../canonical/types";
import type { EncodeContext } from "../codec";
import { functionCallPart } from "./encode-response";
import { geminiErrorBody } from "./errors";
import { toGeminiFinishReason } from "./map-gemini-finish-reason";
import { usageToGemini } from "./usage";

interface PendingCall {
  index: number;
  id: string;
  name: string;
  thoughtSignature?: string;
  args: string;
}

export function encodeGeminiStream(ctx: EncodeContext): TransformStream<StreamEvent, Uint8Array> {
  const sse = ctx.framing === "sse";
  const includeReasoning = ctx.includeReasoning !== false;
  const bytes = new TextEncoder();
  let model = ctx.model;
  let usage: Usage = emptyUsage();
  let opened = false; // json-array: "[" written
  let elements = 0;
  let ended = false; // an error was written; the stream is over
  let pending: PendingCall | undefined;
  let finish: { reason: FinishReason; native?: string } | undefined;

  type Controller = TransformStreamDefaultController<Uint8Array>;
  const writeElement = (controller: Controller, value: unknown) => {
    const json = JSON.stringify(value);
    if (sse) controller.enqueue(bytes.encode(`data: ${json}\r\n\r\n`));
    else {
      const prefix = !opened ? "[" : elements > 0 ? "\n,\r\n" : "";
      opened = true;
      controller.enqueue(bytes.encode(prefix + json));
    }
    elements++;
  };
  const writeChunk = (controller: Controller, parts: Record<string, unknown>[], finishReason?: string) => {
    writeElement(controller, {
      candidates: [{ content: { role: "model", parts }, ...(finishReason ? { finishReason } : {}), index: 0 }],
      usageMetadata: usageToGemini(usage),
      modelVersion: model,
      responseId: ctx.id,
    });
  };
  const flushCall = (controller: Controller) => {
    if (!pending) return;
    writeChunk(controller, [functionCallPart(pending.id, pending.name, pending.args, pending.thoughtSignature)]);
    pending = undefined;
  };
  const closeArray = (controller: Controller) => {
    if (!sse) controller.enqueue(bytes.encode(`${opened ? "" : "["}\n]`));
  };

  return new TransformStream<StreamEvent, Uint8Array>({
    transform(event, controller) {
      if (ended) return;
      switch (event.type) {
        case "start":
          if (event.model) model = event.model;
          if (event.usage) usage = event.usage;
          break;
        case "text-delta":
          if (event.text === "") break;
          flushCall(controller);
          writeChunk(controller, [{ text: event.text }]);
          break;
        case "reasoning-delta":
          if (!includeReasoning || event.text === "") break;
          flushCall(controller);
          writeChunk(controller, [{ text: event.text, thought: true }]);
          break;
        case "tool-call-start":
          flushCall(controller);
          pending = { index: event.index, id: event.id, name: event.name, args: "" };
          if (event.thoughtSignature) pending.thoughtSignature = event.thoughtSignature;
          break;
        case "tool-call-delta":
          if (pending && pending.index === event.index) pending.args += event.argumentsDelta;
          break;
        case "usage":
          usage = event.usage;
          break;
        case "finish":
          flushCall(controller);
          finish = { reason: event.finishReason, native: event.nativeFinishReason };
          break;
        case "keep-alive":
          // SSE comment; in the array framing, whitespace is valid JSON between elements.
          if (sse) controller.enqueue(bytes.encode(": keep-alive\r\n\r\n"));
          else {
            controller.enqueue(bytes.encode(opened ? "\n" : "[\n"));
            opened = true;
          }
          break;
        case "error":
          pending = undefined; // half-streamed arguments are not a usable call
          writeElement(controller, geminiErrorBody(event.status, event.message));
          closeArray(controller);
          ended = true;
          break;
        // reasoning-signature / reasoning-redacted: Anthropic artefacts a Gemini caller cannot send back.
      }
    },
    flush(controller) {
      if (ended) return;
      flushCall(controller);
      writeChunk(controller, [{ text: "" }], finish ? toGeminiFinishReason(finish.reason, finish.native) : undefined);
      closeArray(controller);
    },
  });
}
