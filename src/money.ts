/** Money is integer micro-USD inside; the API speaks USD. */

export const MICROS_PER_USD = 1_000_000;

export const microsToUsd = (micros: number) => micros / MICROS_PER_USD;

/** USD → micro-USD, rounded to the nearest micro (limits are set by people, in dollars). */
export const usdToMicros = (usd: number) => Math.round(usd * MICROS_PER_USD);

/** `$0.001234` style, trimmed, for error messages. */
export function formatUsd(micros: number): string {
  const usd = microsToUsd(micros);
  const fixed = usd.toFixed(6).replace(/0+$/, "").replace(/\.$/, ".00");
  return `$${/\.\d$/.test(fixed) ? fixed + "0" : fixed}`;
}
