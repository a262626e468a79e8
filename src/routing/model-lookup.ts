// Model id → routing target: catalog model, provider passthrough or `auto`.
import type { Catalog } from "../catalog/catalog";
import type { CatalogModel } from "../catalog/types";
import { BadRequestError } from "../errors/gateway-error";
import { getProvider, PROVIDERS, providerForBareModel } from "../providers/registry";
import type { ProviderEntry } from "../providers/types";
import { splitVariant, VARIANTS, type Variant } from "./variants";

export type Target =
  | { kind: "model"; model: CatalogModel; restrict?: string; requested: string; variant?: Variant }
  | { kind: "passthrough"; provider: ProviderEntry; upstream: string; requested: string; variant?: Variant }
  | { kind: "auto"; requested: string; variant?: Variant };

const authorOf = (m: CatalogModel) => m.id.slice(0, m.id.indexOf("/"));

/** A catalog model for an id (id, alias, provider-qualified upstream id, bare id), or undefined. */
export function lookupModel(catalog: Catalog, id: string): { model: CatalogModel; restrict?: string } | undefined {
  const direct = catalog.get(id);
  if (direct) return { model: direct };
  const slash = id.indexOf("/");
  if (slash > 0) {
    const p = getProvider(id.slice(0, slash));
    if (!p) return undefined;
    const rest = id.slice(slash + 1);
    const m = catalog.findByEndpoint(p.id, rest) ?? catalog.get(`${p.id}/${rest}`);
    if (!m) return undefined;
    return { model: m, restrict: authorOf(m) === p.id ? undefined : p.id };
  }
  const owner = providerForBareModel(id);
  const bySlug = catalog.findBySlug(id);
  if (bySlug.length) return { model: bySlug.find((m) => authorOf(m) === owner?.id) ?? bySlug[0] };
  if (owner) {
    const m = catalog.findByEndpoint(owner.id, id);
    if (m) return { model: m };
  }
  for (const p of PROVIDERS) {
    const m = catalog.findByEndpoint(p.id, id);
    if (m) return { model: m, restrict: authorOf(m) === p.id ? undefined : p.id };
  }
  return undefined;
}

function passthrough(id: string): { provider: ProviderEntry; upstream: string } | undefined {
  const slash = id.indexOf("/");
  if (slash > 0) {
    const provider = getProvider(id.slice(0, slash));
    const upstream = id.slice(slash + 1);
    return provider && upstream ? { provider, upstream } : undefined;
  }
  const provider = providerForBareModel(id);
  return provider ? { provider, upstream: id } : undefined;
}

export function parseTarget(catalog: Catalog, raw: string): Target {
  const { base, variant, unknownSuffix } = splitVariant(raw);
  if (unknownSuffix !== undefined) {
    // A colon can be part of a real id (Ollama tags: `ollama/llama3.2:3b`, Bedrock's `…-v1:0`).
    const hit = lookupModel(catalog, raw);
    if (hit) return { kind: "model", ...hit, requested: raw };
    const pt = passthrough(raw);
    if (pt && (pt.provider.keyless || pt.provider.colonModelIds)) return { kind: "passthrough", ...pt, requested: raw };
    throw new BadRequestError(
      `Invalid model variant ':${unknownSuffix}' in '${raw}'. Supported variants: ${VARIANTS.map((v) => ":" + v).join(", ")}.`,
    );
  }
  if (base === "auto" || base === "openrouter/auto") return { kind: "auto", requested: raw, variant };
  const hit = lookupModel(catalog, base);
  if (hit) return { kind: "model", ...hit, requested: raw, variant };
  const pt = passthrough(base);
  if (pt) return { kind: "passthrough", ...pt, requested: raw, variant };
  throw new BadRequestError(`Unknown model: '${raw}'. See GET /v1/models for the available ids (e.g. 'openai/gpt-4o').`);
}
