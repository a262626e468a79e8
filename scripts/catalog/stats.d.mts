// Types of stats.mjs for the TypeScript tests.
export declare function catalogStats(models: unknown[]): {
  endpoints: number; priced: number; multiProvider: number; multiDirect: number; providers: number; pricedProviders: number;
  imageOutput: number; audioOutput: number; audioInput: number;
};
