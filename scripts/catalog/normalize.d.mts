// Types of normalize.mjs for the TypeScript tests (test/node/catalog-build.test.ts).
export declare const AUTHOR_ALIASES: Record<string, string>;
export declare function authorOf(org: string): string;
export declare function stripSnapshotDate(name: string): string;
export declare function stripVersionSuffix(name: string): string;
export declare function modelKey(author: string, name: string, opts?: { keepDate?: boolean }): string;
export declare function slugOf(name: string): string;
export declare function dotted(slug: string): string;
