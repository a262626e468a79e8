// Small statistics helpers.

/** Percentile (0..100) of a numeric array, linear interpolation; null when empty. */
export function percentile(values, p) {
  const a = Array.from(values).filter((x) => Number.isFinite(x));
  if (!a.length) return null;
  a.sort((x, y) => x - y);
  if (a.length === 1) return a[0];
  const rank = (p / 100) * (a.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return a[lo] + (a[hi] - a[lo]) * (rank - lo);
}

export const median = (values) => percentile(values, 50);

export function mean(values) {
  const a = values.filter((x) => Number.isFinite(x));
  return a.length ? a.reduce((s, x) => s + x, 0) / a.length : null;
}

/** a / b, or null when either is missing or b is 0. */
export function ratio(a, b) {
  return Number.isFinite(a) && Number.isFinite(b) && b !== 0 ? a / b : null;
}

export function diff(a, b) {
  return Number.isFinite(a) && Number.isFinite(b) ? a - b : null;
}

/** Median of f(round) over rounds where it is defined. */
export function medianOf(items, f) {
  return median(items.map(f).filter((x) => x !== null && x !== undefined && Number.isFinite(x)));
}
