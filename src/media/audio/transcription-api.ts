// `POST /v1/audio/transcriptions` and `/v1/audio/translations` (multipart, as OpenAI's SDKs send
// them): the caller's form, read once, and the answer in the format the caller asked for.
import type { RoutingOptions } from "../../canonical/types";
import { BadRequestError } from "../../errors/gateway-error";
import { formFiles, formNumber, formText } from "../multipart";
import { wavSeconds } from "./wav";

export const TRANSCRIPT_FORMATS = ["json", "text", "srt", "verbose_json", "vtt"] as const;
export type TranscriptFormat = (typeof TRANSCRIPT_FORMATS)[number];

export interface TranscriptionRequest {
  model: string;
  routing?: RoutingOptions;
  translate: boolean;
  /** The caller's form: sent on to OpenAI-format upstreams with only model and response_format changed. */
  form: FormData;
  file: File;
  responseFormat: TranscriptFormat;
  /** Seconds of audio, when the upload's header says (WAV): bounds a per-second price before the call. */
  seconds?: number;
}

export async function decodeTranscriptionRequest(form: FormData, translate: boolean): Promise<TranscriptionRequest> {
  const model = formText(form, "model");
  if (!model) throw new BadRequestError("model: required (e.g. 'openai/whisper-1').");
  const file = formFiles(form, "file")[0];
  if (!file) throw new BadRequestError("file: required (the audio file to transcribe, as a multipart file part).");
  if (file.size === 0) throw new BadRequestError(`file: '${file.name}' is empty.`);
  const rf = formText(form, "response_format") ?? "json";
  if (!(TRANSCRIPT_FORMATS as readonly string[]).includes(rf)) throw new BadRequestError(`response_format: expected one of ${TRANSCRIPT_FORMATS.join(", ")}; got '${rf}'.`);
  if (formText(form, "stream") === "true") throw new BadRequestError("stream: streamed transcriptions are not supported; omit 'stream'.");
  formNumber(form, "temperature");
  const head = new Uint8Array(await file.slice(0, 4096).arrayBuffer());
  // The data chunk's size is in the header; the whole file is not needed.
  const seconds = wavSeconds(head, file.size);
  let routing: RoutingOptions | undefined;
  const provider = formText(form, "provider");
  if (provider) {
    try {
      routing = { provider: JSON.parse(provider) as NonNullable<RoutingOptions["provider"]> };
    } catch {
      throw new BadRequestError("provider: expected JSON text (provider preferences).");
    }
  }
  return { model, routing, translate, form, file, responseFormat: rf as TranscriptFormat, seconds };
}
