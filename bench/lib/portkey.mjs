// Portkey's AI gateway (Portkey-AI/gateway 1.15.2, Hono on Workers) as a third baseline: a
// prebuilt Worker bundle kept outside the repo (../shared/baselines/…, read at bench time, never
// copied), run in the same workerd as the other Workers with the settings of its own
// wrangler.toml (see that folder's README.md). It routes by headers: x-portkey-provider picks the
// provider, x-portkey-custom-host replaces the provider's base URL (for OpenAI and Anthropic both
// end in /v1), Authorization carries the provider key. Portkey does no auth of its own callers, no
// spend limit and no accounting.
import fs from "node:fs";
import path from "node:path";

export const PORTKEY_DEFAULT_BUNDLE = "../shared/baselines/portkey-gateway-1.15.2/index.js";

/** The bundle's path, or null (with the reason) when it is absent. */
export function findPortkeyBundle(root, option) {
  if (option === false) return { file: null, reason: "--no-portkey" };
  const file = path.resolve(root, option ?? PORTKEY_DEFAULT_BUNDLE);
  return fs.existsSync(file) ? { file, reason: null } : { file: null, reason: `${file} not found` };
}

/** Miniflare worker options, as its wrangler.toml deploys it. */
export function portkeyWorker(bundle) {
  return {
    name: "portkey",
    modules: true,
    modulesRoot: path.dirname(bundle),
    scriptPath: bundle,
    compatibilityDate: "2024-12-05",
    compatibilityFlags: ["nodejs_compat"],
    bindings: { ENVIRONMENT: "dev", CUSTOM_HEADERS_TO_IGNORE: [] },
    unsafeDirectSockets: [{ host: "127.0.0.1", port: 0 }],
  };
}

/** Headers routing a Portkey request to the fake upstream's `provider` (openai | anthropic). */
export function portkeyHeaders(provider, fakeUrl, providerKey) {
  return {
    "content-type": "application/json",
    "x-portkey-provider": provider,
    "x-portkey-custom-host": `${fakeUrl}/${provider}/v1`,
    authorization: `Bearer ${providerKey}`,
  };
}
