// GET /openapi.json: an OpenAPI 3.1 document generated from the zod schemas the routes validate
// with (z.toJSONSchema), so the reference cannot drift from what the gateway accepts. Only the
// route table (paths, methods, auth, which schema) is written here.
import { z } from "zod";
import { anthropicErrorBodySchema, anthropicResponseSchema, messagesRequestSchema } from "../../codecs/anthropic/anthropic-api";
import { generateContentRequestSchema, generateContentResponseSchema, geminiErrorBodySchema } from "../../codecs/gemini/gemini-api";
import { chatRequestSchema } from "../../codecs/openai/openai-api";
import { openaiResponseSchema, openaiStreamChunkSchema } from "../../codecs/openai/openai-response-api";
import { geminiBatchEmbedRequestSchema, geminiBatchEmbedResponseSchema, geminiEmbedContentRequestSchema, geminiEmbedContentResponseSchema } from "../../embeddings/gemini-embeddings";
import { openaiEmbeddingsRequestSchema, openaiEmbeddingsResponseSchema } from "../../embeddings/openai-embeddings";
import { createKeySchema, createManagementKeySchema, listQuerySchema, updateKeySchema } from "../../keys/validation";
import { activityQuerySchema } from "../../routes/activity";
import { generationQuerySchema } from "../../routes/generation";
import { generationsQuerySchema } from "../../routes/generations";
import * as mgmt from "./management-schemas";
import { modelSchemas } from "./model-schemas";
import { op, pathParam, queryParams, type Operation } from "./operation";

type JsonSchema = Record<string, unknown>;

/** Component name → zod schema, per direction (requests are described as input, responses as output). */
const REQUESTS: Record<string, z.ZodType> = {
  ChatCompletionRequest: chatRequestSchema,
  MessagesRequest: messagesRequestSchema,
  GenerateContentRequest: generateContentRequestSchema,
  EmbeddingsRequest: openaiEmbeddingsRequestSchema,
  EmbedContentRequest: geminiEmbedContentRequestSchema,
  BatchEmbedContentsRequest: geminiBatchEmbedRequestSchema,
  CreateKeyRequest: createKeySchema,
  UpdateKeyRequest: updateKeySchema,
  CreateManagementKeyRequest: createManagementKeySchema,
};
const RESPONSES: Record<string, z.ZodType> = {
  ChatCompletion: openaiResponseSchema,
  ChatCompletionChunk: openaiStreamChunkSchema,
  Message: anthropicResponseSchema,
  GenerateContentResponse: generateContentResponseSchema,
  Embeddings: openaiEmbeddingsResponseSchema,
  EmbedContentResponse: geminiEmbedContentResponseSchema,
  BatchEmbedContentsResponse: geminiBatchEmbedResponseSchema,
  AnthropicError: anthropicErrorBodySchema,
  GeminiError: z.looseObject({ error: geminiErrorBodySchema }),
  OpenAIError: z.looseObject({
    error: z.looseObject({ message: z.string(), type: z.string(), code: z.union([z.string(), z.number()]).nullable().optional(), param: z.string().nullable().optional() }),
  }),
  Key: mgmt.keyObjectSchema,
  KeyCreated: mgmt.keyCreatedSchema,
  KeyResponse: mgmt.keyResponseSchema,
  KeyList: mgmt.keyListSchema,
  Deleted: mgmt.deletedSchema,
  ManagementKey: mgmt.managementKeyObjectSchema,
  ManagementKeyCreated: mgmt.managementKeyCreatedSchema,
  ManagementKeyList: mgmt.managementKeyListSchema,
  Generation: mgmt.generationResponseSchema,
  GenerationList: mgmt.generationListSchema,
  Activity: mgmt.activityResponseSchema,
  ...modelSchemas,
};

function components(schemas: Record<string, z.ZodType>, io: "input" | "output"): Record<string, JsonSchema> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(schemas)) registry.add(schema, { id });
  const out = z.toJSONSchema(registry, { target: "draft-2020-12", io, unrepresentable: "any", uri: (id) => `#/components/schemas/${id}` });
  const result: Record<string, JsonSchema> = {};
  for (const [id, s] of Object.entries(out.schemas)) {
    // Each component is embedded in the document: it has no identity or dialect of its own.
    const { $schema: _s, $id: _i, ...rest } = s as JsonSchema;
    result[id] = rest;
  }
  return result;
}

