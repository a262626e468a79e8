import { getProvider, PROVIDERS } from "../providers/registry";

/**
 * A key's `allowed_providers`, one way everywhere: slugs are normalised to registry ids when a key
 * is written (`gemini` → `google`, `XAI` → `x-ai`; unknown slugs are refused), and every check —
 * routing, the key's Durable Object at reserve, GET /v1/models, the Google model list — compares
 * through `allowedProviderSet`, which reads lists stored before normalisation the same way.
 */

/** The registry id for a provider id or alias in any case; undefined when no provider has that name. */
export function providerIdFor(slug: string): string | undefined {
  return getProvider(slug.trim().toLowerCase())?.id;
}

export const KNOWN_PROVIDER_IDS = (): string[] => PROVIDERS.map((p) => p.id);

/** null = every provider. */
export function allowedProviderSet(allowed: readonly string[] | null | undefined): Set<string> | null {
  if (!Array.isArray(allowed)) return null;
  return new Set(allowed.map((s) => providerIdFor(s) ?? s.trim().toLowerCase()));
}

export function allowsProvider(allowed: readonly string[] | null | undefined, providerId: string): boolean {
  const set = allowedProviderSet(allowed);
  return set === null || set.has(providerIdFor(providerId) ?? providerId);
}
