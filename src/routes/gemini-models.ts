import type { Context } from "hono";
import { authenticateApiKey } from "../auth/authenticate";
import { getCatalog, isChatModel, isEmbeddingModel } from "../catalog/catalog";
import type { CatalogModel } from "../catalog/types";
import { extractToken } from "../auth/token";
import type { AppBindings, Env } from "../env";
import { NotFoundError } from "../errors/gateway-error";
import type { KeyContext } from "../keys/types";
import { getProvider, providerConfig } from "../providers/registry";
import { decodePath } from "../gateway/request-body";

/**
 * GET /v1beta/models in Google's list shape, so @google/genai's models.list() works. Names keep
 * the catalog id (`models/anthropic/claude-sonnet-4.6`) because that is what callers send back.
 * Also answers GET /v1/models for Google callers (a Google-style key marks them).
 */
export async function listGeminiModels(c: Context<AppBindings>): Promise<Response> {
  const key = await authenticateApiKey(c.env, extractToken(c.req.raw, { query: true }));
  const models = await visibleModels(c.env, key);
  const pageSize = Math.min(Math.max(Number(c.req.query("pageSize")) || 1000, 1), 1000);
  const offset = Number(c.req.query("pageToken")) || 0;
  const page = models.slice(offset, offset + pageSize);
  const next = offset + pageSize < models.length ? String(offset + pageSize) : undefined;
  return c.json({ models: page.map(toGoogleModel), ...(next ? { nextPageToken: next } : {}) });
}

/** GET /v1beta/models/{id} (and /v1/models/{id} for Google callers). */
export async function getGeminiModel(c: Context<AppBindings>): Promise<Response> {
  const key = await authenticateApiKey(c.env, extractToken(c.req.raw, { query: true }));
  const path = c.req.path;
  const id = decodePath(path.slice(path.indexOf("/models/") + "/models/".length));
  const model = (await visibleModels(c.env, key)).find((m) => m.id === id || m.id.endsWith(`/${id}`) || m.aliases?.includes(id));
  if (!model) throw new NotFoundError(`Model '${id}' is not found or not available to this key.`);
  return c.json(toGoogleModel(model));
}

/** Models this key can reach through Google's methods: chat and embeddings models (not image, speech or transcription-only ones). */
async function visibleModels(env: Env, key: KeyContext): Promise<CatalogModel[]> {
  const catalog = await getCatalog(env);
  return catalog.models.filter(
    (m) =>
      (isChatModel(m) || isEmbeddingModel(m)) &&
      m.endpoints.some((e) => {
        const p = getProvider(e.provider);
        return p && providerConfig(env, p) && (!key.allowedProviders || key.allowedProviders.includes(p.id));
      }),
  );
}

function toGoogleModel(m: CatalogModel) {
  const embedding = isEmbeddingModel(m);
  return {
  name: `models/${m.id}`,
  baseModelId: m.id,
  version: "001",
  displayName: m.name,
  description: m.description,
  inputTokenLimit: m.context_length ?? m.top_provider.context_length ?? 0,
  outputTokenLimit: m.top_provider.max_completion_tokens ?? 0,
  supportedGenerationMethods: embedding ? ["embedContent", "batchEmbedContents"] : ["generateContent", "streamGenerateContent", "countTokens"],
  thinking: m.supported_parameters.includes("reasoning") || m.supported_parameters.includes("include_reasoning"),
  };
}
