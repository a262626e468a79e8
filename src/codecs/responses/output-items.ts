/**
 * Output items of a Responses answer, shared by the response and stream encoders.
 *
 * Item ids are derived from the gateway's response id (`msg_<id>_0`, `rs_<id>_1`, `fc_<id>_2`…):
 * unique, stable for one answer, and the same in a stream and in the stored response.
 *
 * Calls are rendered from the caller's tool table (EncodeContext.request.tools): a call of a
 * custom tool becomes a custom_tool_call with its raw input, a call of a namespaced tool carries
 * its namespace and member name, whatever upstream produced it.
 */
import { memberName } from "../../canonical/tools";
import { packToolCallId } from "../../canonical/tool-call-id";
import type { CanonicalRequest, ReasoningPart, ToolDefinition } from "../../canonical/types";
import type { EncodeContext } from "../codec";
import { readResponsesExtensions, wantsEncryptedReasoning } from "./extensions";
import { encryptedContentOf } from "./reasoning-payload";

type Wire = Record<string, unknown>;

export class ItemIds {
  private next = 0;
  private readonly base: string;
  constructor(responseId: string) {
    this.base = responseId.replace(/[^A-Za-z0-9]/g, "");
  }
  take(prefix: "msg" | "rs" | "fc" | "ctc" | "ig"): string {
    return `${prefix}_${this.base}_${this.next++}`;
  }
}

export interface CallShape {
  custom: boolean;
  name: string;
  namespace?: string;
}

/** How a call of the canonical tool `name` is rendered, from the caller's tool table. */
export class ToolTable {
  private readonly byName = new Map<string, ToolDefinition>();
  constructor(req: CanonicalRequest | undefined) {
    for (const t of req?.tools ?? []) this.byName.set(t.name, t);
  }
  shape(name: string, customHint: boolean | undefined): CallShape {
    const tool = this.byName.get(name);
    const shape: CallShape = { custom: customHint === true || tool?.custom !== undefined, name: tool ? memberName(tool) : name };
    if (tool?.namespace) shape.namespace = tool.namespace.name;
    return shape;
  }
}

/** What the caller asked to see: reasoning text (not excluded) and payloads (include). */
export interface ReasoningView {
  text: boolean;
  encrypted: boolean;
}

export function reasoningView(ctx: EncodeContext): ReasoningView {
  return { text: ctx.includeReasoning !== false, encrypted: wantsEncryptedReasoning(readResponsesExtensions(ctx.request)) };
}

export const outputText = (text: string): Wire => ({ type: "output_text", annotations: [], logprobs: [], text });

export function messageItem(id: string, text: string, status: "in_progress" | "completed"): Wire {
  return { id, type: "message", status, content: status === "in_progress" ? [] : [outputText(text)], role: "assistant" };
}

export const summaryPart = (text: string): Wire => ({ type: "summary_text", text });

export function reasoningItem(id: string, summary: string | undefined, encrypted: string | undefined): Wire {
  const item: Wire = { id, type: "reasoning" };
  if (encrypted !== undefined) item.encrypted_content = encrypted;
  item.summary = summary ? [summaryPart(summary)] : [];
  return item;
}

/** A canonical reasoning part as an item; undefined when the caller would see nothing of it. */
export function reasoningPartItem(id: string, part: ReasoningPart, view: ReasoningView): Wire | undefined {
  const summary = view.text && part.redactedData === undefined ? part.text : "";
  const encrypted = view.encrypted ? encryptedContentOf(part) : undefined;
  if (!summary && encrypted === undefined) return undefined;
  return reasoningItem(id, summary, encrypted);
}

/** A call item; `value` is the arguments (function) or the raw input (custom), "" while in progress. */
export function callItem(id: string, callId: string, shape: CallShape, value: string, status: "in_progress" | "completed"): Wire {
  if (shape.custom) {
    const item: Wire = { id, type: "custom_tool_call" };
    if (status === "completed") item.status = status;
    item.call_id = callId;
    item.name = shape.name;
    if (shape.namespace) item.namespace = shape.namespace;
    item.input = value;
    return item;
  }
  const item: Wire = { id, type: "function_call", status, arguments: value, call_id: callId, name: shape.name };
  if (shape.namespace) item.namespace = shape.namespace;
  return item;
}

export const wireCallId = (id: string, thoughtSignature: string | undefined) => packToolCallId(id, thoughtSignature);

/**
 * A generated image as the image_generation tool's output item (whatever model made it: a Gemini
 * image model's inlineData, an OpenRouter image model's message.images). `result` is the base64
 * image; null while in progress.
 */
export function imageGenerationItem(id: string, image: { mediaType: string; data: string } | undefined): Wire {
  const item: Wire = { id, type: "image_generation_call", status: image ? "completed" : "in_progress", result: image?.data ?? null };
  if (image) item.output_format = image.mediaType.replace(/^image\//, "").replace("jpg", "jpeg");
  return item;
}

/** An upstream's image_generation_call item → the image it made (undefined until it has one). */
export function imageOfItem(item: Record<string, unknown>): { mediaType: string; data: string } | undefined {
  if (item.type !== "image_generation_call" || typeof item.result !== "string" || !item.result) return undefined;
  const format = typeof item.output_format === "string" ? item.output_format : "png";
  return { mediaType: `image/${format}`, data: item.result };
}
