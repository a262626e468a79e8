/**
 * CanonicalResponse -> the caller's chat.completion body (OpenRouter-flavoured: `provider`,
 * `native_finish_reason`, `reasoning`, `reasoning_details`, `usage.cost`).
 */
import { packToolCallId } from "../../canonical/tool-call-id";
import type { CanonicalResponse, ReasoningPart } from "../../canonical/types";
import type { EncodeContext } from "../codec";
import { toOpenAIFinishReason } from "./map-openai-finish-reason";
import { encodeOpenAIUsage } from "./openai-usage";
import { partToDetails, reasoningText } from "./reasoning-details";
import { writeMessageMedia } from "./media-output";

export function encodeOpenAIResponse(res: CanonicalResponse, ctx: EncodeContext): Record<string, unknown> {
  let text: string | null = null;
  const reasoning: ReasoningPart[] = [];
  const toolCalls: unknown[] = [];
  for (const p of res.content) {
    if (p.type === "text") text = (text ?? "") + p.text;
    else if (p.type === "reasoning") reasoning.push(p);
    else {
      toolCalls.push({
        id: packToolCallId(p.id, p.thoughtSignature),
        type: "function",
        function: { name: p.name, arguments: p.arguments },
      });
    }
  }

  const message: Record<string, unknown> = { role: "assistant", content: text, refusal: null };
  if (ctx.includeReasoning !== false && reasoning.length > 0) {
    const rt = reasoningText(reasoning);
    message.reasoning = rt || null;
    // Signatures / encrypted blocks let the client send the reasoning back on the next turn.
    message.reasoning_details = reasoning.flatMap((p, i) => partToDetails(p, i));
  }
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  writeMessageMedia(res.media, message, ctx.request?.audioOutput?.format);

  const finishReason = toOpenAIFinishReason(res.finishReason, res.nativeFinishReason);
  return {
    id: ctx.id,
    object: "chat.completion",
    created: ctx.created,
    model: res.model || ctx.model,
    provider: ctx.provider,
    choices: [
      {
        index: 0,
        message,
        logprobs: null,
        finish_reason: finishReason,
        native_finish_reason: res.nativeFinishReason ?? finishReason,
      },
    ],
    usage: encodeOpenAIUsage(res.usage, ctx),
  };
}
