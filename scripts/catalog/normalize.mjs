// Model matching: which provider offers are the same model. Every upstream id is reduced to an
// author (OpenRouter's author slugs: meta-llama, qwen, mistralai → mistral…) and a normalised key
// of the model name. Two offers with the same author and key are one model with two endpoints.
//
// The rules strip only what does not change the weights or the version: letter case, separators
// (`llama3-1` = `llama-3.1`), snapshot dates (`-20250929`, `@20250929`), Bedrock version suffixes
// (`-v1:0`), quantisation suffixes (`-fp8`, `-awq`…), `-instruct` / `-it`, a leading vendor word
// (`Meta-Llama-3.1` = `llama-3.1`). Sizes (`70b`), versions (`0528`, `2507`), `-thinking`,
// `-preview`, `-mini`… stay, so different sizes and releases never merge. Curated groups in
// data/curated.json cover what the rules cannot see (`llama-3.3-70b-versatile` on Groq).

/** Lower-cased organisation / vendor → canonical author slug (OpenRouter's where it has one). */
export const AUTHOR_ALIASES = {
  "meta-llama": "meta-llama", meta: "meta-llama", "meta-llama-3": "meta-llama", llama: "meta-llama",
  mistralai: "mistral", mistral: "mistral", "mistral-ai": "mistral",
  qwen: "qwen", alibaba: "qwen", dashscope: "qwen",
  "deepseek-ai": "deepseek", deepseek: "deepseek",
  moonshotai: "moonshotai", moonshot: "moonshotai", kimi: "moonshotai",
  "zai-org": "z-ai", zai: "z-ai", "z-ai": "z-ai", zhipuai: "z-ai", thudm: "z-ai", glm: "z-ai",
  minimaxai: "minimax", minimax: "minimax",
  openai: "openai", anthropic: "anthropic", google: "google", "x-ai": "x-ai", xai: "x-ai",
  amazon: "amazon", cohere: "cohere", coherelabs: "cohere", "cohere-ai": "cohere",
  nvidia: "nvidia", microsoft: "microsoft", "ibm-granite": "ibm-granite", ibm: "ibm-granite",
  ai21: "ai21", "ai21-labs": "ai21", nousresearch: "nousresearch", writer: "writer",
  baai: "baai", "black-forest-labs": "black-forest-labs", perplexity: "perplexity",
  inception: "inception", upstage: "upstage",
};

/** Words that mean "this vendor" at the start of a model name (`Meta-Llama-3.1`, `zai-glm-4.7`). */
const VENDOR_WORDS = { "meta-llama": ["meta"], "z-ai": ["zai"], mistral: ["mistralai"] };

/** Quantisation / serving-precision suffixes: same weights, another deployment. */
const QUANT = new Set(["fp8", "fp16", "bf16", "fp4", "nvfp4", "mxfp4", "int8", "int4", "awq", "gptq", "gguf", "w8a8", "w4a16"]);

export function authorOf(org) {
  const o = String(org).toLowerCase();
  return AUTHOR_ALIASES[o] ?? o;
}

/** `claude-sonnet-4-5-20250929` → `claude-sonnet-4-5`; dates inside MM-DD versions (`0528`) stay. */
export function stripSnapshotDate(name) {
  return name
    .replace(/@\d{8}$/, "")
    .replace(/-\d{8}(?=$|-v\d)/, "")
    .replace(/-\d{4}-\d{2}-\d{2}$/, "");
}

/**
 * The normalised key of a model name for an author. Exported for the build and its tests.
 * @param {string} author canonical author slug
 * @param {string} name the model part of an upstream id
 * @param {{keepDate?: boolean}} [opts] keepDate: a dated snapshot that differs from its undated
 *   name (curated `keep_dates`), e.g. claude-3-5-sonnet-20240620 vs -20241022.
 */
export function modelKey(author, name, opts = {}) {
  let n = String(name).toLowerCase().trim();
  n = stripVersionSuffix(n);
  if (!opts.keepDate) n = stripSnapshotDate(n);
  // Parts between separators, then quantisation and instruct markers removed.
  let parts = n.split(/[-_./\s]+/).filter(Boolean);
  const out = [];
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i];
    if (QUANT.has(p)) {
      if (parts[i + 1] === "fast") i++; // Workers AI `-fp8-fast`: the same weights, another build
      continue;
    }
    if (p === "instruct" || p === "it") {
      if (parts[i + 1] === "turbo" || parts[i + 1] === "lite") i++; // Together `-Instruct-Turbo`
      continue;
    }
    if (p === "hf") continue; // Hugging Face's `-hf` repo suffix
    out.push(p);
  }
  parts = out;
  // A leading vendor word (`meta-llama-3.1`, `zai-glm`, `minimax-m2`, `qwen3`) names the author again.
  const vendor = new Set([author, ...(VENDOR_WORDS[author] ?? [])]);
  while (parts.length > 1 && vendor.has(parts[0])) parts = parts.slice(1);
  // Letters and digits apart (`llama3` = `llama-3`, `k2` = `k-2`), so separators never matter.
  const tokens = parts.flatMap((p) => p.split(/(?<=\d)(?=[a-z])|(?<=[a-z])(?=\d)/));
  // A vendor word glued to a version (`qwen3-32b` → `qwen`,`3`,…) is dropped the same way.
  while (tokens.length > 1 && vendor.has(tokens[0])) tokens.shift();
  return `${author}/${tokens.join("-")}`;
}

/** Bedrock's `-v1:0` / `-1:0` / `-v0:2` and OpenRouter's trailing `-v1` (`nova-pro-v1`). */
export function stripVersionSuffix(name) {
  return name.replace(/-v?\d+:\d+$/, "").replace(/-v1$/, "");
}

/** A readable catalog slug from an upstream model name: lower case, dates and Bedrock suffixes off. */
export function slugOf(name) {
  return stripSnapshotDate(stripVersionSuffix(String(name).toLowerCase()));
}

/** `claude-sonnet-4-6` → `claude-sonnet-4.6` (OpenRouter-style Anthropic slugs). */
export const dotted = (slug) => slug.replace(/(\d)-(\d)(?!\d)/g, "$1.$2");
