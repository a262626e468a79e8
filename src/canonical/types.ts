/**
 * The canonical model: the one shape every wire format decodes into and encodes from.
 * Codecs never talk to each other; they only talk to these types.
 *
 * Conventions (chosen so no information is lost in either direction):
 * - Usage.inputTokens counts ALL prompt tokens, cached ones included (OpenAI semantics);
 *   cachedInputTokens / cacheWriteTokens are subsets of it. Anthropic's input_tokens
 *   (which excludes cache reads/writes) is converted at the codec boundary.
 * - Usage.outputTokens counts ALL generated tokens, reasoning included (OpenAI semantics);
 *   Gemini's candidatesTokenCount excludes thoughts and is converted at the codec boundary.
 * - Tool-call arguments are JSON text (what OpenAI sends); codecs that need objects parse them.
 */

export type CacheControl = { type: "ephemeral"; ttl?: string };

export type MediaSource =
  | { kind: "url"; url: string }
  | { kind: "base64"; mediaType: string; data: string };

export interface TextPart {
  type: "text";
  text: string;
  cacheControl?: CacheControl;
}

export interface ImagePart {
  type: "image";
  source: MediaSource;
  /** OpenAI image detail hint (auto/low/high). */
  detail?: string;
  cacheControl?: CacheControl;
}

/** Documents (PDF, plain text, other files). */
export interface FilePart {
  type: "file";
  source: MediaSource;
  mediaType?: string;
  filename?: string;
  cacheControl?: CacheControl;
}

/**
 * API families that hand out opaque reasoning payloads only they can read back. Anthropic's are
 * ReasoningPart.signature / redactedData (kept apart, as every codec already handles them).
 */
export type ReasoningOrigin = "openai" | "gemini";

/**
 * An opaque reasoning payload with the family that issued it: OpenAI's `encrypted_content`
 * (Responses API), a Gemini thought signature. Encoders send it only to an upstream of that
 * family; every other upstream drops it (it would reject or misread it).
 */
export interface EncryptedReasoning {
  origin: ReasoningOrigin;
  data: string;
}

/**
 * Thinking / reasoning text: what the provider shows of its reasoning (OpenAI and Gemini return
 * summaries, Claude 4 summarized thinking, DeepSeek the raw text). `signature` is Anthropic's
 * thinking signature.
 */
export interface ReasoningPart {
  type: "reasoning";
  text: string;
  signature?: string;
  /** Anthropic redacted_thinking payload (opaque). When set, text is "". */
  redactedData?: string;
  /** A non-Anthropic opaque payload for this reasoning (see EncryptedReasoning). */
  encrypted?: EncryptedReasoning;
}

export interface ToolCallPart {
  type: "tool-call";
  id: string;
  name: string;
  /** JSON text of the arguments object. */
  arguments: string;
  /** Gemini thoughtSignature attached to this call; must be sent back on the next turn. */
  thoughtSignature?: string;
  /**
   * A call of a custom (free-form input) tool. `arguments` is still JSON text, `{"input": "<raw>"}`
   * (see canonical/tools.ts), so every format can carry it as a one-string function call.
   */
  custom?: boolean;
  cacheControl?: CacheControl;
}

export interface ToolResultPart {
  type: "tool-result";
  toolCallId: string;
  /** Function name; Gemini needs it, OpenAI/Anthropic do not carry it (codecs recover it from history). */
  name?: string;
  content: Array<TextPart | ImagePart | FilePart>;
  isError?: boolean;
  cacheControl?: CacheControl;
}

/**
 * An image the model produced (Gemini image models' inlineData, OpenRouter's `message.images`,
 * the Responses API's image_generation_call): base64 bytes and their media type.
 */
export interface GeneratedImagePart {
  type: "generated-image";
  mediaType: string;
  data: string;
}

/**
 * Audio the model produced (OpenAI `message.audio`, Gemini TTS inlineData): base64 bytes in
 * `format` (OpenAI's names: wav, mp3, pcm16…), with what was said and OpenAI's reference to it.
 */
export interface GeneratedAudioPart {
  type: "generated-audio";
  data: string;
  format: string;
  transcript?: string;
  /** OpenAI's audio id (a later turn may refer to it), and when it expires (epoch seconds). */
  id?: string;
  expiresAt?: number;
}

