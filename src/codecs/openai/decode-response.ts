/**
 * Upstream chat.completion JSON (OpenAI or compatible) -> CanonicalResponse.
 * Handles reasoning in every dialect seen: `reasoning_details` (OpenRouter, lossless),
 * `reasoning_content` (DeepSeek, xAI, Azure-DeepSeek), `reasoning` (Groq, OpenRouter) and
 * Mistral's `thinking` content parts.
 */
import { newToolCallId } from "../../canonical/ids";
import { unpackToolCallId } from "../../canonical/tool-call-id";
import type { AssistantContentPart, CanonicalResponse, ReasoningPart, ToolCallPart } from "../../canonical/types";
import { emptyUsage } from "../../canonical/types";
import { UpstreamError } from "../../errors/gateway-error";
import { mapOpenAIFinishReason } from "./map-openai-finish-reason";
import { upstreamResponseSchema, type UpstreamContentPart, type UpstreamMessage, type UpstreamToolCall } from "./openai-response-api";
import { decodeOpenAIUsage } from "./openai-usage";
import { detailsToParts } from "./reasoning-details";
import { upstreamErrorInfo } from "./errors";
import { formatZodError } from "./zod-error";
import { readMessageMedia } from "./media-output";

export function decodeOpenAIResponse(body: unknown): CanonicalResponse {
  const parsed = upstreamResponseSchema.safeParse(body);
  if (!parsed.success) {
    throw new UpstreamError(`Invalid chat.completion from upstream: ${formatZodError(parsed.error)}`, { raw: body });
  }
  const r = parsed.data;
  // Some providers answer 200 with an error body (Azure content filter, OpenRouter late failures).
  if (r.error) {
    const info = upstreamErrorInfo(r.error);
    throw new UpstreamError(info.message, { raw: body }, info.status);
  }
  const choice = r.choices?.find((c) => (c.index ?? 0) === 0) ?? r.choices?.[0];
  if (!choice) throw new UpstreamError("Upstream chat.completion has no choices", { raw: body });

  const content = choice.message ? messageParts(choice.message) : [];
  const sawToolCalls = content.some((p) => p.type === "tool-call");
  const res: CanonicalResponse = {
    id: r.id ?? "",
    model: r.model ?? "",
    content,
    finishReason: mapOpenAIFinishReason(choice.finish_reason, sawToolCalls),
    usage: r.usage ? decodeOpenAIUsage(r.usage) : emptyUsage(),
  };
  // A gateway upstream (OpenRouter, or ARouter itself) reports the real provider's reason separately.
  const native = choice.native_finish_reason ?? choice.finish_reason;
  if (native) res.nativeFinishReason = native;
  if (r.created != null) res.created = r.created;
  const media = choice.message ? readMessageMedia(choice.message) : [];
  if (media.length) res.media = media;
  return res;
}

function messageParts(m: UpstreamMessage): AssistantContentPart[] {
  const out: AssistantContentPart[] = [];
  out.push(...detailsToParts(m.reasoning_details ?? []));
  const plain = m.reasoning_content ?? m.reasoning;
  if (out.length === 0 && plain) out.push({ type: "reasoning", text: plain });

  if (typeof m.content === "string") {
    if (m.content) out.push({ type: "text", text: m.content });
  } else if (m.content) {
    for (const p of m.content) {
      const thinking = thinkingText(p);
      if (thinking !== undefined) out.push({ type: "reasoning", text: thinking } satisfies ReasoningPart);
      else if (p.text) out.push({ type: "text", text: p.text });
    }
  }
  if (m.refusal && !out.some((p) => p.type === "text")) out.push({ type: "text", text: m.refusal });

  (m.tool_calls ?? []).forEach((tc) => {
    const part = toolCallPart(tc);
    if (part) out.push(part);
  });
  if (m.function_call?.name) {
    out.push({ type: "tool-call", id: newToolCallId(), name: m.function_call.name, arguments: m.function_call.arguments || "{}" });
  }
  return out;
}

/** Text of a Mistral thinking part, or undefined when the part is not one. */
export function thinkingText(p: UpstreamContentPart): string | undefined {
  if (p.type !== "thinking") return undefined;
  if (typeof p.thinking === "string") return p.thinking;
  let text = "";
  for (const t of p.thinking ?? []) text += t.text ?? "";
  return text;
}

function toolCallPart(tc: UpstreamToolCall): ToolCallPart | undefined {
  const name = tc.function?.name;
  if (!name) return undefined;
  const args = tc.function?.arguments;
  // Ids are unpacked in case the upstream is itself a gateway that packs Gemini signatures.
  const { id, thoughtSignature } = unpackToolCallId(tc.id || newToolCallId());
  const part: ToolCallPart = {
    type: "tool-call",
    id,
    name,
    // Canonical arguments are JSON text; a call without arguments is the empty object.
    arguments: typeof args === "string" ? args || "{}" : args ? JSON.stringify(args) : "{}",
  };
  if (thoughtSignature) part.thoughtSignature = thoughtSignature;
  return part;
}
