import type { CanonicalRequest, FormatName, NativeFeature } from "../../canonical/types";
import { endpointCodec } from "../../codecs";
import { BadRequestError } from "../../errors/gateway-error";
import type { RouteResolution } from "../../routing/types";

/** What runs each format's native features, for messages. */
const RUNS_THEM: Record<FormatName, string> = {
  responses: "OpenAI's Responses API",
  openai: "OpenAI's Chat Completions API",
  anthropic: "Anthropic's Messages API",
  gemini: "Google's Gemini API",
};

/**
 * A request that needs a native feature (a built-in tool tool_choice forces, a stored prompt, a
 * compaction item) can only go to endpoints called in that feature's format: the others are
 * skipped, and when none is left the request is refused (400) naming what it needs. Optional
 * features (a built-in tool merely offered) never narrow the route: see droppedFeatures.
 */
export function requireNativeFeatures(route: RouteResolution, req: CanonicalRequest, callerFormat: FormatName): RouteResolution {
  const required = req.nativeFeatures?.filter((f) => f.required);
  if (!required?.length) return route;
  const endpoints = route.endpoints.filter((e) => {
    const format = endpointCodec(e, callerFormat).name;
    return required.every((f) => f.format === format);
  });
  if (endpoints.length === route.endpoints.length) return route;
  if (endpoints.length > 0) return { ...route, endpoints };
  const needs = required.map((f) => `${f.name} (${RUNS_THEM[f.format]})`).join(", ");
  throw new BadRequestError(
    `This request needs ${needs}, which only an upstream of that API can run; no endpoint of '${req.model}' is called through it. ` +
      "Remove it, or choose a model served there (e.g. openai/…).",
  );
}

/**
 * The native features an endpoint of `format` leaves out: the optional ones of another format (a
 * built-in tool the model could have used; its answer then simply does not use it). They travel
 * only in extensions[format], which other codecs never read, so leaving them out needs no
 * rewrite: this lists them for the answer's x-arouter-dropped header.
 */
export function droppedFeatures(features: NativeFeature[] | undefined, format: string): string[] {
  return (features ?? []).filter((f) => !f.required && f.format !== format).map((f) => f.name);
}
