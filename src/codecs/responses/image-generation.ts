/**
 * OpenAI's `image_generation` tool (https://developers.openai.com/api/docs/guides/tools-image-generation)
 * for a request that asks for image output (`outputModalities` has "image": the chat surface's
 * `modalities: ["image","text"]`, Gemini's responseModalities): the Responses API makes images only
 * through the tool, so the encoder adds it unless the caller sent one.
 *
 * Billing: OpenAI bills each image the tool makes as image output tokens of its image model, and
 * does not report them in the response's usage (a recorded answer: ../shared/fixtures/openai-responses/
 * openai-image-generation-tool.1.json). The decoders therefore count them from the item's quality
 * and size with gpt-image-1's per-image token table (…/docs/models/gpt-image-1), priced at the
 * endpoint's `image_output` rate; the reservation takes the dearest image, times the most images the
 * request lets the tool make (`max_tool_calls`, which the gateway sets when it adds the tool itself).
 */
import type { CanonicalRequest, Usage } from "../../canonical/types";
import { isRecord } from "../../streams/json";
import { readResponsesExtensions } from "./extensions";

export const IMAGE_GENERATION_TOOL = "image_generation";
/** Images one answer may make when the gateway added the tool (it sets max_tool_calls to this). */
export const MAX_GATEWAY_IMAGES = 4;

/** gpt-image-1's output tokens per image, by quality then size (square, portrait, landscape). */
const TOKENS: Record<string, Record<string, number>> = {
  low: { "1024x1024": 272, "1024x1536": 408, "1536x1024": 400 },
  medium: { "1024x1024": 1056, "1024x1536": 1584, "1536x1024": 1568 },
  high: { "1024x1024": 4160, "1024x1536": 6240, "1536x1024": 6208 },
};
/** The dearest image (high, portrait): what an image of unknown quality or size is counted as. */
export const MAX_IMAGE_TOKENS = 6240;

const hasImageTool = (tools: unknown): boolean => Array.isArray(tools) && tools.some((t) => isRecord(t) && t.type === IMAGE_GENERATION_TOOL);

/** Whether the gateway adds the tool itself: image output asked, and no caller-sent tool. */
export function gatewayAddsImageTool(req: CanonicalRequest): boolean {
  return req.outputModalities?.includes("image") === true && !hasImageTool(readResponsesExtensions(req).tools);
}

/** Adds the tool to an encoded Responses body (and bounds how many calls it makes) when asked. */
export function addImageGenerationTool(body: Record<string, unknown>, req: CanonicalRequest): void {
  if (!gatewayAddsImageTool(req) || hasImageTool(body.tools)) return;
  body.tools = [...(Array.isArray(body.tools) ? body.tools : []), { type: IMAGE_GENERATION_TOOL }];
  if (typeof body.max_tool_calls !== "number") body.max_tool_calls = MAX_GATEWAY_IMAGES;
}

/** Image output tokens the gateway-added tool may produce at most (0 when it adds none). */
export function maxImageToolTokens(req: CanonicalRequest): number {
  if (!gatewayAddsImageTool(req)) return 0;
  const max = readResponsesExtensions(req).fields?.max_tool_calls;
  const calls = typeof max === "number" && max >= 1 ? Math.floor(max) : MAX_GATEWAY_IMAGES;
  return calls * MAX_IMAGE_TOKENS;
}

/**
 * The image output tokens of one completed image_generation_call item (0 for other items). Only
 * an item that states its quality and size is counted — that is what OpenAI's tool returns, while
 * leaving the images out of usage; an unknown value counts as the dearest image. An item without
 * them comes from a server that bills its images in its own usage (another gateway re-encoding a
 * Gemini image, say): counting it again would charge the image twice.
 */
export function imageItemTokens(item: Record<string, unknown>): number {
  if (item.type !== "image_generation_call" || typeof item.result !== "string" || !item.result) return 0;
  if (typeof item.quality !== "string" || typeof item.size !== "string") return 0;
  return TOKENS[item.quality]?.[item.size] ?? MAX_IMAGE_TOKENS;
}

/** Usage with the tool's image tokens added (they are part of the output, billed at the image rate). */
export function withImageTokens(usage: Usage, imageTokens: number): Usage {
  if (imageTokens <= 0) return usage;
  return { ...usage, outputTokens: usage.outputTokens + imageTokens, imageOutputTokens: (usage.imageOutputTokens ?? 0) + imageTokens };
}
