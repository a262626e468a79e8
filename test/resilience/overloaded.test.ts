/**
 * Overloaded upstreams: Anthropic's 529 overloaded_error, Google's 503 UNAVAILABLE and an
 * OpenAI(-compatible) 503 reach the caller, once no fallback is left, as an "overloaded" error in
 * the caller's own format, so the caller's SDK retries it:
 * - Anthropic surface: HTTP 529 `{"type":"error","error":{"type":"overloaded_error",…}}`
 *   (docs.anthropic.com/en/api/errors; the SDKs retry 529 / overloaded_error);
 * - OpenAI surface: HTTP 503 `{"error":{"code":503,"type":"overloaded_error",…}}` (the OpenAI SDKs
 *   retry 503; `code` is the HTTP status, OpenRouter's convention);
 * - Gemini surface: HTTP 503 `{"error":{"code":503,"status":"UNAVAILABLE",…}}` (Google's own
 *   answer when a model is overloaded; the GenAI SDKs retry 503).
 * The upstream's Retry-After is kept; a stream already committed (keep-alives) carries the same
 * type in-band. Fallback is unchanged: an overloaded endpoint is skipped for the next one. Every
 * case ends with one usage record (status 503, nothing charged) and no reservation left open.
 */
import Anthropic from "@anthropic-ai/sdk";
import { ApiError, GoogleGenAI } from "@google/genai";
import OpenAI from "openai";
import { beforeEach, describe, expect, it } from "vitest";
import { resetHealth } from "../../src/routing/health";
import { fakeSession, type FakeStep } from "../helpers/fake-upstream";
import { gateway } from "../helpers/gateway";
import { SDK_BASE, sdkFetch, type SdkCall } from "../matrix/harness";
import {
  MODEL_FOR, MODES, OVERLOADED_STATUS, SURFACES, buildCall, expectBalancedBooks, readOutcome, rowOf,
  type Format, type Mode, type Surface,
} from "./helpers";
// The catalog lists OpenRouter's endpoint of most models; tests whose premise is a single endpoint disable it.
const NO_OPENROUTER = { OPENROUTER_API_KEY: "" };

const LIMIT = 10;
const UPSTREAMS: Format[] = ["anthropic", "gemini", "openai"];
/** The gateway's provider id for each upstream format's single-endpoint model. */
const PROVIDER: Record<Format, string> = { anthropic: "anthropic", gemini: "google", openai: "openai" };

/** Each provider's real "overloaded" answer (status + body). */
const OVERLOAD: Record<Format, { status: number; body: unknown; message: string }> = {
  // docs.anthropic.com/en/api/errors: 529 overloaded_error.
  anthropic: {
    status: 529,
    body: { type: "error", error: { type: "overloaded_error", message: "Overloaded" }, request_id: "req_011CSHoEeqs5C35K2UUqR7Fy" },
    message: "Overloaded",
  },
  // ai.google.dev/gemini-api/docs/troubleshooting: 503 UNAVAILABLE, "The model is overloaded".
  gemini: {
    status: 503,
    body: { error: { code: 503, message: "The model is overloaded. Please try again later.", status: "UNAVAILABLE" } },
    message: "The model is overloaded. Please try again later.",
  },
  // OpenAI: 503 server_error "The server is overloaded or not ready yet."
  openai: {
    status: 503,
    body: { error: { message: "The server is overloaded or not ready yet.", type: "server_error", param: null, code: null } },
    message: "The server is overloaded or not ready yet.",
  },
};

function overloaded(f: Format, extra: FakeStep = {}, retryAfter?: string): FakeStep {
  const o = OVERLOAD[f];
  return { status: o.status, body: o.body, headers: retryAfter ? { "retry-after": retryAfter } : {}, ...extra };
}

/** Each format's own in-band "overloaded" stream event (the upstream answered 200, then this). */
function overloadedEvent(f: Format): string {
  if (f === "anthropic") return `event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n`;
  if (f === "gemini") return `data: {"error":{"code":503,"message":"The model is overloaded. Please try again later.","status":"UNAVAILABLE"}}\r\n\r\n`;
  return `data: {"error":{"message":"Provider overloaded","code":503}}\n\n`;
}

interface CallerError {
  /** HTTP status, or the in-band error's own status/code where the format has one. */
  code?: number;
  /** The caller-format type: Anthropic error.type, OpenAI error.type, Gemini error.status. */
  type: string;
  message: string;
  metadata?: Record<string, unknown>;
}

