// Cloudflare Workers AI's model search, as the fake's `cloudflare` provider:
//   GET /cloudflare/client/v4/accounts/{account}/ai/models/search?per_page=&page=
// (its OpenAI-compatible …/ai/v1/chat/completions is the built-in OpenAI protocol).
import { J } from "../fake-upstream.mjs";

const MODELS = [
  {
    name: "@cf/meta/llama-3.3-70b-instruct-fp8-fast",
    task: "Text Generation",
    properties: [
      { property_id: "context_window", value: "24000" },
      { property_id: "price", value: [{ unit: "per M input tokens", price: 0.29, currency: "USD" }, { unit: "per M output tokens", price: 2.25, currency: "USD" }] },
      { property_id: "function_calling", value: "true" },
    ],
  },
  { name: "@cf/baai/bge-m3", task: "Text Embeddings", properties: [{ property_id: "price", value: [{ unit: "per M input tokens", price: 0.012, currency: "USD" }] }] },
  { name: "@cf/black-forest-labs/flux-1-schnell", task: "Text-to-Image", properties: [] },
  { name: "@cf/qwen/qwq-32b", task: "Text Generation", properties: [{ property_id: "context_window", value: "24000" }] },
];

const cfError = (status, code, message) => ({
  status,
  headers: { "content-type": "application/json" },
  chunks: [J({ success: false, errors: [{ code, message }], messages: [], result: null })],
  single: true,
});

export const workersAiFormat = {
  name: "workers-ai",
  handles: (provider, rest) => provider === "cloudflare" && /^\/client\/v4\/accounts\/[^/]+\/ai\/models\/search$/.test(rest),
  plan(ctx) {
    if (ctx.cfg.auth !== false && !/^Bearer \S+/.test(ctx.headers.authorization ?? "")) return cfError(401, 10000, "Authentication error");
    // Two per page, to exercise paging.
    const perPage = 2;
    const page = Number(ctx.url.searchParams.get("page") ?? "1") || 1;
    const slice = MODELS.slice((page - 1) * perPage, page * perPage).map((m, i) => ({
      id: `00000000-0000-0000-0000-00000000000${(page - 1) * perPage + i}`,
      source: 1,
      name: m.name,
      description: `Fake ${m.name}`,
      task: { id: "t", name: m.task, description: "" },
      created_at: "2025-01-15 10:00:00.000",
      tags: [],
      properties: m.properties,
    }));
    const body = { success: true, errors: [], messages: [], result: slice, result_info: { count: slice.length, page, per_page: perPage, total_count: MODELS.length } };
    return { status: 200, headers: { "content-type": "application/json" }, chunks: [J(body)], single: true };
  },
  errorPlan: (status, message) => cfError(status, 7000 + status, message ?? `Error ${status} (fake upstream)`),
};
