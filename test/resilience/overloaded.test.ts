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
import { expectBalancedBooks, rowOf } from "../helpers/books";
import type { WireFormat } from "../helpers/fake-answers";
import { NO_OPENROUTER, type FakeStep } from "../helpers/fake-upstream";
import type { Gateway } from "../helpers/gateway";
import { rig } from "../helpers/rig";
import { SDK_BASE, sdkFetch, type SdkCall } from "../helpers/sdk-fetch";
import { readReply, type ReplyError } from "../helpers/surface-reply";
import { FRAMINGS, SURFACES, type Framing, type Surface } from "../helpers/surface-request";
import { MODEL_FOR, OVERLOADED_STATUS, plain } from "./helpers";

const LIMIT = 10;
const UPSTREAMS: WireFormat[] = ["anthropic", "gemini", "openai"];
/** The gateway's provider id for each upstream format's single-endpoint model. */
const PROVIDER: Record<WireFormat, string> = { anthropic: "anthropic", gemini: "google", openai: "openai" };

/** Each provider's real "overloaded" answer (status + body). */
const OVERLOAD: Record<WireFormat, { status: number; body: unknown; message: string }> = {
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

function overloaded(f: WireFormat, extra: FakeStep = {}, retryAfter?: string): FakeStep {
  const o = OVERLOAD[f];
  return { status: o.status, body: o.body, headers: retryAfter ? { "retry-after": retryAfter } : {}, ...extra };
}

/** Each format's own in-band "overloaded" stream event (the upstream answered 200, then this). */
function overloadedEvent(f: WireFormat): string {
  if (f === "anthropic") return `event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n`;
  if (f === "gemini") return `data: {"error":{"code":503,"message":"The model is overloaded. Please try again later.","status":"UNAVAILABLE"}}\r\n\r\n`;
  return `data: {"error":{"message":"Provider overloaded","code":503}}\n\n`;
}

/**
 * What an overloaded error looks like on each surface (the reply reader already checked the
 * envelope is the surface's own; `detail` is the error object as the caller got it).
 */
function expectOverloaded(surface: Surface, e: ReplyError, provider: string) {
  expect(e.message).toContain(`'${provider}'`);
  if (surface === "anthropic") {
    expect(e.type).toBe("overloaded_error");
  } else if (surface === "openai") {
    expect(e.detail.code).toBe(503);
    expect(e.type).toBe("overloaded_error");
    if (e.inBand) expect(e.detail.metadata).toEqual({ error_type: "overloaded" });
    else expect(e.detail.metadata?.provider_name).toBe(provider);
  } else {
    expect(e.detail.code).toBe(503);
    expect(e.type).toBe("UNAVAILABLE");
  }
}

async function expectOneFailureRecord(gw: Gateway, hash: string, id: string | null, surface: Surface, mode: Framing, provider: string) {
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

const cases = SURFACES.flatMap((surface) => FRAMINGS[surface].flatMap((mode) => UPSTREAMS.map((upstream) => [`${surface} surface, ${mode}, ${upstream} upstream`, surface, mode, upstream] as const)));

describe.concurrent("an overloaded upstream, no fallback left", () => {
  it.each(cases)("%s: the caller's overloaded error, Retry-After kept, one record", async (_n, surface, mode, upstream) => {
    const { up, gw, hash, ask } = await rig(`ovl-${surface}-${mode}-${upstream}`, { env: NO_OPENROUTER, key: { limit: LIMIT } });
    // 7 s is longer than RETRY_AFTER_MAX_MS: not waited out, the caller gets it.
    await up.script(overloaded(upstream, {}, "7"));
    const o = await ask(surface, plain(MODEL_FOR[upstream], mode));

    expect(o.status, o.raw).toBe(OVERLOADED_STATUS[surface]);
    expect(o.error!.inBand).toBe(false);
    expect(o.retryAfter).toBe("7");
    expectOverloaded(surface, o.error!, PROVIDER[upstream]);
    expect(o.error!.message).toContain(OVERLOAD[upstream].message);

    expect((await up.requests()).length, "no hidden retry").toBe(1);
    await expectOneFailureRecord(gw, hash, o.generationId, surface, mode, PROVIDER[upstream]);
  });
});

const streamCases = cases.filter(([, , mode]) => mode !== "json");

describe.concurrent("an overloaded error event before any content", () => {
  it.each(streamCases)("%s: an HTTP overloaded error (nothing was committed)", async (_n, surface, mode, upstream) => {
    const { up, gw, hash, ask } = await rig(`ovl-ev-${surface}-${mode}-${upstream}`, { env: NO_OPENROUTER, key: { limit: LIMIT } });
    await up.script({ chunks: [overloadedEvent(upstream)] });
    const o = await ask(surface, plain(MODEL_FOR[upstream], mode));

    expect(o.status, o.raw).toBe(OVERLOADED_STATUS[surface]);
    expect(o.retryAfter, "no Retry-After unless the upstream sent one").toBeNull();
    expect(o.error!.inBand).toBe(false);
    expectOverloaded(surface, o.error!, PROVIDER[upstream]);
    expect((await up.requests()).length).toBe(1);
    await expectOneFailureRecord(gw, hash, o.generationId, surface, mode, PROVIDER[upstream]);
  });
});

// SSE only: the JSON-array framing has no keep-alive, so nothing is committed before content.
const committedCases = cases.filter(([, , mode]) => mode === "sse");

describe.concurrent("an overloaded upstream after keep-alives committed the stream", () => {
  it.each(committedCases)("%s: one in-band overloaded error in the caller's format", async (_n, surface, mode, upstream) => {
    const { up, gw, hash, ask } = await rig(`ovl-ka-${surface}-${upstream}`, { env: { ...NO_OPENROUTER, STREAM_KEEPALIVE_MS: "30" }, key: { limit: LIMIT } });
    await up.script(overloaded(upstream, { firstByteDelayMs: 250 }));
    const o = await ask(surface, plain(MODEL_FOR[upstream], mode));

    expect(o.status, o.raw).toBe(200);
    expect(o.keepAlives, o.raw).toBeGreaterThan(0);
    expect(o.error?.inBand, o.raw).toBe(true);
    expect(o.text).toBe("");
    // (one error event, the stream's last: checked by the reader)
    expectOverloaded(surface, o.error!, PROVIDER[upstream]);
    expect((await up.requests()).length).toBe(1);
    await expectOneFailureRecord(gw, hash, o.generationId, surface, mode, PROVIDER[upstream]);
  });
});

/** Models with a second endpoint (OpenRouter, OpenAI format) behind the provider's own. */
const TWO_ENDPOINTS: Record<WireFormat, { model: string; primary: string; openrouterModel: string }> = {
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
    const { up, gw, hash, ask } = await rig(`ovl-fb-${surface}-${mode}-${upstream}`, { key: { limit: LIMIT } });
    const two = TWO_ENDPOINTS[upstream];
    await up.script(overloaded(upstream, { match: two.primary }, "7"));
    const o = await ask(surface, plain(two.model, mode));
    expect(o.ok, JSON.stringify(o.error)).toBe(true);
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
    const { up, gw, hash, ask } = await rig(`ovl-all-${surface}-${upstream}`, { key: { limit: LIMIT } });
    const two = TWO_ENDPOINTS[upstream];
    await up.script([overloaded(upstream, { match: two.primary }, "7"), overloaded("openai", { match: "/openrouter/" }, "9")]);
    const o = await ask(surface, plain(two.model, mode));
    expect(o.status, o.raw).toBe(OVERLOADED_STATUS[surface]);
    expect(o.retryAfter).toBe("9");
    const e = o.error!;
    expect(e.inBand).toBe(false);
    expectOverloaded(surface, e, "openrouter");
    expect(e.message).toMatch(/^All 2 endpoints failed/);
    expect(e.message).toContain(`'${PROVIDER[upstream]}'`);
    expect((await up.requests()).length).toBe(2);
    await expectOneFailureRecord(gw, hash, o.generationId, surface, mode, "openrouter");
  });

  it("the final error decides: primary overloaded, then OpenRouter 500 → a plain upstream error (502 api_error)", async () => {
    const { up, gw, hash, ask } = await rig("ovl-last-500", { key: { limit: LIMIT } });
    await up.script([overloaded("anthropic", { match: "/anthropic/" }), { match: "/openrouter/", status: 500 }]);
    const o = await ask("anthropic", plain(TWO_ENDPOINTS.anthropic.model, "json"));
    expect(o.status, o.raw).toBe(502);
    expect(o.error!.type).toBe("api_error");
    const b = await expectBalancedBooks(gw, hash, LIMIT, 1);
    expect(rowOf(b, o.generationId).status).toBe(502);
  });
});

