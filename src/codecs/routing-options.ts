import { z } from "zod";
import type { RoutingOptions } from "../canonical/types";

/**
 * OpenRouter's routing fields, accepted by every OpenAI-family surface (chat completions,
 * embeddings, Responses): `models` (fallback list), `provider` (preferences) and `session_id`.
 * One schema and one decoder, so each endpoint honours the same preferences.
 */
const sortSchema = z.enum(["price", "throughput", "latency"]);

/** Provider preferences: known keys are typed, the many others OpenRouter documents are accepted as-is. */
export const providerPreferencesSchema = z.looseObject({
  order: z.array(z.string()).nullish(),
  only: z.array(z.string()).nullish(),
  ignore: z.array(z.string()).nullish(),
  allow_fallbacks: z.boolean().nullish(),
  sort: z.union([sortSchema, z.object({ by: sortSchema })]).nullish(),
  max_price: z
    .looseObject({ prompt: z.number().nullish(), completion: z.number().nullish(), request: z.number().nullish() })
    .nullish(),
  require_parameters: z.boolean().nullish(),
});

export interface RoutingFields {
  provider?: z.infer<typeof providerPreferencesSchema> | null;
  models?: string[] | null;
  session_id?: string | null;
}

/** The wire fields → canonical RoutingOptions (undefined when none is set). */
export function decodeRoutingOptions(r: RoutingFields): RoutingOptions | undefined {
  const routing: RoutingOptions = {};
  if (r.models && r.models.length > 0) routing.models = r.models;
  if (r.session_id != null) routing.sessionId = r.session_id;
  const p = r.provider;
  if (p) {
    const provider: NonNullable<RoutingOptions["provider"]> = {};
    if (p.order != null) provider.order = p.order;
    if (p.only != null) provider.only = p.only;
    if (p.ignore != null) provider.ignore = p.ignore;
    if (p.allow_fallbacks != null) provider.allow_fallbacks = p.allow_fallbacks;
    if (p.sort != null) provider.sort = typeof p.sort === "string" ? p.sort : p.sort.by;
    if (p.require_parameters != null) provider.require_parameters = p.require_parameters;
    if (p.max_price != null) {
      const mp: NonNullable<typeof provider.max_price> = {};
      if (p.max_price.prompt != null) mp.prompt = p.max_price.prompt;
      if (p.max_price.completion != null) mp.completion = p.max_price.completion;
      if (p.max_price.request != null) mp.request = p.max_price.request;
      provider.max_price = mp;
    }
    routing.provider = provider;
  }
  return Object.keys(routing).length > 0 ? routing : undefined;
}
