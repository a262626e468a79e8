import type { FormatName } from "../canonical/types";
import { anthropicCodec } from "./anthropic";
import type { Codec } from "./codec";
import { geminiCodec } from "./gemini";
import { openaiCodec } from "./openai";
import { responsesCodec } from "./responses";

export const CODECS: Record<FormatName, Codec> = {
  openai: openaiCodec,
  anthropic: anthropicCodec,
  gemini: geminiCodec,
  responses: responsesCodec,
};

/** The codec that speaks to a provider: its own tuned instance, else its format's default. */
export function codecFor(provider: { format: FormatName; codec?: Codec }): Codec {
  return provider.codec ?? CODECS[provider.format];
}
