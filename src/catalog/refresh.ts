// Cron-driven refresh: list each enabled provider's models and store the listings in KV, where
// getCatalog merges them with the shipped data so new models appear (price unknown unless the
// listing carries one). A provider whose listing fails keeps its last good listing.
import type { Env } from "../env";
import { enabledProviders, providerConfig } from "../providers/registry";
import type { ProviderConfig, ProviderEntry } from "../providers/types";
import { CATALOG_KV_KEY, invalidateCatalogCache } from "./catalog";
import { perMillionToUsdPerToken } from "./pricing";
import type { DiscoveredModel, PricingStrings, StoredListings } from "./types";

export type FetchFn = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export interface RefreshOptions {
  /** Replaces the global fetch (tests, or a service binding). */
  fetch?: FetchFn;
  /** Per-provider time limit (default 15 s). */
  timeoutMs?: number;
}

export interface RefreshResult {
  /** Providers listed successfully. */
  ok: string[];
  /** Providers whose listing failed; their previous listing (if any) is kept. */
  failed: { provider: string; error: string }[];
  /** Whether KV was written. */
  written: boolean;
  refreshedAt: string;
}

/** How long the stored listings live if no refresh ever succeeds again. */
const LISTINGS_TTL_SECONDS = 30 * 24 * 3600;
const MAX_PAGES = 10;

/** Ids in OpenAI-style listings that are not chat or embedding models. */
const NON_CHAT = /(dall-e|whisper|tts|transcribe|realtime|audio|moderation|image|sora|davinci|babbage|search-preview|-search-api|rerank|guard)/i;

export async function refreshCatalog(env: Env, opts: RefreshOptions = {}): Promise<RefreshResult> {
  const doFetch: FetchFn = opts.fetch ?? ((i, init) => fetch(i, init));
  const timeoutMs = opts.timeoutMs ?? 15_000;
  const refreshedAt = new Date().toISOString();
  const providers = enabledProviders(env).filter((p) => p.supports?.list_models !== false);

  const results = await Promise.allSettled(
    providers.map(async (p) => {
      const cfg = providerConfig(env, p)!;
      const models = await listProviderModels(p, cfg, doFetch, timeoutMs);
      if (models.length === 0) throw new Error("empty model list");
      return { provider: p.id, models };
    }),
  );

  const ok: string[] = [];
  const failed: RefreshResult["failed"] = [];
  const fresh: StoredListings["providers"] = {};
  results.forEach((r, i) => {
    const id = providers[i].id;
    if (r.status === "fulfilled") {
      ok.push(id);
      fresh[id] = { listed_at: refreshedAt, models: r.value.models };
    } else {
      failed.push({ provider: id, error: r.reason instanceof Error ? r.reason.message : String(r.reason) });
    }
  });

  if (ok.length === 0) return { ok, failed, written: false, refreshedAt };

  let previous: StoredListings | null = null;
  try {
    previous = await env.CATALOG.get<StoredListings>(CATALOG_KV_KEY, "json");
  } catch {
    previous = null;
  }
  const next: StoredListings = {
    version: 1,
    refreshed_at: refreshedAt,
    providers: { ...(previous?.providers ?? {}), ...fresh },
  };
  await env.CATALOG.put(CATALOG_KV_KEY, JSON.stringify(next), { expirationTtl: LISTINGS_TTL_SECONDS });
  invalidateCatalogCache();
  return { ok, failed, written: true, refreshedAt };
}

/**
 * The Worker's `scheduled` handler (Cron Trigger): refreshes the catalog.
 * Wire it as `export default { fetch, scheduled }`.
 */
export async function scheduled(_controller: ScheduledController, env: Env, ctx: ExecutionContext): Promise<void> {
  const run = refreshCatalog(env).then((r) => {
    if (r.failed.length) console.warn("catalog refresh: some providers failed", JSON.stringify(r.failed));
    return r;
  });
  ctx.waitUntil(run);
  await run;
}

