/**
 * Speech to text (`/v1/audio/transcriptions`, `/v1/audio/translations`) through the attempt
 * runner: route to the endpoints whose provider has the API for the model, forward the upload,
 * settle the catalog price (per second of audio, or per token), answer in the caller's format.
 */
import type { AttemptCall, Delivered } from "../../gateway/attempt-runner";
import { callAllJson, malformed, mediaOutcome, runWholeMedia, type MediaAttempt, type MediaInvocation, type WholeMediaApi } from "../run-media";
import { prepareTranscription, readTranscript, type PreparedTranscription, type Transcript } from "./openai-transcription";
import type { TranscriptionRequest } from "./transcription-api";

interface TranscriptionAttempt extends MediaAttempt {
  prepared: PreparedTranscription;
}

export type TranscriptionInvocation = MediaInvocation<TranscriptionRequest>;

const TRANSCRIPTION: WholeMediaApi<TranscriptionRequest, TranscriptionAttempt, Transcript> = {
  kind: "transcription",
  surface: "audio",
  prepare(req, endpoint, upstream) {
    const prepared = prepareTranscription(req, endpoint);
    return { endpoint, upstream, prepared, bound: { micros: prepared.bound } };
  },
  send,
  answer(value, endpoint, cost, headers) {
    if (value.json) {
      const usage = { ...(value.json.usage as Record<string, unknown> | undefined), ...(endpoint.pricing ? { cost: cost / 1e6 } : {}) };
      return new Response(JSON.stringify({ ...value.json, usage }), { status: 200, headers: { ...headers, "content-type": "application/json" } });
    }
    return new Response(value.body, { status: 200, headers: { ...headers, "content-type": value.contentType } });
  },
};

export function runTranscription(inv: TranscriptionInvocation): Promise<Response> {
  return runWholeMedia(TRANSCRIPTION, inv);
}

async function send(inv: TranscriptionInvocation, attempt: TranscriptionAttempt, call: AttemptCall): Promise<Delivered<Transcript>> {
  const started = Date.now();
  const [answer] = await callAllJson(inv.env, attempt, attempt.prepared.op, [attempt.prepared.form], call, inv.clientSignal);
  let t: Transcript;
  try {
    t = readTranscript(answer, inv.req);
  } catch (err) {
    throw malformed(attempt.endpoint, err instanceof Error ? err.message : undefined);
  }
  return { outcome: mediaOutcome(attempt.endpoint, t.metering.usage, t.metering.media), ttftMs: Date.now() - started, value: t };
}
