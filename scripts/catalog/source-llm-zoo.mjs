// Offers from llm-zoo: current first-party models of OpenAI, Anthropic, Google, xAI, DeepSeek,
// Z.AI (GLM), MiniMax, Moonshot (Kimi) and Alibaba (DashScope), with API ids, $/1M prices, cache
// discounts, limits, capability flags and deprecated/retired flags.
import { MODEL_CONFIGS } from "llm-zoo";

/** llm-zoo provider → ARouter provider id. */
const PROVIDERS = {
  openai: "openai", anthropic: "anthropic", google: "google", deepseek: "deepseek", xai: "x-ai",
  glm: "z-ai", minimax: "minimax", moonshot: "moonshotai", dashscope: "alibaba",
};

/** OpenAI's Responses-only families (`-pro`, `codex`): called through the Responses API. */
export const RESPONSES_ONLY = /(^|-)pro$|codex|deep-research/;

export function zooOffers(source, exclude) {
  const offers = new Map();
  for (const z of Object.values(MODEL_CONFIGS)) {
    const provider = PROVIDERS[z.provider];
    if (!provider || z.retired || z.openRouterOnly || z.baseUrl || z.serviceTier) continue;
    const upstream = z.shortName;
    if (exclude.has(upstream)) continue;
    const c = z.capabilities;
    const key = provider + "\0" + upstream;
    const seen = offers.get(key);
    if (seen) {
      // "… (Thinking)" entries are the same API model with reasoning on: merge the flag.
      seen.reasoning ||= c.supportsReasoning;
      continue;
    }
    const input = ["text"];
    if (c.supportsVision) input.push("image");
    if (c.supportsNativePdf) input.push("file");
    if (c.supportsNativeAudio) input.push("audio");
    const caching = c.supportsPromptCaching || c.supportsAutoPromptCaching;
    const responses = provider === "openai" && (z.requiresResponsesAPI || RESPONSES_ONLY.test(upstream));
    let label = z.label.replace(/ \(Thinking\)$/, "");
    if (provider === "anthropic" && !label.startsWith("Claude")) label = `Claude ${label}`;
    offers.set(key, {
      provider,
      upstream,
      source,
      rank: 1,
      label,
      created: dateFromId(z.fullName),
      canonicalSlug: z.fullName !== upstream ? z.fullName : undefined,
      context: z.contextWindow,
      maxOutput: z.maxOutputTokens,
      cost: {
        input: z.inputPrice,
        output: z.outputPrice,
        cache_read: caching ? +(z.inputPrice * c.cacheDiscountFactor).toFixed(6) : undefined,
        // Anthropic bills 5-minute cache writes at 1.25× the input price.
        cache_write: provider === "anthropic" ? +(z.inputPrice * 1.25).toFixed(6) : undefined,
      },
      input,
      output: ["text"],
      tool_call: c.supportsFunctionCalling,
      reasoning: c.supportsReasoning,
      temperature: !(provider === "openai" && c.supportsReasoning),
      ...(responses ? { wire: "responses" } : {}),
    });
  }
  return [...offers.values()];
}

/** `claude-3-7-sonnet-20250219` → 2025-02-19 as unix seconds. */
export function dateFromId(id) {
  const m = /(\d{4})-?(\d{2})-?(\d{2})$/.exec(id);
  if (!m) return undefined;
  const [, y, mo, d] = m;
  if (+y < 2020 || +mo > 12 || +d > 31) return undefined;
  return Math.floor(Date.parse(`${y}-${mo}-${d}`) / 1000) || undefined;
}
