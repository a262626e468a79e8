/**
 * Bugs the replay suite found, pinned with small hand-written inputs so they stay covered where
 * the shared recordings are absent.
 */
import { describe, expect, it } from "vitest";
import type { StreamEvent } from "../../src/canonical/types";
import { packToolCallId, unpackToolCallId } from "../../src/canonical/tool-call-id";
import { checkAnthropicFraming, checkFraming, decodeBytes, decoderFor, encodeEvents } from "./harness";
import { summarizeEvents } from "./expect";

describe("thought signatures packed into tool-call ids", () => {
  it("round-trips signatures that are not padded base64 (google-strict-forced-tool-choice-any.json)", () => {
    for (const sig of ["sanitized-live-thought-signature", "abc", "a_b-c", "CiQB+/x==", "sig with spaces ✓"]) {
      const packed = packToolCallId("call_1", sig);
      expect(packed, sig).toMatch(/^[A-Za-z0-9_-]+$/); // still a valid Anthropic tool_use id
      expect(unpackToolCallId(packed), sig).toEqual({ id: "call_1", thoughtSignature: sig });
    }
  });

  it("keeps the __ts_ base64url form for real (padded base64) signatures", () => {
    const sig = "CiQBjz1rX25KieIB4d4AwFn8/WbsHTRNHBXso88PtemwfsSfRAp6AY89a1+e2Frm==";
    const packed = packToolCallId("toolu_1", sig.slice(0, 64));
    expect(packed.startsWith("toolu_1__ts_")).toBe(true);
    expect(unpackToolCallId(packed)).toEqual({ id: "toolu_1", thoughtSignature: sig.slice(0, 64) });
    expect(unpackToolCallId("toolu_1__ts_c2ln")).toEqual({ id: "toolu_1", thoughtSignature: "c2ln" });
  });
});

const start: StreamEvent = { type: "start", id: "msg_1", model: "m" };

describe("stream encoders", () => {
  it("leaves a tool_use block cut by an error open (its partial input is not a complete call)", async () => {
    const body = await encodeEvents(
      [
        start,
        { type: "text-delta", text: "Calling." },
        { type: "tool-call-start", index: 0, id: "toolu_1", name: "f" },
        { type: "tool-call-delta", index: 0, argumentsDelta: '{"value":"Spark' },
        { type: "error", status: 502, message: "upstream restarted" },
      ],
      "anthropic",
    );
    checkAnthropicFraming(body, true);
    const events = body.trim().split("\n\n").map((f) => f.split("\n")[0].slice(7));
    expect(events).toEqual(["message_start", "content_block_start", "content_block_delta", "content_block_stop", "content_block_start", "content_block_delta", "error"]);
  });

  it("keeps consecutive signed thinking blocks apart (OpenAI encoder too)", async () => {
    const events: StreamEvent[] = [
      start,
      { type: "reasoning-delta", text: "first" },
      { type: "reasoning-signature", signature: "sig1" },
      { type: "reasoning-delta", text: "second" },
      { type: "reasoning-signature", signature: "sig2" },
      { type: "reasoning-signature", signature: "sig3" },
      { type: "text-delta", text: "answer" },
      { type: "finish", finishReason: "stop" },
    ];
    for (const target of ["anthropic", "openai"] as const) {
      const body = await encodeEvents(events, target);
      checkFraming(target, body, false);
      const decoded = summarizeEvents(await decodeBytes(body, () => decoderFor(target), true));
      expect(decoded.reasoning, target).toBe("firstsecond");
      expect(decoded.signatures, target).toEqual(["sig1", "sig2", "sig3"]);
      expect(decoded.text, target).toBe("answer");
    }
  });
});