/** The error of an HTTP error body in the caller's format. */
function httpError(surface: Surface, raw: string): CallerError {
  const body = JSON.parse(raw);
  if (surface === "anthropic") {
    expect(body.type, raw).toBe("error");
    return { type: body.error.type, message: body.error.message };
  }
  if (surface === "openai") return { code: body.error.code, type: body.error.type, message: body.error.message, metadata: body.error.metadata };
  return { code: body.error.code, type: body.error.status, message: body.error.message };
}

/** The in-band error of a committed stream in the caller's format. */
function inBandError(surface: Surface, mode: Mode, raw: string): CallerError {
  const elements: any[] =
    mode === "json-array"
      ? JSON.parse(raw)
      : raw.split(/\r?\n/).filter((l) => l.startsWith("data:")).map((l) => l.slice(5).trim()).filter((d) => d !== "[DONE]").map((d) => JSON.parse(d));
  const errors = elements.filter((e) => e?.error);
  expect(errors.length, raw).toBe(1);
  const e = errors[0].error;
  if (surface === "anthropic") return { type: e.type, message: e.message };
  if (surface === "openai") return { code: e.code, type: e.type, message: e.message, metadata: e.metadata };
  return { code: e.code, type: e.status, message: e.message };
}

/** What an overloaded error looks like on each surface. */
function expectOverloaded(surface: Surface, e: CallerError, provider: string, inBand = false) {
  expect(e.message).toContain(`'${provider}'`);
  if (surface === "anthropic") {
    expect(e.type).toBe("overloaded_error");
  } else if (surface === "openai") {
    expect(e.code).toBe(503);
    expect(e.type).toBe("overloaded_error");
    if (inBand) expect(e.metadata).toEqual({ error_type: "overloaded" });
    else expect(e.metadata?.provider_name).toBe(provider);
  } else {
    expect(e.code).toBe(503);
    expect(e.type).toBe("UNAVAILABLE");
  }
}

async function expectOneFailureRecord(gw: ReturnType<typeof gateway>, hash: string, id: string | null, surface: Surface, mode: Mode, provider: string) {
  const b = await expectBalancedBooks(gw, hash, LIMIT, 1);
  const row = rowOf(b, id);
  expect(row.surface).toBe(surface);
  expect(row.streamed).toBe(mode === "json" ? 0 : 1);
  expect(row.provider).toBe(provider);
  // The gateway's surface-neutral status (the Anthropic surface's 529 is a 503), nothing charged.
  expect(row.status).toBe(503);
  expect(row.cost_micros).toBe(0);
  expect(row.completion_tokens).toBe(0);
}

const cases = SURFACES.flatMap((surface) => MODES[surface].flatMap((mode) => UPSTREAMS.map((upstream) => [`${surface} surface, ${mode}, ${upstream} upstream`, surface, mode, upstream] as const)));

describe.concurrent("an overloaded upstream, no fallback left", () => {
  it.each(cases)("%s: the caller's overloaded error, Retry-After kept, one record", async (_n, surface, mode, upstream) => {
    const up = fakeSession(`ovl-${surface}-${mode}-${upstream}`);
    const gw = gateway({ ...up.env, ...NO_OPENROUTER });
    const { key, hash } = await gw.createKey({ limit: LIMIT });
    // 7 s is longer than RETRY_AFTER_MAX_MS: not waited out, the caller gets it.
    await up.script(overloaded(upstream, {}, "7"));
    const call = buildCall({ surface, model: MODEL_FOR[upstream], mode }, key);
    const res = await gw.fetch(call.path, call.init);
    const raw = await res.clone().text();
    const o = await readOutcome(surface, mode, res);

    expect(o.status, raw).toBe(OVERLOADED_STATUS[surface]);
    expect(o.inBand).toBe(false);
    expect(o.retryAfter).toBe("7");
    const e = httpError(surface, raw);
    expectOverloaded(surface, e, PROVIDER[upstream]);
    expect(e.message).toContain(OVERLOAD[upstream].message);

    expect((await up.requests()).length, "no hidden retry").toBe(1);
    await expectOneFailureRecord(gw, hash, o.generationId, surface, mode, PROVIDER[upstream]);
  });
});

const streamCases = cases.filter(([, , mode]) => mode !== "json");

