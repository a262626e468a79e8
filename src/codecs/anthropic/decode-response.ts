/**
 * Upstream Anthropic Message → CanonicalResponse. Server-tool blocks (server_tool_use,
 * web_search_tool_result, …) and citations are Anthropic-only and are not represented.
 */
import type { AssistantContentPart, CanonicalResponse } from "../../canonical/types";
import { emptyUsage } from "../../canonical/types";
import { UpstreamError } from "../../errors/gateway-error";
import { isRecord } from "../../streams/json";
import { anthropicErrorBodySchema, anthropicResponseSchema, type AnthropicResponse } from "./anthropic-api";
import { fromAnthropicUsage } from "./anthropic-usage";
import { mapAnthropicStopReason } from "./map-anthropic-finish-reason";
import { formatPath } from "./validation";

/** Anthropic-compatible servers sometimes omit the bookkeeping fields; only content is essential. */
const lenientResponseSchema = anthropicResponseSchema.partial({
  id: true,
  type: true,
  role: true,
  model: true,
  stop_reason: true,
  stop_sequence: true,
  usage: true,
});

export function decodeAnthropicResponse(body: unknown): CanonicalResponse {
  const parsed = lenientResponseSchema.safeParse(body);
  if (!parsed.success) {
    const err = anthropicErrorBodySchema.safeParse(body);
    if (err.success) throw new UpstreamError(err.data.error.message, { raw: body });
    const issue = parsed.error.issues[0];
    const where = issue ? `${formatPath(issue.path) || "body"}: ${issue.message}` : "unexpected shape";
    throw new UpstreamError(`Invalid Anthropic response (${where})`, { raw: isRecord(body) ? undefined : String(body).slice(0, 500) });
  }
  const msg = parsed.data;
  const stopReason = msg.stop_reason ?? undefined;
  const res: CanonicalResponse = {
    id: msg.id ?? "",
    model: msg.model ?? "",
    content: decodeResponseBlocks(msg.content),
    finishReason: mapAnthropicStopReason(stopReason),
    usage: msg.usage ? fromAnthropicUsage(msg.usage) : emptyUsage(),
  };
  if (stopReason) res.nativeFinishReason = stopReason;
  return res;
}

export function decodeResponseBlocks(blocks: AnthropicResponse["content"]): AssistantContentPart[] {
  const parts: AssistantContentPart[] = [];
  for (const block of blocks) {
    switch (block.type) {
      case "text":
        if (typeof block.text === "string") parts.push({ type: "text", text: block.text });
        break;
      case "thinking":
        if (typeof block.thinking === "string") {
          const signature = typeof block.signature === "string" && block.signature ? block.signature : undefined;
          parts.push(signature ? { type: "reasoning", text: block.thinking, signature } : { type: "reasoning", text: block.thinking });
        }
        break;
      case "redacted_thinking":
        if (typeof block.data === "string") parts.push({ type: "reasoning", text: "", redactedData: block.data });
        break;
      case "tool_use":
        if (typeof block.id === "string" && typeof block.name === "string") {
          parts.push({ type: "tool-call", id: block.id, name: block.name, arguments: JSON.stringify(block.input ?? {}) });
        }
        break;
      default:
      // server_tool_use, *_tool_result, compaction…: only Anthropic can use them.
    }
  }
  return parts;
}
