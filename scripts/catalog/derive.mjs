// Values derived from an offer: price strings, supported parameters, moderation.

/** $ per 1M units → USD-per-unit decimal string ("2.5" → "0.0000025"). */
export function perMillionToPerToken(x) {
  if (x === undefined || x === null) return undefined;
  return usd(x / 1e6);
}

/** A USD amount as a plain decimal string without float noise (0.04 → "0.04"). */
export function usd(x) {
  if (x === undefined || x === null) return undefined;
  if (x === 0) return "0";
  const s = x.toFixed(15).replace(/0+$/, "").replace(/\.$/, "");
  return s === "" ? "0" : s;
}

/** Token prices per million, in cost objects, and their OpenRouter-style string names. */
const TOKEN_FIELDS = [
  ["audio", "audio"],
  ["audio_output", "audio_output"],
  ["input_audio_cache", "input_audio_cache"],
  ["image_token", "image_token"],
  ["image_output", "image_output"],
];
/** Per-unit prices (USD per image, second, character, megapixel, request, search). */
const UNIT_FIELDS = ["audio_second", "character", "image_megapixel", "image_step"];

/** An offer's cost ($/1M tokens, $/unit) → the catalog's pricing strings (src/catalog/types.ts). */
export function pricingStrings(cost) {
  const prompt = perMillionToPerToken(cost.input ?? 0);
  const out = {
    prompt,
    completion: perMillionToPerToken(cost.output ?? 0),
    request: usd(cost.request ?? 0),
    image: "0",
    web_search: usd(cost.web_search ?? 0),
    internal_reasoning: "0",
    // A provider without a separate cache price bills those tokens at the prompt price.
    input_cache_read: perMillionToPerToken(cost.cache_read) ?? prompt,
    input_cache_write: perMillionToPerToken(cost.cache_write) ?? prompt,
  };
  for (const [from, to] of TOKEN_FIELDS) if (cost[from] !== undefined) out[to] = perMillionToPerToken(cost[from]);
  for (const f of UNIT_FIELDS) if (cost[f] !== undefined) out[f] = usd(cost[f]);
  if (cost.per_image) out.per_image = Object.fromEntries(Object.entries(cost.per_image).map(([k, v]) => [k, usd(v)]));
  return out;
}

/** Whether an offer has any non-zero price (tokens or media units). */
export function hasPrice(cost) {
  if (!cost) return false;
  return Object.entries(cost).some(([k, v]) => (k === "per_image" ? Object.values(v).some((x) => x > 0) : k !== "cache_read" && k !== "cache_write" && v > 0));
}

const FORMAT = { openai: "openai", azure: "openai", anthropic: "anthropic", google: "gemini", "google-vertex": "gemini", "amazon-bedrock": "bedrock" };

/** Parameters an endpoint accepts, from the source's capability flags and the provider's API. */
export function supportedParameters(provider, upstream, e) {
  let format = FORMAT[provider] ?? "openai";
  if (provider === "google-vertex" && upstream.startsWith("claude")) format = "anthropic";
  if (provider === "amazon-bedrock" && upstream.includes("anthropic.")) format = "anthropic";
  const p = ["max_tokens"];
  if (e.temperature !== false) p.push("temperature", "top_p");
  p.push("stop");
  if (e.tool_call) p.push("tools", "tool_choice");
  if (e.tool_call && format === "openai") p.push("parallel_tool_calls");
  if (e.reasoning) p.push("reasoning", "include_reasoning");
  const structured =
    ["openai", "azure", "google", "google-vertex", "x-ai", "fireworks", "mistral", "cerebras", "together", "openrouter"].includes(provider) ||
    (format === "anthropic" && !/claude-(3|sonnet-4-2|opus-4-2|opus-4-1-|sonnet-4@|opus-4@|opus-4-1@)/.test(upstream)) ||
    (provider === "groq" && /gpt-oss|kimi/.test(upstream));
  if (format !== "anthropic" || structured) p.push("response_format");
  if (structured) p.push("structured_outputs");
  if (format === "anthropic" || format === "gemini") p.push("top_k");
  if (format !== "anthropic" && format !== "bedrock" && e.temperature !== false) p.push("seed", "frequency_penalty", "presence_penalty");
  return p;
}

/** Providers that run their own moderation on every request (OpenRouter's `is_moderated`). */
export function isModerated(provider, upstream) {
  if (provider === "openai" || provider === "anthropic" || provider === "azure") return true;
  return provider === "amazon-bedrock" && /(^|\.)anthropic\./.test(upstream);
}