const API = ["bearer"];
const ANTHROPIC = ["bearer", "anthropicKey"];
const GOOGLE = ["googleKey", "googleQueryKey", "bearer"];
const MGMT = ["managementKey"];

function paths(): Record<string, Record<string, Operation>> {
  const gemini = (action: string, summary: string, body: string, res: string, stream = false) =>
    op({
      tag: "Gemini", summary, auth: GOOGLE, body, response: res, stream, errors: "GeminiError",
      params: [pathParam("model", "A catalog id (`google/gemini-2.5-flash`, `anthropic/claude-sonnet-4.6`) or a bare id; may contain slashes."),
        ...(stream ? [{ name: "alt", in: "query" as const, required: false, schema: { type: "string", enum: ["sse"] }, description: "`sse` for Server-Sent Events, else a streamed JSON array." }] : [])],
      id: action,
    });
  return {
    "/v1/chat/completions": {
      post: op({ tag: "OpenAI", id: "createChatCompletion", summary: "Create a chat completion (any model, any provider)", auth: API, body: "ChatCompletionRequest", response: "ChatCompletion", stream: "ChatCompletionChunk", errors: "OpenAIError" }),
    },
    "/v1/embeddings": { post: op({ tag: "OpenAI", id: "createEmbeddings", summary: "Create embeddings", auth: API, body: "EmbeddingsRequest", response: "Embeddings", errors: "OpenAIError" }) },
    "/v1/models": {
      get: op({
        tag: "Models", id: "listModels", summary: "List the models this deployment serves (with an API key: those the key may use)", auth: [...API, "none"], response: "ModelList",
        params: [
          { name: "output_modalities", in: "query", required: false, schema: { type: "string" }, description: "Comma list: text, image, embeddings… or all (default text)." },
          { name: "supported_parameters", in: "query", required: false, schema: { type: "string" }, description: "Comma list of parameters every listed model must support, e.g. tools,response_format." },
        ],
      }),
    },
    "/v1/models/{author}/{slug}": { get: op({ tag: "Models", id: "getModel", summary: "One model", auth: [...API, "none"], response: "Model", params: [pathParam("author", "e.g. openai"), pathParam("slug", "e.g. gpt-4o, or gpt-4o:free")] }) },
    "/v1/models/{author}/{slug}/endpoints": {
      get: op({ tag: "Models", id: "listModelEndpoints", summary: "The providers serving a model, with price, limits and measured speed", auth: [...API, "none"], response: "ModelEndpoints", params: [pathParam("author", "e.g. openai"), pathParam("slug", "e.g. gpt-4o")] }),
    },
    "/v1/messages": { post: op({ tag: "Anthropic", id: "createMessage", summary: "Create a message (Anthropic Messages API; any model)", auth: ANTHROPIC, body: "MessagesRequest", response: "Message", stream: true, errors: "AnthropicError" }) },
    "/v1/messages/count_tokens": {
      post: op({ tag: "Anthropic", id: "countTokens", summary: "Count input tokens (an estimate for providers without a counting endpoint)", auth: ANTHROPIC, body: "MessagesRequest", response: { type: "object", properties: { input_tokens: { type: "integer" } }, required: ["input_tokens"] }, errors: "AnthropicError" }),
    },
    "/v1beta/models/{model}:generateContent": { post: gemini("generateContent", "Generate content (Gemini API; any model)", "GenerateContentRequest", "GenerateContentResponse") },
    "/v1beta/models/{model}:streamGenerateContent": { post: gemini("streamGenerateContent", "Stream generated content", "GenerateContentRequest", "GenerateContentResponse", true) },
    "/v1beta/models/{model}:countTokens": {
      post: op({ tag: "Gemini", id: "geminiCountTokens", summary: "Count tokens", auth: GOOGLE, body: "GenerateContentRequest", response: { type: "object", properties: { totalTokens: { type: "integer" } } }, errors: "GeminiError", params: [pathParam("model", "Model id")] }),
    },
    "/v1beta/models/{model}:embedContent": { post: gemini("embedContent", "Embed content (any embeddings model)", "EmbedContentRequest", "EmbedContentResponse") },
    "/v1beta/models/{model}:batchEmbedContents": { post: gemini("batchEmbedContents", "Embed a batch", "BatchEmbedContentsRequest", "BatchEmbedContentsResponse") },
    "/api/v1/keys": {
      post: op({ tag: "Keys", id: "createKey", summary: "Create an API key (the key is returned once)", auth: MGMT, body: "CreateKeyRequest", response: "KeyCreated", status: 201 }),
      get: op({ tag: "Keys", id: "listKeys", summary: "List API keys with their spend", auth: MGMT, response: "KeyList", params: queryParams(listQuerySchema) }),
    },
    "/api/v1/keys/{hash}": {
      get: op({ tag: "Keys", id: "getKey", summary: "One API key", auth: MGMT, response: "KeyResponse", params: [pathParam("hash", "The key's hash")] }),
      patch: op({ tag: "Keys", id: "updateKey", summary: "Update an API key (applies to the next request)", auth: MGMT, body: "UpdateKeyRequest", response: "KeyResponse", params: [pathParam("hash", "The key's hash")] }),
      delete: op({ tag: "Keys", id: "deleteKey", summary: "Delete an API key", auth: MGMT, response: "Deleted", params: [pathParam("hash", "The key's hash")] }),
    },
    "/api/v1/management-keys": {
      post: op({ tag: "Management keys", id: "createManagementKey", summary: "Create a management key (returned once)", auth: MGMT, body: "CreateManagementKeyRequest", response: "ManagementKeyCreated", status: 201 }),
      get: op({ tag: "Management keys", id: "listManagementKeys", summary: "List management keys created through the API", auth: MGMT, response: "ManagementKeyList" }),
    },
    "/api/v1/management-keys/{hash}": { delete: op({ tag: "Management keys", id: "deleteManagementKey", summary: "Delete a management key", auth: MGMT, response: "Deleted", params: [pathParam("hash", "The key's hash")] }) },
    "/api/v1/key": { get: op({ tag: "Keys", id: "getCurrentKey", summary: "The calling API key's own limits and usage", auth: API, response: "KeyResponse" }) },
    "/api/v1/generation": { get: op({ tag: "Usage", id: "getGeneration", summary: "One request's usage record (its API key, or a management key)", auth: [...API, ...MGMT], response: "Generation", params: queryParams(generationQuerySchema) }) },
    "/api/v1/generations": { get: op({ tag: "Usage", id: "listGenerations", summary: "Recent usage records, newest first", auth: MGMT, response: "GenerationList", params: queryParams(generationsQuerySchema) }) },
    "/api/v1/activity": { get: op({ tag: "Usage", id: "getActivity", summary: "Requests, tokens and cost grouped by day, model, provider or key", auth: MGMT, response: "Activity", params: queryParams(activityQuerySchema) }) },
  };
}

