// Amazon Bedrock runtime and control plane, as the fake upstream's `bedrock` provider:
//   POST /bedrock/model/{modelId}/converse          Converse (JSON)
//   POST /bedrock/model/{modelId}/converse-stream   ConverseStream (binary event stream)
//   GET  /bedrock/foundation-models                 ListFoundationModels
//   GET  /bedrock/inference-profiles                ListInferenceProfiles
// Auth is checked like AWS does: a SigV4 signature (verified against the fake's own credentials,
// FAKE_AWS below) or a Bedrock API key as a Bearer token. Request bodies are validated against
// Converse's rules, errors carry AWS's x-amzn-errortype header and {"message"} body, and
// in-stream exceptions are `:message-type: exception` frames.
import { J, analyze, planAnswer, rid, DEFAULT_MESSAGES, FAKE_SIGNATURE } from "../fake-upstream.mjs";
import { eventFrame, encodeFrame, exceptionFrame } from "./aws-event-stream.mjs";
import { verifySigV4 } from "./aws-sigv4-verify.mjs";

/** Credentials the fake accepts (tests sign with them). */
export const FAKE_AWS = { accessKeyId: "AKIDFAKEBEDROCK0001", secretAccessKey: "fake/bedrock+secret/key0000000000000000", sessionToken: "fake-session-token" };

const ERROR_TYPES = {
  400: "ValidationException",
  403: "AccessDeniedException",
  404: "ResourceNotFoundException",
  408: "ModelTimeoutException",
  424: "ModelErrorException",
  429: "ThrottlingException",
  500: "InternalServerException",
  503: "ServiceUnavailableException",
};
const TOP_LEVEL = new Set([
  "messages", "system", "inferenceConfig", "toolConfig", "guardrailConfig", "additionalModelRequestFields", "promptVariables",
  "additionalModelResponseFieldPaths", "requestMetadata", "performanceConfig", "outputConfig", "serviceTier",
]);

function awsError(status, type, message) {
  return {
    status,
    headers: { "content-type": "application/json", "x-amzn-errortype": `${type}:http://internal.amazon.com/coral/com.amazon.bedrock/`, "x-amzn-requestid": rid("", 36) },
    chunks: [J({ message })],
    single: true,
  };
}

function errorPlan(status, message) {
  const type = ERROR_TYPES[status] ?? (status >= 500 ? "InternalServerException" : "ValidationException");
  return awsError(status, type, message ?? DEFAULT_MESSAGES[status] ?? `Error ${status} (fake upstream)`);
}

/** Bearer API key, or a valid SigV4 signature for the service "bedrock". */
function checkAuth(ctx) {
  if (ctx.cfg.auth === false) return null;
  const auth = ctx.headers.authorization ?? "";
  if (/^Bearer \S+/.test(auth)) return null;
  if (!auth) return awsError(403, "MissingAuthenticationTokenException", "Missing Authentication Token");
  const token = ctx.headers["x-amz-security-token"];
  if (token !== undefined && token !== FAKE_AWS.sessionToken) return awsError(403, "UnrecognizedClientException", "The security token included in the request is invalid.");
  const v = verifySigV4({
    method: ctx.method,
    rawPath: ctx.url.pathname,
    query: Object.fromEntries(ctx.url.searchParams),
    headers: ctx.headers,
    body: ctx.rawBytes,
    secrets: { [FAKE_AWS.accessKeyId]: FAKE_AWS.secretAccessKey },
  });
  if (!v.ok) return awsError(v.status, v.type, v.message);
  if (v.service !== "bedrock") return awsError(403, "InvalidSignatureException", `Credential should be scoped to correct service: 'bedrock'.`);
  return null;
}

const blockKinds = (content) => (Array.isArray(content) ? content : []).map((b) => (b && typeof b === "object" ? Object.keys(b)[0] : "?"));

/** The checks Converse makes before running a model (each a ValidationException). */
function validate(body) {
  if (!body || typeof body !== "object" || Array.isArray(body)) return "Malformed input request, please reformat your input and try again.";
  const extra = Object.keys(body).filter((k) => !TOP_LEVEL.has(k));
  if (extra.length) return `Malformed input request: extraneous key [${extra[0]}] is not permitted, please reformat your input and try again.`;
  const msgs = body.messages;
  if (!Array.isArray(msgs) || msgs.length === 0) return "A conversation must start with a user message. Try again with a conversation that starts with a user message.";
  let usesTools = false;
  for (const [i, m] of msgs.entries()) {
    if (!m || (m.role !== "user" && m.role !== "assistant")) return `messages.${i}.role: must be user or assistant`;
    if (i === 0 && m.role !== "user") return "A conversation must start with a user message. Try again with a conversation that starts with a user message.";
    if (i > 0 && msgs[i - 1].role === m.role) return "A conversation must alternate between user and assistant roles. Make sure the conversation alternates between user and assistant roles and try again.";
    if (!Array.isArray(m.content) || m.content.length === 0) return `The content field in the Message object at messages.${i} is empty. Add a ContentBlock object to the content field and try again.`;
    for (const b of m.content) {
      if (typeof b?.text === "string" && !b.text.trim()) return `The text field in the ContentBlock object at messages.${i}.content is blank. Add text to the text field, and try again.`;
      if (b?.toolUse || b?.toolResult) usesTools = true;
    }
  }
  if (usesTools && !body.toolConfig) return "The toolConfig field must be defined when using toolUse and toolResult content blocks.";
  const budget = body.additionalModelRequestFields?.thinking?.budget_tokens;
  const max = body.inferenceConfig?.maxTokens;
  if (typeof budget === "number" && typeof max === "number" && max <= budget) return "The maximum tokens you requested exceeds the model limit: max_tokens must be greater than thinking.budget_tokens.";
  const schema = body.outputConfig?.textFormat?.structure?.jsonSchema?.schema;
  if (body.outputConfig && typeof schema !== "string") return "outputConfig.textFormat.structure.jsonSchema.schema must be a JSON string.";
  return null;
}

