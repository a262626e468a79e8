// The built-in demo: with no provider configured, `npm start` runs the fake upstream (the one the
// tests use, speaking every provider's real wire format) in this process and points every provider
// at it, so every catalog model answers through the real codecs, streaming and tools included.
import { PROVIDER_ENV, startFakeUpstream } from "../fake-upstream.mjs";

const TRUE = new Set(["1", "true", "yes", "on"]);
const FALSE = new Set(["0", "false", "no", "off"]);

/** Variables that are a provider's credential (AROUTER_API_KEY is the gateway's own key for you). */
const CREDENTIAL = /_(API_KEY|TOKEN|ACCESS_KEY_ID|CREDENTIALS)$/; // …_API_TOKEN, HF_TOKEN, AWS_BEARER_TOKEN_BEDROCK too
const NOT_A_PROVIDER = new Set(["AROUTER_API_KEY", "AI_GATEWAY_TOKEN", "AWS_SESSION_TOKEN"]);
/** Keyless providers (Ollama) are enabled by their base URL alone. */
const KEYLESS_BASE_URLS = new Set(PROVIDER_ENV.filter(([, , key]) => !key).map(([name]) => `${name}_BASE_URL`));

export function configuredProviderVars(vars) {
  return Object.keys(vars).filter(
    (name) => vars[name] && !NOT_A_PROVIDER.has(name) && (CREDENTIAL.test(name) || KEYLESS_BASE_URLS.has(name)),
  );
}

/**
 * Demo on or off: an explicit DEMO (environment first, then .dev.vars) decides; otherwise the demo
 * runs exactly when no provider is configured in .dev.vars.
 */
export function demoDecision(vars, env = process.env) {
  const providers = configuredProviderVars(vars);
  const explicit = String(env.DEMO ?? vars.DEMO ?? "").trim().toLowerCase();
  if (TRUE.has(explicit)) return { on: true, explicit: true, providers };
  if (FALSE.has(explicit)) return { on: false, explicit: true, providers };
  return { on: providers.length === 0, explicit: false, providers };
}

/** Starts the fake upstream on a free loopback port; returns the gateway variables that use it. */
export async function startDemoUpstream() {
  // No request log (a long demo session would grow it) and a little pacing so streams visibly stream.
  const server = await startFakeUpstream({ port: 0, host: "127.0.0.1", quiet: true, defaults: { record: false, chunkDelayMs: 20 } });
  const vars = { DEMO: "1" };
  for (const [name, suffix, key] of PROVIDER_ENV) {
    vars[`${name}_BASE_URL`] = server.url + suffix;
    if (key) vars[`${name}_API_KEY`] = key;
  }
  return { url: server.url, vars, close: () => server.close() };
}
