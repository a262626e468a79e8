import { describe, expect, it } from "vitest";
import reasoningToolCall from "../../fixtures/responses/reasoning-tool-call.json";
import error400 from "../../fixtures/responses/error-400.json";
import { wrapCustomInput } from "../../../src/canonical/tools";
import { packToolCallId } from "../../../src/canonical/tool-call-id";
import type { CanonicalResponse } from "../../../src/canonical/types";
import { responsesResponseSchema } from "../../../src/codecs/responses";
import { BadRequestError, GatewayError, RateLimitError, UpstreamError } from "../../../src/errors/gateway-error";
import { codec, ctx, request } from "./helpers";

describe("responses decodeResponse (upstream)", () => {
  it("reads reasoning (summary parts, encrypted content), calls and usage", () => {
    const res = codec.decodeResponse(reasoningToolCall);
    expect(res).toEqual({
      id: "resp_0b2reason0002",
      model: "gpt-5.1-codex-max",
      created: 1765552659,
      content: [
        {
          type: "reasoning",
          text: "**Planning**\n\nI will call the calculator.\n\n**Checking**\n\nThe weather tool fits.",
          encrypted: { origin: "openai", data: "gAAAAABpPDIUph8czEXzDePCV2lJ27wm7TsbCvazrvHSn0yW_done==" },
        },
        { type: "tool-call", id: "call_Zl5vIMnD7dVAjgU6", name: "get_weather", arguments: '{"location":"Paris","unit":"c"}' },
      ],
      finishReason: "tool_calls",
      nativeFinishReason: "completed",
      usage: { inputTokens: 315, outputTokens: 96, cachedInputTokens: 128, reasoningTokens: 64 },
    });
  });

  it("reads custom and namespaced calls, refusals, raw reasoning text and incomplete answers", () => {
    const res = codec.decodeResponse({
      id: "resp_1",
      object: "response",
      status: "incomplete",
      incomplete_details: { reason: "max_output_tokens" },
      model: "gpt-oss",
      output: [
        { type: "reasoning", id: "rs_1", summary: [], content: [{ type: "reasoning_text", text: "raw " }, { type: "reasoning_text", text: "thought" }] },
        { type: "custom_tool_call", id: "ctc_1", call_id: "call_c", name: "apply_patch", input: "*** Begin Patch" },
        { type: "function_call", id: "fc_1", call_id: "call_n", namespace: "ns", name: "f", arguments: "{}" },
        { type: "web_search_call", id: "ws_1", status: "completed" },
        { type: "message", id: "msg_1", role: "assistant", content: [{ type: "refusal", refusal: "No." }] },
      ],
      usage: null,
    });
    expect(res.content).toEqual([
      { type: "reasoning", text: "raw thought" },
      { type: "tool-call", id: "call_c", name: "apply_patch", arguments: wrapCustomInput("*** Begin Patch"), custom: true },
      { type: "tool-call", id: "call_n", name: "ns__f", arguments: "{}" },
      { type: "text", text: "No." },
    ]);
    expect(res.finishReason).toBe("length");
    expect(res.nativeFinishReason).toBe("max_output_tokens");
    expect(res.usage).toEqual({ inputTokens: 0, outputTokens: 0 });
  });

  it("throws UpstreamError for error bodies, failed and unfinished responses, and non-responses", () => {
    const cases: Array<[unknown, RegExp, number]> = [
      [error400, /Unsupported parameter: 'temperature'/, 400],
      [{ id: "r", object: "response", status: "failed", error: { code: "rate_limit_exceeded", message: "Slow down" }, output: [] }, /Slow down/, 429],
      [{ id: "r", object: "response", status: "queued", output: [] }, /unfinished response \(status queued/, 502],
      [{ choices: [] }, /not a Responses API response/, 502],
    ];
    for (const [body, message, status] of cases) {
      let thrown: unknown;
      try {
        codec.decodeResponse(body);
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toBeInstanceOf(UpstreamError);
      expect((thrown as UpstreamError).message).toMatch(message);
      expect((thrown as UpstreamError).upstreamStatus).toBe(status);
    }
  });
});

describe("responses encodeResponse (surface)", () => {
  const res: CanonicalResponse = {
    id: "msg_up",
    model: "claude-sonnet-4-6",
    content: [
      { type: "reasoning", text: "Thinking it over.", signature: "sigA" },
      { type: "text", text: "Let me " },
      { type: "text", text: "patch it." },
      { type: "tool-call", id: "toolu_1", name: "apply_patch", arguments: wrapCustomInput("*** Begin Patch\n*** End Patch") },
      { type: "tool-call", id: "call_2", name: "multi_agent_v1__spawn_agent", arguments: '{"task":"t"}', thoughtSignature: "c2ln" },
    ],
    finishReason: "tool_calls",
    nativeFinishReason: "tool_use",
    usage: { inputTokens: 100, outputTokens: 40, cachedInputTokens: 60, cacheWriteTokens: 10, reasoningTokens: 12 },
  };
  const caller = request({
    instructions: "Be careful.",
    tools: [
      { type: "custom", name: "apply_patch" },
      { type: "namespace", name: "multi_agent_v1", description: "Agents", tools: [{ type: "function", name: "spawn_agent" }] },
      { type: "web_search" },
    ],
    reasoning: { effort: "high", summary: "auto" },
    include: ["reasoning.encrypted_content"],
    store: false,
    max_output_tokens: 2000,
    metadata: { trace: "1" },
  });

  it("renders items from the caller's tool table, echoes the request, reports usage and cost", () => {
    const body = codec.encodeResponse(res, ctx({ request: caller })) as Record<string, any>;
    expect(responsesResponseSchema.safeParse(body).success).toBe(true);
    const base = "gen1771000000TestTestTestTestTest";
    expect(body.output).toEqual([
      { id: `rs_${base}_0`, type: "reasoning", encrypted_content: expect.stringMatching(/^arouter:v1:/), summary: [{ type: "summary_text", text: "Thinking it over." }] },
      { id: `msg_${base}_1`, type: "message", status: "completed", content: [{ type: "output_text", annotations: [], logprobs: [], text: "Let me patch it." }], role: "assistant" },
      { id: `ctc_${base}_2`, type: "custom_tool_call", status: "completed", call_id: "toolu_1", name: "apply_patch", input: "*** Begin Patch\n*** End Patch" },
      { id: `fc_${base}_3`, type: "function_call", status: "completed", arguments: '{"task":"t"}', call_id: packToolCallId("call_2", "c2ln"), name: "spawn_agent", namespace: "multi_agent_v1" },
    ]);
    expect(body).toMatchObject({
      id: ctx().id,
      object: "response",
      created_at: 1771000000,
      status: "completed",
      error: null,
      incomplete_details: null,
      instructions: "Be careful.",
      max_output_tokens: 2000,
      model: "claude-sonnet-4-6",
      reasoning: { effort: "high", summary: "auto" },
      store: false,
      tools: caller.extensions?.responses?.tools,
      tool_choice: "auto",
      metadata: { trace: "1" },
      usage: {
        input_tokens: 100,
        input_tokens_details: { cached_tokens: 60, cache_write_tokens: 10 },
        output_tokens: 40,
        output_tokens_details: { reasoning_tokens: 12 },
        total_tokens: 140,
        cost: (100 * 2 + 40 * 8) / 1_000_000,
      },
    });
    // The encoded answer decodes back to the same content (the Anthropic signature included).
    const back = codec.decodeResponse(body);
    expect(back.content).toEqual([
      { type: "reasoning", text: "Thinking it over.", signature: "sigA" },
      { type: "text", text: "Let me patch it." },
      { type: "tool-call", id: "toolu_1", name: "apply_patch", arguments: wrapCustomInput("*** Begin Patch\n*** End Patch"), custom: true },
      { type: "tool-call", id: "call_2", name: "multi_agent_v1__spawn_agent", arguments: '{"task":"t"}', thoughtSignature: "c2ln" },
    ]);
    expect(back.usage).toEqual(res.usage);
  });

  it("returns encrypted reasoning only when include asks for it, and hides excluded reasoning text", () => {
    const plain = codec.encodeResponse(res, ctx({ request: request({}) })) as Record<string, any>;
    expect(plain.output[0]).toEqual({ id: expect.any(String), type: "reasoning", summary: [{ type: "summary_text", text: "Thinking it over." }] });
    const hidden = codec.encodeResponse(res, ctx({ includeReasoning: false })) as Record<string, any>;
    expect(hidden.output.map((i: { type: string }) => i.type)).toEqual(["message", "function_call", "function_call"]);
  });

  it("renders length stops as incomplete, error finishes as failed, and OpenAI's defaults without a request", () => {
    const cut = codec.encodeResponse({ ...res, content: [{ type: "text", text: "abc" }], finishReason: "length", nativeFinishReason: "max_tokens" }, ctx()) as Record<string, any>;
    expect(cut).toMatchObject({ status: "incomplete", incomplete_details: { reason: "max_output_tokens" }, tools: [], tool_choice: "auto", store: true, instructions: null, temperature: 1, top_p: 1, text: { format: { type: "text" }, verbosity: "medium" } });
    const failed = codec.encodeResponse({ ...res, content: [], finishReason: "error", nativeFinishReason: "MALFORMED_FUNCTION_CALL" }, ctx()) as Record<string, any>;
    expect(failed).toMatchObject({ status: "failed", error: { code: "server_error", message: expect.stringContaining("MALFORMED_FUNCTION_CALL") } });
    expect(responsesResponseSchema.safeParse(failed).success).toBe(true);
  });
});

describe("responses errors", () => {
  it("encodes gateway errors in OpenAI's envelope with string codes", () => {
    expect(codec.encodeError(new BadRequestError("input[0].role: bad", { param: "input[0].role" }))).toEqual({
      status: 400,
      body: { error: { message: "input[0].role: bad", type: "invalid_request_error", param: "input[0].role", code: null, metadata: { param: "input[0].role" } } },
    });
    expect(codec.encodeError(new RateLimitError("Too many requests", 3))).toEqual({
      status: 429,
      body: { error: { message: "Too many requests", type: "requests", param: null, code: "rate_limit_exceeded" } },
    });
    expect((codec.encodeError(new GatewayError(503, "overloaded", "Busy")).body as any).error.code).toBe("server_is_overloaded");
  });

  it("decodes upstream error bodies", () => {
    expect(codec.decodeError(400, JSON.stringify(error400))).toMatchObject({ message: "Unsupported parameter: 'temperature' is not supported with this model.", type: "invalid_request_error" });
    expect(codec.decodeError(502, "<html>bad gateway</html>").message).toBe("<html>bad gateway</html>");
  });
});
