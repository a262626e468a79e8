// OpenAI Responses API (`POST …/responses`, any provider prefix) for the fake upstream: the
// non-streamed Response object and the exact streamed event sequence (response.created,
// response.in_progress, output_item.added/done with their part, delta and done events,
// response.completed / response.incomplete), every event with a sequence_number.
//
// Default answers follow the other formats (analyze()/planAnswer() in ../fake-upstream.mjs): text,
// tool calls when tools are given and the last user text says "weather" ("parallel" → two calls; a
// tool the text names is the one called, else the first),
// function tools and custom tools (free-form input: apply_patch gets a real patch), reasoning when
// reasoning is asked for (summary parts when reasoning.summary is set, encrypted_content when
// include asks for reasoning.encrypted_content), usage, a max_output_tokens cut as
// response.incomplete. Scripted steps, pacing and faults work as for every format.
//
// Validation (on by default) answers like api.openai.com does to mistakes a gateway could make:
// no Bearer key, no model or input, a previous_response_id or an item id with store:false, a
// reasoning item whose encrypted_content OpenAI did not issue.
//
// An `image_generation` tool in the request (and no function call planned) makes one image first:
// an image_generation_call item (result = a 1×1 PNG, quality and size from the tool, "auto" →
// medium 1024x1024), streamed as OpenAI does (output_item.added in_progress,
// response.image_generation_call.in_progress / generating / completed, output_item.done); like
// OpenAI, its image tokens are not in `usage`.
import { FAKE_PATCH, J, analyze, errorPlan, planAnswer, rid, nowSec, splitEvery } from "../fake-upstream.mjs";
import { PNG_1X1 } from "./media-images.mjs";