export type UserContentPart = TextPart | ImagePart | FilePart;
export type AssistantContentPart = TextPart | ReasoningPart | ToolCallPart;
/**
 * Media in an answer. Kept beside the content (CanonicalResponse.media), not in it: formats
 * without media output (Anthropic, Bedrock) then never meet a part they cannot encode.
 */
export type GeneratedMediaPart = GeneratedImagePart | GeneratedAudioPart;

export type Message =
  | { role: "user"; content: UserContentPart[] }
  | { role: "assistant"; content: AssistantContentPart[] }
  | { role: "tool"; content: ToolResultPart[] };

export interface ToolDefinition {
  /** For a tool in a namespace, the qualified name (canonical/tools.ts qualifiedToolName). */
  name: string;
  description?: string;
  /** JSON Schema of the arguments object. For a custom tool, `{input: string}` (canonical/tools.ts). */
  parameters: Record<string, unknown>;
  strict?: boolean;
  cacheControl?: CacheControl;
  /**
   * A custom tool (OpenAI Responses `type: "custom"`): the model writes free-form text, optionally
   * constrained by a grammar. Formats without custom tools send it as the function in `parameters`.
   */
  custom?: { format?: CustomToolFormat };
  /** The namespace (OpenAI Responses `type: "namespace"`) this tool belongs to. */
  namespace?: ToolNamespace;
}

export type CustomToolFormat =
  | { type: "text" }
  | { type: "grammar"; syntax: "lark" | "regex"; definition: string };

export interface ToolNamespace {
  name: string;
  description?: string;
}

/**
 * A part of the request that only upstreams of one format can honour: an OpenAI built-in tool
 * (web_search, file_search, code_interpreter…), a stored prompt. The thing itself travels in
 * `extensions[format]`; this entry lets the gateway refuse (or knowingly drop) it for an upstream
 * of another format, with a message naming it.
 */
export interface NativeFeature {
  format: FormatName;
  /** What it is, for messages: `tool web_search`, `prompt`. */
  name: string;
  /**
   * The request means nothing without it (tool_choice forces the tool, a stored prompt). An
   * optional one is a tool the model may use or not.
   */
  required: boolean;
}

export type ToolChoice =
  | { type: "auto" }
  | { type: "none" }
  | { type: "required" }
  | { type: "tool"; name: string };

export type ResponseFormat =
  | { type: "text" }
  | { type: "json_object" }
  | { type: "json_schema"; name?: string; description?: string; schema: Record<string, unknown>; strict?: boolean };

export type ReasoningEffort = "none" | "minimal" | "low" | "medium" | "high" | "xhigh";

export interface ReasoningConfig {
  /** false = explicitly disabled. */
  enabled?: boolean;
  effort?: ReasoningEffort;
  /** Token budget for thinking (Anthropic budget_tokens, Gemini thinkingBudget). */
  maxTokens?: number;
  /** Reason, but do not return the reasoning text to the caller. */
  exclude?: boolean;
}

export interface CanonicalRequest {
  /** Model id as the caller wrote it (before routing). */
  model: string;
  system?: TextPart[];
  messages: Message[];
  tools?: ToolDefinition[];
  toolChoice?: ToolChoice;
  parallelToolCalls?: boolean;
  responseFormat?: ResponseFormat;
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  topK?: number;
  stop?: string[];
  seed?: number;
  frequencyPenalty?: number;
  presencePenalty?: number;
  /** End-user id (OpenAI `user`, Anthropic metadata.user_id). */
  user?: string;
  reasoning?: ReasoningConfig;
  stream: boolean;
  /**
   * Format-specific fields that only an upstream of the same format can honour
   * (Gemini safetySettings, Anthropic top-level cache_control, OpenAI logprobs…).
   * Keyed by codec name; other codecs ignore them.
   */
  extensions?: Partial<Record<FormatName, Record<string, unknown>>>;
  /** Routing fields (OpenRouter-style) read by the router, never sent upstream. */
  routing?: RoutingOptions;
  /** What only an upstream of one format can honour (see NativeFeature). */
  nativeFeatures?: NativeFeature[];
  /** Output modalities asked for (OpenAI `modalities`, Gemini `responseModalities`); absent = text. */
  outputModalities?: OutputModality[];
  /** Spoken output: OpenAI `audio: {voice, format}`, Gemini's speechConfig voice. */
  audioOutput?: { voice?: string; format?: string };
}

export type OutputModality = "text" | "image" | "audio";

