import { trimSlash } from "./openai-compatible";
import type { ProviderEntry } from "./types";

export const ANTHROPIC_VERSION = "2023-06-01";

export const anthropicProvider: ProviderEntry = {
  id: "anthropic",
  name: "Anthropic",
  format: "anthropic",
  envPrefix: "ANTHROPIC",
  defaultBaseUrl: "https://api.anthropic.com",
  ownsBareModel: (m) => m.startsWith("claude-"),
  supports: { chat: true, count_tokens: true, list_models: true, embeddings: false },
  aiGateway: { slug: "anthropic" },
  buildRequest(cfg, op, _model, opts) {
    const base = trimSlash(cfg.baseUrl);
    const path = op === "count_tokens" ? "/v1/messages/count_tokens" : op === "list_models" ? "/v1/models" : "/v1/messages";
    const headers: Record<string, string> = {
      "content-type": "application/json",
      "anthropic-version": opts.headers?.["anthropic-version"] ?? ANTHROPIC_VERSION,
    };
    if (cfg.apiKey) headers["x-api-key"] = cfg.apiKey;
    // Betas are Anthropic-only features the caller opted into; only Anthropic sees them.
    const beta = opts.headers?.["anthropic-beta"];
    if (beta) headers["anthropic-beta"] = beta;
    if (opts.stream) headers.accept = "text/event-stream";
    return { url: base + path, headers };
  },
};
