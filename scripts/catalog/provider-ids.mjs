// Upstream id → (author, model name): how each provider spells a model. The author is resolved
// from the id's organisation part where it has one (`meta-llama/…`, `@cf/qwen/…`, Bedrock's
// `anthropic.…`), else from the provider (first-party APIs), else from the name's family word.
import { authorOf, AUTHOR_ALIASES } from "./normalize.mjs";

/** Providers whose bare ids are their own models. */
export const FIRST_PARTY_AUTHOR = {
  openai: "openai", anthropic: "anthropic", google: "google", "x-ai": "x-ai", deepseek: "deepseek",
  mistral: "mistral", cohere: "cohere", moonshotai: "moonshotai", "z-ai": "z-ai", minimax: "minimax",
  alibaba: "qwen", perplexity: "perplexity", inception: "inception", upstage: "upstage",
};

/** A model family word at the start of a name → its author. */
const FAMILIES = [
  [/^(meta-)?llama|^hermes-3-llama/, "meta-llama"],
  [/^(mistral|mixtral|ministral|codestral|devstral|magistral|pixtral|voxtral|open-mistral)/, "mistral"],
  [/^(qwen|qwq|qvq)/, "qwen"],
  [/^deepseek|^r1-/, "deepseek"],
  [/^(gemma|gemini|imagen|veo)/, "google"],
  [/^(gpt|o\d|chatgpt|whisper|dall-e|tts-|codex|text-embedding|sora|computer-use)/, "openai"],
  [/^claude/, "anthropic"],
  [/^kimi|^moonshot/, "moonshotai"],
  [/^(zai-)?glm/, "z-ai"],
  [/^minimax/, "minimax"],
  [/^(phi|mai-ds|wizardlm)/, "microsoft"],
  [/^grok/, "x-ai"],
  [/^nova|^titan/, "amazon"],
  [/^(command|c4ai|aya|embed-)/, "cohere"],
  [/^jamba/, "ai21"],
  [/nemotron/, "nvidia"],
  [/^granite/, "ibm-granite"],
  [/^(sonar|r1-1776)/, "perplexity"],
  [/^mercury/, "inception"],
  [/^solar/, "upstage"],
  [/^flux/, "black-forest-labs"],
  [/^palmyra/, "writer"],
];

export function familyAuthor(name) {
  const n = name.toLowerCase();
  for (const [re, author] of FAMILIES) if (re.test(n)) return author;
  return undefined;
}

/** Organisations that re-host others' weights under their own name (the name tells the author). */
const REHOSTERS = new Set(["chutesai", "unsloth", "tngtech", "togethercomputer", "accounts", "fireworks"]);

/**
 * @param {string} provider ARouter provider id
 * @param {string} upstream the id the provider's API expects
 * @returns {{author: string, name: string} | undefined}
 */
export function parseUpstream(provider, upstream) {
  let id = upstream;
  if (provider === "fireworks") {
    // accounts/fireworks/models/glm-4p5 → glm-4.5; llama-v3p1-8b → llama-3.1-8b
    id = id.replace(/^accounts\/[^/]+\/models\//, "").replace(/(\d)p(\d)/g, "$1.$2").replace(/^llama-v(\d)/, "llama-$1");
  }
  if (provider === "cloudflare") id = id.replace(/^@cf\/|^@hf\//, "");
  if (provider === "amazon-bedrock") {
    // [geo.]vendor.model-vN:M — the geo prefix (us., eu., global.) is an inference profile.
    const parts = id.split(".");
    if (/^(us|eu|apac|au|jp|ca|us-gov|global|in)$/.test(parts[0])) parts.shift();
    const vendor = parts.shift();
    return { author: authorOf(vendor === "meta" ? "meta-llama" : vendor), name: parts.join(".") };
  }
  if (provider === "google-vertex") id = id.replace(/@\d{8}$/, "");
  if (provider === "huggingface") id = id.replace(/:[a-z0-9-]+$/, ""); // `model:provider` routing suffix

  const slash = id.lastIndexOf("/");
  if (slash > 0) {
    const org = id.slice(0, id.indexOf("/")).toLowerCase();
    const name = id.slice(slash + 1);
    if (!REHOSTERS.has(org) && (AUTHOR_ALIASES[org] || provider === "openrouter" || provider === "github" || org.length > 1)) {
      const author = authorOf(org);
      // GitHub Models' `meta/…`, `mistral-ai/…` publishers map through the alias table too.
      return { author, name };
    }
    return { author: familyAuthor(name) ?? org, name };
  }
  const first = FIRST_PARTY_AUTHOR[provider];
  const family = familyAuthor(id);
  if (first && (!family || provider === "google" || family === first)) return { author: first, name: id };
  if (family) return { author: family, name: id };
  return first ? { author: first, name: id } : undefined;
}
