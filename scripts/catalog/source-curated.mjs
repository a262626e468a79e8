// Offers hand-entered in data/curated.json → models: embeddings, media models and providers no
// package prices (SambaNova, Workers AI image models…). Each endpoint names the page its price
// comes from in `source`; costs use the same units as the other sources ($ per 1M tokens, $ per
// image / second / character / megapixel).
export function curatedOffers(curated) {
  const offers = [];
  for (const m of curated.models) {
    for (const ep of m.endpoints) {
      if (!/^https:\/\//.test(ep.source)) throw new Error(`curated ${m.id} ${ep.provider}: source must be a URL`);
      offers.push({
        provider: ep.provider,
        upstream: ep.upstream_model,
        source: ep.source,
        rank: 0,
        label: m.name?.replace(/^[^:]+: /, ""),
        created: m.created,
        context: ep.context_length ?? m.context_length,
        maxOutput: ep.max_completion_tokens ?? m.max_completion_tokens,
        cost: ep.cost,
        input: m.input_modalities,
        output: m.output_modalities,
        parameters: ep.supported_parameters ?? m.supported_parameters,
        tool_call: m.tool_call,
        reasoning: m.reasoning,
        ...(ep.wire ? { wire: ep.wire } : {}),
        ...(ep.free ? { free: true } : {}),
        // An upstream id that also serves another catalog model (gpt-5 behind gpt-5-image, which is
        // gpt-5 with OpenAI's image_generation tool): the endpoint belongs to this model only.
        ...(ep.own_model ? { ownModel: m.id } : {}),
      });
    }
  }
  // Single endpoints of models the rules match (providers no package prices).
  for (const ep of curated.endpoints) {
    if (!/^https:\/\//.test(ep.source)) throw new Error(`curated endpoint ${ep.provider} ${ep.upstream_model}: source must be a URL`);
    offers.push({ provider: ep.provider, upstream: ep.upstream_model, source: ep.source, rank: 0, cost: ep.cost, context: ep.context_length, maxOutput: ep.max_completion_tokens, tool_call: ep.tool_call, reasoning: ep.reasoning });
  }
  return offers;
}

/** provider + "\0" + upstream → catalog id, from curated groups and curated models. */
export function curatedGroupIndex(curated) {
  const groupOf = new Map();
  for (const g of curated.groups) {
    for (const [prov, ups] of Object.entries(g.endpoints)) for (const u of [ups].flat()) groupOf.set(prov + "\0" + u, g.id);
  }
  for (const m of curated.models) {
    for (const ep of m.endpoints) groupOf.set(ep.provider + "\0" + ep.upstream_model + (ep.own_model ? "\0" + m.id : ""), m.id);
  }
  return groupOf;
}
