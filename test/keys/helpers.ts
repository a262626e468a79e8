import { createExecutionContext, env as testEnv, waitOnExecutionContext } from "cloudflare:test";
import { app } from "../../src/app";
import type { Env } from "../../src/env";
import { MANAGEMENT_KEY } from "../helpers/gateway";

export const env = testEnv as unknown as Env;
/** The management API is called through the real app: tests see the error envelope users get. */
export const MGMT = MANAGEMENT_KEY;


export interface CallResult<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export async function call<T = any>(
  method: string,
  path: string,
  opts: { token?: string | null; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
): Promise<CallResult<T>> {
  const headers = new Headers(opts.headers);
  const token = opts.token === undefined ? MGMT : opts.token;
  if (token) headers.set("authorization", `Bearer ${token}`);
  let body: string | undefined;
  if (opts.rawBody !== undefined) body = opts.rawBody;
  else if (opts.body !== undefined) body = JSON.stringify(opts.body);
  if (body !== undefined) headers.set("content-type", "application/json");
  const ctx = createExecutionContext();
  const res = await app.request(`http://arouter.test${path}`, { method, headers, body }, env, ctx);
  await waitOnExecutionContext(ctx);
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
}

/** Create an API key through the API; returns the plaintext and the key object. */
export async function createKey(fields: Record<string, unknown> = {}) {
  const r = await call("POST", "/api/v1/keys", { body: { name: "test key", ...fields } });
  if (r.status !== 201) throw new Error(`create failed: ${r.status} ${JSON.stringify(r.body)}`);
  return { key: r.body.key as string, hash: r.body.data.hash as string, data: r.body.data };
}
