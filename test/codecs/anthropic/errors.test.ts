import { describe, expect, it } from "vitest";
import { anthropicCodec } from "../../../src/codecs/anthropic";
import { BadRequestError, GatewayError, ProviderUnavailableError, RateLimitError, UpstreamError } from "../../../src/errors/gateway-error";
import errorJson from "../../fixtures/anthropic/error-invalid-request.json?raw";
import overloadedJson from "../../fixtures/anthropic/error-overloaded.json?raw";

describe("anthropic errors", () => {
  it.each([
    [400, "invalid_request"],
    [401, "authentication"],
    [402, "payment_required"],
    [403, "permission"],
    [404, "not_found"],
    [413, "payload_too_large"],
    [429, "rate_limit"],
    [500, "internal"],
    [502, "upstream"],
    [503, "unavailable"],
    [529, "overloaded"],
    [504, "timeout"],
  ] as const)("encodes status %i", (status, kind) => {
    const expected: Record<number, string> = {
      400: "invalid_request_error",
      401: "authentication_error",
      402: "billing_error",
      403: "permission_error",
      404: "not_found_error",
      413: "request_too_large",
      429: "rate_limit_error",
      500: "api_error",
      502: "api_error",
      503: "api_error", // kind "unavailable": no endpoint can serve the model, not an overload
      529: "overloaded_error",
      504: "timeout_error",
    };
    const out = anthropicCodec.encodeError(new GatewayError(status, kind, "boom"));
    expect(out).toEqual({ status, body: { type: "error", error: { type: expected[status], message: "boom" } } });
  });

  it("encodes typed errors", () => {
    expect(anthropicCodec.encodeError(new BadRequestError("max_tokens: Field required"))).toEqual({
      status: 400,
      body: { type: "error", error: { type: "invalid_request_error", message: "max_tokens: Field required" } },
    });
    expect(anthropicCodec.encodeError(new RateLimitError("slow")).body).toMatchObject({ error: { type: "rate_limit_error" } });
    expect(anthropicCodec.encodeError(new UpstreamError("bad", undefined, 500)).body).toMatchObject({ error: { type: "api_error" } });
  });

  it("an overloaded upstream (529, or a 503 from any provider) is Anthropic's own 529 overloaded_error", () => {
    for (const upstreamStatus of [529, 503]) {
      const out = anthropicCodec.encodeError(new UpstreamError("Upstream 'google' returned 503: The model is overloaded.", undefined, upstreamStatus));
      expect(out).toEqual({ status: 529, body: { type: "error", error: { type: "overloaded_error", message: "Upstream 'google' returned 503: The model is overloaded." } } });
    }
    expect(anthropicCodec.encodeError(new UpstreamError("bad", undefined, 502))).toMatchObject({ status: 502, body: { error: { type: "api_error" } } });
  });

  it("no endpoint able to serve the model is a 503 api_error, not an overload the SDK would retry", () => {
    const out = anthropicCodec.encodeError(new ProviderUnavailableError("Provider 'mistral' is not configured: set MISTRAL_API_KEY."));
    expect(out).toEqual({ status: 503, body: { type: "error", error: { type: "api_error", message: "Provider 'mistral' is not configured: set MISTRAL_API_KEY." } } });
  });

  it("decodes Anthropic error bodies", () => {
    expect(anthropicCodec.decodeError(400, errorJson)).toEqual({
      message: expect.stringContaining("unexpected `tool_use_id`"),
      type: "invalid_request_error",
      raw: JSON.parse(errorJson),
    });
    expect(anthropicCodec.decodeError(529, overloadedJson)).toMatchObject({ message: "Overloaded", type: "overloaded_error" });
  });

  it("decodes non-Anthropic and non-JSON bodies", () => {
    expect(anthropicCodec.decodeError(502, "<html>Bad gateway</html>")).toEqual({ message: "<html>Bad gateway</html>", raw: "<html>Bad gateway</html>" });
    expect(anthropicCodec.decodeError(500, "")).toEqual({ message: "Upstream error (HTTP 500)", raw: "" });
    expect(anthropicCodec.decodeError(400, '{"error":{"message":"nope","type":"invalid_request_error"}}')).toMatchObject({ message: "nope", type: "invalid_request_error" });
    expect(anthropicCodec.decodeError(500, '{"message":"plain"}')).toMatchObject({ message: "plain" });
    expect(anthropicCodec.decodeError(500, "x".repeat(5000)).message).toHaveLength(2000);
  });
});

describe("anthropic count_tokens and passthrough", () => {
  it("encodes a count_tokens body with only the fields that endpoint accepts", () => {
    const req = anthropicCodec.decodeRequest({
      model: "claude",
      max_tokens: 10,
      system: "S",
      messages: [{ role: "user", content: "Hi" }],
      temperature: 0.3,
      stream: true,
      tools: [{ name: "f", input_schema: { type: "object" } }],
      metadata: { user_id: "u" },
    });
    expect(anthropicCodec.encodeCountTokensRequest!(req, "claude-sonnet-4-5")).toEqual({
      model: "claude-sonnet-4-5",
      system: [{ type: "text", text: "S" }],
      messages: [{ role: "user", content: [{ type: "text", text: "Hi" }] }],
      tools: [{ name: "f", input_schema: { type: "object" } }],
    });
    expect(anthropicCodec.decodeCountTokensResponse!({ input_tokens: 42 })).toBe(42);
    expect(anthropicCodec.decodeCountTokensResponse!({})).toBeNaN();
  });

  it("passes the caller's body through with the upstream model", () => {
    const raw = { model: "anthropic/claude", max_tokens: 5, messages: [], stream: true, service_tier: "auto" };
    expect(anthropicCodec.passthroughRequest!(raw, "claude-x", true)).toEqual({ ...raw, model: "claude-x" });
    expect(anthropicCodec.passthroughRequest!(raw, "claude-x", false)).toEqual({ model: "claude-x", max_tokens: 5, messages: [], service_tier: "auto" });
    expect(raw.model).toBe("anthropic/claude");
  });
});