/** The fake's usual analysis, read from a Converse body. */
function analyzeConverse(ctx, model, stream) {
  const a = analyze("bedrock", "bedrock", null, ctx.rawLen, ctx.url, ctx.headers, ctx.cfg);
  const b = ctx.body;
  a.model = model;
  a.stream = stream;
  a.maxOut = b.inferenceConfig?.maxTokens;
  const extra = b.additionalModelRequestFields ?? {};
  if (extra.thinking?.type === "enabled" || extra.thinking?.type === "adaptive") a.reasoning = "signed";
  else if (extra.reasoning_effort || extra.reasoningConfig) a.reasoning = "visible";
  const tools = (b.toolConfig?.tools ?? []).filter((t) => t?.toolSpec).map((t) => ({ name: t.toolSpec.name, schema: t.toolSpec.inputSchema?.json }));
  const choice = b.toolConfig?.toolChoice;
  const forced = choice?.tool?.name ?? (choice?.any ? true : null);
  const last = b.messages[b.messages.length - 1];
  const kinds = blockKinds(last.content);
  const userText = last.role === "user" && !kinds.includes("toolResult") ? last.content.map((c) => c.text ?? "").join(" ") : null;
  if (tools.length) {
    const pick = forced ? (typeof forced === "string" && tools.find((t) => t.name === forced)) || tools[0] : userText && /weather/i.test(userText) ? tools[0] : null;
    if (pick) {
      a.tool = pick;
      a.parallel = !!(userText && /parallel/i.test(userText));
    }
  }
  return a;
}

function usage(a, p) {
  return { inputTokens: a.promptTokens, outputTokens: p.outputTokens, totalTokens: a.promptTokens + p.outputTokens, cacheReadInputTokens: 0, cacheWriteInputTokens: 0 };
}
const stopReason = (p) => (p.calls.length ? "tool_use" : p.truncated ? "max_tokens" : "end_turn");

function converse(ctx, model, stream, override) {
  const a = analyzeConverse(ctx, model, stream);
  ctx.analysis = a;
  const p = planAnswer(a, override);
  const signed = a.reasoning === "signed";
  const ids = p.calls.map(() => `tooluse_${rid("", 22)}`);
  const headers = { "x-amzn-requestid": rid("", 36) };
  if (!stream) {
    const content = [];
    if (p.reasoning) content.push({ reasoningContent: { reasoningText: { text: p.reasoning.join(""), ...(signed ? { signature: FAKE_SIGNATURE } : {}) } } });
    if (p.text.length || !p.calls.length) content.push({ text: p.text.join("") });
    p.calls.forEach((c, i) => content.push({ toolUse: { toolUseId: ids[i], name: c.name, input: c.args } }));
    const body = { metrics: { latencyMs: 123 }, output: { message: { role: "assistant", content } }, stopReason: stopReason(p), usage: usage(a, p) };
    return { status: 200, headers: { ...headers, "content-type": "application/json" }, chunks: [J(body)], single: true };
  }
  const frames = [eventFrame("messageStart", { role: "assistant" })];
  let index = 0;
  if (p.reasoning) {
    for (const r of p.reasoning) frames.push(eventFrame("contentBlockDelta", { contentBlockIndex: index, delta: { reasoningContent: { text: r } } }));
    if (signed) frames.push(eventFrame("contentBlockDelta", { contentBlockIndex: index, delta: { reasoningContent: { signature: FAKE_SIGNATURE } } }));
    frames.push(eventFrame("contentBlockStop", { contentBlockIndex: index++ }));
  }
  if (p.text.length || !p.calls.length) {
    // Like Bedrock, text blocks start with their first delta (no contentBlockStart).
    for (const t of p.text) frames.push(eventFrame("contentBlockDelta", { contentBlockIndex: index, delta: { text: t } }));
    frames.push(eventFrame("contentBlockStop", { contentBlockIndex: index++ }));
  }
  p.calls.forEach((c, k) => {
    frames.push(eventFrame("contentBlockStart", { contentBlockIndex: index, start: { toolUse: { toolUseId: ids[k], name: c.name } } }));
    for (const f of c.fragments) frames.push(eventFrame("contentBlockDelta", { contentBlockIndex: index, delta: { toolUse: { input: f } } }));
    frames.push(eventFrame("contentBlockStop", { contentBlockIndex: index++ }));
  });
  frames.push(eventFrame("messageStop", { stopReason: stopReason(p) }));
  frames.push(eventFrame("metadata", { usage: usage(a, p), metrics: { latencyMs: 123 } }));
  return { status: 200, headers: { ...headers, "content-type": "application/vnd.amazon.eventstream" }, chunks: frames };
}

