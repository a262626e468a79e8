// One target → its candidate endpoints for a media API (images, speech, transcription): the
// endpoints whose provider serves that API for the model (ProviderEntry.media), then the same
// provider filters as chat.
import type { CatalogEndpoint, CatalogModel } from "../catalog/types";
import { BadRequestError, ProviderUnavailableError } from "../errors/gateway-error";
import { getProvider } from "../providers/registry";
import type { MediaKind } from "../providers/types";
import { fail, isZeroPrice, toEndpoint, type Cand, type Ctx, type Selection } from "./candidates";
import type { Target } from "./model-lookup";
import { applyProviderFilters } from "./provider-preferences";
import type { Variant } from "./variants";

const WHAT: Record<MediaKind, string> = {
  images: "an image generation model",
  speech: "a text-to-speech model",
  transcription: "a speech-to-text model",
};

/** The catalog's wire of an endpoint that may serve a media API (chat endpoints of image / TTS models too). */
function mayServe(kind: MediaKind, model: CatalogModel, ce: CatalogEndpoint): boolean {
  if (ce.wire === kind) return true;
  if (ce.wire !== undefined) return false;
  // Gemini's image and TTS models answer on generateContent: a chat endpoint in the catalog.
  const out = model.architecture.output_modalities;
  return kind === "images" ? out.includes("image") : kind === "speech" ? out.includes("audio") && !out.includes("text") : false;
}

export function selectMedia(ctx: Ctx, target: Exclude<Target, { kind: "auto" }>, variant: Variant | undefined, kind: MediaKind): Selection {
  if (variant === "thinking") return fail(() => new BadRequestError(`The ':thinking' variant does not apply to ${WHAT[kind]}.`));
  let cands: Cand[];
  let label: string;
  if (target.kind === "passthrough") {
    label = target.requested;
    if (!target.provider.media?.[kind]?.(target.upstream)) {
      return fail(() => new BadRequestError(`'${target.requested}' is not ${WHAT[kind]} ARouter can call on provider '${target.provider.id}'.`));
    }
    if (variant === "free") return fail(() => new BadRequestError(`Model '${label}' has no free endpoints.`));
    cands = [{ ep: { modelId: `${target.provider.id}/${target.upstream}`, provider: target.provider, upstreamModel: target.upstream }, free: false }];
  } else {
    const model = target.model;
    label = model.id;
    cands = [];
    let listed = false;
    for (const ce of model.endpoints) {
      if (!mayServe(kind, model, ce)) continue;
      listed = true;
      if (target.restrict && ce.provider !== target.restrict) continue;
      if (!getProvider(ce.provider)?.media?.[kind]?.(ce.upstream_model)) continue;
      const ep = toEndpoint(model, ce);
      if (ep) cands.push({ ep, free: ce.variant === "free", model });
    }
    if (!listed) return fail(() => new BadRequestError(`'${target.requested}' is not ${WHAT[kind]}. See GET /v1/models?output_modalities=${kind === "images" ? "image" : kind === "speech" ? "audio" : "transcription"}.`));
    if (variant === "free") {
      cands = cands.filter((c) => isZeroPrice(c.ep));
      if (!cands.length) return fail(() => new BadRequestError(`Model '${label}' has no free endpoints.`));
    }
    if (!cands.length) return fail(() => new ProviderUnavailableError(`Model '${label}' has no ${kind} endpoint ARouter can call.`));
  }
  return applyProviderFilters(ctx, cands, label);
}
