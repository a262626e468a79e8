// Counts the build prints and data/SOURCES.md reports.

/** Whether an endpoint has a known, non-free price. */
export const paidPriced = (e) => e.variant !== "free" && e.pricing !== null;

export function catalogStats(models) {
  const pricedProviders = new Set();
  const providers = new Set();
  let endpoints = 0;
  let priced = 0;
  let multiProvider = 0;
  let multiDirect = 0;
  for (const m of models) {
    endpoints += m.endpoints.length;
    for (const e of m.endpoints) {
      providers.add(e.provider);
      if (paidPriced(e)) pricedProviders.add(e.provider);
    }
    const paid = new Set(m.endpoints.filter(paidPriced).map((e) => e.provider));
    if (paid.size) priced++;
    if (paid.size >= 2) multiProvider++;
    if ([...paid].filter((p) => p !== "openrouter").length >= 2) multiDirect++;
  }
  const out = (m, x) => m.architecture.output_modalities.includes(x);
  return {
    endpoints,
    priced,
    multiProvider,
    multiDirect,
    providers: providers.size,
    pricedProviders: pricedProviders.size,
    imageOutput: models.filter((m) => out(m, "image")).length,
    audioOutput: models.filter((m) => out(m, "audio")).length,
    audioInput: models.filter((m) => m.architecture.input_modalities.includes("audio")).length,
  };
}
