/**
 * CanonicalResponse → the caller's Response object (non-streamed). Content parts become output
 * items in order: consecutive text parts one message item, each reasoning part one reasoning
 * item (its payload in encrypted_content when `include` asked for it), each call a function_call
 * or custom_tool_call item (see output-items.ts), each generated image an image_generation_call item.
 */
import { unwrapCustomInput } from "../../canonical/tools";
import type { CanonicalResponse } from "../../canonical/types";
import type { EncodeContext } from "../codec";
import { toResponsesStatus } from "./map-responses-finish-reason";
import { callItem, imageGenerationItem, ItemIds, messageItem, reasoningPartItem, reasoningView, ToolTable, wireCallId, type ReasoningView } from "./output-items";
import { responseObject } from "./response-object";

type Wire = Record<string, unknown>;

export function encodeResponsesResponse(res: CanonicalResponse, ctx: EncodeContext): Record<string, unknown> {
  const view = reasoningView(ctx);
  const { status, incompleteReason } = toResponsesStatus(res.finishReason, res.nativeFinishReason);
  const answer = (output: Wire[]) =>
    responseObject(ctx, {
      model: res.model || ctx.model,
      status,
      output,
      usage: res.usage,
      incompleteReason,
      error: status === "failed" ? { code: "server_error", message: `The model stopped with an error (${res.nativeFinishReason ?? "error"}).` } : undefined,
    });
  // A kept answer holds every reasoning payload (item ids are the same in both renderings).
  if (ctx.capture && status !== "failed") ctx.capture(answer(outputItems(res, ctx, { ...view, encrypted: true })));
  return answer(outputItems(res, ctx, view));
}

function outputItems(res: CanonicalResponse, ctx: EncodeContext, view: ReasoningView): Wire[] {
  const ids = new ItemIds(ctx.id);
  const tools = new ToolTable(ctx.request);
  const output: Wire[] = [];
  let text: string | undefined;
  const flushText = () => {
    if (text === undefined) return;
    output.push(messageItem(ids.take("msg"), text, "completed"));
    text = undefined;
  };
  for (const p of res.content) {
    if (p.type === "text") {
      text = (text ?? "") + p.text;
      continue;
    }
    flushText();
    if (p.type === "reasoning") {
      const item = reasoningPartItem(ids.take("rs"), p, view);
      if (item) output.push(item);
    } else {
      const shape = tools.shape(p.name, p.custom);
      const value = shape.custom ? unwrapCustomInput(p.arguments) : p.arguments;
      output.push(callItem(ids.take(shape.custom ? "ctc" : "fc"), wireCallId(p.id, p.thoughtSignature), shape, value, "completed"));
    }
  }
  flushText();
  for (const m of res.media ?? []) if (m.type === "generated-image") output.push(imageGenerationItem(ids.take("ig"), m));
  return output;
}