describe.concurrent("an overloaded error event before any content", () => {
  it.each(streamCases)("%s: an HTTP overloaded error (nothing was committed)", async (_n, surface, mode, upstream) => {
    const up = fakeSession(`ovl-ev-${surface}-${mode}-${upstream}`);
    const gw = gateway({ ...up.env, ...NO_OPENROUTER });
    const { key, hash } = await gw.createKey({ limit: LIMIT });
    await up.script({ chunks: [overloadedEvent(upstream)] });
    const call = buildCall({ surface, model: MODEL_FOR[upstream], mode }, key);
    const res = await gw.fetch(call.path, call.init);
    const raw = await res.clone().text();
    const o = await readOutcome(surface, mode, res);

    expect(o.status, raw).toBe(OVERLOADED_STATUS[surface]);
    expect(o.retryAfter, "no Retry-After unless the upstream sent one").toBeNull();
    expectOverloaded(surface, httpError(surface, raw), PROVIDER[upstream]);
    expect((await up.requests()).length).toBe(1);
    await expectOneFailureRecord(gw, hash, o.generationId, surface, mode, PROVIDER[upstream]);
  });
});

// SSE only: the JSON-array framing has no keep-alive, so nothing is committed before content.
const committedCases = cases.filter(([, , mode]) => mode === "sse");

describe.concurrent("an overloaded upstream after keep-alives committed the stream", () => {
  it.each(committedCases)("%s: one in-band overloaded error in the caller's format", async (_n, surface, mode, upstream) => {
    const up = fakeSession(`ovl-ka-${surface}-${upstream}`);
    const gw = gateway({ ...up.env, ...NO_OPENROUTER, STREAM_KEEPALIVE_MS: "30" });
    const { key, hash } = await gw.createKey({ limit: LIMIT });
    await up.script(overloaded(upstream, { firstByteDelayMs: 250 }));
    const call = buildCall({ surface, model: MODEL_FOR[upstream], mode }, key);
    const res = await gw.fetch(call.path, call.init);
    const raw = await res.clone().text();
    const o = await readOutcome(surface, mode, res);

    expect(o.status, raw).toBe(200);
    expect(o.keepAlives, raw).toBeGreaterThan(0);
    expect(o.inBand, raw).toBe(true);
    expect(o.text).toBe("");
    const e = inBandError(surface, mode, raw);
    expectOverloaded(surface, e, PROVIDER[upstream], true);
    expect((await up.requests()).length).toBe(1);
    await expectOneFailureRecord(gw, hash, o.generationId, surface, mode, PROVIDER[upstream]);
  });
});

/** Models with a second endpoint (OpenRouter, OpenAI format) behind the provider's own. */
const TWO_ENDPOINTS: Record<Format, { model: string; primary: string; openrouterModel: string }> = {
  anthropic: { model: "anthropic/claude-sonnet-4", primary: "/anthropic/", openrouterModel: "anthropic/claude-sonnet-4" },
  gemini: { model: "google/gemini-2.5-flash", primary: "/gemini/", openrouterModel: "google/gemini-2.5-flash" },
  openai: { model: "openai/gpt-4o-mini", primary: "/openai/v1/", openrouterModel: "openai/gpt-4o-mini" },
};