let memo: JsonSchema | undefined;

/** The document (built once per isolate); `servers` is filled per request with the caller's origin. */
export function openApiDocument(origin: string): JsonSchema {
  memo ??= {
    openapi: "3.1.0",
    info: {
      title: "ARouter API",
      version: "1",
      description:
        "One API key for every model of this deployment, behind the OpenAI, Anthropic and Gemini API formats, plus the management API for keys and usage. Generated from the gateway's own request schemas.",
      license: { name: "MIT", identifier: "MIT" },
    },
    tags: ["OpenAI", "Anthropic", "Gemini", "Models", "Keys", "Management keys", "Usage"].map((name) => ({ name })),
    paths: paths(),
    components: {
      schemas: { ...components(REQUESTS, "input"), ...components(RESPONSES, "output") },
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer", description: "An API key, `lr_live_…`." },
        anthropicKey: { type: "apiKey", in: "header", name: "x-api-key", description: "An API key, as the Anthropic SDK sends it." },
        googleKey: { type: "apiKey", in: "header", name: "x-goog-api-key", description: "An API key, as the Google GenAI SDK sends it." },
        googleQueryKey: { type: "apiKey", in: "query", name: "key", description: "An API key in the query string (Gemini REST style)." },
        managementKey: { type: "http", scheme: "bearer", description: "A management key, `lr_mgmt_…` (header only, never in a URL)." },
      },
    },
  };
  return { ...memo, servers: [{ url: origin }] };
}
