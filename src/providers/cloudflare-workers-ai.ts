// Cloudflare Workers AI: its OpenAI-compatible endpoint
// (https://api.cloudflare.com/client/v4/accounts/{account}/ai/v1, Bearer CLOUDFLARE_API_TOKEN),
// or — when the deployment declares an `AI` binding — the binding itself, which needs no token.
// The binding is not declared in wrangler.toml (npm start and the tests must run without a
// Cloudflare login); README explains how to add it.
import type { DiscoveredModel, PricingStrings } from "../catalog/types";
import { perMillionToUsdPerToken } from "../catalog/pricing";
import type { Env } from "../env";
import { isRecord } from "../streams/json";
import { aiGatewayHeaders, aiGatewaySettings, aiGatewayUrl } from "./ai-gateway";
import { OPENAI_PATHS, trimSlash } from "./openai-compatible";
import type { FetchLike, ProviderConfig, ProviderEntry, UpstreamOperation } from "./types";
import { bindingTransport, isAiBinding } from "./workers-ai-binding";

const PATHS: Record<UpstreamOperation, string> = OPENAI_PATHS;
const API = "https://api.cloudflare.com/client/v4";
/** Stands for the binding in URLs (nothing is fetched from it). */
const BINDING_BASE = "https://workers-ai.binding/v1";

const str = (v: unknown) => (typeof v === "string" && v.trim().length > 0 ? v.trim() : undefined);

/** The binding is used when declared, unless an explicit CLOUDFLARE_BASE_URL asks for HTTP. */
function usesBinding(env: Env): boolean {
  return isAiBinding(env.AI) && !str(env.CLOUDFLARE_BASE_URL);
}

function workersAiConfig(env: Env): ProviderConfig | undefined {
  const accountId = str(env.CLOUDFLARE_ACCOUNT_ID);
  const token = str(env.CLOUDFLARE_API_TOKEN);
  const explicit = str(env.CLOUDFLARE_BASE_URL);
  const settings: Record<string, string> = accountId ? { accountId } : {};
  if (usesBinding(env)) return { baseUrl: BINDING_BASE, apiKey: token, settings: { ...settings, binding: "1" } };
  if (!token || (!accountId && !explicit)) return undefined;
  if (explicit) return { baseUrl: trimSlash(explicit), apiKey: token, settings };
  const gw = aiGatewaySettings(env);
  if (gw) {
    const headers = aiGatewayHeaders(gw);
    return { baseUrl: aiGatewayUrl(gw, "workers-ai", "/v1"), apiKey: token, settings, ...(headers ? { headers } : {}) };
  }
  return { baseUrl: `${API}/accounts/${encodeURIComponent(accountId!)}/ai/v1`, apiKey: token, settings };
}

export const cloudflareWorkersAiProvider: ProviderEntry = {
  id: "cloudflare",
  name: "Cloudflare Workers AI",
  format: "openai",
  envPrefix: "CLOUDFLARE",
  defaultBaseUrl: API,
  enabledBy: "CLOUDFLARE_ACCOUNT_ID and CLOUDFLARE_API_TOKEN (or an AI binding)",
  ownsBareModel: (m) => m.startsWith("@cf/") || m.startsWith("@hf/"),
  aiGateway: { slug: "workers-ai", path: "/v1" },
  supports: { chat: true, embeddings: true, list_models: true, count_tokens: false },
  // Text-to-image models run on Workers AI's own API (`…/ai/run/<model>`), not the OpenAI one.
  media: { images: (m) => (/^@cf\/.*(flux|stable-diffusion|lucid|phoenix|dreamshaper)/.test(m) ? "workers-ai" : undefined) },
  config: workersAiConfig,
  buildRequest(cfg, op, model, opts) {
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (cfg.apiKey) headers.authorization = `Bearer ${cfg.apiKey}`;
    if (op === "images") return { url: `${trimSlash(cfg.baseUrl).replace(/\/v1$/, "")}/run/${model}`, headers };
    if (opts.stream) headers.accept = "text/event-stream";
    return { url: trimSlash(cfg.baseUrl) + PATHS[op], headers };
  },
  transport(env) {
    if (!usesBinding(env) || !isAiBinding(env.AI)) return undefined;
    return bindingTransport(env.AI, aiGatewaySettings(env)?.gatewayId);
  },
  listModels: listWorkersAiModels,
};

