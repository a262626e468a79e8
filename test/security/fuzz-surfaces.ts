/**
 * The surfaces the property-based fuzz test (fuzz.test.ts) drives, and the defects it can put in
 * a request to each. Every defect makes the request invalid whatever else is generated, so the
 * only right answer is a 4xx in the surface's error shape, with nothing sent upstream or stored.
 *
 * Adding a surface is one entry in MODEL_SURFACES (or managementCases): how a valid request
 * looks, where its model, output budget and required field live, and its error shape. The
 * Responses API (POST /v1/responses) is already here (RESPONSES_SURFACES): it joins the run by
 * itself as soon as the app mounts that route. Its route must then do what every surface does:
 * credentialOf(c.req.raw) for authentication (rate-limited failures) and
 * checkChatRequest(req, { model: "model", maxTokens: "max_output_tokens" }) after decoding.
 */
import fc from "fast-check";
import { app } from "../../src/app";

export type ErrorShape = "openai" | "anthropic" | "gemini" | "responses";
type Auth = "bearer" | "anthropic" | "google";
export type Body = Record<string, unknown>;

export interface ModelSurface {
  name: string;
  shape: ErrorShape;
  auth: Auth;
  /** The path for a model id (already URL-safe for path models). */
  path(model: string): string;
  body(model: string): Body;
  /** Where the model id goes. */
  modelIn: "body" | "path";
  /** The output-budget field (top level, or inside generationConfig for Gemini). */
  budget?: "max_tokens" | "max_completion_tokens" | "max_output_tokens" | "generationConfig.maxOutputTokens";
  /** A required field (deleting it or giving it the wrong type is a 400). */
  required: string;
  /** Values of a wrong type for `required`. */
  wrongTypes: fc.Arbitrary<unknown>;
  /** Unknown top-level fields are refused, as by the real API. */
  strict: boolean;
}

const notArray = fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.string(), fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 3 }));
const notTextOrArray = fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 3 }));
const notObject = fc.oneof(fc.integer(), fc.boolean(), fc.string(), fc.array(fc.integer(), { maxLength: 3 }));

const openaiChat = (model: string) => ({ model, messages: [{ role: "user", content: "hi" }], max_tokens: 16 });
const anthropicMessages = (model: string) => ({ model, max_tokens: 16, messages: [{ role: "user", content: "hi" }] });
const geminiGenerate = () => ({ contents: [{ role: "user", parts: [{ text: "hi" }] }], generationConfig: { maxOutputTokens: 16 } });
const gemini = (model: string, method: string) => `/v1beta/models/${model}:${method}`;

export const CHAT_MODEL = "openai/gpt-4o-mini";
export const EMBED_MODEL = "openai/text-embedding-3-small";

export const MODEL_SURFACES: ModelSurface[] = [
  { name: "openai chat", shape: "openai", auth: "bearer", path: () => "/v1/chat/completions", body: openaiChat, modelIn: "body", budget: "max_tokens", required: "messages", wrongTypes: notArray, strict: true },
  { name: "openai chat (stream)", shape: "openai", auth: "bearer", path: () => "/v1/chat/completions", body: (m) => ({ ...openaiChat(m), stream: true }), modelIn: "body", budget: "max_completion_tokens", required: "messages", wrongTypes: notArray, strict: true },
  { name: "openai embeddings", shape: "openai", auth: "bearer", path: () => "/v1/embeddings", body: (model) => ({ model, input: "hi" }), modelIn: "body", required: "input", wrongTypes: notTextOrArray, strict: true },
  { name: "anthropic messages", shape: "anthropic", auth: "anthropic", path: () => "/v1/messages", body: anthropicMessages, modelIn: "body", budget: "max_tokens", required: "messages", wrongTypes: notArray, strict: true },
  { name: "anthropic messages (stream)", shape: "anthropic", auth: "anthropic", path: () => "/v1/messages", body: (m) => ({ ...anthropicMessages(m), stream: true }), modelIn: "body", budget: "max_tokens", required: "messages", wrongTypes: notArray, strict: true },
  { name: "anthropic count_tokens", shape: "anthropic", auth: "anthropic", path: () => "/v1/messages/count_tokens", body: (model) => ({ model, messages: [{ role: "user", content: "hi" }] }), modelIn: "body", budget: "max_tokens", required: "messages", wrongTypes: notArray, strict: true },
  { name: "gemini generateContent", shape: "gemini", auth: "google", path: (m) => gemini(m, "generateContent"), body: geminiGenerate, modelIn: "path", budget: "generationConfig.maxOutputTokens", required: "contents", wrongTypes: notArray, strict: true },
  { name: "gemini streamGenerateContent (sse)", shape: "gemini", auth: "google", path: (m) => `${gemini(m, "streamGenerateContent")}?alt=sse`, body: geminiGenerate, modelIn: "path", budget: "generationConfig.maxOutputTokens", required: "contents", wrongTypes: notArray, strict: true },
  { name: "gemini streamGenerateContent (json array, /v1)", shape: "gemini", auth: "google", path: (m) => `/v1/models/${m}:streamGenerateContent`, body: geminiGenerate, modelIn: "path", budget: "generationConfig.maxOutputTokens", required: "contents", wrongTypes: notArray, strict: true },
  { name: "gemini countTokens", shape: "gemini", auth: "google", path: (m) => gemini(m, "countTokens"), body: () => ({ contents: [{ role: "user", parts: [{ text: "hi" }] }] }), modelIn: "path", budget: "generationConfig.maxOutputTokens", required: "contents", wrongTypes: notArray, strict: true },
  { name: "gemini embedContent", shape: "gemini", auth: "google", path: (m) => gemini(m, "embedContent"), body: () => ({ content: { parts: [{ text: "hi" }] } }), modelIn: "path", required: "content", wrongTypes: notObject, strict: true },
  { name: "gemini batchEmbedContents", shape: "gemini", auth: "google", path: (m) => gemini(m, "batchEmbedContents"), body: () => ({ requests: [{ content: { parts: [{ text: "hi" }] } }] }), modelIn: "path", required: "requests", wrongTypes: notArray, strict: true },
];

