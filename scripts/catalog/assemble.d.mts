// Types of assemble.mjs for the TypeScript tests.
export interface Offer {
  provider: string;
  upstream: string;
  source: string;
  rank: number;
  cost?: Record<string, unknown>;
  free?: boolean;
  wire?: string;
  [k: string]: unknown;
}
export declare function mergeOffers(offers: Offer[]): Offer[];
export declare function groupOffers(offers: Offer[], rules: { groupOf: Map<string, string>; keepDates: Set<string>; sameModel: Map<string, string> }): Map<string, Offer[]>;
export declare function modelIdFor(key: string, offers: Offer[]): string;
export declare function toEndpoint(o: Offer): Record<string, unknown>;
