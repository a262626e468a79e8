// Once the gateway answers: the developer's API key (kept in .dev.vars as AROUTER_API_KEY, created
// through the real management API) and a model to put in the quick-start curl.
import { setDevVar } from "./dev-vars.mjs";

const KEY_COMMENT = "Your API key, created by npm start through the management API (reused while it works).";
/** Models the quick-start curl prefers, when the gateway serves them. */
const EXAMPLE_MODELS = ["openai/gpt-4o-mini", "anthropic/claude-haiku-4.5", "google/gemini-2.5-flash", "deepseek/deepseek-chat"];

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls GET /health until it answers 200; gives up when the gateway process is gone or after timeoutMs. */
export async function waitForGateway(base, { alive, timeoutMs = 180_000 }) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!alive()) return false;
    try {
      const res = await fetch(`${base}/health`, { signal: AbortSignal.timeout(5000) });
      await res.arrayBuffer();
      if (res.ok) return true;
    } catch {
      // not listening yet
    }
    await sleep(250); // polling interval while wrangler builds and starts workerd
  }
  return false;
}

async function call(base, path, token, init = {}) {
  const res = await fetch(base + path, {
    ...init,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json", ...init.headers },
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text };
}

/**
 * The stored AROUTER_API_KEY when the gateway still accepts it (a wiped local D1 forgets it),
 * else a new key created with the management key and written to .dev.vars.
 */
export async function ensureDeveloperKey(base, vars, devVarsFile) {
  const stored = vars.AROUTER_API_KEY;
  if (stored) {
    const check = await call(base, "/api/v1/key", stored);
    if (check.status === 200) return { key: stored, status: "reused" };
  }
  if (!vars.MANAGEMENT_KEY) return { key: undefined, status: "no-management-key" };
  const created = await call(base, "/api/v1/keys", vars.MANAGEMENT_KEY, {
    method: "POST",
    body: JSON.stringify({ name: "npm start (local development)" }),
  });
  if (created.status !== 201 || typeof created.json?.key !== "string") {
    return { key: undefined, status: "create-failed", detail: `${created.status} ${created.text.slice(0, 300)}` };
  }
  setDevVar(devVarsFile, "AROUTER_API_KEY", created.json.key, KEY_COMMENT);
  return { key: created.json.key, status: stored ? "replaced" : "created" };
}

/** A chat model this key can call: a well-known one when served, else the first listed; "auto" as a last resort. */
export async function pickExampleModel(base, key) {
  if (!key) return EXAMPLE_MODELS[0];
  const res = await call(base, "/v1/models", key, { method: "GET" });
  const ids = Array.isArray(res.json?.data) ? res.json.data.map((m) => m?.id).filter((id) => typeof id === "string") : [];
  return EXAMPLE_MODELS.find((id) => ids.includes(id)) ?? ids.find((id) => !id.endsWith(":free")) ?? ids[0] ?? "auto";
}
