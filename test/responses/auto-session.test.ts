/**
 * `model: "auto"` on the Responses surface stays on one model per session: the `prompt_cache_key`
 * Codex sends on every turn (its session id; its replayed reasoning is only valid on the model that
 * produced it), or the `x-session-id` header as on every surface.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { jsonPost } from "../helpers/gateway";
import { onlyProviders } from "../helpers/fake-upstream";
import { rig } from "../helpers/rig";
import { resetRouting } from "../routing-e2e/helpers";

beforeEach(resetRouting);

const TINY_PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
const image = [{ role: "user", content: [{ type: "input_text", text: "What is this?" }, { type: "input_image", image_url: `data:image/png;base64,${TINY_PNG}` }] }];

describe("auto on the Responses surface", () => {
  it("keeps a session on its model by prompt_cache_key (Codex) or the x-session-id header", async () => {
    // Groq alone: an image picks llama-4-scout, plain text the cheaper llama-3.1-8b.
    const s = await rig("responses-auto-session", { env: (up) => onlyProviders(up, "GROQ") });
    const post = async (input: unknown, headers: Record<string, string> = {}, extra: Record<string, unknown> = {}) => {
      const res = await s.gw.fetch("/v1/responses", jsonPost({ model: "auto", input, store: false, ...extra }, { authorization: `Bearer ${s.key}`, ...headers }));
      expect(res.status, await res.clone().text()).toBe(200);
      return res.headers.get("x-arouter-model");
    };
    const codex = (id: string) => ({ prompt_cache_key: id });
    expect(await post(image, {}, codex("codex-1"))).toBe("meta-llama/llama-4-scout");
    expect(await post("Hello", {}, codex("codex-1"))).toBe("meta-llama/llama-4-scout");
    expect(await post("Hello", {}, codex("codex-2"))).toBe("meta-llama/llama-3.1-8b-instruct");
    expect(await post("Hello")).toBe("meta-llama/llama-3.1-8b-instruct");

    expect(await post(image, { "x-session-id": "hdr-1" })).toBe("meta-llama/llama-4-scout");
    expect(await post("Hello", { "x-session-id": "hdr-1" })).toBe("meta-llama/llama-4-scout");
    // The body names the session first (as session_id does on the chat surface).
    expect(await post("Hello", { "x-session-id": "hdr-1" }, codex("codex-2"))).toBe("meta-llama/llama-3.1-8b-instruct");
  });
});
