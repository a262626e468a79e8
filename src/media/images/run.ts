/**
 * The images pipeline (`/v1/images/generations`, `/v1/images/edits`) through the attempt runner:
 * route to the endpoints whose provider has an image API for the model → per endpoint, the
 * wire's bodies and cost bound → call → decode → settle the catalog price of what was produced
 * (usage record, surface "images") → OpenAI's images answer with usage.cost.
 */
import { UpstreamError } from "../../errors/gateway-error";
import type { AttemptCall, Delivered } from "../../gateway/attempt-runner";
import type { MediaWires } from "../../providers/types";
import { callAllJson, malformed, mediaOutcome, runWholeMedia, type MediaAttempt, type MediaInvocation, type WholeMediaApi } from "../run-media";
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

export type ImagesInvocation = MediaInvocation<ImagesRequest>;

const IMAGES: WholeMediaApi<ImagesRequest, ImagesAttempt, GeneratedImages> = {
  kind: "images",
  surface: "images",
  prepare(req, endpoint, upstream) {
    const wire = WIRES[endpoint.provider.media!.images!(endpoint.upstreamModel)!];
    const prepared = wire.prepare(req, endpoint);
    return { endpoint, upstream, wire, prepared, bound: { micros: prepared.bound } };
  },
  send,
  answer(value, endpoint, cost, headers) {
    const body = encodeImagesResponse(value, endpoint.pricing ? cost / 1e6 : undefined);
    return new Response(JSON.stringify(body), { status: 200, headers: { ...headers, "content-type": "application/json" } });
  },
};

export function runImages(inv: ImagesInvocation): Promise<Response> {
  return runWholeMedia(IMAGES, inv);
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
  return { outcome: mediaOutcome(endpoint, images.usage, images.media), ttftMs: Date.now() - started, value: images };
}
