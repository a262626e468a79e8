// Micro-measurements of the catalog's hot-path costs, for `npm run bench` (never for tests, which
// assert no timings). Inside workerd the clocks do not advance while code runs, so call these from
// Node (e.g. a vitest "node" project file or an esbuild bundle) or pass a clock that does.
import { buildCatalog, shippedCatalogData, type Catalog } from "./catalog";

export type Clock = () => number;

export interface LookupMeasurement {
  models: number;
  endpoints: number;
  /** Building the id/alias/endpoint index once (what an isolate pays on its first request), ms. */
  indexBuildMs: number;
  /** One id → model lookup (exact id, alias, or provider + upstream id), ns on average. */
  lookupNs: number;
}

/** Times the catalog index: one build, then `iterations` rounds of looking up every id and endpoint. */
export function measureCatalogLookup(opts: { iterations?: number; now?: Clock } = {}): LookupMeasurement {
  const now = opts.now ?? (() => performance.now());
  const data = shippedCatalogData();
  const t0 = now();
  const catalog: Catalog = buildCatalog({ ...data, models: data.models.slice() });
  const indexBuildMs = now() - t0;
  const ids = catalog.models.map((m) => m.id);
  const eps = catalog.models.flatMap((m) => m.endpoints.map((e) => [e.provider, e.upstream_model] as const));
  const rounds = opts.iterations ?? 200;
  let found = 0;
  const t1 = now();
  for (let r = 0; r < rounds; r++) {
    for (const id of ids) if (catalog.get(id)) found++;
    for (const [p, u] of eps) if (catalog.findByEndpoint(p, u)) found++;
  }
  const ops = rounds * (ids.length + eps.length);
  const lookupNs = ((now() - t1) * 1e6) / ops;
  if (found !== ops) throw new Error("catalog lookup missed an id it indexes");
  return { models: catalog.models.length, endpoints: eps.length, indexBuildMs, lookupNs };
}
