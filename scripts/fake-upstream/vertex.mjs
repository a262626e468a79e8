// Google Vertex AI, as the fake's `vertex` provider, for both publishers it serves here:
//   POST /vertex/v1/projects/{p}/locations/{l}/publishers/google/models/{m}:generateContent
//        | :streamGenerateContent[?alt=sse] | :countTokens           → the Gemini protocol
//   POST /vertex/v1/projects/{p}/locations/{l}/publishers/anthropic/models/{m}:rawPredict
//        | :streamRawPredict, and …/models/count-tokens:rawPredict      → the Anthropic protocol
//   GET  /vertex/v1beta1/publishers/{google|anthropic}/models           → Model Garden listing
// Every call needs a Bearer token minted by the fake OAuth endpoint (google-oauth.mjs). Claude
// bodies follow Vertex's rules: no `model` (it is in the URL), `anthropic_version:
// "vertex-2023-10-16"` in the body, `stream: true` for streamRawPredict. Answers come from the
// built-in Gemini and Anthropic protocols.
import { J, builtinPlan } from "../fake-upstream.mjs";
import { issuedTokens } from "./google-oauth.mjs";

const GOOGLE_STATUS = { 400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED", 404: "NOT_FOUND", 429: "RESOURCE_EXHAUSTED", 500: "INTERNAL", 503: "UNAVAILABLE", 504: "DEADLINE_EXCEEDED" };

function googleError(status, message) {
  const body = { error: { code: status, message, status: GOOGLE_STATUS[status] ?? (status >= 500 ? "INTERNAL" : "FAILED_PRECONDITION") } };
  return { status, headers: { "content-type": "application/json; charset=UTF-8" }, chunks: [J(body)], single: true };
}
const anthropicError = (status, type, message) => ({
  status,
  headers: { "content-type": "application/json" },
  chunks: [J({ type: "error", error: { type, message } })],
  single: true,
});

function checkToken(ctx) {
  if (ctx.cfg.auth === false) return null;
  const m = /^Bearer (\S+)$/.exec(ctx.headers.authorization ?? "");
  if (m && issuedTokens.has(m[1])) return null;
  return googleError(
    401,
    "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.",
  );
}

function publisherModels(url, publisher) {
  const pages = {
    google: [
      [{ name: "publishers/google/models/gemini-2.5-flash", versionId: "001", launchStage: "GA" }, { name: "publishers/google/models/imagen-4.0-generate-001", versionId: "001" }],
      [{ name: "publishers/google/models/gemini-2.5-pro", versionId: "001", launchStage: "GA" }],
    ],
    anthropic: [[{ name: "publishers/anthropic/models/claude-sonnet-4-5", versionId: "20250929", launchStage: "GA" }]],
  }[publisher] ?? [[]];
  const page = Number(url.searchParams.get("pageToken") ?? "0") || 0;
  const body = { publisherModels: pages[page] ?? [], ...(page + 1 < pages.length ? { nextPageToken: String(page + 1) } : {}) };
  return { status: 200, headers: { "content-type": "application/json; charset=UTF-8" }, chunks: [J(body)], single: true };
}

function claude(ctx, model, action, override) {
  const b = ctx.body;
  if (!b || typeof b !== "object") return anthropicError(400, "invalid_request_error", "The request body must be a JSON object.");
  if (b.anthropic_version !== "vertex-2023-10-16") return anthropicError(400, "invalid_request_error", "anthropic_version: Input should be 'vertex-2023-10-16'");
  const { anthropic_version: _v, ...rest } = b;
  const headers = { ...ctx.headers, "anthropic-version": "2023-06-01", "x-api-key": "vertex" };
  if (model === "count-tokens") {
    if (typeof b.model !== "string") return anthropicError(400, "invalid_request_error", "model: Field required");
    return builtinPlan({ ...ctx, provider: "anthropic", rest: "/v1/messages/count_tokens", body: rest, headers }, override);
  }
  if ("model" in b) return anthropicError(400, "invalid_request_error", "model: Extra inputs are not permitted");
  const stream = action === "streamRawPredict";
  if (stream !== (b.stream === true)) return anthropicError(400, "invalid_request_error", `stream must be ${stream} for ${action}`);
  return builtinPlan({ ...ctx, provider: "anthropic", rest: "/v1/messages", body: { ...rest, model }, headers }, override);
}

export const vertexFormat = {
  name: "vertex",
  handles: (provider) => provider === "vertex",
  plan(ctx, override) {
    const bad = checkToken(ctx);
    if (bad) return bad;
    const list = /^\/v1beta1\/publishers\/([a-z-]+)\/models$/.exec(ctx.rest);
    if (list && ctx.method === "GET") return publisherModels(ctx.url, list[1]);
    const m = /^\/v1\/projects\/([^/]+)\/locations\/([^/]+)\/publishers\/(google|anthropic)\/models\/([^/:]+):([A-Za-z]+)$/.exec(ctx.rest);
    if (!m || ctx.method !== "POST") return googleError(404, `Method not found: ${ctx.method} ${ctx.rest}`);
    const [, , , publisher, rawModel, action] = m;
    const model = decodeURIComponent(rawModel);
    if (publisher === "anthropic") {
      if (action !== "rawPredict" && action !== "streamRawPredict") return googleError(400, `Claude models take rawPredict or streamRawPredict, not ${action}`);
      return claude(ctx, model, action, override);
    }
    return builtinPlan({ ...ctx, provider: "gemini", rest: `/v1beta/models/${rawModel}:${action}` }, override);
  },
  errorPlan: googleError,
};
