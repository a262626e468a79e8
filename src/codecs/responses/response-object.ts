/**
 * The Response object the Responses surface returns (non-streamed, and inside the stream's
 * lifecycle events), in OpenAI's field order. Like OpenAI, it echoes the request's settings
 * (instructions, tools, tool_choice, reasoning, text, store…), read from the caller's decoded
 * request (EncodeContext.request); without one, OpenAI's defaults are echoed.
 */
import type { ResponseFormat, Usage } from "../../canonical/types";
import type { EncodeContext } from "../codec";
import { encodeToolChoice } from "./convert-tools";
import { readResponsesExtensions } from "./extensions";
import type { ResponsesStatus } from "./map-responses-finish-reason";
import { encodeResponsesUsage } from "./responses-usage";

type Wire = Record<string, unknown>;

export interface ResponseState {
  model: string;
  status: ResponsesStatus["status"] | "in_progress";
  output: Wire[];
  usage?: Usage;
  incompleteReason?: string;
  error?: { code: string; message: string };
}

export function textFormatOf(f: ResponseFormat | undefined): Wire {
  if (!f || f.type !== "json_schema") return { type: f?.type ?? "text" };
  const out: Wire = { type: "json_schema", name: f.name ?? "response" };
  if (f.description !== undefined) out.description = f.description;
  out.schema = f.schema;
  out.strict = f.strict ?? false;
  return out;
}

export function responseObject(ctx: EncodeContext, s: ResponseState): Wire {
  const req = ctx.request;
  const ext = readResponsesExtensions(req);
  const f = ext.fields ?? {};
  const reasoning = ext.reasoning ?? {};
  const toolChoice = ext.toolChoice ?? (req?.toolChoice ? encodeToolChoice(req.toolChoice, req.tools ?? []) : "auto");
  return {
    id: ctx.id,
    object: "response",
    created_at: ctx.created,
    status: s.status,
    background: false,
    error: s.error ?? null,
    incomplete_details: s.incompleteReason !== undefined ? { reason: s.incompleteReason } : null,
    instructions: ext.instructions ?? null,
    max_output_tokens: req?.maxTokens ?? null,
    max_tool_calls: f.max_tool_calls ?? null,
    model: s.model,
    output: s.output,
    parallel_tool_calls: req?.parallelToolCalls ?? true,
    previous_response_id: ext.previousResponseId ?? null,
    prompt_cache_key: f.prompt_cache_key ?? null,
    prompt_cache_retention: f.prompt_cache_retention ?? null,
    reasoning: { effort: reasoning.effort ?? null, summary: reasoning.summary ?? reasoning.generate_summary ?? null },
    safety_identifier: f.safety_identifier ?? null,
    service_tier: f.service_tier ?? "default",
    store: ext.store ?? true,
    temperature: req?.temperature ?? 1,
    text: { format: textFormatOf(req?.responseFormat), verbosity: ext.verbosity ?? "medium" },
    tool_choice: toolChoice,
    tools: ext.tools ?? [],
    top_logprobs: f.top_logprobs ?? 0,
    top_p: req?.topP ?? 1,
    truncation: f.truncation ?? "disabled",
    usage: s.usage ? encodeResponsesUsage(s.usage, ctx) : null,
    user: req?.user ?? null,
    metadata: f.metadata ?? {},
  };
}
