// One target → its candidate endpoints: kind, variant and modality filters, then provider filters.
import { isChatModel, isEmbeddingModel, servesChat } from "../catalog/catalog";
import { BadRequestError, ProviderUnavailableError } from "../errors/gateway-error";
import { fail, isZeroPrice, toEndpoint, type Cand, type Ctx, type Selection } from "./candidates";
import type { Target } from "./model-lookup";
import { applyProviderFilters } from "./provider-preferences";
import { selectMedia } from "./select-media";
import type { Variant } from "./variants";

/** Kind, variant, permission, enablement and preference filters (no ordering). */
export function select(ctx: Ctx, target: Exclude<Target, { kind: "auto" }>, variant: Variant | undefined): Selection {
  const { opts, features } = ctx;
  if (opts.kind !== "chat" && opts.kind !== "embeddings") return selectMedia(ctx, target, variant, opts.kind);
  const embeddings = opts.kind === "embeddings";
  let cands: Cand[];
  let label: string;
  if (target.kind === "passthrough") {
    label = target.requested;
    if (embeddings && !target.provider.supports?.embeddings) {
      return fail(() => new BadRequestError(`Provider '${target.provider.id}' does not serve embeddings ('${target.requested}').`));
    }
    cands = [{ ep: { modelId: `${target.provider.id}/${target.upstream}`, provider: target.provider, upstreamModel: target.upstream }, free: false }];
    if (variant === "free" && !target.provider.keyless) {
      return fail(() => new BadRequestError(`Model '${label}' has no free endpoints.`));
    }
  } else {
    const model = target.model;
    label = model.id;
    const isEmb = isEmbeddingModel(model);
    if (embeddings && !isEmb) return fail(() => new BadRequestError(`'${target.requested}' is not an embedding model.`));
    if (!embeddings && isEmb) return fail(() => new BadRequestError(`'${target.requested}' is an embedding model; use the embeddings endpoint.`));
    if (!isChatModel(model)) {
      return fail(() => new BadRequestError(`'${target.requested}' is served only through an image, speech or transcription API, not chat.`));
    }
    cands = [];
    for (const ce of model.endpoints) {
      // Image, speech and transcription endpoints answer on their own APIs, never on chat's.
      if (!servesChat(ce)) continue;
      if (target.restrict && ce.provider !== target.restrict) continue;
      const ep = toEndpoint(model, ce);
      if (ep) cands.push({ ep, free: ce.variant === "free", model });
    }
    if (variant === "free") {
      cands = cands.filter((c) => isZeroPrice(c.ep));
      if (!cands.length) return fail(() => new BadRequestError(`Model '${label}' has no free endpoints.`));
    } else {
      // `:free` endpoints (shared, rate-limited) serve the plain id only when nothing else does.
      const paid = cands.filter((c) => !c.free);
      if (paid.length) cands = paid;
    }
    if (variant === "thinking") {
      const reasoning = cands.filter((c) => c.ep.supportedParameters?.includes("reasoning"));
      if (!reasoning.length) return fail(() => new BadRequestError(`Model '${label}' does not support reasoning (':thinking').`));
      cands = reasoning;
    }
    if (!cands.length) return fail(() => new ProviderUnavailableError(`Model '${label}' has no endpoint ARouter can call.`));
    // A text-only model would reject the image upstream; say so up front. Discovered models are
    // listed as text-only when their provider does not say, so only curated ones are refused.
    if (features.images && !model.discovered && !model.architecture.input_modalities.includes("image")) {
      return fail(() => new BadRequestError(`Model '${label}' does not accept image input; remove the image or choose a model that takes images.`));
    }
  }

  return applyProviderFilters(ctx, cands, label);
}
