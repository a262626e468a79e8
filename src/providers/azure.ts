// Azure OpenAI / Azure AI Foundry: OpenAI's wire format at the operator's resource URL, `api-key`
// header auth. Two URL schemes: the v1 API (`/openai/v1/chat/completions`, deployment name in
// the body's `model`; the default) and the classic per-deployment one
// (`/openai/deployments/{d}/chat/completions?api-version=…`, chosen by AZURE_OPENAI_API_VERSION).
// Deployments are named like the models unless AZURE_OPENAI_DEPLOYMENTS maps them. The Responses
// API (a Responses caller, or a model the catalog serves only there) is the v1 API's
// `/openai/v1/responses`, whichever scheme is configured: Azure serves it nowhere else.
import type { DiscoveredModel } from "../catalog/types";
import type { Env } from "../env";
import { isRecord, safeJsonParse } from "../streams/json";
import { aiGatewayHeaders, aiGatewaySettings, aiGatewayUrl } from "./ai-gateway";
import { OPENAI_PATHS, trimSlash } from "./openai-compatible";
import type { FetchLike, ProviderConfig, ProviderEntry, UpstreamOperation } from "./types";

const PATHS: Record<UpstreamOperation, string> = OPENAI_PATHS;
/** The data-plane version that still lists deployments. */
const DEPLOYMENTS_API_VERSION = "2022-12-01";

const str = (v: unknown) => (typeof v === "string" && v.trim().length > 0 ? v.trim() : undefined);

/** `{"gpt-4o":"prod-4o"}` or `gpt-4o=prod-4o,gpt-4o-mini=mini` → a map (model → deployment). */
export function parseDeployments(raw: string | undefined): Record<string, string> {
  if (!raw) return {};
  const parsed = safeJsonParse(raw);
  const out: Record<string, string> = {};
  if (parsed.ok && isRecord(parsed.value)) {
    for (const [k, v] of Object.entries(parsed.value)) if (typeof v === "string" && v) out[k] = v;
    return out;
  }
  for (const pair of raw.split(",")) {
    const i = pair.indexOf("=");
    if (i > 0 && pair.slice(i + 1).trim()) out[pair.slice(0, i).trim()] = pair.slice(i + 1).trim();
  }
  return out;
}

const deploymentCache = new Map<string, Record<string, string>>();
function deploymentFor(cfg: ProviderConfig, model: string): string {
  const raw = cfg.settings?.deployments ?? "";
  let map = deploymentCache.get(raw);
  if (!map) deploymentCache.set(raw, (map = parseDeployments(raw)));
  return map[model] ?? model;
}

function azureConfig(env: Env): ProviderConfig | undefined {
  const apiKey = str(env.AZURE_OPENAI_API_KEY);
  const base = str(env.AZURE_OPENAI_BASE_URL);
  if (!apiKey || !base) return undefined;
  // The resource root; a URL given with /openai/v1 asks for the v1 API explicitly.
  const v1Suffix = /\/openai\/v1\/?$/.test(base);
  const resource = trimSlash(base.replace(/\/openai(\/v1)?\/?$/, ""));
  const version = str(env.AZURE_OPENAI_API_VERSION);
  const classic = !v1Suffix && version !== undefined && version !== "v1";
  const settings: Record<string, string> = { mode: classic ? "classic" : "v1", resource, deployments: str(env.AZURE_OPENAI_DEPLOYMENTS) ?? "" };
  if (classic) settings.apiVersion = version!;
  // AI Gateway documents the classic scheme only: {gateway}/azure-openai/{resource}/{deployment}/….
  const gw = classic ? aiGatewaySettings(env) : undefined;
  const resourceName = safeHost(resource)?.split(".")[0];
  if (gw && resourceName) {
    const headers = aiGatewayHeaders(gw);
    return { baseUrl: aiGatewayUrl(gw, "azure-openai", `/${resourceName}`), apiKey, settings: { ...settings, gateway: "1" }, ...(headers ? { headers } : {}) };
  }
  return { baseUrl: resource, apiKey, settings };
}

function safeHost(url: string): string | undefined {
  try {
    return new URL(url).hostname;
  } catch {
    return undefined;
  }
}

