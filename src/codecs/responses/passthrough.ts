/**
 * Responses → Responses (OpenAI): the caller's own body, so every built-in tool, item and option
 * reaches OpenAI untouched, with only what the gateway must change:
 * - the model id; `store: false` and no `previous_response_id` (see encode-request.ts: the gateway
 *   keeps state; it expands a previous_response_id into `input` before calling this). A request
 *   the gateway stores is never passed through (its answer must carry the gateway's ids), so the
 *   caller's `include` is left as it is;
 * - in `input`, reasoning items OpenAI cannot use are left out (a payload another provider
 *   issued, or none at all: with store false OpenAI would look the item id up and fail), and call
 *   ids lose a packed Gemini signature. Items that need no change are not copied.
 */
import { unpackToolCallId } from "../../canonical/tool-call-id";
import { isRecord } from "../../streams/json";
import { isTaggedPayload } from "./reasoning-payload";

const CALL_ITEMS = new Set(["function_call", "function_call_output", "custom_tool_call", "custom_tool_call_output"]);

export function responsesPassthroughRequest(raw: Record<string, unknown>, upstreamModel: string, stream: boolean): Record<string, unknown> {
  const body: Record<string, unknown> = { ...raw, model: upstreamModel, store: false };
  delete body.previous_response_id;
  if (stream) body.stream = true;
  else {
    delete body.stream;
    delete body.stream_options;
  }
  if (Array.isArray(raw.input)) body.input = sanitizeInput(raw.input);
  return body;
}

function sanitizeInput(input: unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const item of input) {
    if (!isRecord(item)) {
      out.push(item);
      continue;
    }
    if (item.type === "reasoning") {
      const enc = item.encrypted_content;
      if (typeof enc === "string" && enc !== "" && !isTaggedPayload(enc)) out.push(item);
      continue;
    }
    if (typeof item.type === "string" && CALL_ITEMS.has(item.type) && typeof item.call_id === "string") {
      const { id } = unpackToolCallId(item.call_id);
      out.push(id === item.call_id ? item : { ...item, call_id: id });
      continue;
    }
    out.push(item);
  }
  return out;
}
