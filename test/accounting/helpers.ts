import type { UsageRow } from "../helpers/usage-row";
/**
 * Shared helpers for the end-to-end accounting tests: one request builder per surface (OpenAI chat,
 * Anthropic messages, Gemini generateContent), prices read straight from data/models.json (not
 * through the gateway's own pricing code), the key object, and the key's usage rows in D1.
 */
import { expect } from "vitest";
import catalog from "../../data/models.json";
import { flushUsage } from "../../src/spend/client";
import { fakeSession, type FakeSession } from "../helpers/fake-upstream";
import { gateway, jsonPost, MANAGEMENT_KEY, readSse, type Gateway } from "../helpers/gateway";

export type SurfaceName = "openai" | "anthropic" | "gemini";
export const SURFACES: SurfaceName[] = ["openai", "anthropic", "gemini"];

/** Micro-USD per token, from the shipped catalog (USD-per-token strings × 1e6). */
export interface Prices {
  prompt: number;
  completion: number;
  cacheRead: number;
  cacheWrite: number;
  request: number;
}

export function catalogPrices(modelId: string, provider?: string): Prices {
  const m = (catalog as unknown as { models: Array<{ id: string; pricing: Record<string, string> | null; endpoints: Array<{ provider: string; pricing: Record<string, string> | null }> }> }).models.find(
    (x) => x.id === modelId,
  );
  if (!m) throw new Error(`model ${modelId} not in data/models.json`);
  const p = (provider ? m.endpoints.find((e) => e.provider === provider)?.pricing : m.endpoints[0]?.pricing) ?? m.pricing;
  if (!p) throw new Error(`model ${modelId} has no price`);
  const micro = (s: string | undefined, fallback: number) => (s === undefined || s === "" ? fallback : Number(s) * 1e6);
  const prompt = micro(p.prompt, NaN);
  return {
    prompt,
    completion: micro(p.completion, NaN),
    cacheRead: micro(p.input_cache_read, prompt),
    cacheWrite: micro(p.input_cache_write, prompt),
    request: micro(p.request, 0),
  };
}

/** Cost in micro-USD of a usage, computed independently of src/catalog/pricing.ts (rounded up). */
export function expectedCostMicros(p: Prices, u: { prompt: number; completion: number; cached?: number; cacheWrite?: number }): number {
  const cached = u.cached ?? 0;
  const written = u.cacheWrite ?? 0;
  const raw = (u.prompt - cached - written) * p.prompt + cached * p.cacheRead + written * p.cacheWrite + u.completion * p.completion + p.request;
  return Math.ceil(Math.round(raw * 1e6) / 1e6);
}

export const utf8Bytes = (s: string) => new TextEncoder().encode(s).byteLength;

/** One request as a caller of a given surface would send it. */
export interface SurfaceCall {
  surface: SurfaceName;
  stream: boolean;
  path: string;
  body: Record<string, unknown>;
  headers: Record<string, string>;
}

export function buildCall(surface: SurfaceName, o: { model: string; key: string; text: string; maxTokens?: number; stream: boolean }): SurfaceCall {
  switch (surface) {
    case "openai":
      return {
        surface,
        stream: o.stream,
        path: "/v1/chat/completions",
        headers: { authorization: `Bearer ${o.key}` },
        body: {
          model: o.model,
          messages: [{ role: "user", content: o.text }],
          ...(o.maxTokens !== undefined ? { max_tokens: o.maxTokens } : {}),
          ...(o.stream ? { stream: true } : {}),
        },
      };
    case "anthropic":
      return {
        surface,
        stream: o.stream,
        path: "/v1/messages",
        headers: { "x-api-key": o.key, "anthropic-version": "2023-06-01" },
        body: {
          model: o.model,
          max_tokens: o.maxTokens ?? 1024,
          messages: [{ role: "user", content: o.text }],
          ...(o.stream ? { stream: true } : {}),
        },
      };
    case "gemini":
      return {
        surface,
        stream: o.stream,
        path: `/v1beta/models/${o.model}:${o.stream ? "streamGenerateContent?alt=sse" : "generateContent"}`,
        headers: { "x-goog-api-key": o.key },
        body: {
          contents: [{ role: "user", parts: [{ text: o.text }] }],
          ...(o.maxTokens !== undefined ? { generationConfig: { maxOutputTokens: o.maxTokens } } : {}),
        },
      };
  }
}

