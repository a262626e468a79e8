/**
 * Client for the fake upstream (scripts/fake-upstream.mjs), usable from tests running inside workerd
 * (plain fetch to loopback; no node:fs).
 *
 *   const up = fakeSession("retries");
 *   await up.script([{ status: 429, headers: { "retry-after": "1" } }]);   // then default answers
 *   const res = await callGateway({ ...env, ...up.env }, …);
 *   expect((await up.requests()).length).toBe(2);
 *
 * Every session has its own script queue, request log and abort counter, so tests can run in parallel.
 */
import { describe, inject, it } from "vitest";
import FAKE_PROVIDER_TABLE from "../../scripts/fake-upstream/providers.json";

/** One scripted response. Steps are consumed FIFO by the session's requests whose path contains `match`. */
export interface FakeStep {
  /** Only requests whose path (+query, session prefix removed) contains this substring consume the step. */
  match?: string;
  /** HTTP status. Alone and ≥ 400, produces an error body in the provider's own format. */
  status?: number;
  /** Extra/overriding response headers, e.g. { "retry-after": "2" }. */
  headers?: Record<string, string>;
  /** Response body: a string is sent verbatim, anything else as JSON. */
  body?: unknown;
  /** Raw strings written one by one (stream); content-type guessed (SSE when it starts with data:/event:). */
  chunks?: string[];
  /** Delay between chunks (ms). Also applies to default and fixture streams. */
  chunkDelayMs?: number;
  /** Delay before the status line/headers (ms). */
  firstByteDelayMs?: number;
  /**
   * - "hang": accept the request, never answer (counts as aborted once the client goes away)
   * - "reset": destroy the socket without answering
   * - "reset-after": send headers + the first `resetAfterChunks` chunks (default 1), then destroy the socket
   * - "stall": send headers + the first `stallAfterChunks` chunks (default all), then stay silent and open
   * - "truncate": send the chunks and end normally (omit the terminator from `chunks` yourself)
   */
  fault?: "hang" | "reset" | "reset-after" | "stall" | "truncate";
  resetAfterChunks?: number;
  stallAfterChunks?: number;
  /** A valid response of about this many bytes in the request's format (stream or not). */
  size?: number;
  /** Serve a recorded file from the shared fixtures (path relative to the fixtures dir). */
  sharedFixture?: string;
  /**
   * Binary protocols (Bedrock's event stream): events the protocol's plugin encodes, e.g.
   * `{type: "contentBlockDelta", payload: {...}}`, `{exception: "throttlingException", message}`,
   * `{corrupt: true}` (a frame with a bad checksum). See scripts/fake-upstream/bedrock.mjs.
   */
  events?: Array<Record<string, unknown>>;
  /** Error message for the auto-generated error body (with status ≥ 400 and no body). */
  message?: string;
  /** Queue this step this many times (default 1). */
  times?: number;
}

export interface RecordedRequest {
  method: string;
  /** Path without the /s/<session> prefix, e.g. "/openai/v1/chat/completions". */
  path: string;
  query: Record<string, string>;
  /** Lowercased header names. */
  headers: Record<string, string>;
  /** Parsed JSON when the body is JSON, the text otherwise, null when empty. */
  body: any;
  /** Arrival time (ms since epoch). */
  at: number;
  /** The client went away before the response finished. */
  aborted: boolean;
  /** Whether a scripted step answered it. */
  scripted?: boolean;
}

export interface FakeSessionConfig {
  /** Number of text pieces (content chunks) in default answers. */
  chunks?: number;
  chunkDelayMs?: number;
  firstByteDelayMs?: number;
  /** Record requests (default true). */
  record?: boolean;
  /** Validate request bodies like the real API would (default true). */
  validate?: boolean;
  /** Require the provider's auth header (default true; Ollama never requires one). */
  auth?: boolean;
  /** Fake Google OAuth: verify assertions with this SPKI PEM public key. */
  oauthPublicKey?: string;
  /** Fake Google OAuth: expires_in of the tokens it issues (default 3599). */
  oauthExpiresIn?: number;
  /** Fake Azure: the only deployments that exist. */
  azureDeployments?: string[];
  /** Fake Cloudflare AI Gateway: require `cf-aig-authorization: Bearer <token>`. */
  aigToken?: string;
}

/** Provider → path suffix under the session base URL, and the dummy key the fake accepts (the fake's own table). */
export const FAKE_PROVIDERS: Record<keyof typeof FAKE_PROVIDER_TABLE, { path: string; key: string | null }> = FAKE_PROVIDER_TABLE;

export type FakeProviderName = keyof typeof FAKE_PROVIDERS;

export interface FakeSession {
  id: string;
  /** http://127.0.0.1:PORT/s/<id> */
  baseUrl: string;
  /** <NAME>_BASE_URL for every provider (pointing at this session) + dummy <NAME>_API_KEY values. */
  env: Record<string, string>;
  /** Base URL of one provider, e.g. url("OPENAI") → …/s/<id>/openai/v1. */
  url(provider: FakeProviderName): string;
  script(steps: FakeStep | FakeStep[]): Promise<void>;
  configure(config: FakeSessionConfig): Promise<void>;
  requests(): Promise<RecordedRequest[]>;
  lastRequest(): Promise<RecordedRequest | undefined>;
  /** Number of requests whose client went away before the response finished. */
  aborted(): Promise<number>;
  /** Scripted steps not consumed yet. */
  pending(): Promise<number>;
  /** Poll until `aborted() >= n` (abort detection is asynchronous); returns the count. */
  waitForAborted(n?: number, timeoutMs?: number): Promise<number>;
  /** Poll until at least n requests were recorded; returns them. */
  waitForRequests(n: number, timeoutMs?: number): Promise<RecordedRequest[]>;
  reset(): Promise<void>;
}

