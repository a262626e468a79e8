/** CanonicalResponse → Anthropic Message JSON for an Anthropic caller. */
import type { CanonicalResponse } from "../../canonical/types";
import type { EncodeContext } from "../codec";
import { toAnthropicUsage } from "./anthropic-usage";
import { parseToolInput, toolUseIdForCaller } from "./content-utils";
import { requestToolSearch, searchBlocks, searchedStopReason } from "./gateway-tool-search";
import { toAnthropicStopReason } from "./map-anthropic-finish-reason";

export function encodeAnthropicResponse(res: CanonicalResponse, ctx: EncodeContext): Record<string, unknown> {
  const content: Record<string, unknown>[] = [];
  let hasToolCalls = false;
  let searched = false;
  const search = requestToolSearch(ctx.request);
  for (const part of res.content) {
    if (search && part.type === "tool-call" && part.name === search.name) {
      // The gateway answers the search itself, as Anthropic's server tool would (gateway-tool-search.ts).
      content.push(...searchBlocks(search, part));
      searched = true;
      continue;
    }
    switch (part.type) {
      case "text":
        content.push({ type: "text", text: part.text });
        break;
      case "reasoning":
        if (ctx.includeReasoning === false) break;
        if (part.redactedData !== undefined) content.push({ type: "redacted_thinking", data: part.redactedData });
        // Anthropic clients expect a signature string on every thinking block.
        else content.push({ type: "thinking", thinking: part.text, signature: part.signature ?? "" });
        break;
      case "tool-call":
        hasToolCalls = true;
        content.push({
          type: "tool_use",
          id: toolUseIdForCaller(part.id, part.thoughtSignature),
          name: part.name,
          input: parseToolInput(part.arguments),
        });
        break;
    }
  }
  return {
    id: ctx.id,
    type: "message",
    role: "assistant",
    model: res.model || ctx.model,
    content,
    stop_reason:
      (searched ? searchedStopReason(res.finishReason, hasToolCalls) : undefined) ??
      toAnthropicStopReason(res.finishReason, res.nativeFinishReason, hasToolCalls),
    stop_sequence: null,
    usage: toAnthropicUsage(res.usage),
  };
}
