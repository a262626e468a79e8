/** Converse JSON → CanonicalResponse. */
import type { AssistantContentPart, CanonicalResponse } from "../../canonical/types";
import { UpstreamError } from "../../errors/gateway-error";
import { type BedrockContentBlock, bedrockResponseSchema } from "./bedrock-api";
import { mapBedrockStopReason } from "./map-bedrock-finish-reason";
import { fromBedrockUsage } from "./usage";

export function decodeBedrockResponse(body: unknown): CanonicalResponse {
  const r = bedrockResponseSchema.safeParse(body);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new UpstreamError(`Malformed Converse response from Bedrock${issue ? `: ${issue.path.join(".")} ${issue.message}` : ""}`, undefined, 502);
  }
  const res = r.data;
  return {
    // Converse answers carry neither an id nor the model: the gateway's own id and model are used.
    id: "",
    model: "",
    content: res.output.message.content.flatMap(decodeBlock),
    finishReason: mapBedrockStopReason(res.stopReason),
    nativeFinishReason: res.stopReason,
    usage: fromBedrockUsage(res.usage),
  };
}

function decodeBlock(b: BedrockContentBlock): AssistantContentPart[] {
  if (b.text !== undefined) return b.text ? [{ type: "text", text: b.text }] : [];
  if (b.toolUse) {
    const input = b.toolUse.input;
    return [{ type: "tool-call", id: b.toolUse.toolUseId, name: b.toolUse.name, arguments: JSON.stringify(input ?? {}) }];
  }
  const rc = b.reasoningContent;
  if (rc?.reasoningText) return [{ type: "reasoning", text: rc.reasoningText.text, ...(rc.reasoningText.signature ? { signature: rc.reasoningText.signature } : {}) }];
  if (rc?.redactedContent !== undefined) return [{ type: "reasoning", text: "", redactedData: rc.redactedContent }];
  // citationsContent, guardContent, images…: nothing the canonical model holds.
  return [];
}
