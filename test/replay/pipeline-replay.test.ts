/**
 * Pipeline-level replay: representative recordings per provider are served by the fake upstream
 * (FakeStep `sharedFixture`, re-framed per FORMATS.md) and the gateway is called on each surface
 * (OpenAI chat completions, Anthropic messages, Gemini generateContent / streamGenerateContent).
 * The caller-format answer, decoded with that format's own decoder, must carry the recording's
 * text, tool calls, reasoning, usage and finish class; streams must also be well framed. Recorded
 * error bodies must come back as errors in the caller's envelope with the upstream's message.
 *
 * Only the provider under test is enabled (the others get an empty key), so no fallback can
 * answer in its place.
 */
import { describe, expect, it } from "vitest";
import { FAKE_PROVIDERS, fakeSession, describeWithSharedFixtures, onlyProviders, type FakeProviderName } from "../helpers/fake-upstream";
import { gateway, jsonPost } from "../helpers/gateway";
import { loadUnits, type ReplayUnit, type Wire } from "./corpus";
import { expectedErrorMessage, expectedFromResponse, expectedFromStream, summarizeEvents, summarizeResponse, type Outcome } from "./expect";
import { checkFraming, CODECS, decodeBytes, decoderFor, expectPreserved, type Target } from "./harness";

interface Case {
  file: string;
  /** Catalog model id that routes to `provider`. */
  model: string;
  provider: FakeProviderName;
}

const ANTHROPIC = { model: "anthropic/claude-sonnet-4.6", provider: "ANTHROPIC" } as const;
const GEMINI = { model: "google/gemini-2.5-flash", provider: "GEMINI" } as const;
const OPENAI = { model: "openai/gpt-4o", provider: "OPENAI" } as const;

const CASES: Case[] = [
  // Anthropic: text, parallel tools, thinking (stream), tools (stream), cache read (stream), errors.
  { file: "anthropic/anthropic-text.json", ...ANTHROPIC },
  { file: "anthropic/openllmetry/test_anthropic_tools_legacy.0.json", ...ANTHROPIC },
  { file: "anthropic/pydantic-ai/test_anthropic_tool_with_thinking.0.json", ...ANTHROPIC },
  { file: "anthropic/pydantic-ai/test_anthropic_model_thinking_part_stream.0.sse", ...ANTHROPIC },
  { file: "anthropic/openllmetry/test_anthropic_tools_streaming_legacy.0.sse", ...ANTHROPIC },
  { file: "anthropic/openllmetry/test_anthropic_prompt_caching_stream_legacy.1.sse", ...ANTHROPIC },
  { file: "anthropic/anthropic-issue-15652-false.chunks.txt", ...ANTHROPIC },
  { file: "anthropic/anthropic-issue-17366-error.json", ...ANTHROPIC },
  // Gemini: text, 3 parallel calls, explicit cache, thinking (stream), tool call with signature (stream), 429.
  { file: "google/google-text.json", ...GEMINI },
  { file: "google/pydantic-ai/test_google_instructions_only_with_tool_calls.0.json", ...GEMINI },
  { file: "google/pydantic-ai/test_google_model_cached_content.1.json", ...GEMINI },
  { file: "google/pydantic-ai/test_google_model_thinking_part_iter.0.sse", ...GEMINI },
  { file: "google/google-tool-call.chunks.txt", ...GEMINI },
  { file: "google/google-vertex-stream-tool-call-arguments-nested.1.chunks.txt", ...GEMINI },
  { file: "google/google-429-retry-info.json", ...GEMINI },
  // OpenAI: text, parallel tools, cached tokens, parallel tools (stream), usage chunk (stream), error.
  { file: "openai-chat/openai-text.json", ...OPENAI },
  { file: "openai-chat/openllmetry/test_open_ai_function_calls_tools_parallel.0.json", ...OPENAI },
  { file: "openai-chat/pydantic-ai/test_openai_chat_prompt_cache_e2e.1.json", ...OPENAI },
  { file: "openai-chat/openllmetry/test_open_ai_function_calls_tools_streaming_parallel.0.sse", ...OPENAI },
  { file: "openai-chat/pydantic-ai/test_run_stream_sync_streams_real_model.1.sse", ...OPENAI },
  { file: "openai-chat/reasoning-model-legacy-parameter-error.json", ...OPENAI },
  // OpenAI-compatible: DeepSeek reasoning + tool call, xAI reasoning tokens, Mistral and Groq tool-call streams.
  { file: "openai-chat-compatible/deepseek/deepseek-reasoning.chunks.txt", model: "deepseek/deepseek-v4-flash", provider: "DEEPSEEK" },
  { file: "openai-chat-compatible/deepseek/deepseek-tool-call.json", model: "deepseek/deepseek-v4-flash", provider: "DEEPSEEK" },
  { file: "openai-chat-compatible/xai/xai-text.chunks.txt", model: "x-ai/grok-4.3", provider: "XAI" },
  { file: "openai-chat-compatible/mistral/mistral-tool-call.chunks.txt", model: "mistral/magistral-medium-latest", provider: "MISTRAL" },
  { file: "openai-chat-compatible/groq/groq-tool-call.chunks.txt", model: "meta-llama/llama-3.3-70b-instruct", provider: "GROQ" },
];