/**
 * Workers AI's model search (`…/ai/models/search`), text-generation and embedding models, with
 * the context window and the per-million prices it lists.
 */
async function listWorkersAiModels(cfg: ProviderConfig, doFetch: FetchLike): Promise<DiscoveredModel[]> {
  if (cfg.settings?.binding && !cfg.apiKey) throw new Error("listing Workers AI models needs CLOUDFLARE_API_TOKEN and CLOUDFLARE_ACCOUNT_ID");
  const base = cfg.baseUrl.endsWith("/ai/v1") && !cfg.settings?.binding ? cfg.baseUrl.slice(0, -"/v1".length) : `${API}/accounts/${cfg.settings?.accountId ?? ""}/ai`;
  const out: DiscoveredModel[] = [];
  for (let page = 1; page <= 10; page++) {
    const res = await doFetch(`${base}/models/search?per_page=100&page=${page}`, { method: "GET", headers: { authorization: `Bearer ${cfg.apiKey ?? ""}` } });
    if (!res.ok) {
      await res.body?.cancel();
      throw new Error(`HTTP ${res.status} from cloudflare model search`);
    }
    const body: unknown = await res.json();
    if (!isRecord(body) || !Array.isArray(body.result)) throw new Error("unexpected cloudflare model search");
    for (const m of body.result.filter(isRecord)) {
      const d = toDiscovered(m);
      if (d) out.push(d);
    }
    const info = isRecord(body.result_info) ? body.result_info : {};
    const total = typeof info.total_count === "number" ? info.total_count : 0;
    // The server may page by less than asked: its own per_page says where the end is.
    const perPage = typeof info.per_page === "number" && info.per_page > 0 ? info.per_page : 100;
    if (body.result.length === 0 || page * perPage >= total) break;
  }
  return out;
}

function toDiscovered(m: Record<string, unknown>): DiscoveredModel | undefined {
  const task = isRecord(m.task) && typeof m.task.name === "string" ? m.task.name : "";
  const embedding = task === "Text Embeddings";
  if (typeof m.name !== "string" || (!embedding && task !== "Text Generation")) return undefined;
  const props = new Map<string, unknown>();
  if (Array.isArray(m.properties)) for (const p of m.properties.filter(isRecord)) if (typeof p.property_id === "string") props.set(p.property_id, p.value);
  const ctx = Number(props.get("context_window"));
  const created = typeof m.created_at === "string" ? Date.parse(m.created_at.replace(" ", "T") + "Z") : NaN;
  const d: DiscoveredModel = {
    id: m.name,
    description: typeof m.description === "string" ? m.description : undefined,
    context_length: Number.isFinite(ctx) && ctx > 0 ? ctx : undefined,
    created: Number.isFinite(created) ? Math.floor(created / 1000) : undefined,
    output_modalities: embedding ? ["embeddings"] : ["text"],
    pricing: listedPrice(props.get("price")),
  };
  if (String(props.get("function_calling")) === "true") d.supported_parameters = ["max_tokens", "temperature", "top_p", "tools", "tool_choice"];
  return d;
}

/** `[{unit: "per M input tokens", price}, {unit: "per M output tokens", price}]` → USD per token. */
function listedPrice(v: unknown): PricingStrings | undefined {
  if (!Array.isArray(v)) return undefined;
  let input: number | undefined;
  let output: number | undefined;
  for (const p of v.filter(isRecord)) {
    if (typeof p.price !== "number" || p.currency !== "USD" || typeof p.unit !== "string") continue;
    if (/per m input tokens/i.test(p.unit)) input = p.price;
    else if (/per m output tokens/i.test(p.unit)) output = p.price;
  }
  if (input === undefined || output === undefined) return undefined;
  const prompt = perMillionToUsdPerToken(input);
  return { prompt, completion: perMillionToUsdPerToken(output), request: "0", image: "0", web_search: "0", internal_reasoning: "0", input_cache_read: prompt, input_cache_write: prompt };
}
