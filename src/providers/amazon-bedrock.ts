// Amazon Bedrock through the Converse / ConverseStream API (src/codecs/bedrock), for every model
// family Bedrock serves (Anthropic, Meta, Mistral, Amazon Nova, DeepSeek, Qwen, OpenAI
// open-weight…). Auth: SigV4 with AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (+ AWS_SESSION_TOKEN),
// or a Bedrock API key (AWS_BEARER_TOKEN_BEDROCK) as a Bearer token. Through Cloudflare AI
// Gateway the request is signed for Bedrock's own URL and sent to the gateway's.
import type { DiscoveredModel } from "../catalog/types";
import { bedrockCodec } from "../codecs/bedrock";
import type { Env } from "../env";
import { isRecord } from "../streams/json";
import { aiGatewayHeaders, aiGatewaySettings, aiGatewayUrl } from "./ai-gateway";
import { type AwsCredentials, signAws } from "./aws-sigv4";
import { trimSlash } from "./openai-compatible";
import type { FetchLike, ProviderConfig, ProviderEntry, UpstreamRequest } from "./types";

const SERVICE = "bedrock";
const str = (v: unknown) => (typeof v === "string" && v.trim().length > 0 ? v.trim() : undefined);

const runtimeHost = (region: string) => `https://bedrock-runtime.${region}.amazonaws.com`;
const controlHost = (region: string) => `https://bedrock.${region}.amazonaws.com`;

function bedrockConfig(env: Env): ProviderConfig | undefined {
  const region = str(env.AWS_REGION) ?? "us-east-1";
  const bearer = str(env.AWS_BEARER_TOKEN_BEDROCK);
  const accessKeyId = str(env.AWS_ACCESS_KEY_ID);
  const secretAccessKey = str(env.AWS_SECRET_ACCESS_KEY);
  if (!bearer && !(accessKeyId && secretAccessKey)) return undefined;
  const settings: Record<string, string> = { region };
  // SigV4 when keys are set (they are the AWS default); a Bedrock API key otherwise.
  if (accessKeyId && secretAccessKey) {
    Object.assign(settings, { accessKeyId, secretAccessKey });
    const sessionToken = str(env.AWS_SESSION_TOKEN);
    if (sessionToken) settings.sessionToken = sessionToken;
  }
  const explicit = str(env.AWS_BEDROCK_BASE_URL);
  // An explicit base URL serves both the runtime and the model listing (a proxy, a test server).
  settings.signBase = explicit ? trimSlash(explicit) : runtimeHost(region);
  settings.listBase = explicit ? trimSlash(explicit) : controlHost(region);
  const gw = explicit ? undefined : aiGatewaySettings(env);
  if (gw) {
    const headers = aiGatewayHeaders(gw);
    return { baseUrl: aiGatewayUrl(gw, "aws-bedrock", `/bedrock-runtime/${region}`), apiKey: bearer, settings, ...(headers ? { headers } : {}) };
  }
  return { baseUrl: settings.signBase, apiKey: bearer, settings };
}

function credentials(cfg: ProviderConfig): AwsCredentials | undefined {
  const s = cfg.settings ?? {};
  if (!s.accessKeyId || !s.secretAccessKey) return undefined;
  return { accessKeyId: s.accessKeyId, secretAccessKey: s.secretAccessKey, ...(s.sessionToken ? { sessionToken: s.sessionToken } : {}) };
}

/**
 * One Bedrock call: `path` under the signing base, sent to `sendBase` (the same, or the AI
 * Gateway URL standing for it). SigV4 signs what Bedrock will see; a Bedrock API key is a Bearer token.
 */
async function authorized(cfg: ProviderConfig, method: string, signBase: string, sendBase: string, path: string, headers: Record<string, string>, body?: string): Promise<UpstreamRequest> {
  const creds = credentials(cfg);
  if (!creds) return { url: sendBase + path, headers: { ...headers, ...(cfg.apiKey ? { authorization: `Bearer ${cfg.apiKey}` } : {}) } };
  const signed = await signAws({ method, url: signBase + path, headers, body }, creds, { region: cfg.settings?.region ?? "us-east-1", service: SERVICE });
  return { url: sendBase + path, headers: signed };
}

