// Google Vertex AI: one provider serving two publishers. Gemini models speak the Gemini codec at
// `…/publishers/google/models/{m}:generateContent` (streamGenerateContent?alt=sse); Claude models
// speak the Anthropic codec at `…/publishers/anthropic/models/{m}:rawPredict`
// (streamRawPredict), whose body names no model and carries anthropic_version instead. Auth is
// an OAuth token minted from the service account in GOOGLE_VERTEX_CREDENTIALS.
import type { DiscoveredModel } from "../catalog/types";
import { anthropicCodec } from "../codecs/anthropic";
import type { UpstreamCodec } from "../codecs/codec";
import type { Env } from "../env";
import { UpstreamError } from "../errors/gateway-error";
import { isRecord, safeJsonParse } from "../streams/json";
import { aiGatewayHeaders, aiGatewaySettings, aiGatewayUrl } from "./ai-gateway";
import { GOOGLE_MEDIA, googleMediaAction } from "./gemini";
import { accessToken, parseServiceAccount, type ServiceAccount } from "./google-auth";
import { trimSlash } from "./openai-compatible";
import type { FetchLike, ProviderConfig, ProviderEntry } from "./types";

export const VERTEX_ANTHROPIC_VERSION = "vertex-2023-10-16";
const ID = "google-vertex";
const str = (v: unknown) => (typeof v === "string" && v.trim().length > 0 ? v.trim() : undefined);

/** The publisher of an upstream model id: Claude ids are Anthropic's, everything else Google's. */
export const isClaude = (model: string) => model.startsWith("claude-");

const accounts = new Map<string, ServiceAccount | undefined>();
function serviceAccount(raw: string): ServiceAccount | undefined {
  if (!accounts.has(raw)) accounts.set(raw, parseServiceAccount(raw));
  return accounts.get(raw);
}

/** https://{location}-aiplatform.googleapis.com, or the global host for location "global". */
export function vertexHost(location: string): string {
  return location === "global" ? "https://aiplatform.googleapis.com" : `https://${location}-aiplatform.googleapis.com`;
}

function vertexConfig(env: Env): ProviderConfig | undefined {
  const credentials = str(env.GOOGLE_VERTEX_CREDENTIALS);
  const sa = credentials ? serviceAccount(credentials) : undefined;
  const project = str(env.GOOGLE_VERTEX_PROJECT) ?? sa?.projectId;
  if (!credentials || !sa || !project) return undefined;
  const location = str(env.GOOGLE_VERTEX_LOCATION) ?? "us-central1";
  const explicit = str(env.GOOGLE_VERTEX_BASE_URL);
  // Model listing is an operator call and goes straight to Vertex, even when chat goes through AI Gateway.
  const settings = { project, location, credentials, listBase: explicit ? trimSlash(explicit) : vertexHost(location) };
  if (explicit) return { baseUrl: trimSlash(explicit), settings };
  const gw = aiGatewaySettings(env);
  if (gw) {
    const headers = aiGatewayHeaders(gw);
    return { baseUrl: aiGatewayUrl(gw, "google-vertex-ai"), settings, ...(headers ? { headers } : {}) };
  }
  return { baseUrl: vertexHost(location), settings };
}

function modelUrl(cfg: ProviderConfig, publisher: "google" | "anthropic", model: string, action: string): string {
  const s = cfg.settings ?? {};
  const loc = `${cfg.baseUrl}/v1/projects/${encodeURIComponent(s.project ?? "")}/locations/${encodeURIComponent(s.location ?? "")}`;
  // `@` stays literal: Claude's pinned versions (`claude-sonnet-4-5@20250929`) are written so.
  return `${loc}/publishers/${publisher}/models/${encodeURIComponent(model).replace(/%40/g, "@")}:${action}`;
}

async function authHeaders(cfg: ProviderConfig): Promise<Record<string, string>> {
  const sa = serviceAccount(cfg.settings?.credentials ?? "");
  if (!sa) throw new UpstreamError(`Provider '${ID}' has no usable service account`, { provider_name: ID }, 502);
  return { "content-type": "application/json", authorization: `Bearer ${await accessToken(sa, { provider: ID })}` };
}