function listFoundationModels() {
  const m = (modelId, providerName, modelName, input, output, inference = ["ON_DEMAND"]) => ({
    modelArn: `arn:aws:bedrock:us-east-1::foundation-model/${modelId}`,
    modelId, modelName, providerName,
    inputModalities: input, outputModalities: output,
    responseStreamingSupported: output.includes("TEXT"),
    customizationsSupported: [], inferenceTypesSupported: inference,
    modelLifecycle: { status: "ACTIVE" },
  });
  const modelSummaries = [
    m("anthropic.claude-3-5-haiku-20241022-v1:0", "Anthropic", "Claude 3.5 Haiku", ["TEXT"], ["TEXT"]),
    m("anthropic.claude-sonnet-4-5-20250929-v1:0", "Anthropic", "Claude Sonnet 4.5", ["TEXT", "IMAGE"], ["TEXT"], ["INFERENCE_PROFILE"]),
    m("meta.llama3-3-70b-instruct-v1:0", "Meta", "Llama 3.3 70B Instruct", ["TEXT"], ["TEXT"]),
    m("amazon.nova-pro-v1:0", "Amazon", "Nova Pro", ["TEXT", "IMAGE", "VIDEO"], ["TEXT"]),
    m("amazon.titan-embed-text-v2:0", "Amazon", "Titan Text Embeddings V2", ["TEXT"], ["EMBEDDING"]),
    m("stability.sd3-5-large-v1:0", "Stability AI", "Stable Diffusion 3.5 Large", ["TEXT", "IMAGE"], ["IMAGE"]),
  ];
  return { status: 200, headers: { "content-type": "application/json" }, chunks: [J({ modelSummaries })], single: true };
}

function listInferenceProfiles(url) {
  const all = [
    { inferenceProfileId: "us.anthropic.claude-sonnet-4-5-20250929-v1:0", inferenceProfileName: "US Anthropic Claude Sonnet 4.5", status: "ACTIVE", type: "SYSTEM_DEFINED" },
    { inferenceProfileId: "us.meta.llama4-maverick-17b-instruct-v1:0", inferenceProfileName: "US Meta Llama 4 Maverick 17B Instruct", status: "ACTIVE", type: "SYSTEM_DEFINED" },
  ];
  // Two pages of one profile each, to exercise nextToken.
  const page = url.searchParams.get("nextToken") === "page-2" ? 1 : 0;
  const body = { inferenceProfileSummaries: [all[page]], ...(page === 0 ? { nextToken: "page-2" } : {}) };
  return { status: 200, headers: { "content-type": "application/json" }, chunks: [J(body)], single: true };
}

/** Scripted events: {type, payload} frames, {exception, message} frames, or {corrupt: true} (bad CRC). */
function eventsPlan(_ctx, events) {
  const frames = events.map((e) => {
    if (e.exception) return exceptionFrame(e.exception, e.message ?? "scripted exception");
    if (e.corrupt) {
      const f = eventFrame("contentBlockDelta", { contentBlockIndex: 0, delta: { text: "x" } });
      f[f.length - 1] ^= 0xff;
      return f;
    }
    return e.type ? eventFrame(e.type, e.payload ?? {}) : encodeFrame(e.headers ?? {}, e.body ?? "");
  });
  return { status: 200, headers: { "content-type": "application/vnd.amazon.eventstream" }, chunks: frames };
}

export const bedrockFormat = {
  name: "bedrock",
  handles: (provider) => provider === "bedrock",
  plan(ctx, override) {
    const bad = checkAuth(ctx);
    if (bad) return bad;
    if (ctx.method === "GET" && ctx.rest === "/foundation-models") return listFoundationModels();
    if (ctx.method === "GET" && ctx.rest === "/inference-profiles") return listInferenceProfiles(ctx.url);
    const m = /^\/model\/([^/]+)\/(converse|converse-stream)$/.exec(ctx.rest);
    if (!m || ctx.method !== "POST") return awsError(404, "UnknownOperationException", `Unknown operation ${ctx.method} ${ctx.rest}`);
    const invalid = override ? null : validate(ctx.body);
    if (invalid) return awsError(400, "ValidationException", invalid);
    return converse(ctx, decodeURIComponent(m[1]), m[2] === "converse-stream", override);
  },
  errorPlan,
  eventsPlan,
};
