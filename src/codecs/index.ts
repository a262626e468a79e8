import type { FormatName, UpstreamFormatName } from "../canonical/types";
import { anthropicCodec } from "./anthropic";
import { bedrockCodec } from "./bedrock";
import type { Codec, UpstreamCodec } from "./codec";
import { geminiCodec } from "./gemini";
import { openaiCodec } from "./openai";
import { responsesCodec } from "./responses";

/** The formats callers speak (each also an upstream format). */
export const CODECS: Record<FormatName, Codec> = {
  openai: openaiCodec,
  anthropic: anthropicCodec,
  gemini: geminiCodec,
  responses: responsesCodec,
};

/** Every format the gateway can speak to a provider, upstream-only ones included. */
export const UPSTREAM_CODECS: Record<UpstreamFormatName, UpstreamCodec> = { ...CODECS, bedrock: bedrockCodec };

interface CodecOwner {
  format: UpstreamFormatName;
  codec?: UpstreamCodec;
  codecForModel?(upstreamModel: string): UpstreamCodec | undefined;
}

/**
 * The codec that speaks to a provider for one upstream model: the provider's per-model choice
 * (Vertex serves Gemini and Claude), else its own tuned instance, else its format's default.
 */
export function codecFor(provider: CodecOwner, upstreamModel?: string): UpstreamCodec {
  return (upstreamModel !== undefined ? provider.codecForModel?.(upstreamModel) : undefined) ?? provider.codec ?? UPSTREAM_CODECS[provider.format];
}