export const amazonBedrockProvider: ProviderEntry = {
  id: "amazon-bedrock",
  name: "Amazon Bedrock",
  format: "bedrock",
  envPrefix: "AWS_BEDROCK",
  defaultBaseUrl: runtimeHost("us-east-1"),
  enabledBy: "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or AWS_BEARER_TOKEN_BEDROCK)",
  aiGateway: { slug: "aws-bedrock" },
  codec: bedrockCodec,
  colonModelIds: true,
  supports: { chat: true, count_tokens: false, list_models: true, embeddings: false },
  config: bedrockConfig,
  buildRequest(cfg, op, model, opts) {
    const signBase = cfg.settings?.signBase ?? cfg.baseUrl;
    if (op === "list_models") {
      const listBase = cfg.settings?.listBase ?? signBase;
      return authorized(cfg, "GET", listBase, listBase, "/foundation-models", { accept: "application/json" });
    }
    // Model ids hold ':' (`anthropic.claude-…-v1:0`); encoded once in the URL, SigV4 encodes it again.
    const path = `/model/${encodeURIComponent(model)}/${opts.stream ? "converse-stream" : "converse"}`;
    const headers = { "content-type": "application/json", accept: opts.stream ? "application/vnd.amazon.eventstream" : "application/json" };
    return authorized(cfg, "POST", signBase, cfg.baseUrl, path, headers, opts.body);
  },
  listModels: listBedrockModels,
};

async function signedGet(cfg: ProviderConfig, doFetch: FetchLike, path: string): Promise<Record<string, unknown>> {
  const base = cfg.settings?.listBase ?? cfg.baseUrl;
  const req = await authorized(cfg, "GET", base, base, path, { accept: "application/json" });
  const res = await doFetch(req.url, { method: "GET", headers: req.headers });
  if (!res.ok) {
    await res.body?.cancel();
    throw new Error(`HTTP ${res.status} from amazon-bedrock ${path.split("?")[0]}`);
  }
  const body: unknown = await res.json();
  if (!isRecord(body)) throw new Error("unexpected amazon-bedrock model list");
  return body;
}

/**
 * ListFoundationModels (models callable on demand) plus the system inference profiles
 * (`us.anthropic.…`), through which newer models are only callable.
 */
async function listBedrockModels(cfg: ProviderConfig, doFetch: FetchLike): Promise<DiscoveredModel[]> {
  const out: DiscoveredModel[] = [];
  const fm = await signedGet(cfg, doFetch, "/foundation-models");
  for (const m of Array.isArray(fm.modelSummaries) ? fm.modelSummaries.filter(isRecord) : []) {
    if (typeof m.modelId !== "string") continue;
    const outputs = strings(m.outputModalities);
    const embedding = outputs.includes("EMBEDDING");
    if (!embedding && !outputs.includes("TEXT")) continue;
    if (!strings(m.inferenceTypesSupported).includes("ON_DEMAND")) continue;
    out.push({
      id: m.modelId,
      name: typeof m.modelName === "string" ? `${typeof m.providerName === "string" ? m.providerName : "Bedrock"}: ${m.modelName}` : undefined,
      input_modalities: strings(m.inputModalities).map((x) => x.toLowerCase()),
      output_modalities: embedding ? ["embeddings"] : ["text"],
    });
  }
  let token: string | undefined;
  for (let page = 0; page < 10; page++) {
    const q = `/inference-profiles?typeEquals=SYSTEM_DEFINED&maxResults=1000${token ? `&nextToken=${encodeURIComponent(token)}` : ""}`;
    const ip = await signedGet(cfg, doFetch, q);
    for (const p of Array.isArray(ip.inferenceProfileSummaries) ? ip.inferenceProfileSummaries.filter(isRecord) : []) {
      if (typeof p.inferenceProfileId !== "string" || p.status === "DISABLED") continue;
      out.push({ id: p.inferenceProfileId, name: typeof p.inferenceProfileName === "string" ? p.inferenceProfileName : undefined, output_modalities: ["text"] });
    }
    token = typeof ip.nextToken === "string" && ip.nextToken ? ip.nextToken : undefined;
    if (!token) break;
  }
  return out;
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);
