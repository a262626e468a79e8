// `POST /v1/audio/speech` as OpenAI's SDKs send it.
import { z } from "zod";
import { formatZodError } from "../../codecs/openai/zod-error";
import { decodeRoutingOptions, providerPreferencesSchema } from "../../codecs/routing-options";
import { BadRequestError } from "../../errors/gateway-error";
import type { SpeechRequest } from "./types";

/** OpenAI's limit on `input` (characters). */
const MAX_INPUT = 4096;

const schema = z.looseObject({
  model: z.string({ error: (iss) => (iss.input === undefined ? "required (e.g. 'openai/gpt-4o-mini-tts')" : "expected a string") }).min(1, "must not be empty"),
  input: z.string({ error: (iss) => (iss.input === undefined ? "required" : "expected a string") }).min(1, "must not be empty").max(MAX_INPUT, `at most ${MAX_INPUT} characters`),
  voice: z.union([z.string().min(1), z.looseObject({ id: z.string().min(1) })], { error: (iss) => (iss.input === undefined ? "required (e.g. 'alloy')" : "expected a voice name") }),
  response_format: z.enum(["mp3", "opus", "aac", "flac", "wav", "pcm"]).nullish(),
  speed: z.number().min(0.25).max(4).nullish(),
  instructions: z.string().nullish(),
  stream_format: z.enum(["audio", "sse"]).nullish(),
  provider: providerPreferencesSchema.nullish(),
  models: z.array(z.string()).nullish(),
});

export function decodeSpeechRequest(body: unknown): SpeechRequest {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new BadRequestError(formatZodError(parsed.error));
  const f = parsed.data;
  return {
    model: f.model,
    input: f.input,
    voice: typeof f.voice === "string" ? f.voice : f.voice.id,
    responseFormat: f.response_format ?? undefined,
    speed: f.speed ?? undefined,
    instructions: f.instructions ?? undefined,
    streamFormat: f.stream_format ?? undefined,
    routing: decodeRoutingOptions({ provider: f.provider, models: f.models }),
  };
}