const SSE_HEADERS = { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" };

const err = (status, message, extra = {}) => {
  const plan = errorPlan("openai", status, message);
  const body = JSON.parse(plan.chunks[0]);
  Object.assign(body.error, extra);
  plan.chunks = [J(body)];
  return plan;
};

function validate(ctx) {
  const { body, headers, cfg } = ctx;
  if (cfg.auth !== false && !/^Bearer \S+/.test(headers.authorization ?? ""))
    return err(401, "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).");
  if (cfg.validate === false) return null;
  if (!body || typeof body !== "object" || Array.isArray(body)) return err(400, "The request body must be a JSON object.");
  if (typeof body.model !== "string" || !body.model) return err(400, "Missing required parameter: 'model'.", { param: "model" });
  if (body.input === undefined && !body.previous_response_id) return err(400, "Missing required parameter: 'input'.", { param: "input" });
  const store = body.store !== false;
  if (body.previous_response_id && !store) return err(400, `Previous response with id '${body.previous_response_id}' not found.`, { param: "previous_response_id" });
  for (const [i, item] of (Array.isArray(body.input) ? body.input : []).entries()) {
    if (!item || typeof item !== "object") return err(400, `Invalid type for 'input[${i}]'.`);
    if (item.type === "reasoning") {
      const enc = item.encrypted_content;
      if (typeof enc === "string" && !enc.startsWith("gAAAA"))
        return err(400, "The encrypted content for item could not be verified.", { param: `input[${i}].encrypted_content`, code: "invalid_encrypted_content" });
      if (!store && typeof enc !== "string")
        return err(404, `Item with id '${item.id ?? ""}' not found. Items are not persisted when \`store\` is set to false. Try again with \`store\` set to true, or remove this item from your input.`, { param: "input" });
    }
    const role = item.role;
    if ((item.type === undefined || item.type === "message") && !["user", "assistant", "system", "developer"].includes(role))
      return err(400, `Invalid value: '${role}'. Supported values are: 'assistant', 'system', 'developer', and 'user'.`, { param: `input[${i}].role` });
  }
  return null;
}

function lastUserText(input) {
  if (typeof input === "string") return input;
  const last = Array.isArray(input) ? input[input.length - 1] : null;
  if (!last || last.role !== "user") return null;
  if (typeof last.content === "string") return last.content;
  return Array.isArray(last.content) ? last.content.map((p) => (p && typeof p.text === "string" ? p.text : "")).join(" ") : null;
}

/** The other formats' analysis, filled in from a Responses body. */
function analyzeResponses(ctx) {
  const { provider, body, rawLen, url, headers, cfg } = ctx;
  const a = analyze(provider, "responses", null, rawLen, url, headers, cfg);
  if (!body || typeof body !== "object") return a;
  if (typeof body.model === "string") a.model = body.model;
  a.stream = body.stream === true;
  a.maxOut = typeof body.max_output_tokens === "number" ? body.max_output_tokens : undefined;
  const r = body.reasoning;
  if (r && typeof r === "object" && r.effort !== "none") a.reasoning = r.summary || r.generate_summary ? "visible" : "hidden";
  a.encrypted = Array.isArray(body.include) && body.include.includes("reasoning.encrypted_content");
  const tools = [];
  for (const t of Array.isArray(body.tools) ? body.tools : []) {
    const members = t?.type === "namespace" && Array.isArray(t.tools) ? t.tools.map((m) => ({ ...m, namespace: t.name })) : [t];
    for (const m of members)
      if (m && (m.type === "function" || m.type === "custom") && m.name) tools.push({ name: m.name, schema: m.parameters, custom: m.type === "custom", namespace: m.namespace });
  }
  const imageTool = (Array.isArray(body.tools) ? body.tools : []).find((t) => t?.type === "image_generation");
  if (imageTool) a.imageTool = imageTool;
  const tc = body.tool_choice;
  if (tools.length && tc !== "none") {
    const forced = tc === "required" ? tools[0] : tc && typeof tc === "object" ? (tools.find((t) => t.name === tc.name) ?? tools[0]) : null;
    const text = lastUserText(body.input);
    // A user text naming a tool ("use apply_patch") calls that one, else the first.
    const named = text ? tools.find((t) => text.includes(t.name)) : undefined;
    const pick = forced ?? (text && /weather/i.test(text) ? (named ?? tools[0]) : null);
    if (pick) {
      a.tool = pick;
      a.parallel = !!(text && /parallel/i.test(text));
    }
  }
  return a;
}

function usageOf(a, p) {
  return {
    input_tokens: a.promptTokens,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: p.outputTokens,
    output_tokens_details: { reasoning_tokens: p.reasoningTokens },
    total_tokens: a.promptTokens + p.outputTokens,
  };
}

function responseObject(a, body, id, created, status, output, usage) {
  return {
    id,
    object: "response",
    created_at: created,
    status,
    background: false,
    error: null,
    incomplete_details: status === "incomplete" ? { reason: "max_output_tokens" } : null,
    instructions: body?.instructions ?? null,
    max_output_tokens: body?.max_output_tokens ?? null,
    max_tool_calls: null,
    model: a.model,
    output,
    parallel_tool_calls: body?.parallel_tool_calls ?? true,
    previous_response_id: null,
    prompt_cache_key: body?.prompt_cache_key ?? null,
    reasoning: { effort: body?.reasoning?.effort ?? null, summary: body?.reasoning?.summary ?? null },
    service_tier: "default",
    store: body?.store !== false,
    temperature: body?.temperature ?? 1,
    text: body?.text ?? { format: { type: "text" }, verbosity: "medium" },
    tool_choice: body?.tool_choice ?? "auto",
    tools: body?.tools ?? [],
    top_p: body?.top_p ?? 1,
    truncation: "disabled",
    usage,
    user: null,
    metadata: body?.metadata ?? {},
  };
}

/** The answer as output items (complete), plus the pieces each item streams in. */
function items(a, p) {
  const out = [];
  if (p.reasoning) {
    const item = { id: rid("rs_", 40), type: "reasoning" };
    if (a.encrypted) item.encrypted_content = "gAAAAAB" + Buffer.from(`fake-reasoning:${a.model}:${p.reasoning.join("")}`).toString("base64");
    item.summary = a.reasoning === "visible" ? [{ type: "summary_text", text: p.reasoning.join("") }] : [];
    out.push({ item, pieces: a.reasoning === "visible" ? p.reasoning : [] });
  }
  if (a.imageTool && !p.calls.length) {
    const pick = (v, dflt) => (typeof v === "string" && v !== "auto" ? v : dflt);
    const item = { id: rid("ig_", 40), type: "image_generation_call", status: "completed", background: "opaque", output_format: "png", quality: pick(a.imageTool.quality, "medium"), result: PNG_1X1, revised_prompt: "A fake image.", size: pick(a.imageTool.size, "1024x1024") };
    out.push({ item, pieces: [] });
  }
  if (p.text.length || !p.calls.length) {
    const text = p.text.join("");
    out.push({ item: { id: rid("msg_", 40), type: "message", status: "completed", content: [{ type: "output_text", annotations: [], logprobs: [], text }], role: "assistant" }, pieces: p.text });
  }
  for (const c of p.calls) {
    const tool = a.tool;
    const callId = rid("call_");
    if (tool.custom) {
      const input = tool.name === "apply_patch" ? FAKE_PATCH : `fake input for ${tool.name}`;
      const item = { type: "custom_tool_call", id: rid("ctc_", 40), status: "completed", call_id: callId, name: tool.name, input };
      if (tool.namespace) item.namespace = tool.namespace;
      out.push({ item, pieces: splitEvery(input, 8) });
    } else {
      const item = { id: rid("fc_", 40), type: "function_call", status: "completed", arguments: c.argsJson, call_id: callId, name: tool.name };
      if (tool.namespace) item.namespace = tool.namespace;
      out.push({ item, pieces: c.fragments });
    }
  }
  return out;
}

function streamEvents(a, body, id, created, parts, status, usage) {
  let seq = 0;
  const out = [];
  const ev = (type, fields) => out.push(`event: ${type}\ndata: ${J({ type, sequence_number: seq++, ...fields })}\n\n`);
  ev("response.created", { response: responseObject(a, body, id, created, "in_progress", [], null) });
  ev("response.in_progress", { response: responseObject(a, body, id, created, "in_progress", [], null) });
  parts.forEach(({ item, pieces }, output_index) => {
    const at = { item_id: item.id, output_index };
    if (item.type === "message") {
      const text = item.content[0].text;
      ev("response.output_item.added", { output_index, item: { ...item, status: "in_progress", content: [] } });
      ev("response.content_part.added", { ...at, content_index: 0, part: { type: "output_text", annotations: [], logprobs: [], text: "" } });
      for (const d of pieces) ev("response.output_text.delta", { ...at, content_index: 0, delta: d, logprobs: [], obfuscation: "fAk3" });
      ev("response.output_text.done", { ...at, content_index: 0, text, logprobs: [] });
      ev("response.content_part.done", { ...at, content_index: 0, part: item.content[0] });
    } else if (item.type === "reasoning") {
      ev("response.output_item.added", { output_index, item: { ...item, summary: [] } });
      if (pieces.length) {
        const text = pieces.join("");
        ev("response.reasoning_summary_part.added", { ...at, summary_index: 0, part: { type: "summary_text", text: "" } });
        for (const d of pieces) ev("response.reasoning_summary_text.delta", { ...at, summary_index: 0, delta: d, obfuscation: "fAk3" });
        ev("response.reasoning_summary_text.done", { ...at, summary_index: 0, text });
        ev("response.reasoning_summary_part.done", { ...at, summary_index: 0, part: { type: "summary_text", text } });
      }
    } else if (item.type === "image_generation_call") {
      ev("response.output_item.added", { output_index, item: { id: item.id, type: item.type, status: "in_progress" } });
      for (const phase of ["in_progress", "generating", "completed"]) ev(`response.image_generation_call.${phase}`, at);
    } else if (item.type === "function_call") {
      ev("response.output_item.added", { output_index, item: { ...item, status: "in_progress", arguments: "" } });
      for (const d of pieces) ev("response.function_call_arguments.delta", { ...at, delta: d, obfuscation: "fAk3" });
      ev("response.function_call_arguments.done", { ...at, arguments: item.arguments });
    } else {
      const { status: _s, ...added } = item;
      ev("response.output_item.added", { output_index, item: { ...added, input: "" } });
      for (const d of pieces) ev("response.custom_tool_call_input.delta", { ...at, delta: d, obfuscation: "fAk3" });
      ev("response.custom_tool_call_input.done", { ...at, input: item.input });
    }
    ev("response.output_item.done", { output_index, item });
  });
  const terminal = status === "incomplete" ? "response.incomplete" : "response.completed";
  ev(terminal, { response: responseObject(a, body, id, created, status, parts.map((x) => x.item), usage) });
  return out;
}

export const responsesFormat = {
  name: "responses",
  handles: (provider, rest, method) => method === "POST" && /\/responses(\/input_tokens)?$/.test(rest),
  plan(ctx, override) {
    if (!override) {
      const bad = validate(ctx);
      if (bad) return bad;
    }
    const a = analyzeResponses(ctx);
    ctx.analysis = a;
    if (ctx.rest.endsWith("/input_tokens"))
      return { status: 200, headers: { "content-type": "application/json" }, chunks: [J({ object: "response.input_tokens", input_tokens: a.promptTokens })], single: true };
    const p = planAnswer(a, override);
    const id = rid("resp_", 48);
    const created = nowSec();
    const parts = items(a, p);
    const status = p.truncated ? "incomplete" : "completed";
    const usage = usageOf(a, p);
    const headers = { "x-request-id": rid("req_") };
    if (!a.stream) {
      const body = responseObject(a, ctx.body, id, created, status, parts.map((x) => x.item), usage);
      return { status: 200, headers: { ...headers, "content-type": "application/json" }, chunks: [J(body)], single: true };
    }
    return { status: 200, headers: { ...headers, ...SSE_HEADERS }, chunks: streamEvents(a, ctx.body, id, created, parts, status, usage) };
  },
  errorPlan: (status, message) => errorPlan("openai", status, message),
  streams: (ctx) => ctx.body?.stream === true,
};