/**
 * The URL of one call, in the configured scheme. The Responses API is served only by the v1 API
 * (`/openai/v1/responses`, deployment in the body's `model`), so it goes there in either scheme.
 */
export function azureUrl(cfg: ProviderConfig, op: UpstreamOperation, model: string, format?: string): string {
  const s = cfg.settings ?? {};
  if (format === "responses") return `${s.resource ?? cfg.baseUrl}/openai/v1/responses`;
  if (s.mode !== "classic") return `${cfg.baseUrl}/openai/v1${PATHS[op]}`;
  const deployment = encodeURIComponent(deploymentFor(cfg, model));
  const prefix = s.gateway ? `${cfg.baseUrl}/${deployment}` : `${cfg.baseUrl}/openai/deployments/${deployment}`;
  return `${prefix}${PATHS[op]}?api-version=${encodeURIComponent(s.apiVersion ?? "")}`;
}

export const azureProvider: ProviderEntry = {
  id: "azure",
  name: "Azure OpenAI",
  format: "openai",
  envPrefix: "AZURE_OPENAI",
  defaultBaseUrl: "",
  enabledBy: "AZURE_OPENAI_API_KEY and AZURE_OPENAI_BASE_URL",
  aiGateway: { slug: "azure-openai" },
  supports: { chat: true, embeddings: true, list_models: true, count_tokens: false },
  // Azure's v1 API serves the Responses API (no input_tokens counting documented there).
  alsoServes: { responses: { countTokens: false } },
  config: azureConfig,
  buildRequest(cfg, op, model, opts) {
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (cfg.apiKey) headers["api-key"] = cfg.apiKey;
    if (opts.stream) headers.accept = "text/event-stream";
    const url = azureUrl(cfg, op, model, opts.format);
    // The v1 API takes the deployment name in `model`; only a mapped name needs the body rewritten.
    const deployment = deploymentFor(cfg, model);
    const v1 = cfg.settings?.mode !== "classic" || opts.format === "responses";
    if (!v1 || deployment === model || !opts.body) return { url, headers };
    const parsed = safeJsonParse(opts.body);
    if (!parsed.ok || !isRecord(parsed.value)) return { url, headers };
    return { url, headers, body: JSON.stringify({ ...parsed.value, model: deployment }) };
  },
  listModels: listAzureModels,
};

/**
 * The resource's deployments (what can actually be called), named as deployed; where that
 * listing is unavailable, the v1 API's model list (chat and embedding models).
 */
async function listAzureModels(cfg: ProviderConfig, doFetch: FetchLike): Promise<DiscoveredModel[]> {
  const headers: Record<string, string> = { "api-key": cfg.apiKey ?? "" };
  // Listing is an operator call: straight to the resource, even when chat goes through AI Gateway.
  const root = cfg.settings?.resource ?? cfg.baseUrl;
  const deployed = await doFetch(`${root}/openai/deployments?api-version=${DEPLOYMENTS_API_VERSION}`, { method: "GET", headers });
  if (deployed.ok) {
    const body: unknown = await deployed.json();
    if (isRecord(body) && Array.isArray(body.data)) {
      return body.data.filter(isRecord).flatMap((d) =>
        typeof d.id === "string" ? [{ id: d.id, name: typeof d.model === "string" ? `Azure: ${d.model}` : undefined, created: num(d.created_at) }] : [],
      );
    }
  } else await deployed.body?.cancel();
  const res = await doFetch(`${root}/openai/v1/models`, { method: "GET", headers });
  if (!res.ok) {
    await res.body?.cancel();
    throw new Error(`HTTP ${res.status} from azure model list`);
  }
  const body: unknown = await res.json();
  if (!isRecord(body) || !Array.isArray(body.data)) throw new Error("unexpected azure model list");
  const out: DiscoveredModel[] = [];
  for (const m of body.data.filter(isRecord)) {
    if (typeof m.id !== "string") continue;
    const caps = isRecord(m.capabilities) ? m.capabilities : {};
    const embedding = caps.embeddings === true;
    if (!embedding && caps.chat_completion !== true) continue;
    out.push({ id: m.id, created: num(m.created_at), output_modalities: embedding ? ["embeddings"] : undefined });
  }
  return out;
}

const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) && v > 0 ? v : undefined);
