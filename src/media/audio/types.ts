import type { RoutingOptions, Usage } from "../../canonical/types";
import type { MediaUsage } from "../../catalog/media-pricing";
import type { MediaOperation } from "../../providers/types";

/** `POST /v1/audio/speech` as the caller asked for it. */
export interface SpeechRequest {
  model: string;
  routing?: RoutingOptions;
  input: string;
  voice: string;
  /** mp3 | opus | aac | flac | wav | pcm; absent = the provider's default. */
  responseFormat?: string;
  speed?: number;
  instructions?: string;
  /** OpenAI's `stream_format`: `audio` (raw bytes) or `sse`. */
  streamFormat?: "audio" | "sse";
}

/** What a speech or transcription call consumed, for its price and usage record. */
export interface AudioMetering {
  usage: Usage;
  media: MediaUsage;
}

/** One endpoint's speech call: its body, cost bound, and how it was asked (for reading the answer). */
export interface PreparedSpeech {
  op: MediaOperation;
  body: Record<string, unknown>;
  bound: number | null;
  /** The upstream was asked for SSE (token-billed OpenAI TTS: the usage comes in the last event). */
  sse?: boolean;
  /** The audio format the caller gets. */
  format: string;
}

/** The caller's audio, and the metering known once the body has been read to its end. */
export interface SpeechAnswer {
  contentType: string;
  body: ReadableStream<Uint8Array>;
  metered: Promise<AudioMetering>;
}

export interface SpeechWire {
  /** Throws BadRequestError when this wire cannot produce what was asked (e.g. mp3 from raw PCM). */
  prepare(req: SpeechRequest, endpoint: import("../../routing/types").Endpoint): PreparedSpeech;
  open(res: Response, req: SpeechRequest, prepared: PreparedSpeech): Promise<SpeechAnswer>;
}

export const AUDIO_TYPES: Record<string, string> = {
  mp3: "audio/mpeg", opus: "audio/ogg", aac: "audio/aac", flac: "audio/flac", wav: "audio/wav", pcm: "audio/pcm",
};
