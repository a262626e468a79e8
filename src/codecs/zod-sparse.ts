import type { z } from "zod";

/**
 * `schema.safeParse(input)` for a wide request object of which callers send a few fields: only
 * the keys present (and the required ones) are run through their field schemas. zod's object
 * parse visits every key of the shape — ~60 optional ones for OpenAI's request — allocating for
 * each on every request, which showed up as the largest allocator on the hot path.
 *
 * Same result as the full parse on success (the same field schemas on the same values; absent
 * optional keys stay absent; keys outside the shape are dropped, as z.object does). Any failure,
 * or a required key missing, falls back to the full parse, so errors are exactly zod's own.
 * Only for plain z.object schemas without object-level refinements.
 */
export function sparseSafeParse<S extends z.ZodObject>(schema: S, required: readonly string[], input: Record<string, unknown>): z.ZodSafeParseResult<z.output<S>> {
  for (const k of required) if (!(k in input)) return schema.safeParse(input);
  const shape = schema.shape as Record<string, z.ZodType>;
  const out: Record<string, unknown> = {};
  for (const k in input) {
    const field = shape[k];
    if (!field) continue;
    const r = field.safeParse(input[k]);
    if (!r.success) return schema.safeParse(input);
    if (r.data !== undefined || input[k] !== undefined) out[k] = r.data;
  }
  return { success: true, data: out as z.output<S> } as z.ZodSafeParseResult<z.output<S>>;
}
