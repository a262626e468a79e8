/**
 * Calls the gateway app in-process (inside workerd) with real D1/KV/DO bindings and provider base
 * URLs pointing at a fake upstream session. Streams are read before the execution context is
 * awaited, since the stream producer itself runs in waitUntil.
 */
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { app } from "../../src/app";
import type { Env } from "../../src/env";

export const MANAGEMENT_KEY = "lr_mgmt_test_bootstrap_key_0000000000";

export interface Gateway {
  env: Env;
  fetch(path: string, init?: RequestInit): Promise<Response>;
  /** Waits for everything the gateway scheduled with waitUntil (settlement, usage records). */
  settled(): Promise<void>;
  createKey(body?: Record<string, unknown>): Promise<{ key: string; hash: string; data: Record<string, unknown> }>;
}

export function gateway(extraEnv: Record<string, unknown> = {}): Gateway {
  const e = { ...env, ...extraEnv } as unknown as Env;
  const pending: Promise<void>[] = [];
  const g: Gateway = {
    env: e,
    async fetch(path, init) {
      const ctx = createExecutionContext();
      const res = await app.fetch(new Request(`http://gateway.test${path}`, init), e, ctx);
      pending.push(waitOnExecutionContext(ctx));
      return res;
    },
    async settled() {
      await Promise.all(pending.splice(0));
    },
    async createKey(body = {}) {
      const res = await g.fetch("/api/v1/keys", {
        method: "POST",
        headers: { authorization: `Bearer ${MANAGEMENT_KEY}`, "content-type": "application/json" },
        body: JSON.stringify({ name: "test", ...body }),
      });
      if (res.status !== 201) throw new Error(`createKey failed: ${res.status} ${await res.text()}`);
      const json = (await res.json()) as { key: string; data: Record<string, unknown> };
      return { key: json.key, hash: String(json.data.hash), data: json.data };
    },
  };
  return g;
}

export const jsonPost = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({
  method: "POST",
  headers: { "content-type": "application/json", ...headers },
  body: typeof body === "string" ? body : JSON.stringify(body),
});

/** The SSE reader lives in ./sse.ts (with the partial and JSON-array readers); kept here for existing imports. */
export { readSse } from "./sse";