export const send = (gw: Gateway, c: SurfaceCall, init: RequestInit = {}) => gw.fetch(c.path, { ...jsonPost(c.body, c.headers), ...init });

/** What a caller can read off one answer: tokens, the cost it was told, the generation id. */
export interface Answer {
  status: number;
  id: string | null;
  promptTokens?: number;
  completionTokens?: number;
  /** Cost in USD as the response itself reports it (usage.cost, x-arouter-cost), if it does. */
  reportedCost?: number;
  finish?: string;
  text?: string;
  /** Error body (non-2xx). */
  error?: any;
  headers: Headers;
}

/** Reads a response of any surface, streamed or not, into an Answer. */
export async function readAnswer(c: SurfaceCall, res: Response): Promise<Answer> {
  const headers = res.headers;
  const id = headers.get("x-generation-id");
  if (res.status !== 200) return { status: res.status, id, error: await res.json(), headers };
  const headerCost = headers.get("x-arouter-cost");
  const out: Answer = { status: 200, id, headers, reportedCost: headerCost == null ? undefined : Number(headerCost) };
  if (!c.stream) {
    const b = (await res.json()) as any;
    if (c.surface === "openai") {
      out.promptTokens = b.usage?.prompt_tokens;
      out.completionTokens = b.usage?.completion_tokens;
      out.reportedCost = b.usage?.cost;
      out.finish = b.choices?.[0]?.finish_reason;
      out.text = b.choices?.[0]?.message?.content ?? "";
    } else if (c.surface === "anthropic") {
      out.promptTokens = b.usage.input_tokens + (b.usage.cache_read_input_tokens ?? 0) + (b.usage.cache_creation_input_tokens ?? 0);
      out.completionTokens = b.usage.output_tokens;
      out.finish = b.stop_reason;
      out.text = b.content.filter((p: any) => p.type === "text").map((p: any) => p.text).join("");
    } else {
      out.promptTokens = b.usageMetadata?.promptTokenCount;
      out.completionTokens = (b.usageMetadata?.candidatesTokenCount ?? 0) + (b.usageMetadata?.thoughtsTokenCount ?? 0);
      out.finish = b.candidates?.[0]?.finishReason;
      out.text = (b.candidates?.[0]?.content?.parts ?? []).map((p: any) => p.text ?? "").join("");
    }
    return out;
  }
  const { events } = await readSse(res);
  const datas = events.map((e) => e.data).filter((d) => d !== "[DONE]");
  const parsed = datas.map((d) => JSON.parse(d));
  let text = "";
  if (c.surface === "openai") {
    for (const ch of parsed) {
      text += ch.choices?.[0]?.delta?.content ?? "";
      if (ch.choices?.[0]?.finish_reason) out.finish = ch.choices[0].finish_reason;
      if (ch.usage) {
        out.promptTokens = ch.usage.prompt_tokens;
        out.completionTokens = ch.usage.completion_tokens;
        out.reportedCost = ch.usage.cost;
      }
    }
  } else if (c.surface === "anthropic") {
    for (const ev of parsed) {
      if (ev.type === "message_start") out.promptTokens = ev.message.usage.input_tokens + (ev.message.usage.cache_read_input_tokens ?? 0) + (ev.message.usage.cache_creation_input_tokens ?? 0);
      if (ev.type === "content_block_delta" && ev.delta.type === "text_delta") text += ev.delta.text;
      if (ev.type === "message_delta") {
        // The final usage (input included) when the stream carries it; message_start's is provisional.
        if (ev.usage.input_tokens !== undefined) out.promptTokens = ev.usage.input_tokens + (ev.usage.cache_read_input_tokens ?? 0) + (ev.usage.cache_creation_input_tokens ?? 0);
        out.completionTokens = ev.usage.output_tokens;
        out.finish = ev.delta.stop_reason;
      }
    }
  } else {
    for (const ch of parsed) {
      text += (ch.candidates?.[0]?.content?.parts ?? []).map((p: any) => p.text ?? "").join("");
      if (ch.candidates?.[0]?.finishReason) out.finish = ch.candidates[0].finishReason;
      if (ch.usageMetadata) {
        out.promptTokens = ch.usageMetadata.promptTokenCount;
        out.completionTokens = (ch.usageMetadata.candidatesTokenCount ?? 0) + (ch.usageMetadata.thoughtsTokenCount ?? 0);
      }
    }
  }
  out.text = text;
  return out;
}

