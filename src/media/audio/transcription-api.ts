// `POST /v1/audio/transcriptions` and `/v1/audio/translations` (multipart, as OpenAI's SDKs send
// them): the caller's form, read once, and the answer in the format the caller asked for.
import type { RoutingOptions } from "../../canonical/types";
import { decodeRoutingOptions, providerPreferencesSchema } from "../../codecs/routing-options";
import { BadRequestError } from "../../errors/gateway-error";
import { safeJsonParse } from "../../streams/json";
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
  const routing = providerField(formText(form, "provider"));
  return { model, routing, translate, form, file, responseFormat: rf as TranscriptFormat, seconds };
}

/**
 * The form's `provider` field: JSON text of the same provider preferences every other endpoint
 * takes, checked by the one schema (a wrong type is a 400 here, not a failure in routing).
 */
function providerField(text: string | undefined): RoutingOptions | undefined {
  if (!text) return undefined;
  const parsed = safeJsonParse(text);
  const prefs = parsed.ok ? providerPreferencesSchema.safeParse(parsed.value) : undefined;
  if (!prefs?.success) throw new BadRequestError("provider: expected JSON text of provider preferences, e.g. {\"order\":[\"groq\"]}.");
  return decodeRoutingOptions({ provider: prefs.data });
}
