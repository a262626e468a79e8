import { Hono, type Context } from "hono";
import { authenticateWhile } from "../auth/authenticate";
import { credentialOf } from "../auth/token";
import { checkModelIds } from "../canonical/request-limits";
import { openaiCodec } from "../codecs/openai";
import type { AppBindings } from "../env";
import { errorsAs } from "../gateway/render-error";
import { readJsonObject } from "../gateway/request-body";
import { runSpeech } from "../media/audio/run-speech";
import { runTranscription } from "../media/audio/run-transcription";
import { decodeSpeechRequest } from "../media/audio/speech-api";
import { decodeTranscriptionRequest } from "../media/audio/transcription-api";
import { readMultipart } from "../media/multipart";

/**
 * The OpenAI Audio API (Bearer auth): `POST /speech` (text to speech: OpenAI TTS models, Gemini
 * TTS; streamed audio bytes), `POST /transcriptions` and `POST /translations` (multipart upload:
 * OpenAI's and Groq's speech-to-text models). Errors in OpenAI's shape.
 */
export const audioRoutes = new Hono<AppBindings>()
  .post("/speech", async (c) => {
    const { key, value: req } = await authenticateWhile(c.env, credentialOf(c.req.raw), async () => modelChecked(decodeSpeechRequest((await readJsonObject(c)).body)));
    return runSpeech({ env: c.env, ctx: c.executionCtx, req, key, clientSignal: c.req.raw.signal });
  })
  .post("/transcriptions", (c) => transcribe(c, false))
  .post("/translations", (c) => transcribe(c, true))
  .onError(errorsAs(openaiCodec));

async function transcribe(c: Context<AppBindings>, translate: boolean): Promise<Response> {
  const { key, value: req } = await authenticateWhile(c.env, credentialOf(c.req.raw), async () => modelChecked(await decodeTranscriptionRequest((await readMultipart(c)).form, translate)));
  return runTranscription({ env: c.env, ctx: c.executionCtx, req, key, clientSignal: c.req.raw.signal });
}

/** Model ids (and fallbacks) printable and at most 256 characters, as on every surface (issue #11). */
function modelChecked<T extends Parameters<typeof checkModelIds>[0]>(req: T): T {
  checkModelIds(req, "model");
  return req;
}