/** One provider's models, normalised. Throws on HTTP or parse errors. */
export async function listProviderModels(p: ProviderEntry, cfg: ProviderConfig, doFetch: FetchFn, timeoutMs = 15_000): Promise<DiscoveredModel[]> {
  const { url, headers } = await p.buildRequest(cfg, "list_models", "", { stream: false });
  const get = async (u: string): Promise<unknown> => {
    const res = await doFetch(u, { method: "GET", headers, signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) {
      await res.body?.cancel();
      throw new Error(`HTTP ${res.status} from ${p.id} model list`);
    }
    return res.json();
  };
  const withParam = (u: string, k: string, v: string) => `${u}${u.includes("?") ? "&" : "?"}${k}=${encodeURIComponent(v)}`;

  if (p.format === "anthropic") {
    const out: DiscoveredModel[] = [];
    let after: string | undefined;
    const first = withParam(url, "limit", "1000");
    for (let page = 0; page < MAX_PAGES; page++) {
      const body = (await get(after ? withParam(first, "after_id", after) : first)) as {
        data?: { id?: string; display_name?: string; created_at?: string }[];
        has_more?: boolean;
        last_id?: string;
      };
      if (!Array.isArray(body?.data)) throw new Error("unexpected Anthropic model list");
      for (const m of body.data) {
        if (typeof m.id !== "string") continue;
        out.push({ id: m.id, name: m.display_name ? `Anthropic: ${m.display_name}` : undefined, created: toUnix(m.created_at) });
      }
      if (!body.has_more || !body.last_id) break;
      after = body.last_id;
    }
    return out;
  }

  if (p.format === "gemini") {
    const out: DiscoveredModel[] = [];
    let token: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const body = (await get(token ? withParam(url, "pageToken", token) : url)) as {
        models?: {
          name?: string;
          displayName?: string;
          description?: string;
          inputTokenLimit?: number;
          outputTokenLimit?: number;
          supportedGenerationMethods?: string[];
        }[];
        nextPageToken?: string;
      };
      if (!Array.isArray(body?.models)) throw new Error("unexpected Gemini model list");
      for (const m of body.models) {
        if (typeof m.name !== "string") continue;
        const methods = m.supportedGenerationMethods ?? [];
        const embedding = methods.includes("embedContent") || methods.includes("batchEmbedContents");
        if (!embedding && !methods.includes("generateContent")) continue;
        out.push({
          id: m.name.replace(/^models\//, ""),
          name: m.displayName ? `Google: ${m.displayName}` : undefined,
          description: m.description,
          context_length: num(m.inputTokenLimit),
          max_completion_tokens: embedding ? undefined : num(m.outputTokenLimit),
          input_modalities: ["text"],
          output_modalities: embedding ? ["embeddings"] : ["text"],
        });
      }
      if (!body.nextPageToken) break;
      token = body.nextPageToken;
    }
    return out;
  }

  // OpenAI-compatible: {data:[…]} (OpenAI, Groq, Mistral, xAI, OpenRouter, Ollama…) or a bare array (Together).
  const body = (await get(url)) as { data?: unknown[] } | unknown[];
  const list = Array.isArray(body) ? body : Array.isArray(body?.data) ? body.data : undefined;
  if (!list) throw new Error(`unexpected ${p.id} model list`);
  const out: DiscoveredModel[] = [];
  for (const raw of list) {
    const m = raw as Record<string, any>;
    if (!m || typeof m.id !== "string") continue;
    const type = typeof m.type === "string" ? m.type : undefined; // Together: chat, language, code, embedding, image…
    const embedding = type === "embedding" || /embed/i.test(m.id);
    if (type && !["chat", "language", "code", "embedding"].includes(type)) continue;
    if (!embedding && NON_CHAT.test(m.id)) continue;
    if (m.capabilities && m.capabilities.completion_chat === false && !embedding) continue; // Mistral
    const d: DiscoveredModel = {
      id: m.id,
      name: str(m.name) ?? str(m.display_name),
      created: num(m.created),
      description: str(m.description),
      context_length: num(m.context_length) ?? num(m.context_window) ?? num(m.max_context_length) ?? num(m.top_provider?.context_length),
      max_completion_tokens: num(m.max_completion_tokens) ?? num(m.top_provider?.max_completion_tokens),
      pricing: listedPricing(m.pricing, m.id),
      output_modalities: embedding ? ["embeddings"] : undefined,
    };
    const arch = m.architecture;
    if (arch && Array.isArray(arch.input_modalities)) d.input_modalities = arch.input_modalities.filter((x: unknown) => typeof x === "string");
    if (arch && Array.isArray(arch.output_modalities)) d.output_modalities = arch.output_modalities.filter((x: unknown) => typeof x === "string");
    if (Array.isArray(m.supported_parameters)) d.supported_parameters = m.supported_parameters.filter((x: unknown) => typeof x === "string");
    else if (m.capabilities?.function_calling) d.supported_parameters = ["max_tokens", "temperature", "top_p", "stop", "tools", "tool_choice"];
    if (m.capabilities?.vision && !d.input_modalities) d.input_modalities = ["text", "image"];
    out.push(d);
  }
  return out;
}

/** OpenRouter pricing (USD-per-token strings) or Together pricing (USD per million, numbers). */
function listedPricing(p: unknown, id: string): PricingStrings | undefined {
  if (!p || typeof p !== "object") return undefined;
  const o = p as Record<string, unknown>;
  // A zero price is only believed for explicit free variants; elsewhere it means "not served per token".
  const zeroOk = id.endsWith(":free");
  if (typeof o.prompt === "string" && typeof o.completion === "string") {
    const prompt = Number(o.prompt);
    const completion = Number(o.completion);
    if (!(prompt >= 0) || !(completion >= 0)) return undefined; // "-1" = variable (routers)
    if (prompt === 0 && completion === 0 && !zeroOk) return undefined;
    const s = (k: string, fallback: string) => (typeof o[k] === "string" && Number(o[k]) >= 0 ? (o[k] as string) : fallback);
    return {
      prompt: o.prompt,
      completion: o.completion,
      request: s("request", "0"),
      image: s("image", "0"),
      web_search: s("web_search", "0"),
      internal_reasoning: s("internal_reasoning", "0"),
      input_cache_read: s("input_cache_read", o.prompt),
      input_cache_write: s("input_cache_write", o.prompt),
    };
  }
  if (typeof o.input === "number" && typeof o.output === "number" && o.input >= 0 && o.output >= 0) {
    if (o.input === 0 && o.output === 0 && !zeroOk) return undefined;
    const prompt = perMillionToUsdPerToken(o.input);
    return {
      prompt,
      completion: perMillionToUsdPerToken(o.output),
      request: "0",
      image: "0",
      web_search: "0",
      internal_reasoning: "0",
      input_cache_read: typeof o.cached_input === "number" ? perMillionToUsdPerToken(o.cached_input) : prompt,
      input_cache_write: prompt,
    };
  }
  return undefined;
}

const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) && v > 0 ? v : undefined);
const str = (v: unknown) => (typeof v === "string" && v.length > 0 ? v : undefined);
function toUnix(s: string | undefined): number | undefined {
  if (!s) return undefined;
  const t = Date.parse(s);
  return Number.isFinite(t) ? Math.floor(t / 1000) : undefined;
}
