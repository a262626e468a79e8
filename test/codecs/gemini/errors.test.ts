import { describe, expect, it } from "vitest";
import { geminiCodec, retryDelaySeconds } from "../../../src/codecs/gemini";
import {
  BadRequestError,
  GatewayError,
  PayloadTooLargeError,
  RateLimitError,
  UpstreamError,
  UpstreamTimeoutError,
} from "../../../src/errors/gateway-error";
import error400 from "../../fixtures/gemini/error-400.json?raw";
import error429 from "../../fixtures/gemini/error-429.json?raw";
import errorArray from "../../fixtures/gemini/error-array.json?raw";

describe("gemini errors", () => {
  it("encodes gateway errors in Google's envelope", () => {
    expect(geminiCodec.encodeError(new BadRequestError("contents: contents is not specified"))).toEqual({
      status: 400,
      body: { error: { code: 400, message: "contents: contents is not specified", status: "INVALID_ARGUMENT" } },
    });
    const status = (err: GatewayError) => {
      const out = geminiCodec.encodeError(err) as { status: number; body: { error: { code: number; status: string } } };
      expect(out.body.error.code).toBe(out.status);
      return [out.status, out.body.error.status];
    };
    expect(status(new GatewayError(401, "authentication", "no key"))).toEqual([401, "UNAUTHENTICATED"]);
    expect(status(new GatewayError(402, "payment_required", "no credits"))).toEqual([402, "FAILED_PRECONDITION"]);
    expect(status(new GatewayError(403, "permission", "no"))).toEqual([403, "PERMISSION_DENIED"]);
    expect(status(new GatewayError(404, "not_found", "no model"))).toEqual([404, "NOT_FOUND"]);
    expect(status(new PayloadTooLargeError("big"))).toEqual([413, "INVALID_ARGUMENT"]);
    expect(status(new RateLimitError("slow down", 3))).toEqual([429, "RESOURCE_EXHAUSTED"]);
    expect(status(new GatewayError(500, "internal", "x"))).toEqual([500, "INTERNAL"]);
    expect(status(new UpstreamError("bad upstream"))).toEqual([502, "UNAVAILABLE"]);
    // An overloaded upstream (Anthropic's 529, a 503) is Google's own 503 UNAVAILABLE.
    expect(status(new UpstreamError("overloaded", undefined, 529))).toEqual([503, "UNAVAILABLE"]);
    expect(status(new UpstreamError("overloaded", undefined, 503))).toEqual([503, "UNAVAILABLE"]);
    expect(status(new GatewayError(503, "unavailable", "x"))).toEqual([503, "UNAVAILABLE"]);
    expect(status(new UpstreamTimeoutError("slow"))).toEqual([504, "DEADLINE_EXCEEDED"]);
  });

  it("decodes Google error bodies, RetryInfo included", () => {
    const info = geminiCodec.decodeError(429, error429);
    expect(info.message).toBe("You exceeded your current quota, please check your plan.");
    expect(info.type).toBe("RESOURCE_EXHAUSTED");
    expect(info.raw).toEqual(JSON.parse(error429));
    expect(retryDelaySeconds(info.raw)).toBe(35);
    expect(geminiCodec.decodeError(400, error400)).toMatchObject({
      message: "Penalty is not enabled for models/gemini-2.5-pro",
      type: "INVALID_ARGUMENT",
    });
    expect(retryDelaySeconds(JSON.parse(error400))).toBeUndefined();
  });

  it("decodes the array-wrapped error of streamGenerateContent without alt=sse", () => {
    expect(geminiCodec.decodeError(404, errorArray)).toMatchObject({ type: "NOT_FOUND", message: expect.stringMatching(/not found/) });
  });

  it("handles non-JSON and empty bodies", () => {
    expect(geminiCodec.decodeError(502, "<html>Bad Gateway</html>")).toEqual({
      message: "<html>Bad Gateway</html>",
      raw: "<html>Bad Gateway</html>",
    });
    expect(geminiCodec.decodeError(500, "")).toEqual({ message: "Upstream error 500", raw: "" });
    expect(geminiCodec.decodeError(500, '{"unexpected":true}')).toEqual({ message: "Upstream error 500", raw: { unexpected: true } });
  });
});
