// Provider model listings → DiscoveredModel[]: Anthropic's paginated list, Gemini's (and Vertex's
// publisher models), and the OpenAI-style shapes the other providers answer with — `{data:[…]}`,
// a bare array (Together), Bedrock's `{modelSummaries:[…]}` / `{inferenceProfileSummaries:[…]}`,
// Workers AI's `{result:[…]}`. Prices are taken where a listing carries them.
import type { ProviderConfig, ProviderEntry } from "../providers/types";
import { perMillionToUsdPerToken } from "./pricing";
import type { DiscoveredModel, PricingStrings } from "./types";

export type FetchFn = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

const MAX_PAGES = 10;

/** Ids in OpenAI-style listings that are not chat or embedding models. */
const NON_CHAT = /(dall-e|whisper|tts|transcribe|realtime|audio|moderation|image|sora|davinci|babbage|search-preview|-search-api|rerank|guard|flux|stable-diffusion)/i;

/** One provider's models, normalised. Throws on HTTP or parse errors. */
export async function listProviderModels(p: ProviderEntry, cfg: ProviderConfig, doFetch: FetchFn, timeoutMs = 15_000): Promise<DiscoveredModel[]> {
  // Clouds list their models their own way (signed calls, several endpoints): the provider's hook.
  if (p.listModels) return p.listModels(cfg, (u, init) => doFetch(u, { ...init, signal: AbortSignal.timeout(timeoutMs) }));
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
      // Vertex answers `publisherModels` (publishers/google/models/…) without generation methods.
      const models = body?.models ?? (body as { publisherModels?: typeof body.models })?.publisherModels;
      if (!Array.isArray(models)) throw new Error("unexpected Gemini model list");
      for (const m of models) {
        if (typeof m.name !== "string") continue;
        const methods = m.supportedGenerationMethods ?? (/embedding/.test(m.name) ? ["embedContent"] : ["generateContent"]);
        const embedding = methods.includes("embedContent") || methods.includes("batchEmbedContents");
        if (!embedding && !methods.includes("generateContent")) continue;
        out.push({
          id: m.name.replace(/^(models|publishers\/[^/]+\/models)\//, ""),
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

  // OpenAI-compatible and the clouds' listings (see the header comment).
  const list = listEntries(await get(url));
  if (!list) throw new Error(`unexpected ${p.id} model list`);
  const out: DiscoveredModel[] = [];
  for (const raw of list) {
    const m = normaliseEntry(raw);
    if (!m) continue;
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

/** The array of model entries in a listing body, whatever the provider calls it. */
function listEntries(body: unknown): unknown[] | undefined {
  if (Array.isArray(body)) return body;
  if (!body || typeof body !== "object") return undefined;
  const o = body as Record<string, unknown>;
  for (const k of ["data", "modelSummaries", "inferenceProfileSummaries", "result", "models"]) if (Array.isArray(o[k])) return o[k] as unknown[];
  return undefined;
}

/** One listing entry with an `id`: Bedrock's modelId / inferenceProfileId, Workers AI's name. */
function normaliseEntry(raw: unknown): Record<string, any> | undefined {
  if (!raw || typeof raw !== "object") return undefined;
  const m = raw as Record<string, any>;
  const id = str(m.id) ?? str(m.modelId) ?? str(m.inferenceProfileId) ?? (str(m.name)?.startsWith("@") ? m.name : undefined);
  if (!id) return undefined;
  const out: Record<string, any> = { ...m, id };
  if (!out.name && str(m.modelName)) out.name = m.modelName;
  // Bedrock: TEXT / IMAGE / EMBEDDING modalities; Workers AI: task names.
  const outputs: unknown = m.outputModalities;
  if (Array.isArray(outputs) && outputs.includes("EMBEDDING")) out.type = "embedding";
  else if (Array.isArray(outputs) && !outputs.includes("TEXT")) out.type = "image";
  const task = typeof m.task?.name === "string" ? m.task.name.toLowerCase() : undefined;
  if (task) out.type = task.includes("embedding") ? "embedding" : task.includes("text generation") ? "chat" : "other";
  return out;
}

const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) && v > 0 ? v : undefined);
const str = (v: unknown) => (typeof v === "string" && v.length > 0 ? v : undefined);
function toUnix(s: string | undefined): number | undefined {
  if (!s) return undefined;
  const t = Date.parse(s);
  return Number.isFinite(t) ? Math.floor(t / 1000) : undefined;
}
