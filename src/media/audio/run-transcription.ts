/**
 * Speech to text (`/v1/audio/transcriptions`, `/v1/audio/translations`) through the attempt
 * runner: route to the endpoints whose provider has the API for the model, forward the upload,
 * settle the catalog price (per second of audio, or per token), answer in the caller's format.
 */
import { openaiCodec } from "../../codecs/openai";
import { costMicros } from "../../catalog/pricing";
import type { Env, WaitUntil } from "../../env";
import { runAttempts, type AttemptCall, type Delivered } from "../../gateway/attempt-runner";
import { RequestLedger } from "../../gateway/ledger";
import { renderError } from "../../gateway/render-error";
import type { KeyContext } from "../../keys/types";
import type { Endpoint } from "../../routing/types";
import { callAllJson, malformed, mediaHeaders, routeMedia, type MediaAttempt } from "../run-media";
import { prepareTranscription, readTranscript, type PreparedTranscription, type Transcript } from "./openai-transcription";
import type { TranscriptionRequest } from "./transcription-api";

interface TranscriptionAttempt extends MediaAttempt {
  prepared: PreparedTranscription;
}

export interface TranscriptionInvocation {
  env: Env;
  ctx: WaitUntil;
  req: TranscriptionRequest;
  key: KeyContext;
  clientSignal?: AbortSignal;
}

export async function runTranscription(inv: TranscriptionInvocation): Promise<Response> {
  const { env, ctx, req } = inv;
  const ledger = new RequestLedger({ env, ctx, key: inv.key, surface: "audio", requestedModel: req.model, streamed: false });
  let attempts = new Map<Endpoint, TranscriptionAttempt>();
  try {
    const { value, endpoint, costMicros: cost } = await runAttempts(
      ledger,
      {
        route: async (key) => {
          const r = await routeMedia(env, key, "transcription", req, (endpoint, upstream) => {
            const prepared = prepareTranscription(req, endpoint);
            return { endpoint, upstream, prepared, bound: { micros: prepared.bound } };
          });
          attempts = r.attempts;
          return r.route;
        },
        prepare: (_route, endpoint) => attempts.get(endpoint)!,
        send: (attempt, call) => send(inv, attempt, call),
      },
      { env, ctx, signal: inv.clientSignal },
    );
    const headers = mediaHeaders(ledger, endpoint, cost);
    if (value.json) {
      const usage = { ...(value.json.usage as Record<string, unknown> | undefined), ...(endpoint.pricing ? { cost: cost / 1e6 } : {}) };
      return new Response(JSON.stringify({ ...value.json, usage }), { status: 200, headers: { ...headers, "content-type": "application/json" } });
    }
    return new Response(value.body, { status: 200, headers: { ...headers, "content-type": value.contentType } });
  } catch (err) {
    return renderError(openaiCodec, err, { "x-generation-id": ledger.id });
  }
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
  const pricing = attempt.endpoint.pricing;
  return {
    outcome: {
      endpoint: attempt.endpoint, usage: t.metering.usage, status: 200, finishReason: "stop", servedModel: attempt.endpoint.modelId, firstTokenAt: Date.now(),
      costMicros: pricing ? costMicros(pricing, t.metering.usage, t.metering.media) : 0,
    },
    ttftMs: Date.now() - started,
    value: t,
  };
}