/** The error message of a non-2xx body of any surface, after checking the envelope is that surface's own. */
export function errorMessage(surface: SurfaceName | "embeddings", status: number, body: any): string {
  if (surface === "openai" || surface === "embeddings") {
    expect(body.error, JSON.stringify(body)).toBeTypeOf("object");
    expect(body.error.code).toBe(status);
    expect(body.error.type).toBeTypeOf("string");
    expect(body.type).toBeUndefined();
  } else if (surface === "anthropic") {
    expect(body.type, JSON.stringify(body)).toBe("error");
    expect(body.error.type).toMatch(/_error$/);
  } else {
    expect(body.error, JSON.stringify(body)).toBeTypeOf("object");
    expect(body.error.code).toBe(status);
    expect(body.error.status).toMatch(/^[A-Z_]+$/);
    expect(body.error.type).toBeUndefined();
  }
  expect(body.error.message).toBeTypeOf("string");
  return body.error.message as string;
}

export async function keyObject(gw: Gateway, hash: string): Promise<Record<string, any>> {
  const res = await gw.fetch(`/api/v1/keys/${hash}`, { headers: { authorization: `Bearer ${MANAGEMENT_KEY}` } });
  expect(res.status).toBe(200);
  return ((await res.json()) as { data: Record<string, any> }).data;
}

export async function patchKey(gw: Gateway, hash: string, body: Record<string, unknown>): Promise<Record<string, any>> {
  const res = await gw.fetch(`/api/v1/keys/${hash}`, {
    method: "PATCH",
    headers: { authorization: `Bearer ${MANAGEMENT_KEY}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(res.status, await res.clone().text()).toBe(200);
  return ((await res.json()) as { data: Record<string, any> }).data;
}

export type { UsageRow } from "../helpers/usage-row";

/** Waits for the gateway's waitUntil work, flushes the key's buffered usage records, reads its D1 rows. */
export async function usageRows(gw: Gateway, hash: string): Promise<UsageRow[]> {
  await gw.settled();
  await flushUsage(gw.env, hash);
  const r = await gw.env.DB.prepare("SELECT * FROM usage WHERE key_hash = ? ORDER BY created_at").bind(hash).all<UsageRow>();
  return r.results;
}

export async function generation(gw: Gateway, key: string, id: string): Promise<Record<string, any>> {
  await gw.settled();
  const res = await gw.fetch(`/api/v1/generation?id=${encodeURIComponent(id)}`, { headers: { authorization: `Bearer ${key}` } });
  expect(res.status, await res.clone().text()).toBe(200);
  return ((await res.json()) as { data: Record<string, any> }).data;
}

export async function setup(name: string, keyFields: Record<string, unknown> = {}, extraEnv: Record<string, unknown> = {}) {
  const up: FakeSession = fakeSession(name);
  const gw = gateway({ ...up.env, ...extraEnv });
  const { key, hash, data } = await gw.createKey(keyFields);
  return { up, gw, key, hash, data };
}
