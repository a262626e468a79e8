/**
 * What the fake upstream (scripts/fake-upstream.mjs) answers by default, as tests expect it: the
 * upstreams of the surface matrix, the default text, reasoning, signatures and tool-call
 * arguments, its token counts, and the request it must have received (path and credentials from
 * the one fake-provider table, scripts/fake-upstream/providers.json).
 */
import { expect } from "vitest";
import { FAKE_PROVIDERS, type FakeProviderName, type RecordedRequest } from "./fake-upstream";

export type UpstreamName = "openai" | "anthropic" | "gemini" | "deepseek";
export type WireFormat = "openai" | "anthropic" | "gemini";

export interface UpstreamInfo {
  /** Catalog id the caller sends. */
  model: string;
  /** Model id the provider receives. */
  upstreamModel: string;
  /** The provider's entry in the fake-provider table. */
  fake: FakeProviderName;
  /** Provider id the gateway reports. */
  provider: string;
  format: WireFormat;
}

export const UPSTREAMS: Record<UpstreamName, UpstreamInfo> = {
  openai: { model: "openai/gpt-4o", upstreamModel: "gpt-4o", fake: "OPENAI", provider: "openai", format: "openai" },
  anthropic: { model: "anthropic/claude-sonnet-4.6", upstreamModel: "claude-sonnet-4-6", fake: "ANTHROPIC", provider: "anthropic", format: "anthropic" },
  gemini: { model: "google/gemini-2.5-flash", upstreamModel: "gemini-2.5-flash", fake: "GEMINI", provider: "google", format: "gemini" },
  deepseek: { model: "deepseek/deepseek-v4-flash", upstreamModel: "deepseek-v4-flash", fake: "DEEPSEEK", provider: "deepseek", format: "openai" },
};

/** The provider's first path segment on the fake (/openai/v1 → openai); also in its default text. */
export const fakeSegment = (u: UpstreamInfo) => FAKE_PROVIDERS[u.fake].path.split("/")[1];
/** The fake's default answer text (planAnswer). */
export const fakeText = (u: UpstreamInfo) => `Hello from fake ${fakeSegment(u)} (${u.upstreamModel})`;
export const FAKE_REASONING = "Thinking about the request step by step.";
export const FAKE_REASONING_TOKENS = 8;
export const FAKE_SIGNATURE = "RmFrZVNpZ25hdHVyZTpmYWtlLXVwc3RyZWFtOnRoaW5raW5nLWJsb2NrLXNpZ25hdHVyZS0wMDAwMDAwMDAwMDAwMDAwMDAwMDA=";
export const FAKE_THOUGHT_SIGNATURE = "CiQBFakeThoughtSignatureZmFrZS10aG91Z2h0LXNpZ25hdHVyZQ==";
/** Text the fake's Anthropic format puts before non-forced tool calls, and its token count. */
export const ANTHROPIC_TOOL_PREAMBLE = "I'll check that for you.";
export const ANTHROPIC_PREAMBLE_TOKENS = 6;
/** The fake fills `city` with San Francisco, then Boston for the second parallel call. */
export const FAKE_CALL_ARGS = [{ city: "San Francisco" }, { city: "Boston" }];
/** Output tokens the fake reports for those two calls: one per 6-character argument fragment. */
export const FAKE_CALL_TOKENS = FAKE_CALL_ARGS.reduce((n, a) => n + Math.ceil(JSON.stringify(a).length / 6), 0);

/** Tool-call ids carry a Gemini thoughtSignature after `__ts_` (or `__tsr_`), see canonical/tool-call-id.ts. */
export const PACKED_SIGNATURE = /__tsr?_/;
export const plainToolId = (id: string) => id.split(PACKED_SIGNATURE)[0];

/** Prompt tokens the fake reports: ceil(request bytes / 4). */
export const fakePromptTokens = (sent: RecordedRequest) => Math.max(1, Math.ceil(new TextEncoder().encode(JSON.stringify(sent.body)).length / 4));

export function upstreamPath(u: UpstreamInfo, stream: boolean): string {
  const base = FAKE_PROVIDERS[u.fake].path;
  if (u.format === "anthropic") return `${base}/v1/messages`;
  if (u.format === "gemini") return `${base}/v1beta/models/${u.upstreamModel}:${stream ? "streamGenerateContent" : "generateContent"}`;
  return `${base}/chat/completions`;
}

/** Path, credentials, model and streaming flag of one upstream request. */
export function expectUpstreamBasics(sent: RecordedRequest, u: UpstreamInfo, stream: boolean): void {
  const key = FAKE_PROVIDERS[u.fake].key;
  expect(sent.method).toBe("POST");
  expect(sent.path).toBe(upstreamPath(u, stream));
  if (u.format === "anthropic") {
    expect(sent.headers["x-api-key"]).toBe(key);
    expect(sent.headers["anthropic-version"]).toBeTruthy();
    expect(sent.headers.authorization).toBeUndefined();
    expect(sent.body.model).toBe(u.upstreamModel);
    expect(sent.body.stream === true).toBe(stream);
    expect(sent.body.max_tokens).toBeGreaterThan(0);
  } else if (u.format === "gemini") {
    expect(sent.headers["x-goog-api-key"]).toBe(key);
    expect(sent.query.key).toBeUndefined();
    expect(sent.body.model).toBeUndefined();
    if (stream) expect(sent.query.alt).toBe("sse");
  } else {
    expect(sent.headers.authorization).toBe(`Bearer ${key}`);
    expect(sent.headers["x-api-key"]).toBeUndefined();
    expect(sent.body.model).toBe(u.upstreamModel);
    expect(sent.body.stream === true).toBe(stream);
    if (stream) expect(sent.body.stream_options).toEqual({ include_usage: true });
  }
}
