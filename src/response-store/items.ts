/**
 * Responses items as the store keeps them and hands them back: a caller's `input` in item form
 * (a string is one user message; a message without `type` gets one), ids given to items that
 * have none (input_items lists items by id), and ids taken off again before stored items go into
 * a new request (they are the gateway's, and an upstream that keeps no state — OpenAI with
 * `store: false` — would look them up and fail).
 */
import { isRecord } from "../streams/json";
import type { StoredItem } from "./types";

type Item = Record<string, unknown>;

/** The caller's `input` as a list of items. */
export function inputItems(input: unknown): Item[] {
  if (typeof input === "string") return [{ type: "message", role: "user", content: [{ type: "input_text", text: input }] }];
  if (!Array.isArray(input)) return [];
  return input.filter(isRecord).map((it) => (it.type === undefined && "role" in it ? { type: "message", ...it } : it));
}

const PREFIX: Record<string, string> = {
  message: "msg",
  function_call: "fc",
  function_call_output: "fco",
  custom_tool_call: "ctc",
  custom_tool_call_output: "ctco",
  reasoning: "rs",
};

/**
 * Items to store: each as JSON text with its id. An input item without one gets
 * `<prefix>_<response>_in<n>`, stable for the response (like the output items' ids), and a message
 * whose content is a string gets the part list OpenAI shows for it.
 */
export function toStoredItems(items: Item[], responseId: string, label: "in" | "out"): StoredItem[] {
  const base = responseId.replace(/[^A-Za-z0-9]/g, "");
  return items.map((raw, n) => {
    let it = raw;
    if (it.type === "message" && typeof it.content === "string") {
      it = { ...it, content: [{ type: it.role === "assistant" ? "output_text" : "input_text", text: it.content }] };
    }
    if (typeof it.id !== "string" || it.id === "") it = { id: `${PREFIX[String(it.type)] ?? "item"}_${base}_${label}${n}`, ...it };
    return { id: it.id as string, json: JSON.stringify(it) };
  });
}

/**
 * A stored item for a new request's input: without its id, and an answer's message in the shape
 * clients send it back (Codex: `{type, role, content: [{type: "output_text", text}]}`), without the
 * output-only status, annotations and logprobs.
 */
export function forInput(item: Item): Item {
  const { id: _id, ...rest } = item;
  if (rest.type !== "message" || rest.role !== "assistant" || !Array.isArray(rest.content)) return rest;
  const { status: _status, ...message } = rest;
  return { ...message, content: rest.content.map((p) => (isRecord(p) && p.type === "output_text" ? { type: "output_text", text: p.text } : p)) };
}

/** The `id`s of item_reference items, in order. */
export function referencedIds(items: Item[]): string[] {
  return items.filter((it) => it.type === "item_reference" && typeof it.id === "string").map((it) => it.id as string);
}

/** Reasoning payloads are shown only when `include` asks for them (as on OpenAI). */
export function withoutPayloads(item: Item): Item {
  if (item.type !== "reasoning" || !("encrypted_content" in item)) return item;
  const { encrypted_content: _e, ...rest } = item;
  return rest;
}
