/**
 * sparseSafeParse (src/codecs/zod-sparse.ts) must be indistinguishable from the schema's own
 * safeParse: same data on success, zod's own error on failure. Checked on the OpenAI request schema
 * with requests from minimal to every kind of field, nulls included, and with invalid ones.
 */
import { describe, expect, it } from "vitest";
import { REQUIRED_FIELDS } from "../../src/codecs/openai/decode-request";
import { chatRequestSchema } from "../../src/codecs/openai/openai-api";
import { sparseSafeParse } from "../../src/codecs/zod-sparse";

const user = { role: "user", content: "Hi" };

const VALID: Record<string, unknown>[] = [
  { model: "openai/gpt-4o", messages: [user] },
  { model: "m", messages: [user], stream: true, max_tokens: 10, temperature: null, stop: ["a", "b"], user: "u-1" },
  {
    model: "m",
    messages: [
      { role: "system", content: [{ type: "text", text: "be brief", cache_control: { type: "ephemeral" } }] },
      { role: "user", content: [{ type: "text", text: "see" }, { type: "image_url", image_url: { url: "data:image/png;base64,AAAA" }, extra: 1 }] },
      { role: "assistant", content: null, tool_calls: [{ id: "c1", type: "function", function: { name: "f", arguments: "{}" } }] },
      { role: "tool", tool_call_id: "c1", content: "ok" },
    ],
    tools: [{ type: "function", function: { name: "f", parameters: { type: "object" } } }],
    tool_choice: "auto",
    response_format: { type: "json_schema", json_schema: { name: "x", schema: { type: "object" } } },
    reasoning: { effort: "high", exclude: false },
    provider: { order: ["openai"], sort: "price", some_future_key: true },
    models: ["a/b", "c/d"],
    metadata: { k: "v" },
    logit_bias: { "1": 2 },
    stream_options: { include_usage: true },
    seed: 7,
  },
];

const INVALID: Record<string, unknown>[] = [
  { messages: [user] },
  { model: "m" },
  { model: "m", messages: [] },
  { model: 3, messages: [user] },
  { model: "m", messages: [user], max_tokens: -1 },
  { model: "m", messages: [user], temperature: "hot" },
  { model: "m", messages: [{ role: "wizard", content: "x" }] },
  { model: "m", messages: [{ role: "user", content: [{ type: "video", url: "x" }] }] },
];

describe("sparseSafeParse", () => {
  it("REQUIRED_FIELDS are exactly the request schema's required keys", () => {
    const shape = chatRequestSchema.shape as Record<string, { safeParse(v: unknown): { success: boolean } }>;
    const required = Object.keys(shape).filter((k) => !shape[k].safeParse(undefined).success);
    expect(required.sort()).toEqual([...REQUIRED_FIELDS].sort());
  });

  it.each(VALID.map((b, i) => [i, b] as const))("valid request %i: the same data as the full parse", (_i, body) => {
    const full = chatRequestSchema.safeParse(body);
    const sparse = sparseSafeParse(chatRequestSchema, REQUIRED_FIELDS, body);
    expect(full.success).toBe(true);
    expect(sparse).toEqual(full);
  });

  it.each(INVALID.map((b, i) => [i, b] as const))("invalid request %i: zod's own error", (_i, body) => {
    const full = chatRequestSchema.safeParse(body);
    const sparse = sparseSafeParse(chatRequestSchema, REQUIRED_FIELDS, body);
    expect(full.success).toBe(false);
    expect(sparse.success).toBe(false);
    expect(sparse.error?.issues).toEqual(full.error?.issues);
  });
});
