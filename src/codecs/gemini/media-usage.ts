import type { Usage } from "../../canonical/types";
import { isRecord } from "../../streams/json";
import type { GeminiUsageMetadata } from "./gemini-api";
import { usageFromGemini } from "./usage";

/**
 * Usage with the audio and image token counts Gemini reports per modality
 * (`promptTokensDetails` / `candidatesTokensDetails`: `[{modality: "IMAGE", tokenCount}]`), which
 * the catalog prices at their own rates (image output, audio output).
 */
export function geminiMediaTokens(u: GeminiUsageMetadata | Record<string, unknown> | undefined): Usage {
  const usage = usageFromGemini(u as GeminiUsageMetadata | undefined);
  const count = (details: unknown, modality: string) => {
    let n = 0;
    for (const d of Array.isArray(details) ? details : []) if (isRecord(d) && d.modality === modality && typeof d.tokenCount === "number") n += d.tokenCount;
    return n;
  };
  const add = (k: "audioInputTokens" | "audioOutputTokens" | "imageInputTokens" | "imageOutputTokens", n: number) => {
    if (n > 0) usage[k] = n;
  };
  add("imageInputTokens", count(u?.promptTokensDetails, "IMAGE"));
  add("audioInputTokens", count(u?.promptTokensDetails, "AUDIO"));
  add("imageOutputTokens", count(u?.candidatesTokensDetails, "IMAGE"));
  add("audioOutputTokens", count(u?.candidatesTokensDetails, "AUDIO"));
  return usage;
}