export function fakeUpstreamUrl(): string {
  return inject("fakeUpstreamUrl");
}

let counter = 0;

async function control(method: string, path: string, body?: unknown): Promise<any> {
  const res = await fetch(fakeUpstreamUrl() + path, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`fake-upstream control ${method} ${path} → ${res.status}: ${text}`);
  return text ? JSON.parse(text) : null;
}

/** Waits `ms` (pacing requests against the fake's scripted delays; never a timing assertion). */
export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A fresh, isolated session on the fake upstream. */
export function fakeSession(name = "t"): FakeSession {
  const id = `${name.replace(/[^A-Za-z0-9_-]/g, "-")}-${Date.now().toString(36)}-${(counter++).toString(36)}${Math.random().toString(36).slice(2, 8)}`;
  const baseUrl = `${fakeUpstreamUrl()}/s/${id}`;
  const env: Record<string, string> = {};
  for (const [name, p] of Object.entries(FAKE_PROVIDERS)) {
    env[`${name}_BASE_URL`] = baseUrl + p.path;
    if (p.key) env[`${name}_API_KEY`] = p.key;
  }
  const ctl = `/__control/${encodeURIComponent(id)}`;
  const log = async () => (await control("GET", `${ctl}/requests`)) as { requests: RecordedRequest[]; aborted: number; pending: number };
  const session: FakeSession = {
    id,
    baseUrl,
    env,
    url: (provider) => baseUrl + FAKE_PROVIDERS[provider].path,
    async script(steps) {
      await control("POST", `${ctl}/script`, { responses: Array.isArray(steps) ? steps : [steps] });
    },
    async configure(config) {
      await control("POST", `${ctl}/config`, config);
    },
    requests: async () => (await log()).requests,
    lastRequest: async () => (await log()).requests.at(-1),
    aborted: async () => (await log()).aborted,
    pending: async () => (await log()).pending,
    async waitForAborted(n = 1, timeoutMs = 3000) {
      const end = Date.now() + timeoutMs;
      for (;;) {
        const a = (await log()).aborted;
        if (a >= n || Date.now() > end) return a;
        await sleep(20);
      }
    },
    async waitForRequests(n, timeoutMs = 3000) {
      const end = Date.now() + timeoutMs;
      for (;;) {
        const r = (await log()).requests;
        if (r.length >= n || Date.now() > end) return r;
        await sleep(20);
      }
    },
    async reset() {
      await control("DELETE", ctl);
    },
  };
  return session;
}

/** Whether the shared recorded fixtures exist (use with it.skipIf(!sharedFixturesAvailable())). */
export function sharedFixturesAvailable(): boolean {
  return inject("sharedFixturesAvailable") === true;
}

/**
 * A suite that replays the shared fixtures: skipped where ../shared/fixtures is absent, except
 * with CI=true, where its absence is a failure (a replay suite that silently skips proves nothing).
 */
export function describeWithSharedFixtures(name: string, fn: () => void): void {
  if (sharedFixturesAvailable()) describe(name, fn);
  else if (inject("sharedFixturesRequired") === true) {
    describe(name, () => it("needs ../shared/fixtures (CI=true)", () => {
      throw new Error("../shared/fixtures is missing: CI must run with the shared recordings beside the repo");
    }));
  } else describe.skip(name, fn);
}

/** Relative paths of all shared fixture files ([] when absent). */
export async function listSharedFixtures(): Promise<string[]> {
  return (await control("GET", "/__fixtures/list")) as string[];
}

/** Text of one shared fixture file (path relative to the fixtures dir). */
export async function readSharedFixture(path: string): Promise<string> {
  const res = await fetch(`${fakeUpstreamUrl()}/__fixtures/file?path=${encodeURIComponent(path)}`);
  if (!res.ok) throw new Error(`fake-upstream: cannot read shared fixture ${path}: ${res.status} ${await res.text()}`);
  return res.text();
}

/** A shared fixture parsed as JSON. */
export async function readSharedFixtureJson<T = any>(path: string): Promise<T> {
  return JSON.parse(await readSharedFixture(path)) as T;
}

/** Env overrides that switch off every provider of a session except the named ones (the session enables all). */
export function onlyProviders(up: Pick<FakeSession, "env">, ...names: FakeProviderName[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(up.env)) {
    const name = k.replace(/_(API_KEY|BASE_URL)$/, "");
    if (!(names as string[]).includes(name)) out[k] = "";
  }
  return out;
}

/** A recorded request for a chat answer (any wire format). */
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

/**
 * Env overrides that switch off the OpenRouter endpoint the catalog lists for most models: for
 * tests whose premise is a single endpoint (no fallback to hide a failure).
 */
export const NO_OPENROUTER: Record<string, string> = { OPENROUTER_API_KEY: "" };
