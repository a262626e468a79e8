/**
 * Upstream Response object → CanonicalResponse. Output items map to content in order: message
 * text (and refusals) → text, reasoning → reasoning (summary parts joined by a blank line, or the
 * raw reasoning_text when there is no summary; encrypted_content with its origin), function and
 * custom tool calls → tool calls (namespaced names qualified). Built-in tool items (web search,
 * code interpreter, shell…) only OpenAI's own clients can use, and are not carried.
 *
 * Read by hand, leniently (other servers — xAI, DeepSeek, LM Studio — omit or null many fields);
 * a body that is an error, a failed response or not a response at all throws UpstreamError.
 */
import { imageOfItem } from "./output-items";
import { newToolCallId } from "../../canonical/ids";
import { qualifiedToolName, wrapCustomInput } from "../../canonical/tools";
import { unpackToolCallId } from "../../canonical/tool-call-id";
import type { AssistantContentPart, CanonicalResponse, ReasoningPart, GeneratedMediaPart } from "../../canonical/types";
import { UpstreamError } from "../../errors/gateway-error";
import { isRecord } from "../../streams/json";
import { upstreamErrorInfo } from "../openai/errors";
import { statusOfErrorCode } from "./errors";
import { mapResponsesFinish } from "./map-responses-finish-reason";
import { reasoningFromEncryptedContent } from "./reasoning-payload";
import { decodeResponsesUsage } from "./responses-usage";
import { imageItemTokens, withImageTokens } from "./image-generation";

type Rec = Record<string, unknown>;
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
const list = (v: unknown): Rec[] => (Array.isArray(v) ? v.filter(isRecord) : []);

export function decodeResponsesResponse(body: unknown): CanonicalResponse {
  if (!isRecord(body)) throw new UpstreamError("Upstream sent a response that is not a JSON object", { raw: body }, 502);
  if (isRecord(body.error) && body.status !== "completed") {
    const info = upstreamErrorInfo(body.error);
    throw new UpstreamError(`Upstream error: ${info.message}`, { raw: body }, info.status ?? statusOfErrorCode(info.type));
  }
  if (!Array.isArray(body.output)) throw new UpstreamError("Upstream sent something that is not a Responses API response (no output)", { raw: body }, 502);
  const status = str(body.status);
  if (status === "queued" || status === "in_progress" || status === "cancelled") {
    throw new UpstreamError(`Upstream sent an unfinished response (status ${status})`, { raw: body }, 502);
  }
  const content: AssistantContentPart[] = [];
  const media: GeneratedMediaPart[] = [];
  let calls = 0;
  let imageTokens = 0;
  for (const item of list(body.output)) {
    switch (item.type) {
      case "message":
        for (const p of list(item.content)) {
          const text = str(p.text) ?? str(p.refusal);
          if (text) content.push({ type: "text", text });
        }
        break;
      case "reasoning": {
        const part = reasoningPart(item);
        if (part) content.push(part);
        break;
      }
      case "image_generation_call": {
        const image = imageOfItem(item);
        if (image) media.push({ type: "generated-image", ...image });
        imageTokens += imageItemTokens(item);
        break;
      }
      case "function_call":
      case "custom_tool_call": {
        calls++;
        const { id, thoughtSignature } = unpackToolCallId(str(item.call_id) || newToolCallId());
        const name = qualifiedToolName(str(item.namespace), str(item.name) ?? "");
        const part: AssistantContentPart =
          item.type === "function_call"
            ? { type: "tool-call", id, name, arguments: str(item.arguments) ?? "" }
            : { type: "tool-call", id, name, arguments: wrapCustomInput(str(item.input) ?? ""), custom: true };
        if (thoughtSignature) part.thoughtSignature = thoughtSignature;
        content.push(part);
        break;
      }
    }
  }
  const incomplete = isRecord(body.incomplete_details) ? str(body.incomplete_details.reason) : undefined;
  const res: CanonicalResponse = {
    id: str(body.id) ?? "",
    model: str(body.model) ?? "",
    content,
    ...mapResponsesFinish(status, incomplete, calls > 0),
    usage: withImageTokens(decodeResponsesUsage(body.usage), imageTokens),
  };
  if (typeof body.created_at === "number") res.created = body.created_at;
  if (media.length) res.media = media;
  return res;
}

/** The text a reasoning item shows: its summary parts, else its raw reasoning text. */
export function reasoningItemText(item: Rec): string {
  const summary = list(item.summary)
    .map((s) => str(s.text) ?? "")
    .join("\n\n");
  if (summary) return summary;
  return list(item.content)
    .map((c) => str(c.text) ?? "")
    .join("");
}

function reasoningPart(item: Rec): ReasoningPart | undefined {
  const text = reasoningItemText(item);
  const enc = str(item.encrypted_content);
  if (enc) {
    try {
      return reasoningFromEncryptedContent(enc, text, "encrypted_content");
    } catch {
      // Not one of ours after all: keep it as the upstream's own opaque payload.
      return { type: "reasoning", text, encrypted: { origin: "openai", data: enc } };
    }
  }
  return text ? { type: "reasoning", text } : undefined;
}
