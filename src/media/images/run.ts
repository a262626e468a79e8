/**
 * The images pipeline (`/v1/images/generations`, `/v1/images/edits`) through the attempt runner:
 * route to the endpoints whose provider has an image API for the model → per endpoint, the
 * wire's bodies and cost bound → call → decode → settle the catalog price of what was produced
 * (usage record, surface "images") → OpenAI's images answer with usage.cost.
 */
import { openaiCodec } from "../../codecs/openai";
import { costMicros } from "../../catalog/pricing";
import type { Env, WaitUntil } from "../../env";
import { UpstreamError } from "../../errors/gateway-error";
import { runAttempts, type AttemptCall, type Delivered } from "../../gateway/attempt-runner";
import { RequestLedger } from "../../gateway/ledger";
import { renderError } from "../../gateway/render-error";
import type { KeyContext } from "../../keys/types";
import type { MediaWires } from "../../providers/types";
import type { Endpoint } from "../../routing/types";
import { callAllJson, malformed, mediaHeaders, routeMedia, type MediaAttempt } from "../run-media";
import { fireworksImagesWire, togetherImagesWire, workersAiImagesWire } from "./flux-hosts";
import { geminiImagesWire, imagenWire } from "./google-images";
import { encodeImagesResponse } from "./images-api";
import { openaiImagesWire } from "./openai-images";
import type { GeneratedImages, ImagesRequest } from "./types";
import type { ImagesWire, PreparedImages } from "./wire";

const WIRES: Record<MediaWires["images"], ImagesWire> = {
  openai: openaiImagesWire,
  together: togetherImagesWire,
  fireworks: fireworksImagesWire,
  "workers-ai": workersAiImagesWire,
  imagen: imagenWire,
  gemini: geminiImagesWire,
};

interface ImagesAttempt extends MediaAttempt {
  wire: ImagesWire;
  prepared: PreparedImages;
}

export interface ImagesInvocation {
  env: Env;
  ctx: WaitUntil;
  req: ImagesRequest;
  key: KeyContext;
  clientSignal?: AbortSignal;
}

export async function runImages(inv: ImagesInvocation): Promise<Response> {
  const { env, ctx, req } = inv;
  const ledger = new RequestLedger({ env, ctx, key: inv.key, surface: "images", requestedModel: req.model, streamed: false });
  let attempts = new Map<Endpoint, ImagesAttempt>();
  try {
    const { value, endpoint, costMicros: cost } = await runAttempts(
      ledger,
      {
        route: async (key) => {
          const r = await routeMedia(env, key, "images", req, (endpoint, upstream) => {
            const wire = WIRES[endpoint.provider.media!.images!(endpoint.upstreamModel)!];
            const prepared = wire.prepare(req, endpoint);
            return { endpoint, upstream, wire, prepared, bound: { micros: prepared.bound } };
          });
          attempts = r.attempts;
          return r.route;
        },
        prepare: (_route, endpoint) => attempts.get(endpoint)!,
        send: (attempt, call) => send(inv, attempt, call),
      },
      { env, ctx, signal: inv.clientSignal },
    );
    const body = encodeImagesResponse(value, endpoint.pricing ? cost / 1e6 : undefined);
    return new Response(JSON.stringify(body), { status: 200, headers: { ...mediaHeaders(ledger, endpoint, cost), "content-type": "application/json" } });
  } catch (err) {
    return renderError(openaiCodec, err, { "x-generation-id": ledger.id });
  }
}

async function send(inv: ImagesInvocation, attempt: ImagesAttempt, call: AttemptCall): Promise<Delivered<GeneratedImages>> {
  const started = Date.now();
  const { endpoint, prepared } = attempt;
  const answers = await callAllJson(inv.env, attempt, prepared.op, prepared.bodies, call, inv.clientSignal);
  let images: GeneratedImages;
  try {
    images = attempt.wire.decode(answers, inv.req, prepared);
  } catch (err) {
    throw malformed(endpoint, err instanceof Error ? err.message : undefined);
  }
  if (images.images.length === 0) {
    // Safety filters can remove every image (Imagen, Gemini): nothing to bill, nothing to answer.
    const id = endpoint.provider.id;
    throw new UpstreamError(`Upstream '${id}' returned no image (the prompt may have been blocked by its safety filters)${images.text ? `: ${images.text.slice(0, 300)}` : ""}`, { provider_name: id }, 400);
  }
  const cost = endpoint.pricing ? costMicros(endpoint.pricing, images.usage, images.media) : 0;
  return {
    outcome: { endpoint, usage: images.usage, status: 200, finishReason: "stop", servedModel: endpoint.modelId, firstTokenAt: Date.now(), costMicros: cost },
    ttftMs: Date.now() - started,
    value: images,
  };
}
