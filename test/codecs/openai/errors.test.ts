import { describe, expect, it } from "vitest";
import { openaiCodec } from "../../../src/codecs/openai";
import {
  BadRequestError,
  InternalError,
  PaymentRequiredError,
  RateLimitError,
  UpstreamError,
  UpstreamTimeoutError,
} from "../../../src/errors/gateway-error";
import azure from "../../fixtures/openai/error-azure-content-filter.json?raw";
import credits from "../../fixtures/openai/error-openrouter-credits.json?raw";
import unsupported from "../../fixtures/openai/error-unsupported-parameter.json?raw";

describe("openai encodeError", () => {
  it("uses the status as code and an OpenAI error type", () => {
    expect(openaiCodec.encodeError(new BadRequestError("messages: must contain at least one message"))).toEqual({
      status: 400,
      body: { error: { code: 400, message: "messages: must contain at least one message", type: "invalid_request_error" } },
    });
    expect(openaiCodec.encodeError(new RateLimitError("slow down", 3)).body).toEqual({
      error: { code: 429, message: "slow down", type: "rate_limit_error" },
    });
    expect(openaiCodec.encodeError(new PaymentRequiredError("no credits")).body).toMatchObject({ error: { code: 402, type: "payment_required" } });
    expect(openaiCodec.encodeError(new UpstreamTimeoutError("late")).body).toMatchObject({ error: { code: 504, type: "timeout" } });
    expect(openaiCodec.encodeError(new InternalError("boom")).body).toMatchObject({ error: { code: 500, type: "server_error" } });
  });

  it("an overloaded upstream (529 or 503) is a 503 overloaded_error; other upstream 5xx a 502", () => {
    for (const upstreamStatus of [529, 503]) {
      const err = new UpstreamError(`Upstream 'anthropic' returned ${upstreamStatus}: Overloaded`, { provider_name: "anthropic" }, upstreamStatus, 7);
      expect([err.status, err.kind, err.retryAfter, err.upstreamStatus]).toEqual([503, "overloaded", 7, upstreamStatus]);
      expect(openaiCodec.encodeError(err)).toEqual({
        status: 503,
        body: { error: { code: 503, message: err.message, type: "overloaded_error", metadata: { provider_name: "anthropic" } } },
      });
    }
    for (const upstreamStatus of [500, 502, 504, 0, undefined]) {
      const err = new UpstreamError("x", undefined, upstreamStatus);
      expect([err.status, err.kind], String(upstreamStatus)).toEqual([502, "upstream"]);
    }
  });

  it("carries metadata (provider_name, raw) and param", () => {
    const err = new UpstreamError("Upstream 'openai' returned 400: bad", { provider_name: "openai", raw: { error: { message: "bad" } }, param: "max_tokens" }, 400);
    expect(openaiCodec.encodeError(err)).toEqual({
      status: 400,
      body: {
        error: {
          code: 400,
          message: "Upstream 'openai' returned 400: bad",
          type: "upstream_error",
          param: "max_tokens",
          metadata: { provider_name: "openai", raw: { error: { message: "bad" } }, param: "max_tokens" },
        },
      },
    });
  });
});

describe("openai decodeError", () => {
  it("reads OpenAI, Azure and OpenRouter error bodies", () => {
    expect(openaiCodec.decodeError(400, unsupported)).toEqual({
      message: "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.",
      type: "invalid_request_error",
      raw: JSON.parse(unsupported),
    });
    // Azure sends type:null; the code names the problem.
    expect(openaiCodec.decodeError(400, azure)).toMatchObject({
      message: expect.stringContaining("content management policy"),
      type: "content_filter",
    });
    expect(openaiCodec.decodeError(402, credits)).toEqual({
      message: "Insufficient credits. Add more using https://openrouter.ai/settings/credits",
      raw: JSON.parse(credits),
    });
  });

  it("handles vLLM bodies, plain text, empty bodies and string errors", () => {
    expect(openaiCodec.decodeError(400, '{"object":"error","message":"max_tokens too large","type":"BadRequestError","code":400}')).toMatchObject({
      message: "max_tokens too large",
      type: "BadRequestError",
    });
    expect(openaiCodec.decodeError(502, "<html>Bad gateway</html>")).toEqual({ message: "<html>Bad gateway</html>", raw: "<html>Bad gateway</html>" });
    expect(openaiCodec.decodeError(503, "")).toEqual({ message: "HTTP 503 with an empty body", raw: "" });
    expect(openaiCodec.decodeError(500, '{"error":"internal"}')).toMatchObject({ message: "internal" });
    expect(openaiCodec.decodeError(500, "x".repeat(5000)).message).toHaveLength(1000);
  });
});
