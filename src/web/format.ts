// Display formatting for the website: prices per million tokens (or per image, per request…),
// token counts, labels for modalities and parameters.

/** Pricing fields billed per token, shown per million tokens. */
const PER_TOKEN: Record<string, string> = {
  prompt: "Input",
  completion: "Output",
  input_cache_read: "Cached input",
  input_cache_write: "Cache write",
  internal_reasoning: "Reasoning",
  audio: "Audio input",
  input_audio: "Audio input",
  output_audio: "Audio output",
  input_image: "Image input",
  output_image: "Image output",
  // The catalog's media token fields (src/catalog/types.ts).
  audio_output: "Audio output",
  input_audio_cache: "Cached audio input",
  image_token: "Image input",
  image_output: "Image output",
};

/** Pricing fields billed per unit, with the unit. */
const PER_UNIT: Record<string, [string, string]> = {
  image: ["Image", "image"],
  request: ["Request", "request"],
  web_search: ["Web search", "search"],
  audio_second: ["Audio", "second"],
  audio_minute: ["Audio", "minute"],
  second: ["Output", "second"],
  video_second: ["Video", "second"],
  characters: ["Characters", "million characters"],
  per_million_characters: ["Characters", "million characters"],
  // The catalog's per-unit media fields (src/catalog/types.ts); per_image is tiered by quality|size.
  per_image: ["Image", "image"],
  image_megapixel: ["Image", "megapixel"],
  image_step: ["Image", "diffusion step"],
  character: ["Text", "character"],
};

export interface PriceRow {
  label: string;
  /** Display value, e.g. "$3.00". */
  value: string;
  unit: string;
}

const usd = (n: number): string => {
  if (n === 0) return "$0";
  if (n >= 100) return `$${n.toFixed(0)}`;
  if (n >= 0.01) return `$${n.toFixed(2)}`;
  return `$${Number(n.toPrecision(2))}`;
};

/**
 * Every non-zero price of an endpoint: per-token ones per million tokens, per-unit ones per unit,
 * tiers (an object under a field, e.g. image prices by size and quality) one row each with the
 * field's unit, unknown fields kept by name.
 */
export function priceRows(pricing: Record<string, unknown> | null | undefined): PriceRow[] {
  if (!pricing) return [];
  const rows: PriceRow[] = [];
  const visit = (top: string, value: unknown, tiers: string[]) => {
    if (value && typeof value === "object") {
      for (const [k, v] of Object.entries(value)) visit(top, v, [...tiers, k]);
      return;
    }
    const n = typeof value === "number" ? value : typeof value === "string" ? Number(value) : NaN;
    if (!Number.isFinite(n) || n <= 0) return;
    const suffix = tiers.map((t) => ` · ${t}`).join("");
    if (top in PER_TOKEN) rows.push({ label: PER_TOKEN[top] + suffix, value: usd(n * 1_000_000), unit: "per 1M tokens" });
    else if (top in PER_UNIT) rows.push({ label: PER_UNIT[top][0] + suffix, value: usd(n), unit: `per ${PER_UNIT[top][1]}` });
    else rows.push({ label: humanize(top) + suffix, value: usd(n), unit: top.includes("token") ? "per token" : "" });
  };
  for (const [k, v] of Object.entries(pricing)) visit(k, v, []);
  return rows;
}

/** USD per token → "$3.00" per million, or "free" / "—" (unknown). */
export function perMillion(perToken: number | null): string {
  if (perToken === null) return "—";
  if (perToken === 0) return "free";
  return usd(perToken * 1_000_000);
}

/** 128000 → "128K", 1048576 → "1.05M". */
export function tokens(n: number | null | undefined): string {
  if (!n) return "—";
  if (n >= 1_000_000) return `${Number((n / 1_000_000).toPrecision(3))}M`;
  if (n >= 1_000) return `${Number((n / 1_000).toPrecision(3))}K`;
  return String(n);
}

export function humanize(s: string): string {
  const t = s.replace(/_/g, " ");
  return t.charAt(0).toUpperCase() + t.slice(1);
}

const PARAM_LABELS: Record<string, string> = {
  tools: "Tools",
  tool_choice: "Tool choice",
  parallel_tool_calls: "Parallel tool calls",
  structured_outputs: "Structured outputs",
  response_format: "JSON mode",
  reasoning: "Reasoning",
  include_reasoning: "Reasoning text",
  max_tokens: "Max tokens",
  top_k: "Top-k",
  top_p: "Top-p",
  seed: "Seed",
};
export const paramLabel = (p: string): string => PARAM_LABELS[p] ?? humanize(p);

/** Epoch seconds → "Nov 2024" (nothing for 0 / unknown). */
export function monthYear(epochSeconds: number): string {
  if (!epochSeconds) return "";
  return new Date(epochSeconds * 1000).toLocaleDateString("en-US", { month: "short", year: "numeric", timeZone: "UTC" });
}
