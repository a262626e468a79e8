export { Catalog, CATALOG_KV_KEY, buildCatalog, getCatalog, invalidateCatalogCache, isEmbeddingModel, shippedCatalogData } from "./catalog";
export { costMicros, microsToUsdPerToken, toPricingMicros, toPricingStrings, usdPerTokenToMicros, worstCaseMicros } from "./pricing";
export { listProviderModels, refreshCatalog, scheduled, type RefreshOptions, type RefreshResult } from "./refresh";
export type { CatalogData, CatalogEndpoint, CatalogModel, DiscoveredModel, PricingStrings, StoredListings } from "./types";