describe.concurrent("embeddings: the same error model", () => {
  it("OpenAI surface: an overloaded OpenAI upstream → 503 overloaded_error, Retry-After kept, one record", async () => {
    const { up, gw, hash, post } = await rig("ovl-emb-openai", { key: { limit: LIMIT } });
    await up.script(overloaded("openai", { match: "/openai/" }, "7"));
    const res = await post("openai", "/v1/embeddings", { model: "openai/text-embedding-3-small", input: "hi" });
    const o = await readReply({ surface: "openai", framing: "json" }, res);
    expect(o.status, o.raw).toBe(503);
    expect(o.retryAfter).toBe("7");
    expectOverloaded("openai", o.error!, "openai");
    expect((await up.requests()).length).toBe(1);
    const b = await expectBalancedBooks(gw, hash, LIMIT, 1);
    expect(rowOf(b, o.generationId)).toMatchObject({ surface: "embeddings", provider: "openai", status: 503, cost_micros: 0 });
  });

  it("Gemini surface: an overloaded Google upstream → 503 UNAVAILABLE, one record", async () => {
    const { up, gw, hash, post } = await rig("ovl-emb-gemini", { key: { limit: LIMIT } });
    await up.script(overloaded("gemini", { match: "/gemini/" }));
    const res = await post("gemini", "/v1beta/models/gemini-embedding-001:embedContent", { content: { parts: [{ text: "hi" }] } });
    const o = await readReply({ surface: "gemini", framing: "json" }, res);
    expect(o.status, o.raw).toBe(503);
    expect(o.retryAfter).toBeNull();
    expectOverloaded("gemini", o.error!, "google");
    expect((await up.requests()).length).toBe(1);
    const b = await expectBalancedBooks(gw, hash, LIMIT, 1);
    expect(rowOf(b, o.generationId)).toMatchObject({ surface: "embeddings", provider: "google", status: 503, cost_micros: 0 });
  });
});

/**
 * The official SDKs, unchanged, as clients (fetch routed into the app in-process): each sees its
 * own typed "overloaded" error, and its retry logic takes it (one retry, then the answer).
 */
describe.concurrent("the official SDKs retry it", () => {
  async function sdkSetup(name: string, upstream: WireFormat) {
    const { up, gw, key } = await rig(name, { env: NO_OPENROUTER, key: { limit: LIMIT } });
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