/** Vertex's Claude body: Anthropic's, without `model` (it is in the URL) and with anthropic_version. */
function vertexAnthropicBody(body: string | undefined, keepModel: boolean): string | undefined {
  if (!body) return body;
  const parsed = safeJsonParse(body);
  if (!parsed.ok || !isRecord(parsed.value)) return body;
  const { model, ...rest } = parsed.value;
  return JSON.stringify(keepModel ? { anthropic_version: VERTEX_ANTHROPIC_VERSION, model, ...rest } : { anthropic_version: VERTEX_ANTHROPIC_VERSION, ...rest });
}

export const googleVertexProvider: ProviderEntry = {
  id: ID,
  name: "Google Vertex AI",
  format: "gemini",
  envPrefix: "GOOGLE_VERTEX",
  defaultBaseUrl: vertexHost("us-central1"),
  enabledBy: "GOOGLE_VERTEX_CREDENTIALS (a service-account JSON) and GOOGLE_VERTEX_PROJECT",
  aiGateway: { slug: "google-vertex-ai" },
  supports: { chat: true, count_tokens: true, list_models: true, embeddings: false },
  config: vertexConfig,
  media: GOOGLE_MEDIA,
  codecForModel: (model): UpstreamCodec | undefined => (isClaude(model) ? anthropicCodec : undefined),
  async buildRequest(cfg, op, model, opts) {
    const headers = await authHeaders(cfg);
    if (op === "list_models") return { url: publisherModelsUrl(cfg, "google"), headers };
    if (isClaude(model)) {
      if (opts.stream) headers.accept = "text/event-stream";
      const beta = opts.headers?.["anthropic-beta"];
      if (beta) headers["anthropic-beta"] = beta;
      // Token counting is one shared pseudo-model whose body does name the model.
      const counting = op === "count_tokens";
      const url = counting
        ? modelUrl(cfg, "anthropic", "count-tokens", "rawPredict")
        : modelUrl(cfg, "anthropic", model, opts.stream ? "streamRawPredict" : "rawPredict");
      return { url, headers, body: vertexAnthropicBody(opts.body, counting) };
    }
    const action = op === "count_tokens" ? "countTokens" : (googleMediaAction(op, model) ?? (opts.stream ? "streamGenerateContent?alt=sse" : "generateContent"));
    return { url: modelUrl(cfg, "google", model, action), headers };
  },
  listModels: listVertexModels,
};

/** Model Garden's publisher listing (v1beta1, not project-scoped). */
function publisherModelsUrl(cfg: ProviderConfig, publisher: string): string {
  return `${cfg.settings?.listBase ?? cfg.baseUrl}/v1beta1/publishers/${publisher}/models?pageSize=100`;
}

/** Google's and Anthropic's publisher models on Vertex, by the ids the model URLs take. */
async function listVertexModels(cfg: ProviderConfig, doFetch: FetchLike): Promise<DiscoveredModel[]> {
  const headers = await authHeaders(cfg);
  const out: DiscoveredModel[] = [];
  for (const publisher of ["google", "anthropic"]) {
    let token: string | undefined;
    for (let page = 0; page < 10; page++) {
      const url = publisherModelsUrl(cfg, publisher) + (token ? `&pageToken=${encodeURIComponent(token)}` : "");
      const res = await doFetch(url, { method: "GET", headers });
      if (!res.ok) {
        await res.body?.cancel();
        throw new Error(`HTTP ${res.status} from google-vertex ${publisher} model list`);
      }
      const body: unknown = await res.json();
      if (!isRecord(body)) throw new Error("unexpected google-vertex model list");
      for (const m of Array.isArray(body.publisherModels) ? body.publisherModels.filter(isRecord) : []) {
        const id = typeof m.name === "string" ? m.name.slice(m.name.lastIndexOf("/") + 1) : "";
        if (!id || (publisher === "google" && !/^(gemini|gemma|text-embedding|gemini-embedding)/.test(id))) continue;
        // Claude on Vertex is called by its pinned version (`claude-sonnet-4-5@20250929`).
        const version = typeof m.versionId === "string" && publisher === "anthropic" && m.versionId !== "001" ? `@${m.versionId}` : "";
        const embedding = /embedding/.test(id);
        out.push({ id: id + version, output_modalities: embedding ? ["embeddings"] : ["text"] });
      }
      token = typeof body.nextPageToken === "string" && body.nextPageToken ? body.nextPageToken : undefined;
      if (!token) break;
    }
  }
  return out;
}
