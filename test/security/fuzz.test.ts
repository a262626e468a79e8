/**
 * Property-based fuzzing of every surface (issue #11), with fast-check: generated malformed
 * bodies, model ids, output budgets, nesting, paths, headers, query strings and auth forms, each
 * guaranteed invalid (fuzz-surfaces.ts). Every answer must be a 4xx in the surface's own error
 * shape, within a time bound (a timeout on each request; not a speed assertion), and nothing may
 * reach an upstream (the fake upstream's request log stays empty), leave a usage record or write
 * storage. Seeded: a failure prints its seed and path to replay it.
 */
import fc from "fast-check";
import { runInDurableObject } from "cloudflare:test";
import { afterAll, describe, expect, it } from "vitest";
import { API_KEY_PREFIX, generateApiKey, hashKey } from "../../src/keys/crypto";
import { flushUsage, getKeySpend } from "../../src/spend/client";
import { fakeSession } from "../helpers/fake-upstream";
import { gateway, MANAGEMENT_KEY } from "../helpers/gateway";
import { stubFor } from "../spend/helpers";
import { CHAT_MODEL, EMBED_MODEL, managementCases, MODEL_SURFACES, type Body, type ErrorShape, type ModelSurface } from "./fuzz-surfaces";

const SEED = 0x11_2026;
const RUNS_PER_SURFACE = 200;
const REQUEST_TIMEOUT_MS = 5000;

const up = fakeSession("fuzz");
// Failed authentications are not rate limited here: the fuzzer sends hundreds from one client.
const gw = gateway({ ...up.env, AUTH_FAILURE_RATE_LIMIT: "off" });
let key = "";
let hash = "";
let cases = 0;
const strangerTokens: string[] = [];

type Defect =
  | { kind: "not-a-json-object"; text: string }
  | { kind: "model"; model: string }
  | { kind: "budget"; value: number }
  | { kind: "deep"; depth: number }
  | { kind: "wrong-type"; value: unknown }
  | { kind: "missing" }
  | { kind: "unknown-field"; name: string; value: unknown }
  | { kind: "auth"; headers: Record<string, string>; query?: string }
  | { kind: "anthropic-version"; value: string }
  | { kind: "path"; model: string }
  | { kind: "alt"; value: string };

const printable = (min: number, max: number) => fc.stringMatching(new RegExp(`^[!-~]{${min},${max}}$`));
const control = fc.integer({ min: 0, max: 31 }).map((c) => String.fromCharCode(c));
const badModel = fc.oneof(
  fc.tuple(printable(0, 20), fc.oneof(control, fc.constantFrom(" ", "\u007f", "é", "\u2028")), printable(0, 20)).map(([a, c, b]) => `${a}${c}${b}`),
  printable(257, 600),
  fc.integer({ min: 257, max: 20_000 }).map((n) => "m".repeat(n)),
);
const notJsonObject = fc
  .oneof(
    fc.string({ maxLength: 60 }),
    fc.jsonValue().filter((v) => typeof v !== "object" || v === null || Array.isArray(v)).map((v) => JSON.stringify(v)),
    printable(1, 40).map((s) => `{${s}`),
  )
  .filter((t) => {
    try {
      const v = JSON.parse(t);
      return typeof v !== "object" || v === null || Array.isArray(v);
    } catch {
      return true;
    }
  });
const notADate = fc.stringMatching(/^[A-Za-z0-9._-]{1,20}$/).filter((s) => !/^\d{4}-\d{2}-\d{2}$/.test(s) || Number.isNaN(Date.parse(`${s}T00:00:00Z`)));
const legacyJunk = fc.stringMatching(/^[0-9A-Za-z]{43}$/).map((s) => API_KEY_PREFIX + s);

