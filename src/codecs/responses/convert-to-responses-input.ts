/**
 * Canonical messages → Responses `input` items (upstream side).
 * - user messages → message items with input_text / input_image / input_file parts;
 * - assistant text → an assistant message item (output_text), calls → function_call or
 *   custom_tool_call items (namespaced tools split back into namespace + name), reasoning → a
 *   reasoning item only when it carries OpenAI's own encrypted_content (other families' payloads
 *   mean nothing to OpenAI, and with `store: false` a reasoning item without it cannot be used);
 * - tool results → function_call_output / custom_tool_call_output, matching their call's kind;
 * - no item ids: with `store: false` OpenAI would look ids up and fail.
 * Call ids are sent plain (a Gemini signature packed into them is useless to OpenAI).
 */
import { memberName, unwrapCustomInput } from "../../canonical/tools";
import type { AssistantContentPart, Message, ToolDefinition, ToolResultPart, UserContentPart } from "../../canonical/types";
import { sourceToUrl } from "../openai/media";

type Wire = Record<string, unknown>;

function userPart(p: UserContentPart): Wire {
  switch (p.type) {
    case "text":
      return { type: "input_text", text: p.text };
    case "image": {
      const out: Wire = { type: "input_image", image_url: sourceToUrl(p.source) };
      out.detail = p.detail ?? "auto";
      return out;
    }
    case "file": {
      if (p.source.kind === "url") return { type: "input_file", file_url: p.source.url, ...(p.filename ? { filename: p.filename } : {}) };
      // OpenAI wants a filename next to file_data.
      return { type: "input_file", filename: p.filename ?? "document", file_data: sourceToUrl(p.source) };
    }
  }
}

function toolOutput(r: ToolResultPart): string | Wire[] {
  if (r.content.every((c) => c.type === "text")) return r.content.map((c) => (c.type === "text" ? c.text : "")).join("");
  return r.content.map(userPart);
}

export function convertToResponsesInput(messages: Message[], tools: ToolDefinition[] = []): Wire[] {
  const byName = new Map(tools.map((t) => [t.name, t]));
  const customCalls = new Set<string>();
  const out: Wire[] = [];
  for (const m of messages) {
    if (m.role === "user") out.push({ type: "message", role: "user", content: m.content.map(userPart) });
    else if (m.role === "assistant") out.push(...assistantItems(m.content, byName, customCalls));
    else {
      for (const r of m.content) {
        out.push({ type: customCalls.has(r.toolCallId) ? "custom_tool_call_output" : "function_call_output", call_id: r.toolCallId, output: toolOutput(r) });
      }
    }
  }
  return out;
}

function assistantItems(parts: AssistantContentPart[], byName: Map<string, ToolDefinition>, customCalls: Set<string>): Wire[] {
  const out: Wire[] = [];
  let text: Wire[] | undefined;
  for (const p of parts) {
    if (p.type === "text") {
      if (!p.text) continue;
      if (!text) {
        text = [];
        out.push({ type: "message", role: "assistant", content: text });
      }
      text.push({ type: "output_text", text: p.text });
      continue;
    }
    text = undefined;
    if (p.type === "reasoning") {
      if (p.encrypted?.origin !== "openai") continue;
      out.push({ type: "reasoning", summary: p.text ? [{ type: "summary_text", text: p.text }] : [], encrypted_content: p.encrypted.data });
      continue;
    }
    const tool = byName.get(p.name);
    const name = tool ? memberName(tool) : p.name;
    const custom = p.custom === true || tool?.custom !== undefined;
    const item: Wire = custom
      ? { type: "custom_tool_call", call_id: p.id, name, input: unwrapCustomInput(p.arguments) }
      : { type: "function_call", call_id: p.id, name, arguments: p.arguments };
    if (tool?.namespace) item.namespace = tool.namespace.name;
    if (custom) customCalls.add(p.id);
    out.push(item);
  }
  return out;
}
