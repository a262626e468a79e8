// Merged, grouped offers → the catalog's model objects (the GET /v1/models schema plus endpoints).
import { authorNames, groupOffers, mergeOffers, modelIdFor, ownProvider, tokenizers, toEndpoint } from "./assemble.mjs";
import { hasPrice } from "./derive.mjs";
import { modelKey } from "./normalize.mjs";
import { curatedGroupIndex } from "./source-curated.mjs";

/** curated `same_model`: ["author/name", "author/name of the model it is"] pairs → key map. */
function sameModelIndex(curated) {
  const key = (id) => modelKey(id.slice(0, id.indexOf("/")), id.slice(id.indexOf("/") + 1));
  return new Map(curated.same_model.filter((p) => Array.isArray(p)).map(([a, b]) => [key(a), key(b)]));
}

const priceKey = (ep) => (ep.pricing ? Number(ep.pricing.prompt) + Number(ep.pricing.completion) : Infinity);
/** Source ranks for names: curated and llm-zoo labels, then models.dev's, then genai-prices'. */
const LABEL_ORDER = [0, 1, 3, 2];
const unix = (date) => Math.floor(Date.parse(date) / 1000);

/**
 * @param {object[]} offers all sources' offers
 * @param {object} curated data/curated.json
 * @param {(id: string) => number} firstSeen the day the catalog first listed a model (unix)
 */
export function buildModels(offers, curated, firstSeen) {
  const merged = mergeOffers(offers).filter((o) => o.free || hasPrice(o.cost));
  const groups = groupOffers(merged, { groupOf: curatedGroupIndex(curated), keepDates: new Set(curated.keep_dates), sameModel: sameModelIndex(curated) });
  const groupMeta = new Map([...curated.groups, ...curated.models].map((g) => [g.id, g]));
  const models = [];
  const ids = new Set();
  for (const [key, list] of groups) {
    let id = modelIdFor(key, list);
    if (ids.has(id)) {
      console.warn(`catalog: two models would be ${id}; the one keyed ${key} keeps its key as id`);
      id = key;
    }
    ids.add(id);
    const meta = groupMeta.has(id) || curated.overrides[id] ? { ...groupMeta.get(id), ...curated.overrides[id] } : undefined;
    models.push(toModel(id, list, meta, curated, firstSeen));
  }
  // Aliases never shadow another model's id.
  for (const m of models) {
    if (!m.aliases) continue;
    m.aliases = m.aliases.filter((a) => a !== m.id && !ids.has(a));
    if (!m.aliases.length) delete m.aliases;
  }
  models.sort((a, b) => a.id.localeCompare(b.id));
  return models;
}

const FULL_FEATURE_RESELLERS = new Set(["amazon-bedrock", "google-vertex", "azure", "openrouter"]);

function toModel(id, offers, meta, curated, firstSeen) {
  const author = id.slice(0, id.indexOf("/"));
  const ownOffer = offers.find((o) => o.provider === ownProvider[author]);
  const byLabel = [...offers].sort((a, b) => LABEL_ORDER.indexOf(a.rank) - LABEL_ORDER.indexOf(b.rank));
  const best = ownOffer ?? byLabel[0];
  // Tool calling and reasoning belong to the model: a cloud that resells the lab's own model with
  // the lab's API features (Bedrock, Vertex, Azure, OpenRouter) but whose listing says nothing
  // about them (newer Claude models there) serves the model's own. Other hosts say for themselves:
  // an open-weight model's host may serve it without tool calling.
  for (const o of offers) {
    if (o === best || !FULL_FEATURE_RESELLERS.has(o.provider)) continue;
    if (o.tool_call === undefined) o.tool_call = best.tool_call;
    if (o.reasoning === undefined) o.reasoning = best.reasoning;
  }
  const endpoints = offers.map(toEndpoint);
  // OpenRouter routes a model to its makers' endpoints, so where its listing gives no limits the
  // model's own (first-party, else any) limits are OpenRouter's too.
  const own = endpoints.find((e) => e.provider === ownProvider[author]) ?? endpoints.find((e) => e.provider !== "openrouter" && e.max_completion_tokens);
  for (const e of endpoints) {
    if (e.provider !== "openrouter" || !own) continue;
    e.context_length ??= own.context_length;
    e.max_completion_tokens ??= own.max_completion_tokens;
  }
  endpoints.sort(
    (a, b) =>
      (a.variant === "free") - (b.variant === "free") ||
      (b.provider === ownProvider[author]) - (a.provider === ownProvider[author]) ||
      (a.provider === "openrouter") - (b.provider === "openrouter") ||
      priceKey(a) - priceKey(b) ||
      a.provider.localeCompare(b.provider) ||
      a.upstream_model.localeCompare(b.upstream_model),
  );
  const label = byLabel.find((o) => o.label)?.label ?? id.slice(id.indexOf("/") + 1);
  const authorName = authorNames[author] ?? author;
  const name = meta?.name ?? `${authorName}: ${label.replace(/^[^:]+: /, "")}`;
  const input = meta?.input_modalities ?? best.input ?? offers.find((o) => o.input)?.input ?? ["text"];
  const output = meta?.output_modalities ?? best.output ?? offers.find((o) => o.output)?.output ?? ["text"];
  const dates = offers.map((o) => o.created).filter((d) => d > 0);
  const created = meta?.created || ownOffer?.created || (dates.length ? Math.min(...dates) : 0) || (curated.created[id] ? unix(curated.created[id]) : 0) || firstSeen(id);
  const top = endpoints.find((e) => e.variant !== "free") ?? endpoints[0];
  const expiration = curated.deprecations[id]?.date ?? null;
  const aliases = new Set();
  for (const o of offers) {
    if (o.provider === "anthropic" && /-\d{8}$/.test(o.upstream)) aliases.add(`anthropic/${o.upstream}`);
    if (o.provider === "openrouter") aliases.add(o.upstream.replace(/:free$/, ""));
  }
  const description =
    meta?.description ??
    [
      `${name.replace(/^[^:]+: /, "")} by ${authorName}.`,
      expiration ? `First-party shutdown date: ${expiration}.` : "",
      meta?.note ?? "",
    ]
      .filter(Boolean)
      .join(" ");
  return {
    id,
    canonical_slug: ownOffer?.canonicalSlug ? `${author}/${ownOffer.canonicalSlug}` : id,
    name,
    created,
    description,
    context_length: Math.max(0, ...endpoints.map((e) => e.context_length ?? 0)) || null,
    architecture: {
      modality: `${input.join("+")}->${output.join("+")}`,
      input_modalities: input,
      output_modalities: output,
      tokenizer: meta?.tokenizer ?? tokenizers[author] ?? "Other",
      instruct_type: null,
    },
    pricing: top.pricing,
    top_provider: { context_length: top.context_length, max_completion_tokens: top.max_completion_tokens, is_moderated: top.is_moderated === true },
    per_request_limits: null,
    supported_parameters: [...new Set(endpoints.flatMap((e) => e.supported_parameters))],
    default_parameters: null,
    expiration_date: expiration,
    ...(aliases.size ? { aliases: [...aliases].sort() } : {}),
    endpoints,
    source: [...new Set(endpoints.map((e) => (e.source.startsWith("http") ? "curated" : e.source.split(" ")[0])))].join("; "),
  };
}