// Sequential, health reset before each: endpoint health is per isolate, and a Retry-After cools
// the endpoint that sent it down.
describe("fallback is unchanged", () => {
  beforeEach(() => resetHealth());

  const fbCases = SURFACES.flatMap((surface) =>
    (["json", "sse"] as const).flatMap((mode) => UPSTREAMS.map((upstream) => [`${surface} surface, ${mode}, ${upstream} primary`, surface, mode, upstream] as const)),
  );

  it.each(fbCases)("%s overloaded → the next endpoint answers, one record", async (_n, surface, mode, upstream) => {
    const up = fakeSession(`ovl-fb-${surface}-${mode}-${upstream}`);
    const gw = gateway(up.env);
    const { key, hash } = await gw.createKey({ limit: LIMIT });
    const two = TWO_ENDPOINTS[upstream];
    await up.script(overloaded(upstream, { match: two.primary }, "7"));
    const call = buildCall({ surface, model: two.model, mode }, key);
    const res = await gw.fetch(call.path, call.init);
    const o = await readOutcome(surface, mode, res);
    expect(o.ok, JSON.stringify(o)).toBe(true);
    expect(o.retryAfter).toBeNull();
    const reqs = await up.requests();
    expect(reqs.length).toBe(2);
    expect(reqs[0].path.startsWith(two.primary), reqs[0].path).toBe(true);
    expect(reqs[1].path).toBe("/openrouter/v1/chat/completions");
    expect(reqs[1].body.model).toBe(two.openrouterModel);

    const b = await expectBalancedBooks(gw, hash, LIMIT, 1);
    const row = rowOf(b, o.generationId);
    expect(row.provider).toBe("openrouter");
    expect(row.status).toBe(200);
    expect([row.prompt_tokens, row.completion_tokens]).toEqual([o.usage!.input, o.usage!.output]);
  });

  const allCases = SURFACES.flatMap((surface, i) =>
    UPSTREAMS.map((upstream, j) => [`${surface} surface, ${(i + j) % 2 ? "sse" : "json"}, ${upstream} primary`, surface, (i + j) % 2 ? ("sse" as const) : ("json" as const), upstream] as const),
  );

  it.each(allCases)("%s and OpenRouter overloaded → the caller's overloaded error listing both, the last Retry-After", async (_n, surface, mode, upstream) => {
    const up = fakeSession(`ovl-all-${surface}-${upstream}`);
    const gw = gateway(up.env);
    const { key, hash } = await gw.createKey({ limit: LIMIT });
    const two = TWO_ENDPOINTS[upstream];
    await up.script([overloaded(upstream, { match: two.primary }, "7"), overloaded("openai", { match: "/openrouter/" }, "9")]);
    const call = buildCall({ surface, model: two.model, mode }, key);
    const res = await gw.fetch(call.path, call.init);
    const raw = await res.clone().text();
    const o = await readOutcome(surface, mode, res);
    expect(o.status, raw).toBe(OVERLOADED_STATUS[surface]);
    expect(o.retryAfter).toBe("9");
    const e = httpError(surface, raw);
    expectOverloaded(surface, e, "openrouter");
    expect(e.message).toMatch(/^All 2 endpoints failed/);
    expect(e.message).toContain(`'${PROVIDER[upstream]}'`);
    expect((await up.requests()).length).toBe(2);
    await expectOneFailureRecord(gw, hash, o.generationId, surface, mode, "openrouter");
  });

  it("the final error decides: primary overloaded, then OpenRouter 500 → a plain upstream error (502 api_error)", async () => {
    const up = fakeSession("ovl-last-500");
    const gw = gateway(up.env);
    const { key, hash } = await gw.createKey({ limit: LIMIT });
    await up.script([overloaded("anthropic", { match: "/anthropic/" }), { match: "/openrouter/", status: 500 }]);
    const call = buildCall({ surface: "anthropic", model: TWO_ENDPOINTS.anthropic.model, mode: "json" }, key);
    const res = await gw.fetch(call.path, call.init);
    const raw = await res.clone().text();
    const o = await readOutcome("anthropic", "json", res);
    expect(o.status, raw).toBe(502);
    expect(httpError("anthropic", raw).type).toBe("api_error");
    const b = await expectBalancedBooks(gw, hash, LIMIT, 1);
    expect(rowOf(b, o.generationId).status).toBe(502);
  });
});

describe.concurrent("embeddings: the same error model", () => {
  it("OpenAI surface: an overloaded OpenAI upstream → 503 overloaded_error, Retry-After kept, one record", async () => {
    const up = fakeSession("ovl-emb-openai");
    const gw = gateway(up.env);
    const { key, hash } = await gw.createKey({ limit: LIMIT });
    await up.script(overloaded("openai", { match: "/openai/" }, "7"));
    const res = await gw.fetch("/v1/embeddings", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
      body: JSON.stringify({ model: "openai/text-embedding-3-small", input: "hi" }),
    });
    const raw = await res.text();
    expect(res.status, raw).toBe(503);
    expect(res.headers.get("retry-after")).toBe("7");
    expectOverloaded("openai", httpError("openai", raw), "openai");
    expect((await up.requests()).length).toBe(1);
    const b = await expectBalancedBooks(gw, hash, LIMIT, 1);
    expect(rowOf(b, res.headers.get("x-generation-id"))).toMatchObject({ surface: "embeddings", provider: "openai", status: 503, cost_micros: 0 });
  });

  it("Gemini surface: an overloaded Google upstream → 503 UNAVAILABLE, one record", async () => {
    const up = fakeSession("ovl-emb-gemini");
    const gw = gateway(up.env);
    const { key, hash } = await gw.createKey({ limit: LIMIT });
    await up.script(overloaded("gemini", { match: "/gemini/" }));
    const res = await gw.fetch("/v1beta/models/gemini-embedding-001:embedContent", {
      method: "POST",
      headers: { "content-type": "application/json", "x-goog-api-key": key },
      body: JSON.stringify({ content: { parts: [{ text: "hi" }] } }),
    });
    const raw = await res.text();
    expect(res.status, raw).toBe(503);
    expect(res.headers.get("retry-after")).toBeNull();
    expectOverloaded("gemini", httpError("gemini", raw), "google");
    expect((await up.requests()).length).toBe(1);
    const b = await expectBalancedBooks(gw, hash, LIMIT, 1);
    expect(rowOf(b, res.headers.get("x-generation-id"))).toMatchObject({ surface: "embeddings", provider: "google", status: 503, cost_micros: 0 });
  });
});