const units = await loadUnits(CASES.map((c) => c.file));

/** "gemini-array" = the Gemini surface's streamGenerateContent without alt=sse (JSON-array framing). */
type Surface = "openai" | "anthropic" | "gemini" | "gemini-array";
const SURFACES: Surface[] = ["openai", "anthropic", "gemini", "gemini-array"];

function callerRequest(surface: Surface, model: string, stream: boolean, expected: Outcome | undefined): { path: string; body: Record<string, unknown> } {
  const tools = [...new Set((expected?.toolCalls ?? []).map((c) => c.name))];
  const thinking = !!expected && (expected.reasoning !== "" || expected.signatures.length > 0 || expected.redacted.length > 0);
  const prompt = "Replay the recording, please.";
  switch (surface) {
    case "openai":
      return {
        path: "/v1/chat/completions",
        body: {
          model,
          stream,
          messages: [{ role: "user", content: prompt }],
          ...(tools.length ? { tools: tools.map((name) => ({ type: "function", function: { name, parameters: { type: "object" } } })) } : {}),
          ...(thinking ? { reasoning: { max_tokens: 1024 } } : {}),
        },
      };
    case "anthropic":
      return {
        path: "/v1/messages",
        body: {
          model,
          stream,
          max_tokens: 4096,
          messages: [{ role: "user", content: prompt }],
          ...(tools.length ? { tools: tools.map((name) => ({ name, input_schema: { type: "object" } })) } : {}),
          ...(thinking ? { thinking: { type: "enabled", budget_tokens: 1024 } } : {}),
        },
      };
    case "gemini":
    case "gemini-array":
      return {
        path: `/v1beta/models/${model}:${!stream ? "generateContent" : surface === "gemini" ? "streamGenerateContent?alt=sse" : "streamGenerateContent"}`,
        body: {
          contents: [{ role: "user", parts: [{ text: prompt }] }],
          ...(tools.length ? { tools: [{ functionDeclarations: tools.map((name) => ({ name, parametersJsonSchema: { type: "object" } })) }] } : {}),
          ...(thinking ? { generationConfig: { thinkingConfig: { includeThoughts: true, thinkingBudget: 1024 } } } : {}),
        },
      };
  }
}

const streamTarget = (surface: Surface): Target => (surface === "gemini" ? "gemini-sse" : surface === "gemini-array" ? "gemini-json-array" : surface);

/** Status the gateway reports for an upstream error status (gateway-error.ts). */
const gatewayStatusFor = (upstream: number) => ([400, 404, 413, 422, 429].includes(upstream) ? upstream : 502);

async function replay(c: Case, unit: ReplayUnit, surface: Surface): Promise<void> {
  const up = fakeSession(`replay-${surface}`);
  const gw = gateway({ ...up.env, ...onlyProviders(up, c.provider) });
  const { key } = await gw.createKey();
  const providerPath = FAKE_PROVIDERS[c.provider].path;
  await up.script({ sharedFixture: unit.file, match: `${providerPath}/` });

  const stream = unit.kind === "stream";
  const expected =
    unit.kind === "error" ? undefined : stream ? expectedFromStream(unit) : expectedFromResponse(unit.wire, JSON.parse(unit.text) as unknown);
  const { path, body } = callerRequest(surface, c.model, stream, expected);
  const res = await gw.fetch(path, jsonPost(body, { authorization: `Bearer ${key}` }));

  const sent = await up.requests();
  expect(sent.map((r) => r.path.startsWith(providerPath)), "the recording was served by the provider under test").toEqual([true]);
  expect(await up.pending(), "the scripted recording was consumed").toBe(0);

  const wire: Wire = surface === "gemini-array" ? "gemini" : surface;
  if (unit.kind === "error") {
    const message = expectedErrorMessage(JSON.parse(unit.text));
    expect(res.status).toBe(gatewayStatusFor(unit.status));
    const text = await res.text();
    const err = CODECS[wire].decodeError(res.status, text);
    // The caller's envelope, whatever the surface, carries the upstream's own message.
    expect(err.message.length).toBeGreaterThan(0);
    expect(text).toContain(JSON.stringify(message).slice(1, -1));
    return;
  }
  expect(res.status, await res.clone().text()).toBe(200);
  let got: Outcome;
  if (stream) {
    const text = await res.text();
    const target = streamTarget(surface);
    checkFraming(target, text, false);
    got = summarizeEvents(await decodeBytes(text, () => decoderFor(target), true));
  } else {
    got = summarizeResponse(CODECS[wire].decodeResponse(await res.json()));
  }
  expectPreserved(got, expected!, wire, `${unit.file} via ${surface}`);
  await gw.settled();
}

describeWithSharedFixtures("pipeline replay: recordings served upstream, answered on every surface", () => {
  for (const c of CASES) {
    describe(c.file, () => {
      const unit = units.get(c.file);
      // The JSON-array framing only exists for streams.
      for (const surface of SURFACES.filter((s) => s !== "gemini-array" || unit?.kind === "stream")) {
        it(`${surface} surface`, async () => {
          expect(unit, `${c.file} loaded`).toBeDefined();
          await replay(c, unit!, surface);
        });
      }
    });
  }
});
