// Small list helpers shared by the routing modules.

export function uniq<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}
export function uniqBy<T>(xs: T[], key: (x: T) => string): T[] {
  const seen = new Set<string>();
  return xs.filter((x) => (seen.has(key(x)) ? false : (seen.add(key(x)), true)));
}
export function cmp(a: number, b: number): number {
  if (a === b) return 0;
  if (a === Infinity) return 1;
  if (b === Infinity) return -1;
  return a - b;
}
export function stableSort<T>(xs: T[], by: (a: T, b: T) => number): T[] {
  return xs
    .map((x, i) => [x, i] as const)
    .sort((a, b) => by(a[0], b[0]) || a[1] - b[1])
    .map(([x]) => x);
}