/**
 * The official SDKs, unchanged, as clients (fetch routed into the app in-process): each sees its
 * own typed "overloaded" error, and its retry logic takes it (one retry, then the answer).
 */
describe.concurrent("the official SDKs retry it", () => {
  async function sdkSetup(name: string, upstream: Format) {
    const up = fakeSession(name);
    const gw = gateway({ ...up.env, ...NO_OPENROUTER });
    const { key } = await gw.createKey({ limit: LIMIT });
    const log: SdkCall[] = [];
    // The first call is answered "overloaded", the SDK's retry gets the default answer.
    await up.script([overloaded(upstream), overloaded(upstream)]);
    return { up, gw, key, log, fetch: sdkFetch(gw, log) };
  }

  it("@anthropic-ai/sdk: OverloadedError (529 overloaded_error), retried (google upstream 503)", async () => {
    const { up, key, log, fetch } = await sdkSetup("ovl-sdk-anthropic", "gemini");
    const body = { model: MODEL_FOR.gemini, max_tokens: 64, messages: [{ role: "user" as const, content: "Hi" }] };
    const noRetry = new Anthropic({ apiKey: key, baseURL: SDK_BASE, fetch, maxRetries: 0 });
    const err = await noRetry.messages.create(body).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.OverloadedError);
    expect((err as InstanceType<typeof Anthropic.OverloadedError>).status).toBe(529);
    expect((err as { error?: { error?: { type?: string } } }).error?.error?.type).toBe("overloaded_error");

    const client = new Anthropic({ apiKey: key, baseURL: SDK_BASE, fetch, maxRetries: 1 });
    const msg = await client.messages.create(body);
    expect(msg.content.length).toBeGreaterThan(0);
    expect(log.length, "one call, then the SDK's own retry of the overloaded one").toBe(3);
    expect((await up.requests()).length).toBe(3);
  });

  it("openai: a 503 APIError (overloaded_error), retried (anthropic upstream 529)", async () => {
    const { up, key, log, fetch } = await sdkSetup("ovl-sdk-openai", "anthropic");
    const body = { model: MODEL_FOR.anthropic, messages: [{ role: "user" as const, content: "Hi" }] };
    const noRetry = new OpenAI({ apiKey: key, baseURL: `${SDK_BASE}/v1`, fetch, maxRetries: 0 });
    const err = await noRetry.chat.completions.create(body).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(503);
    expect((err as InstanceType<typeof OpenAI.APIError>).type).toBe("overloaded_error");

    const client = new OpenAI({ apiKey: key, baseURL: `${SDK_BASE}/v1`, fetch, maxRetries: 1 });
    const res = await client.chat.completions.create(body);
    expect(res.choices[0].message.content).toBeTruthy();
    expect(log.length).toBe(3);
    expect((await up.requests()).length).toBe(3);
  });

  it("@google/genai: ApiError 503 (UNAVAILABLE), retried with retryOptions (openai upstream 503)", async () => {
    const { up, key, log, fetch } = await sdkSetup("ovl-sdk-google", "openai");
    const noRetry = new GoogleGenAI({ apiKey: key, httpOptions: { baseUrl: SDK_BASE, fetch } });
    const err = await noRetry.models.generateContent({ model: MODEL_FOR.openai, contents: "Hi" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(503);
    expect((err as ApiError).message).toContain("UNAVAILABLE");

    const ai = new GoogleGenAI({ apiKey: key, httpOptions: { baseUrl: SDK_BASE, fetch, retryOptions: { attempts: 2, initialDelay: 0.01 } } });
    const res = await ai.models.generateContent({ model: MODEL_FOR.openai, contents: "Hi" });
    expect(res.text).toBeTruthy();
    expect(log.length).toBe(3);
    expect((await up.requests()).length).toBe(3);
  });
});