function authDefects(s: ModelSurface): fc.Arbitrary<Defect> {
  const auth = (headers: Record<string, string>, query?: string): Defect => ({ kind: "auth", headers, query });
  const forms: fc.Arbitrary<Defect>[] = [
    fc.constant(auth({})),
    printable(1, 60).map((t) => auth({ authorization: `Basic ${t}` })),
    printable(1, 80).map((t) => auth({ authorization: `Bearer ${t}` })),
    printable(1, 80).map((t) => auth({ "x-api-key": t })),
    printable(1, 80).map((t) => auth({ "x-goog-api-key": t })),
    legacyJunk.map((t) => auth({ authorization: `Bearer ${t}` })),
    fc.constant(null).map(() => auth({ authorization: `Bearer ${generateApiKey()}` })),
    fc.constant(auth({ authorization: `Bearer ${MANAGEMENT_KEY}` })),
  ];
  if (s.auth === "google") forms.push(printable(1, 60).map((t) => auth({}, `key=${encodeURIComponent(t)}`)));
  else forms.push(fc.constant(null).map(() => auth({}, `key=${encodeURIComponent(key)}`))); // a real key, but only Gemini reads ?key=
  return fc.oneof(...forms);
}

function defects(s: ModelSurface): fc.Arbitrary<Defect> {
  const list: fc.Arbitrary<Defect>[] = [
    notJsonObject.map((text) => ({ kind: "not-a-json-object", text })),
    badModel.map((model) => ({ kind: "model", model })),
    fc.integer({ min: 101, max: 3000 }).map((depth) => ({ kind: "deep", depth })),
    s.wrongTypes.map((value) => ({ kind: "wrong-type", value })),
    fc.constant({ kind: "missing" }),
    authDefects(s),
  ];
  // 0 on its own: schemas refuse negatives already, so 0 is the budget only the gateway's check catches.
  if (s.budget) list.push(fc.oneof(fc.constant(0), fc.integer({ min: -1_000_000_000, max: 0 })).map((value) => ({ kind: "budget", value })));
  if (s.strict) list.push(fc.tuple(fc.stringMatching(/^zz_[a-z0-9]{1,10}$/), fc.jsonValue({ maxDepth: 3 })).map(([name, value]) => ({ kind: "unknown-field", name, value })));
  if (s.auth === "anthropic") list.push(notADate.map((value) => ({ kind: "anthropic-version", value })));
  if (s.shape === "gemini") list.push(fc.string({ maxLength: 20 }).filter((v) => v !== "json" && v !== "sse").map((value) => ({ kind: "alt", value })));
  if (s.modelIn === "path") {
    list.push(
      fc.oneof(
        fc.tuple(printable(0, 10).map(encodeURIComponent), fc.stringMatching(/^[G-Zg-z!*'()._~-]{0,2}$/)).map(([a, b]) => `${a}%${b}`),
        control.map((c) => `gemini${encodeURIComponent(c)}flash`),
      ).map((model) => ({ kind: "path", model })),
    );
  }
  return fc.oneof(...list);
}

function nestedArrays(depth: number): unknown {
  let v: unknown = [];
  for (let i = 1; i < depth; i++) v = [v];
  return v;
}

function setBudget(body: Body, field: NonNullable<ModelSurface["budget"]>, value: number): void {
  if (field === "generationConfig.maxOutputTokens") body.generationConfig = { ...(body.generationConfig as object), maxOutputTokens: value };
  else body[field] = value;
}

/** The request a surface gets for one defect (everything else valid). */
function build(s: ModelSurface, d: Defect): { path: string; init: RequestInit } {
  const model = s.name.includes("embed") ? EMBED_MODEL : CHAT_MODEL;
  const pathModel = d.kind === "path" ? d.model : d.kind === "model" && s.modelIn === "path" ? encodeURIComponent(d.model) : model;
  let path = s.path(pathModel);
  const body: Body = s.body(d.kind === "model" && s.modelIn === "body" ? d.model : model);
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (s.auth === "bearer") headers.authorization = `Bearer ${key}`;
  else if (s.auth === "anthropic") Object.assign(headers, { "x-api-key": key, "anthropic-version": "2023-06-01" });
  else headers["x-goog-api-key"] = key;
  let text: string | undefined;
  switch (d.kind) {
    case "not-a-json-object":
      text = d.text;
      break;
    case "budget":
      setBudget(body, s.budget!, d.value);
      break;
    case "deep":
      body.zz_deep = nestedArrays(d.depth);
      break;
    case "wrong-type":
      body[s.required] = d.value;
      break;
    case "missing":
      delete body[s.required];
      break;
    case "unknown-field":
      body[d.name] = d.value;
      break;
    case "anthropic-version":
      headers["anthropic-version"] = d.value;
      break;
    case "alt":
      path = path.replace(/[?&]alt=[^&]*/, "");
      path += `${path.includes("?") ? "&" : "?"}alt=${encodeURIComponent(d.value)}`;
      break;
    case "auth":
      for (const h of ["authorization", "x-api-key", "x-goog-api-key"]) delete headers[h];
      Object.assign(headers, d.headers);
      if (d.query) path += (path.includes("?") ? "&" : "?") + d.query;
      for (const v of Object.values(d.headers)) if (/lr_live_/.test(v)) strangerTokens.push(v.replace(/^Bearer /, ""));
      break;
  }
  return { path, init: { method: "POST", headers, body: text ?? JSON.stringify(body) } };
}

/** The answer, or a failure when it does not come within the bound (a hang). */
async function timed(path: string, init: RequestInit): Promise<{ status: number; contentType: string; body: string }> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms: ${init.method} ${path.slice(0, 120)}`)), REQUEST_TIMEOUT_MS);
  });
  try {
    return await Promise.race([
      (async () => {
        const res = await gw.fetch(path, init);
        return { status: res.status, contentType: res.headers.get("content-type") ?? "", body: await res.text() };
      })(),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** A 4xx in the surface's own error envelope. */
function expectRefusal(shape: ErrorShape, r: { status: number; contentType: string; body: string }, what: string): void {
  cases++;
  expect(r.status, `${what}: ${r.body.slice(0, 300)}`).toBeGreaterThanOrEqual(400);
  expect(r.status, `${what}: ${r.body.slice(0, 300)}`).toBeLessThan(500);
  expect(r.contentType, what).toContain("application/json");
  const body = JSON.parse(r.body);
  if (shape === "anthropic") {
    expect(body.type, what).toBe("error");
    expect(typeof body.error?.type, what).toBe("string");
    expect(typeof body.error?.message, what).toBe("string");
  } else if (shape === "responses") {
    expect(typeof body.error?.message, what).toBe("string");
    expect(typeof body.error?.type, what).toBe("string");
    expect(body.error?.code === null || typeof body.error?.code === "string", what).toBe(true);
  } else {
    expect(body.error?.code, what).toBe(r.status);
    expect(typeof body.error?.message, what).toBe("string");
    expect(typeof (shape === "openai" ? body.error?.type : body.error?.status), what).toBe("string");
  }
}

describe("fuzz: every surface answers malformed input with a 4xx in its own shape", () => {
  it("setup: one valid key", async () => {
    const created = await gw.createKey({ limit: 5 });
    key = created.key;
    hash = created.hash;
    expect(hash).toBe(await hashKey(key));
  });

  for (const surface of MODEL_SURFACES) {
    it(`${surface.name}: ${RUNS_PER_SURFACE} generated cases`, async () => {
      await fc.assert(
        fc.asyncProperty(defects(surface), async (d) => {
          const { path, init } = build(surface, d);
          expectRefusal(surface.shape, await timed(path, init), `${surface.name} / ${d.kind}`);
        }),
        { seed: SEED, numRuns: RUNS_PER_SURFACE },
      );
      expect(await up.requests(), "an upstream was called").toEqual([]);
    });
  }

  it(`model lookup paths with broken escapes: ${RUNS_PER_SURFACE} generated cases`, async () => {
    const broken = fc.tuple(printable(0, 30).map(encodeURIComponent), fc.stringMatching(/^[G-Zg-z!*'()._~-]{0,2}$/), printable(0, 10).map(encodeURIComponent)).map(([a, b, c]) => `${a}%${b}${c}`);
    const routes = fc.constantFrom(
      { prefix: "/v1/models/", shape: "openai" as const, google: false },
      { prefix: "/api/v1/models/", shape: "openai" as const, google: false },
      { prefix: "/v1/models/", shape: "gemini" as const, google: true },
      { prefix: "/v1beta/models/", shape: "gemini" as const, google: true },
    );
    await fc.assert(
      fc.asyncProperty(routes, broken, fc.boolean(), async (r, id, endpoints) => {
        const path = `${r.prefix}${id}${endpoints && !r.google ? "/endpoints" : ""}`;
        const headers: Record<string, string> = r.google ? { "x-goog-api-key": key } : { authorization: `Bearer ${key}` };
        expectRefusal(r.shape, await timed(path, { headers }), `GET ${path}`);
      }),
      { seed: SEED, numRuns: RUNS_PER_SURFACE },
    );
  });

  it(`management routes: ${RUNS_PER_SURFACE * 2} generated cases, plus auth forms`, async () => {
    const count = async (table: string) => (await gw.env.DB.prepare(`SELECT count(*) AS n FROM ${table}`).first<{ n: number }>())!.n;
    const before = { keys: await count("api_keys"), mgmt: await count("management_keys") };
    const mgmt = { authorization: `Bearer ${MANAGEMENT_KEY}`, "content-type": "application/json" };
    await fc.assert(
      fc.asyncProperty(managementCases(hash), async (c) => {
        const init: RequestInit = { method: c.method, headers: mgmt, body: c.body === undefined ? undefined : JSON.stringify(c.body) };
        expectRefusal("openai", await timed(c.path, init), `${c.method} ${c.path}`);
      }),
      { seed: SEED, numRuns: RUNS_PER_SURFACE * 2 },
    );
    const authForms = fc.oneof(
      fc.constant({}),
      printable(1, 80).map((t) => ({ authorization: `Bearer ${t}` })),
      fc.constant(null).map(() => ({ authorization: `Bearer ${key}` })), // an API key: 403
      fc.constant({ authorization: `Bearer ${MANAGEMENT_KEY}`, origin: "https://elsewhere.example" }), // cross-origin: 403
      fc.constant(null).map(() => ({ authorization: `Bearer lr_mgmt_${"A".repeat(49)}` })),
    );
    const routes = fc.constantFrom("/api/v1/keys", "/api/v1/management-keys", "/api/v1/activity", `/api/v1/keys/${hash}`);
    await fc.assert(
      fc.asyncProperty(authForms, routes, async (headers, path) => {
        expectRefusal("openai", await timed(path, { headers }), `GET ${path} with ${Object.keys(headers).join(",")}`);
      }),
      { seed: SEED, numRuns: RUNS_PER_SURFACE },
    );
    expect({ keys: await count("api_keys"), mgmt: await count("management_keys") }).toEqual(before);
  });

  it("afterwards: no upstream call, no usage record, no spend, no reservation, no session pin, nothing stored for strangers", async () => {
    await gw.settled();
    expect(await up.requests()).toEqual([]);
    await flushUsage(gw.env, hash);
    const rows = await gw.env.DB.prepare("SELECT count(*) AS n FROM usage WHERE key_hash = ?").bind(hash).first<{ n: number }>();
    expect(rows!.n).toBe(0);
    const spend = await getKeySpend(gw.env, { hash, limitMicros: 5_000_000, limitReset: null });
    expect(spend).toMatchObject({ totalMicros: 0, outstandingMicros: 0, limitRemainingMicros: 5_000_000 });
    const stored = await runInDurableObject(stubFor(hash), (_o, s) => ({
      reservations: s.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM reservations").one().n,
      pending: s.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM pending_usage").one().n,
    }));
    expect(stored).toEqual({ reservations: 0, pending: 0 });
    expect((await gw.env.CATALOG.list({ prefix: "auto:session:" })).keys.filter((k) => k.name.includes(hash))).toEqual([]);
    expect(strangerTokens.length).toBeGreaterThan(0);
    for (const t of strangerTokens.slice(0, 10)) {
      const tables = await runInDurableObject(stubFor(await hashKey(t)), (_o, s) => s.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM sqlite_master").one().n);
      expect(tables, `storage for ${t.slice(0, 12)}…`).toBe(0);
    }
  });

  afterAll(() => {
    console.log(`[fuzz] ${cases} generated cases, every one a 4xx in its surface's shape (seed ${SEED})`);
  });
});
