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
  alsoServes?: Partial<Record<UpstreamFormatName, unknown>>;
}

/** What picks an endpoint's codec: its provider, upstream model and the API the catalog names. */
export interface CodecTarget {
  provider: CodecOwner;
  upstreamModel: string;
  /** The catalog's `wire`: "responses" = the model answers only through the Responses API. */
  wire?: string;
}

/**
 * The codec that speaks to a provider for one upstream model: the provider's per-model choice
 * (Vertex serves Gemini and Claude), else its own tuned instance, else its format's default.
 */
export function codecFor(provider: CodecOwner, upstreamModel?: string): UpstreamCodec {
  return (upstreamModel !== undefined ? provider.codecForModel?.(upstreamModel) : undefined) ?? provider.codec ?? UPSTREAM_CODECS[provider.format];
}

/**
 * The codec of one endpoint for a caller speaking `callerFormat`: the Responses API for a model
 * served only there (catalog `wire: "responses"`); the caller's own format where the provider also
 * serves it (a Responses caller reaches OpenAI through /responses, so nothing is lost in
 * translation); else the provider's codec for the model.
 */
export function endpointCodec(target: CodecTarget, callerFormat?: FormatName): UpstreamCodec {
  if (target.wire === "responses") return UPSTREAM_CODECS.responses;
  if (callerFormat !== undefined && target.provider.alsoServes?.[callerFormat]) return UPSTREAM_CODECS[callerFormat];
  return codecFor(target.provider, target.upstreamModel);
}
