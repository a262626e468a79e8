import type { CanonicalRequest, CanonicalResponse, FormatName, StreamEvent, UpstreamFormatName, Usage } from "../canonical/types";
import type { GatewayError } from "../errors/gateway-error";
import type { SyncTransformer } from "../streams/sync-transformer";

/**
 * What a request may cost beyond what its size and output limit say, when an upstream of this
 * format serves it: work the upstream does on its own (server tools, fetching content) or a
 * pricier tier. The gateway prices it into the spend reservation (src/spend/unseen-costs.ts) or,
 * for a key with a limit, refuses what no price covers.
 */
export interface UnseenCosts {
  /** Content the upstream fetches itself (a document or video by URL, a file id): its size is unknown. */
  remoteContent?: boolean;
  /** Server-side tool iterations the upstream may run (at most), each reading the conversation again. */
  serverToolUses?: number;
  /** Of those, searches billed per use at the model's `web_search` price. */
  searches?: number;
  /** What no price covers, each named with the reason (e.g. "mcp_servers (remote MCP tool calls)"). */
  unpriceable?: string[];
  /**
   * Image output tokens a tool of the upstream's may produce beyond the output limit (OpenAI's
   * image_generation tool), priced at the endpoint's `image_output` rate.
   */
  imageOutputTokens?: number;
}

/** What an encoder needs to know about the request being answered. */
export interface EncodeContext {
  /** Gateway generation id, `gen-…`. */
  id: string;
  /** The model that answered (used when the upstream did not say). */
  model: string;
  /** Provider (endpoint) that served the request, e.g. "anthropic". */
  provider: string;
  /** Unix seconds. */
  created: number;
  /** Cost in USD for a usage, when the model is priced. */
  cost?: (usage: Usage) => number | undefined;
  /** When false, reasoning text is not returned (reasoning.exclude). Default true. */
  includeReasoning?: boolean;
  /** Gemini surface only: `sse` (alt=sse) or `json-array` (default streamGenerateContent). */
  framing?: "sse" | "json-array";
  /**
   * The caller's request as decoded by the surface codec. Formats whose answers echo the request
   * or depend on its tool table read it: the Responses surface echoes instructions, tools and
   * settings, turns calls of custom and namespaced tools back into their own item shapes, and
   * returns encrypted reasoning only when `include` asked for it. Absent → defaults.
   */
  request?: CanonicalRequest;
  /**
   * Set when the gateway keeps this answer (a stored Responses response): the encoder calls it once,
   * synchronously, with the final answer as it will be sent — but with every reasoning payload in
   * it, whether or not the caller asked to see them (a continuation needs them) — before it
   * produces the JSON body or a stream's final event. Only successful and incomplete answers.
   */
  capture?: (answer: Record<string, unknown>) => void;
}

export interface DecodeRequestHints {
  /** Model from the URL path (Gemini). */
  model?: string;
  /** Whether the endpoint itself implies streaming (Gemini :streamGenerateContent). */
  stream?: boolean;
}

export interface UpstreamErrorInfo {
  message: string;
  /** The provider's own error type/status string, e.g. "overloaded_error", "RESOURCE_EXHAUSTED". */
  type?: string;
  /** Parsed body when it was JSON, else the text (truncated). */
  raw: unknown;
}

/**
 * The upstream half of a wire format: what the gateway needs to call a provider that speaks it.
 * Every surface codec is one; a format no caller speaks (Bedrock Converse) is only this.
 */
export interface UpstreamCodec {
  readonly name: UpstreamFormatName;
  /** The JSON body to send upstream; parameters the format cannot express are dropped. */
  encodeRequest(req: CanonicalRequest, upstreamModel: string): Record<string, unknown>;
  /** Throws UpstreamError when the body is not a valid response of this format. */
  decodeResponse(body: unknown): CanonicalResponse;
  /** Wire bytes → canonical events. Malformed events become an `error` event, never a throw. */
  decodeStream(): TransformStream<Uint8Array, StreamEvent>;
  /**
   * decodeStream as a synchronous stage (framing included: raw upstream bytes in, any chunking),
   * for the fused single-pass stream pipeline; decodeStream() is
   * `toTransformStream(streamDecoder())`. Same events, same never-throw contract. One instance
   * per upstream response (it is stateful).
   */
  streamDecoder(): SyncTransformer<Uint8Array, StreamEvent>;
  decodeError(status: number, bodyText: string): UpstreamErrorInfo;
  /**
   * Same-format upstream: the caller's own body with only what the gateway must change (the
   * model id), so fields the canonical model has no slot for still reach the provider.
   * Absent → the gateway always re-encodes through the canonical model.
   */
  passthroughRequest?(raw: Record<string, unknown>, upstreamModel: string, stream: boolean): Record<string, unknown>;

  /** Costs beyond the request's size and output limit when this format's upstream serves it. Absent: none. */
  unseenCosts?(req: CanonicalRequest): UnseenCosts;

  // ---- token counting (formats whose providers have an endpoint for it) ----
  encodeCountTokensRequest?(req: CanonicalRequest, upstreamModel: string): Record<string, unknown>;
  decodeCountTokensResponse?(body: unknown): number;
}

/**
 * One wire format, written once and used in both directions:
 * as the inbound surface (decodeRequest / encodeResponse / encodeStream / encodeError) and as
 * the upstream (the UpstreamCodec half).
 */
export interface Codec extends UpstreamCodec {
  readonly name: FormatName;

  // ---- inbound surface -------------------------------------------------
  /** Validates with zod; throws BadRequestError naming the offending field. */
  decodeRequest(body: unknown, hints?: DecodeRequestHints): CanonicalRequest;
  /** The JSON body of a non-streamed response. */
  encodeResponse(res: CanonicalResponse, ctx: EncodeContext): unknown;
  /** Canonical events → wire bytes (framing included). Trailers are written in flush(). */
  encodeStream(ctx: EncodeContext): TransformStream<StreamEvent, Uint8Array>;
  /**
   * encodeStream as a synchronous stage, the form the codec's logic is written in, so the
   * gateway can fuse decode → meter → encode into ONE pass per upstream chunk (every
   * TransformStream hop costs promise turns per chunk in workerd). encodeStream(ctx) is
   * `toTransformStream(streamEncoder(ctx))`: same bytes, same trailer in flush(). One instance
   * per response (it is stateful).
   */
  streamEncoder(ctx: EncodeContext): SyncTransformer<StreamEvent, Uint8Array>;
  /** An error in this format's own envelope. */
  encodeError(err: GatewayError): { status: number; body: unknown };
  /** content-type of a streamed response. */
  streamContentType(ctx: EncodeContext): string;
  /**
   * false: the format cannot carry generated images or audio (Anthropic Messages), so a request
   * to a model that answers with them is refused before the call instead of losing them.
   */
  readonly mediaOutput?: boolean;
}
