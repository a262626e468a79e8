import type { MiddlewareHandler } from "hono";
import type { AppBindings, Env } from "../env";
import { isRecord, safeJsonParse } from "../streams/json";

// Demo mode (`DEMO=1`, set by `npm start` when no provider key is configured): every provider
// points at the built-in fake upstream, so every answer is canned. Label everything so nobody
// mistakes a demo answer for a real model's: a header on every response, and a flag plus a note
// on each model of the model lists (OpenAI-style and Gemini-style), which UIs show.

export const DEMO_HEADER = "x-arouter-demo";
export const DEMO_NOTE =
  "Demo mode: every model here is answered by ARouter's built-in fake upstream (canned text, not a real model). " +
  "Set a provider key in .dev.vars (e.g. OPENAI_API_KEY) and restart to use real models.";
const MODEL_NOTE_PREFIX = "[Demo: answered by the built-in fake upstream, not by this model.] ";

export function isDemo(env: Env): boolean {
  const v = env.DEMO;
  return typeof v === "string" && ["1", "true", "yes", "on"].includes(v.trim().toLowerCase());
}

/** Model list and model detail paths, whose JSON answers get the per-model label. */
function isModelListPath(path: string): boolean {
  return /^\/(api\/)?v1(beta)?\/models(\/|$)/.test(path) && !path.includes(":");
}

/**
 * One `app.use("*", demoLabels)`: a no-op unless DEMO is set. The handler's Response may have
 * immutable headers (answers passed through from fetch), so a demo response is re-wrapped; that
 * copy costs nothing that matters in a demo and nothing at all otherwise.
 */
export const demoLabels: MiddlewareHandler<AppBindings> = async (c, next) => {
  if (!isDemo(c.env)) return next();
  await next();
  let res = c.res;
  if (c.req.method === "GET" && res.ok && isModelListPath(c.req.path) && (res.headers.get("content-type") ?? "").includes("json")) {
    res = await labelModelAnswer(res);
  } else {
    res = new Response(res.body, res);
  }
  res.headers.set(DEMO_HEADER, "true");
  c.res = undefined; // replace, not merge: Hono would otherwise copy the old headers over ours
  c.res = res;
};

async function labelModelAnswer(res: Response): Promise<Response> {
  const text = await res.text();
  const parsed = safeJsonParse(text);
  const headers = new Headers(res.headers);
  headers.delete("content-length");
  if (!parsed.ok || !isRecord(parsed.value)) return new Response(text, { status: res.status, headers });
  return new Response(JSON.stringify(labelModels(parsed.value)), { status: res.status, headers });
}

/** Labels a list (`data` / `models` arrays), a model (`id` or Gemini `name`) or an endpoints answer. */
export function labelModels(body: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...body };
  let labelled = false;
  for (const listKey of ["data", "models"]) {
    const list = body[listKey];
    if (Array.isArray(list)) {
      out[listKey] = list.map((m) => (isRecord(m) ? labelModel(m) : m));
      labelled = true;
    } else if (isRecord(list)) {
      out[listKey] = labelModel(list); // GET /v1/models/{id}/endpoints answers {data: {…model}}
      labelled = true;
    }
  }
  if (!labelled) return labelModel(out);
  out.demo = true;
  out.demo_note = DEMO_NOTE;
  return out;
}

function labelModel(m: Record<string, unknown>): Record<string, unknown> {
  if (m.demo === true) return m; // already labelled (a request re-dispatched through the app)
  const description = typeof m.description === "string" ? m.description : "";
  return { ...m, demo: true, description: MODEL_NOTE_PREFIX + description };
}
