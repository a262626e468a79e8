// Types of derive.mjs for the TypeScript tests.
export declare function perMillionToPerToken(x: number | undefined | null): string | undefined;
export declare function usd(x: number | undefined | null): string | undefined;
export declare function pricingStrings(cost: Record<string, unknown>): Record<string, unknown>;
export declare function hasPrice(cost: Record<string, unknown> | undefined): boolean;
export declare function supportedParameters(provider: string, upstream: string, flags: { temperature?: boolean; tool_call?: boolean; reasoning?: boolean }): string[];
export declare function isModerated(provider: string, upstream: string): boolean;
