/**
 * Shared setup for the end-to-end routing tests: a fake upstream session, the gateway wired to it,
 * an API key, and small helpers to call each surface and see which provider the fake received.
 */
import { env } from "cloudflare:test";
import { CATALOG_KV_KEY, invalidateCatalogCache } from "../../src/catalog/catalog";
import type { Env } from "../../src/env";
import { resetHealth, STATS_KV_PREFIX } from "../../src/routing/health";
import { resetAutoSessions } from "../../src/routing/auto-router";
import { fakeSession, type FakeSession, type RecordedRequest } from "../helpers/fake-upstream";
import { gateway, jsonPost, type Gateway } from "../helpers/gateway";

export interface Setup {
  up: FakeSession;
  gw: Gateway;
  key: string;
  /** POST /v1/chat/completions with the key. */
  chat(body: Record<string, unknown>, headers?: Record<string, string>): Promise<Response>;
  /** POST /v1/messages with the key. */
  messages(body: Record<string, unknown>, headers?: Record<string, string>): Promise<Response>;
  /** POST /v1beta/models/{model}:{action} with the key. */
  gemini(model: string, action: string, body: Record<string, unknown>, query?: string): Promise<Response>;
  /** Chat requests the fake received, as `provider:model` in arrival order. */
  hits(): Promise<string[]>;
}

/** A base URL nothing listens on (connection refused). */
export const CLOSED_PORT_URL = "http://127.0.0.1:1/v1";

export type ExtraEnv = Record<string, unknown> | ((up: FakeSession) => Record<string, unknown>);

export async function setup(name: string, extraEnv: ExtraEnv = {}, keyBody: Record<string, unknown> = {}): Promise<Setup> {
  const up = fakeSession(name);
  const gw = gateway({ ...up.env, ...(typeof extraEnv === "function" ? extraEnv(up) : extraEnv) });
  const { key } = await gw.createKey(keyBody);
  const auth = { authorization: `Bearer ${key}` };
  return {
    up,
    gw,
    key,
    chat: (body, headers = {}) => gw.fetch("/v1/chat/completions", jsonPost(body, { ...auth, ...headers })),
    messages: (body, headers = {}) =>
      gw.fetch("/v1/messages", jsonPost(body, { "x-api-key": key, "anthropic-version": "2023-06-01", ...headers })),
    gemini: (model, action, body, query = "") =>
      gw.fetch(`/v1beta/models/${model}:${action}${query}`, jsonPost(body, { "x-goog-api-key": key })),
    hits: async () => (await up.requests()).filter(isChatCall).map(describeCall),
  };
}

export function isChatCall(r: RecordedRequest): boolean {
  return r.method === "POST" && /(chat\/completions|\/v1\/messages$|:generateContent|:streamGenerateContent)/.test(r.path);
}

/** `provider:model` of one recorded upstream call (provider = first path segment of the fake). */
export function describeCall(r: RecordedRequest): string {
  const provider = r.path.split("/")[1];
  const gem = /\/models\/([^:]+):/.exec(r.path);
  const model = gem ? decodeURIComponent(gem[1]) : String(r.body?.model ?? "?");
  return `${provider}:${model}`;
}

/** Forgets per-isolate routing state and any stored catalog listing between tests. */
export async function resetRouting(): Promise<void> {
  resetHealth();
  resetAutoSessions();
  invalidateCatalogCache();
  const kv = (env as unknown as Env).CATALOG;
  await kv.delete(CATALOG_KV_KEY);
  // Endpoint speed stats that earlier tests published to KV.
  const { keys } = await kv.list({ prefix: STATS_KV_PREFIX });
  await Promise.all(keys.map((k) => kv.delete(k.name)));
}

export const user = (text = "Hello") => [{ role: "user", content: text }];

/** Disables every provider except the given env prefixes (the fake session enables all of them). */
export function onlyProviders(up: FakeSession, ...prefixes: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(up.env)) {
    const prefix = k.replace(/_(API_KEY|BASE_URL)$/, "");
    if (!prefixes.includes(prefix)) out[k] = "";
  }
  return out;
}

export { jsonPost };
