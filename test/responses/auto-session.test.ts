/**
 * `model: "auto"` on the Responses surface stays on one model per session: the `x-session-id`
 * header as on every surface, or the `session-id` header Codex sends on every turn (its replayed
 * reasoning is only valid on the model that produced it).
 */
import { beforeEach, describe, expect, it } from "vitest";
import { jsonPost } from "../helpers/gateway";
import { onlyProviders, resetRouting, setup } from "../routing-e2e/helpers";

beforeEach(resetRouting);

const TINY_PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
const image = [{ role: "user", content: [{ type: "input_text", text: "What is this?" }, { type: "input_image", image_url: `data:image/png;base64,${TINY_PNG}` }] }];

describe("auto on the Responses surface", () => {
  it("keeps a session on its model by the session-id (Codex) or x-session-id header", async () => {
    // Groq alone: an image picks llama-4-scout, plain text the cheaper llama-3.1-8b.
    const s = await setup("responses-auto-session", (up) => onlyProviders(up, "GROQ"));
    const post = async (input: unknown, headers: Record<string, string> = {}) => {
      const res = await s.gw.fetch("/v1/responses", jsonPost({ model: "auto", input, store: false }, { authorization: `Bearer ${s.key}`, ...headers }));
      expect(res.status, await res.clone().text()).toBe(200);
      return res.headers.get("x-arouter-model");
    };
    expect(await post(image, { "session-id": "codex-1" })).toBe("meta-llama/llama-4-scout");
    expect(await post("Hello", { "session-id": "codex-1" })).toBe("meta-llama/llama-4-scout");
    expect(await post("Hello", { "session-id": "codex-2" })).toBe("meta-llama/llama-3.1-8b-instruct");
    expect(await post("Hello")).toBe("meta-llama/llama-3.1-8b-instruct");

    expect(await post(image, { "x-session-id": "hdr-1" })).toBe("meta-llama/llama-4-scout");
    expect(await post("Hello", { "x-session-id": "hdr-1" })).toBe("meta-llama/llama-4-scout");
    // x-session-id, the gateway's own header, wins over session-id.
    expect(await post("Hello", { "x-session-id": "hdr-2", "session-id": "codex-1" })).toBe("meta-llama/llama-3.1-8b-instruct");
  });
});