export interface RoutingOptions {
  models?: string[];
  provider?: {
    order?: string[];
    only?: string[];
    ignore?: string[];
    allow_fallbacks?: boolean;
    sort?: "price" | "throughput" | "latency";
    max_price?: { prompt?: number; completion?: number; request?: number };
    require_parameters?: boolean;
  };
  sessionId?: string;
}

export type FinishReason = "stop" | "length" | "tool_calls" | "content_filter" | "error";

export interface Usage {
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens?: number;
  cacheWriteTokens?: number;
  reasoningTokens?: number;
  /**
   * Server-side searches the upstream ran for this answer and bills per use (Anthropic
   * server_tool_use.web_search_requests, Gemini grounding queries): priced at the model's
   * `web_search` price.
   */
  webSearchRequests?: number;
  /**
   * Media token counts, parts of inputTokens / outputTokens that providers bill at their own rates
   * (OpenAI `prompt_tokens_details.audio_tokens` / `completion_tokens_details.audio_tokens`,
   * Gemini's per-modality token details). Priced by catalog/pricing.ts costMicros.
   */
  audioInputTokens?: number;
  audioOutputTokens?: number;
  imageInputTokens?: number;
  imageOutputTokens?: number;
}

export interface CanonicalResponse {
  id: string;
  /** The model that answered, as the upstream reported it. */
  model: string;
  content: AssistantContentPart[];
  /** Images and audio the model produced, in the order it produced them. */
  media?: GeneratedMediaPart[];
  finishReason: FinishReason;
  /** The upstream's own finish/stop reason string (end_turn, STOP, tool_calls…). */
  nativeFinishReason?: string;
  usage: Usage;
  created?: number;
}

/**
 * Canonical stream events. Decoders emit them, encoders consume them.
 * Ordering contract:
 * - `start` comes first (decoders emit it as soon as they know id/model).
 * - Text, reasoning and tool-call events can interleave across kinds but a tool call's
 *   deltas always come after its `tool-call-start` with the same `index`.
 * - `usage` may come many times: each one is a running total, the last one wins.
 * - `finish` comes once, near the end (usage may still follow it).
 * - The stream ends when the ReadableStream closes; encoders emit their trailer in flush().
 */
export type StreamEvent =
  | { type: "start"; id?: string; model?: string; usage?: Usage }
  | { type: "text-delta"; text: string }
  | { type: "reasoning-delta"; text: string }
  | { type: "reasoning-signature"; signature: string }
  | { type: "reasoning-redacted"; data: string }
  /** The opaque payload of the current reasoning block; like a signature, it ends the block. */
  | { type: "reasoning-encrypted"; origin: ReasoningOrigin; data: string }
  /** `index` counts tool calls in this response from 0; it is not a content-block index. */
  | { type: "tool-call-start"; index: number; id: string; name: string; thoughtSignature?: string; custom?: boolean }
  | { type: "tool-call-delta"; index: number; argumentsDelta: string }
  /** A whole generated image (images are not streamed in pieces by any provider). */
  | { type: "image"; mediaType: string; data: string }
  /**
   * A piece of generated audio: base64 bytes and/or transcript text, with the audio's id, format
   * and expiry when the upstream says them (OpenAI sends id first and expires_at last).
   */
  | { type: "audio-delta"; data?: string; transcript?: string; id?: string; format?: string; expiresAt?: number }
  | { type: "usage"; usage: Usage }
  | { type: "finish"; finishReason: FinishReason; nativeFinishReason?: string }
  /** Sent by the gateway while waiting for the first token; encoders render their keep-alive. */
  | { type: "keep-alive" }
  /**
   * A note from the gateway that clients ignore (the cost of a same-format stream, after the
   * upstream's own bytes): an SSE comment in the caller's framing; dropped where there is none.
   */
  | { type: "comment"; text: string }
  /** An error after the stream started; encoders render it in-band and the stream then ends. */
  | {
      type: "error";
      status: number;
      message: string;
      errorType?: string;
      /** The upstream's own error event, well formed in its format (not a malformed or cut stream found by the decoder). */
      fromUpstream?: boolean;
    };

export type FormatName = "openai" | "anthropic" | "gemini" | "responses";

/**
 * Every wire format the gateway can speak to an upstream: the surface formats plus upstream-only
 * ones that no caller speaks (Bedrock Converse).
 */
export type UpstreamFormatName = FormatName | "bedrock";

export const emptyUsage = (): Usage => ({ inputTokens: 0, outputTokens: 0 });
