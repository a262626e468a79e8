/**
 * A test's rig: a fresh fake-upstream session, the gateway wired to it, and an API key; with ways
 * to call each surface as its callers do (from an Intent, or a hand-written body) and to see which
 * providers the fake received.
 */
import { describeCall, fakeSession, isChatCall, type FakeSession } from "./fake-upstream";
import { gateway, jsonPost, type Gateway } from "./gateway";
import { ask } from "./surface-reply";
import type { Reply } from "./reply-shape";
import { authHeaders, surfaceCall, type Intent, type Surface, type SurfaceCall } from "./surface-request";

export interface RigOptions {
  /** Extra gateway env (may depend on the session, e.g. onlyProviders(up, …), and be built asynchronously). */
  env?: Record<string, unknown> | ((up: FakeSession) => Record<string, unknown> | Promise<Record<string, unknown>>);
  /** Fields of the key created for the rig (limit, rate_limit, …). */
  key?: Record<string, unknown>;
}

export interface Rig {
  up: FakeSession;
  gw: Gateway;
  key: string;
  hash: string;
  /** The key object as created. */
  keyData: Record<string, unknown>;
  /** A request from an intent, with this rig's key. */
  call(surface: Surface, intent: Intent): SurfaceCall;
  /** Sends a built request; the raw response. */
  send(call: SurfaceCall): Promise<Response>;
  /** Builds, sends and reads a request. */
  ask(surface: Surface, intent: Intent): Promise<Reply>;
  /** POSTs a hand-written body to a path, the key where the surface's SDK puts it. */
  post(surface: Surface, path: string, body: unknown, headers?: Record<string, string>): Promise<Response>;
  /** POST /v1/chat/completions. */
  chat(body: unknown, headers?: Record<string, string>): Promise<Response>;
  /** POST /v1/messages. */
  messages(body: unknown, headers?: Record<string, string>): Promise<Response>;
  /** POST /v1beta/models/{model}:{action}{query}. */
  gemini(model: string, action: string, body: unknown, query?: string): Promise<Response>;
  /** Chat requests the fake received, as `provider:model` in arrival order. */
  hits(): Promise<string[]>;
}

export async function rig(name: string, opts: RigOptions = {}): Promise<Rig> {
  const up = fakeSession(name);
  const gw = gateway({ ...up.env, ...(await (typeof opts.env === "function" ? opts.env(up) : opts.env)) });
  const { key, hash, data } = await gw.createKey(opts.key);
  const post = (surface: Surface, path: string, body: unknown, headers: Record<string, string> = {}) =>
    gw.fetch(path, jsonPost(body, { ...authHeaders(surface, key), ...headers }));
  return {
    up,
    gw,
    key,
    hash,
    keyData: data,
    call: (surface, intent) => surfaceCall(surface, key, intent),
    send: (call) => gw.fetch(call.path, call.init),
    ask: (surface, intent) => ask(gw, surfaceCall(surface, key, intent)),
    post,
    chat: (body, headers) => post("openai", "/v1/chat/completions", body, headers),
    messages: (body, headers) => post("anthropic", "/v1/messages", body, headers),
    gemini: (model, action, body, query = "") => post("gemini", `/v1beta/models/${model}:${action}${query}`, body),
    hits: async () => (await up.requests()).filter(isChatCall).map(describeCall),
  };
}
