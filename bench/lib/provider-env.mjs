// The gateway's environments in the benchmark.
//   base — the three providers every scenario routes to (OpenAI, Anthropic, Gemini), as before.
//   all  — every provider the bundle knows, enabled, for GET /v1/models at full size and for the
//          catalog-lookup comparison (the same chat request under `base` and under `all`).
// Which providers exist is read from the built bundle, not from a list kept here, so the scenario
// follows the registry as it grows: every `envPrefix: "X"` (the `<X>_API_KEY` / `<X>_BASE_URL`
// contract) plus every upper-case variable the bundle reads as `env.X` / `env["X"]` that looks like
// a credential or an endpoint (the clouds: AWS_*, GOOGLE_VERTEX_*, AZURE_OPENAI_*, CLOUDFLARE_*).
// Every URL points at the fake upstream; nothing leaves loopback.
import { generateKeyPairSync } from "node:crypto";
import fs from "node:fs";

/** Tuning knobs and switches that must keep their defaults (AI Gateway would reroute every call). */
const KEEP_DEFAULT = [/^MANAGEMENT_KEY$/, /_MS$/, /_BYTES$/, /_MINUTE$/, /^AI_GATEWAY_/, /_DEPLOYMENTS$/, /_API_VERSION$/];

export function baseProviderEnv(fakeUrl) {
  return {
    OPENAI_BASE_URL: `${fakeUrl}/openai/v1`,
    OPENAI_API_KEY: "sk-fake-openai",
    ANTHROPIC_BASE_URL: `${fakeUrl}/anthropic`,
    ANTHROPIC_API_KEY: "sk-ant-fake",
    GEMINI_BASE_URL: `${fakeUrl}/gemini`,
    GEMINI_API_KEY: "fake-gemini-key",
  };
}

/** A syntactically real service-account JSON (fresh RSA key) whose token endpoint is the fake. */
function serviceAccount(fakeUrl) {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return JSON.stringify({
    type: "service_account",
    project_id: "bench-project",
    private_key_id: "bench",
    private_key: privateKey.export({ type: "pkcs8", format: "pem" }),
    client_email: "bench@bench-project.iam.gserviceaccount.com",
    token_uri: `${fakeUrl}/oauth2/token`,
  });
}

/** A dummy value by the variable's role (name suffix), or undefined to leave it unset. */
function valueFor(name, fakeUrl, lazySa) {
  if (KEEP_DEFAULT.some((re) => re.test(name))) return undefined;
  if (/_BASE_URL$|_ENDPOINT$|_URL$/.test(name)) return `${fakeUrl}/${name.replace(/_(BASE_)?URL$|_ENDPOINT$/, "").toLowerCase()}/v1`;
  if (/CREDENTIALS$/.test(name)) return lazySa();
  if (/_REGION$/.test(name)) return "us-east-1";
  if (/_LOCATION$/.test(name)) return "us-central1";
  if (/_PROJECT$/.test(name)) return "bench-project";
  if (/_ACCOUNT_ID$/.test(name)) return "bench-account";
  if (/(_API_KEY|_TOKEN|_SECRET_ACCESS_KEY|_ACCESS_KEY_ID|_SECRET|_KEY)$/.test(name)) return `bench-${name.toLowerCase()}`;
  return undefined;
}

/**
 * Every provider of the bundle enabled. OpenAI, Anthropic and Gemini keep the base environment's
 * URLs (so the chat request routes exactly as under `base`); the others point at
 * `<fake>/<name>/v1`, which the fake answers in the OpenAI format.
 */
export function allProviderEnv(bundlePath, fakeUrl) {
  const text = fs.readFileSync(bundlePath, "utf8");
  const prefixes = new Set([...text.matchAll(/envPrefix:\s*"([A-Z][A-Z0-9_]*)"/g)].map((m) => m[1]));
  const reads = new Set([...text.matchAll(/\benv(?:\.([A-Z][A-Z0-9_]{2,})\b|\[\s*"([A-Z][A-Z0-9_]{2,})"\s*\])/g)].map((m) => m[1] ?? m[2]));
  let sa;
  const lazySa = () => (sa ??= serviceAccount(fakeUrl));
  const env = {};
  for (const p of prefixes) {
    env[`${p}_API_KEY`] = `bench-${p.toLowerCase()}-key`;
    env[`${p}_BASE_URL`] = `${fakeUrl}/${p.toLowerCase()}/v1`;
  }
  for (const name of reads) {
    if (name in env) continue;
    const v = valueFor(name, fakeUrl, lazySa);
    if (v !== undefined) env[name] = v;
  }
  Object.assign(env, baseProviderEnv(fakeUrl));
  return { env, prefixes: [...prefixes].sort(), variables: Object.keys(env).sort() };
}
