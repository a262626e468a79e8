// Types of provider-ids.mjs for the TypeScript tests.
export declare const FIRST_PARTY_AUTHOR: Record<string, string>;
export declare function familyAuthor(name: string): string | undefined;
export declare function parseUpstream(provider: string, upstream: string): { author: string; name: string } | undefined;