/** The Responses surface, fuzzed once its route is mounted (it is built on another branch). */
const responsesMounted = app.routes.some((r) => r.method === "POST" && r.path === "/v1/responses");
const openaiResponses = (model: string) => ({ model, input: "hi", max_output_tokens: 16 });
const RESPONSES_SURFACES: ModelSurface[] = [
  { name: "openai responses", shape: "responses", auth: "bearer", path: () => "/v1/responses", body: openaiResponses, modelIn: "body", budget: "max_output_tokens", required: "input", wrongTypes: notTextOrArray, strict: true },
  { name: "openai responses (stream)", shape: "responses", auth: "bearer", path: () => "/v1/responses", body: (m) => ({ ...openaiResponses(m), stream: true }), modelIn: "body", budget: "max_output_tokens", required: "input", wrongTypes: notTextOrArray, strict: true },
];
if (responsesMounted) MODEL_SURFACES.push(...RESPONSES_SURFACES);

/** GET /api/v1/keys?limit= takes 1…100 as z.coerce.number reads it (so "5.0" and "0x10" are valid too). */
const notAPageSize = (s: string) => {
  const n = Number(s);
  return !(Number.isInteger(n) && n >= 1 && n <= 100);
};

/** A management call: method, path and body (undefined for GET/DELETE). */
export interface ManagementCall {
  method: string;
  path: string;
  body?: unknown;
}

/** Management routes, each with generated requests that must all be refused (400/404). */
export function managementCases(existingHash: string): fc.Arbitrary<ManagementCall> {
  const junkText = fc.string({ minLength: 1, maxLength: 40 });
  const badKeyFields = fc.oneof(
    fc.record({ name: fc.oneof(fc.constant(""), fc.integer(), fc.constant(null), fc.boolean()) }),
    fc.record({ name: fc.constant("x"), limit: fc.oneof(fc.integer({ max: -1 }), junkText, fc.double({ min: 1.1e9, max: 1e15, noNaN: true, noDefaultInfinity: true })) }),
    fc.record({ name: fc.constant("x"), allowed_providers: fc.array(fc.stringMatching(/^zz[a-z]{1,10}$/), { minLength: 1, maxLength: 3 }) }),
    fc.record({ name: fc.constant("x"), expires_at: fc.oneof(junkText, fc.constant("2001-01-01T00:00:00Z"), fc.integer()) }),
    fc.record({ name: fc.constant("x"), rate_limit: fc.oneof(fc.record({ requests: fc.integer({ max: 0 }), interval: fc.constant("minute") }), fc.record({ requests: fc.constant(1), interval: junkText.filter((s) => !["minute", "hour", "day"].includes(s)) })) }),
    fc.record({ name: fc.constant("x"), limit_reset: junkText.filter((s) => !["daily", "weekly", "monthly"].includes(s)) }),
    fc.tuple(fc.stringMatching(/^zz_[a-z]{1,8}$/), fc.jsonValue()).map(([k, v]) => ({ name: "x", [k]: v })),
  );
  const notAnObject = fc.oneof(fc.array(fc.jsonValue(), { maxLength: 3 }), fc.integer(), fc.string(), fc.constant(null));
  const junkHash = fc.string({ minLength: 1, maxLength: 80 }).map(encodeURIComponent).filter((s) => !/^[0-9a-f]{64}$/.test(s));
  return fc.oneof(
    badKeyFields.map((body) => ({ method: "POST", path: "/api/v1/keys", body })),
    notAnObject.map((body) => ({ method: "POST", path: "/api/v1/keys", body })),
    badKeyFields.map((body) => ({ method: "PATCH", path: `/api/v1/keys/${existingHash}`, body })),
    junkHash.map((h) => ({ method: "PATCH", path: `/api/v1/keys/${h}`, body: { name: "x" } })),
    junkHash.map((h) => ({ method: "DELETE", path: `/api/v1/keys/${h}` })),
    junkHash.map((h) => ({ method: "DELETE", path: `/api/v1/management-keys/${h}` })),
    fc.record({ name: fc.oneof(fc.constant(""), fc.integer()) }).map((body) => ({ method: "POST", path: "/api/v1/management-keys", body })),
    fc.oneof(fc.constant("-1"), fc.constant("1000"), junkText).filter(notAPageSize).map((v) => ({ method: "GET", path: `/api/v1/keys?limit=${encodeURIComponent(v)}` })),
    junkText.filter((s) => !/^\d{4}-\d{2}-\d{2}/.test(s)).map((v) => ({ method: "GET", path: `/api/v1/activity?date_from=${encodeURIComponent(v)}` })),
    junkText.filter((s) => !["day", "model", "provider", "key"].includes(s)).map((v) => ({ method: "GET", path: `/api/v1/activity?group_by=${encodeURIComponent(v)}` })),
    fc.oneof(fc.constant(""), fc.string({ minLength: 201, maxLength: 300 })).map((v) => ({ method: "GET", path: `/api/v1/generation?id=${encodeURIComponent(v)}` })),
  );
}
