// The model browser's filters and sort orders: one zod schema for the query string (the same
// names with or without JavaScript: the page is a plain GET form), applied on the server.
import { z } from "zod";
import type { ModelView } from "./catalog-view";

export const SORTS = {
  newest: "Newest",
  price_asc: "Price: low to high",
  price_desc: "Price: high to low",
  context: "Context length",
  throughput: "Throughput",
  name: "Name",
} as const;
export type Sort = keyof typeof SORTS;

/** Context-length floors offered in the filter (tokens). */
export const CONTEXT_STEPS = [8_000, 32_000, 128_000, 200_000, 1_000_000] as const;
/** Price ceilings offered in the filter: USD per million prompt tokens (0 = free only). */
export const PRICE_STEPS = [0, 0.5, 1, 3, 10] as const;

const list = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) => (v === undefined ? [] : (Array.isArray(v) ? v : [v]).flatMap((s) => s.split(",")).map((s) => s.trim()).filter(Boolean)));
const optionalNumber = z
  .string()
  .optional()
  .transform((s) => (s === undefined || s.trim() === "" ? undefined : Number(s)))
  .pipe(z.number().min(0).optional());

export const browseQuerySchema = z.object({
  q: z.string().max(200).optional().transform((s) => s?.trim() ?? ""),
  input: list,
  output: list,
  params: list,
  provider: list,
  min_context: optionalNumber,
  max_price: optionalNumber,
  sort: z.enum(Object.keys(SORTS) as [Sort, ...Sort[]]).catch("newest").default("newest"),
  page: z.coerce.number().int().min(1).max(10_000).catch(1).default(1),
});
export type BrowseQuery = z.output<typeof browseQuerySchema>;

/** Query string values (repeated keys as arrays) → a valid query; bad values fall back to defaults. */
export function parseBrowseQuery(raw: Record<string, string[]>): BrowseQuery {
  const flat: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(raw)) flat[k] = v.length === 1 ? v[0] : v;
  const r = browseQuerySchema.safeParse(flat);
  if (r.success) return r.data;
  // Drop only the offending fields, keep the rest of the user's choices.
  for (const issue of r.error.issues) delete flat[String(issue.path[0])];
  return browseQuerySchema.parse(flat);
}

const PER_MILLION = 1_000_000;
/** Models per page: the catalog has hundreds; a page stays small and fast without scripts. */
export const PAGE_SIZE = 50;

/** The query string of a browse query (defaults left out), with some fields replaced. */
export function browseHref(q: BrowseQuery, over: Partial<BrowseQuery> = {}): string {
  const v = { ...q, ...over };
  const p = new URLSearchParams();
  if (v.q) p.set("q", v.q);
  for (const key of ["input", "output", "params", "provider"] as const) for (const x of v[key]) p.append(key, x);
  if (v.min_context !== undefined) p.set("min_context", String(v.min_context));
  if (v.max_price !== undefined) p.set("max_price", String(v.max_price));
  if (v.sort !== "newest") p.set("sort", v.sort);
  if (v.page > 1) p.set("page", String(v.page));
  const s = p.toString();
  return s ? `/?${s}` : "/";
}

function matchesText(m: ModelView, q: string): boolean {
  if (!q) return true;
  const hay = `${m.model.id} ${m.model.name} ${m.model.description} ${m.endpoints.map((e) => e.providerName).join(" ")}`.toLowerCase();
  return q
    .toLowerCase()
    .split(/\s+/)
    .every((word) => hay.includes(word));
}

export function filterModels(models: readonly ModelView[], q: BrowseQuery): ModelView[] {
  return models.filter((m) => {
    if (!matchesText(m, q.q)) return false;
    if (q.input.length && !q.input.every((x) => m.inputModalities.includes(x))) return false;
    if (q.output.length && !q.output.some((x) => m.outputModalities.includes(x))) return false;
    if (q.params.length && !q.params.every((p) => m.parameters.includes(p))) return false;
    if (q.provider.length && !q.provider.some((p) => m.providers.includes(p))) return false;
    if (q.min_context !== undefined && m.contextLength < q.min_context) return false;
    if (q.max_price !== undefined) {
      if (q.max_price === 0) return m.free;
      if (m.promptPrice === null || m.promptPrice * PER_MILLION > q.max_price) return false;
    }
    return true;
  });
}

const byName = (a: ModelView, b: ModelView) => a.model.name.localeCompare(b.model.name);
/** Prompt price, then completion price; unpriced models sort last whichever direction the price goes. */
const price = (m: ModelView, dir: 1 | -1) => (m.promptPrice === null ? Infinity : dir * m.promptPrice);
const completion = (m: ModelView, dir: 1 | -1) => (m.completionPrice === null ? Infinity : dir * m.completionPrice);

export function sortModels(models: ModelView[], sort: Sort): ModelView[] {
  const out = models.slice();
  const cmp: Record<Sort, (a: ModelView, b: ModelView) => number> = {
    newest: (a, b) => b.model.created - a.model.created || byName(a, b),
    price_asc: (a, b) => price(a, 1) - price(b, 1) || completion(a, 1) - completion(b, 1) || byName(a, b),
    price_desc: (a, b) => price(a, -1) - price(b, -1) || completion(a, -1) - completion(b, -1) || byName(a, b),
    context: (a, b) => b.contextLength - a.contextLength || byName(a, b),
    // Unmeasured endpoints last.
    throughput: (a, b) => (b.throughput ?? -1) - (a.throughput ?? -1) || byName(a, b),
    name: byName,
  };
  return out.sort(cmp[sort]);
}

/** Facet values present in the catalog, with counts, for the filter sidebar. */
export function facets(models: readonly ModelView[]) {
  const count = (pick: (m: ModelView) => string[]) => {
    const c = new Map<string, number>();
    for (const m of models) for (const v of new Set(pick(m))) c.set(v, (c.get(v) ?? 0) + 1);
    return [...c].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  };
  return {
    input: count((m) => m.inputModalities),
    output: count((m) => m.outputModalities),
    params: count((m) => m.parameters),
  };
}
