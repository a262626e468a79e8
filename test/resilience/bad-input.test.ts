/**
 * Bad input, fuzzed (seeded, reproducible): invalid JSON, wrong types at many paths, missing
 * required fields, unknown fields, huge bodies, unknown models and variants, empty conversations,
 * invalid image data and wrong auth header forms, on every surface. Each
 * must get a 4xx in the caller's own format whose message says what is wrong — never a 500, and
 * never an upstream call (the fake must record nothing).
 */
import { describe, expect, it } from "vitest";
import { books } from "../helpers/books";
import { fakeSession, type FakeSession } from "../helpers/fake-upstream";
import { gateway, type Gateway } from "../helpers/gateway";
import { readReply } from "../helpers/surface-reply";
import { authHeaders, PNG_B64, surfacePath, type Surface } from "../helpers/surface-request";
import { MODEL_FOR, prng } from "./helpers";

const SEED = 0x5eed_2026;
const CASES_PER_SURFACE = 110;
const CONCURRENCY = 8;

type JsonType = "string" | "integer" | "number" | "boolean" | "null" | "array" | "object";
const POOL: unknown[] = [5, -1.5, true, "str", "", null, [], [1, "a"], {}, { a: 1 }];
const typeOf = (v: unknown): JsonType =>
  v === null ? "null" : Array.isArray(v) ? "array" : typeof v === "number" ? (Number.isInteger(v) ? "integer" : "number") : (typeof v as JsonType);

interface PathSpec {
  path: (string | number)[];
  /** JSON types the API accepts at this path ("number" includes integers). */
  valid: JsonType[];
  /** Values of a valid type that are still invalid (enums, ranges). */
  bad?: unknown[];
  /** Required: deleting it is an error. */
  required?: boolean;
}

interface SurfaceSpec {
  base: () => Record<string, unknown>;
  paths: PathSpec[];
  /** Where nested unknown fields are rejected (besides the top level). */
  strictObjects: (string | number)[][];
  /** Field the model lives in (null: in the URL). */
  modelField: string | null;
  maxTokensPath: (string | number)[];
  messagesField: string;
  /** Ways to put broken image data in the base body's image part. */
  badImages: Array<(b: Record<string, unknown>) => void>;
}

const S = ["string"] as JsonType[];

const SPECS: Record<Surface, SurfaceSpec> = {
  openai: {
    base: () => ({
      model: "openai/gpt-4o",
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: [{ type: "text", text: "Hi" }, { type: "image_url", image_url: { url: `data:image/png;base64,${PNG_B64}` } }] },
      ],
      max_tokens: 64,
      temperature: 0.5,
      top_p: 0.9,
      stop: ["END"],
      seed: 7,
      user: "u1",
      n: 1,
      logprobs: false,
      metadata: { a: "b" },
      tools: [{ type: "function", function: { name: "get_weather", description: "w", parameters: { type: "object", properties: { city: { type: "string" } } } } }],
      tool_choice: "auto",
      response_format: { type: "text" },
      stream: false,
    }),
    paths: [
      { path: ["model"], valid: S, required: true },
      { path: ["messages"], valid: ["array"], required: true },
      { path: ["messages", 1], valid: ["object"] },
      { path: ["messages", 1, "role"], valid: S, bad: ["wizard", ""], required: true },
      { path: ["messages", 1, "content"], valid: ["string", "array"], required: true },
      { path: ["messages", 1, "content", 0], valid: ["object"] },
      { path: ["messages", 1, "content", 0, "type"], valid: S, bad: ["bogus"], required: true },
      { path: ["messages", 1, "content", 0, "text"], valid: S, required: true },
      { path: ["messages", 1, "content", 1, "image_url"], valid: ["object"], required: true },
      { path: ["messages", 1, "content", 1, "image_url", "url"], valid: S, bad: ["not a url", "ftp://x/y.png"], required: true },
      { path: ["messages", 0, "content"], valid: ["string", "array"], required: true },
      { path: ["max_tokens"], valid: ["integer", "null"], bad: [-5] },
      { path: ["temperature"], valid: ["number", "null"] },
      { path: ["top_p"], valid: ["number", "null"] },
      { path: ["stop"], valid: ["string", "array", "null"], bad: [[1, 2]] },
      { path: ["seed"], valid: ["integer", "null"] },
      { path: ["user"], valid: ["string", "null"] },
      { path: ["n"], valid: ["integer", "null"], bad: [0, 3] },
      { path: ["logprobs"], valid: ["boolean", "null"] },
      { path: ["metadata"], valid: ["object", "null"] },
      { path: ["tools"], valid: ["array", "null"] },
      { path: ["tools", 0], valid: ["object"] },
      { path: ["tools", 0, "type"], valid: S, bad: ["bogus"], required: true },
      { path: ["tools", 0, "function"], valid: ["object"], required: true },
      { path: ["tools", 0, "function", "name"], valid: S, required: true },
      { path: ["tool_choice"], valid: ["string", "object", "null"], bad: ["sometimes", { type: "bogus" }] },
      { path: ["response_format"], valid: ["object", "null"], bad: [{ type: "bogus" }, {}] },
      { path: ["response_format", "type"], valid: S, bad: ["xml"], required: true },
      { path: ["stream"], valid: ["boolean", "null"] },
    ],
    strictObjects: [[]],
    modelField: "model",
    maxTokensPath: ["max_tokens"],
    messagesField: "messages",
    badImages: [
      (b) => setAt(b, ["messages", 1, "content", 1, "image_url", "url"], "data:image/png;base64,%%%not-base64%%%"),
      (b) => setAt(b, ["messages", 1, "content", 1, "image_url", "url"], "data:image/png;base64,"),
      (b) => setAt(b, ["messages", 1, "content", 1, "image_url", "url"], "data:image/png,rawbytes"),
      (b) => setAt(b, ["messages", 1, "content", 1, "image_url", "url"], "data:image/png;base64,iVBORw0KGgo=AAAA===="),
    ],
  },
  anthropic: {
    base: () => ({
      model: "anthropic/claude-sonnet-4.6",
      max_tokens: 64,
      system: "Be brief.",
      messages: [{ role: "user", content: [{ type: "text", text: "Hi" }, { type: "image", source: { type: "base64", media_type: "image/png", data: PNG_B64 } }] }],
      temperature: 0.5,
      top_k: 5,
      stop_sequences: ["END"],
      metadata: { user_id: "u1" },
      tools: [{ name: "get_weather", description: "w", input_schema: { type: "object", properties: { city: { type: "string" } } } }],
      tool_choice: { type: "auto" },
      stream: false,
    }),
    paths: [
      { path: ["model"], valid: S, required: true },
      { path: ["max_tokens"], valid: ["integer"], bad: [-1], required: true },
      { path: ["messages"], valid: ["array"], required: true },
      { path: ["messages", 0], valid: ["object"] },
      { path: ["messages", 0, "role"], valid: S, bad: ["wizard", ""], required: true },
      { path: ["messages", 0, "content"], valid: ["string", "array"], required: true },
      { path: ["messages", 0, "content", 0], valid: ["object"] },
      { path: ["messages", 0, "content", 0, "type"], valid: S, bad: ["bogus"], required: true },
      { path: ["messages", 0, "content", 0, "text"], valid: S, required: true },
      { path: ["messages", 0, "content", 1, "source"], valid: ["object"], required: true },
      { path: ["messages", 0, "content", 1, "source", "type"], valid: S, bad: ["bogus"], required: true },
      { path: ["messages", 0, "content", 1, "source", "data"], valid: S, required: true },
      { path: ["system"], valid: ["string", "array"] },
      { path: ["temperature"], valid: ["number"], bad: [1.5, -0.5] },
      { path: ["top_k"], valid: ["integer"], bad: [-3] },
      { path: ["stop_sequences"], valid: ["array"], bad: [[1]] },
      { path: ["metadata"], valid: ["object"] },
      { path: ["tools"], valid: ["array"] },
      { path: ["tools", 0], valid: ["object"] },
      { path: ["tools", 0, "name"], valid: S, required: true },
      { path: ["tools", 0, "input_schema"], valid: ["object"], required: true },
      { path: ["tool_choice"], valid: ["object"], bad: [{ type: "bogus" }, {}] },
      { path: ["tool_choice", "type"], valid: S, bad: ["sometimes"], required: true },
      { path: ["stream"], valid: ["boolean"] },
    ],
    strictObjects: [[]],
    modelField: "model",
    maxTokensPath: ["max_tokens"],
    messagesField: "messages",
    badImages: [
      (b) => setAt(b, ["messages", 0, "content", 1, "source", "data"], "%%%not-base64%%%"),
      (b) => setAt(b, ["messages", 0, "content", 1, "source", "data"], ""),
      (b) => setAt(b, ["messages", 0, "content", 1, "source", "data"], "iVBORw0KGgo=AAAA===="),
      (b) => setAt(b, ["messages", 0, "content", 1, "source", "media_type"], ""),
    ],
  },
  gemini: {
    base: () => ({
      contents: [{ role: "user", parts: [{ text: "Hi" }, { inlineData: { mimeType: "image/png", data: PNG_B64 } }] }],
      systemInstruction: { parts: [{ text: "Be brief." }] },
      generationConfig: { maxOutputTokens: 64, temperature: 0.5, topP: 0.9, topK: 5, stopSequences: ["END"] },
      tools: [{ functionDeclarations: [{ name: "get_weather", description: "w", parameters: { type: "OBJECT", properties: { city: { type: "STRING" } } } }] }],
      toolConfig: { functionCallingConfig: { mode: "AUTO" } },
      safetySettings: [{ category: "HARM_CATEGORY_HATE_SPEECH", threshold: "BLOCK_NONE" }],
    }),
    paths: [
      { path: ["contents"], valid: ["array"], required: true },
      { path: ["contents", 0], valid: ["object"] },
      { path: ["contents", 0, "role"], valid: ["string", "null"], bad: ["wizard"] },
      { path: ["contents", 0, "parts"], valid: ["array"], required: true },
      { path: ["contents", 0, "parts", 0], valid: ["object"] },
      { path: ["contents", 0, "parts", 0, "text"], valid: ["string", "null"] },
      { path: ["contents", 0, "parts", 1, "inlineData"], valid: ["object", "null"] },
      { path: ["contents", 0, "parts", 1, "inlineData", "data"], valid: S, required: true },
      { path: ["contents", 0, "parts", 1, "inlineData", "mimeType"], valid: S, required: true },
      { path: ["systemInstruction"], valid: ["object", "null"] },
      { path: ["systemInstruction", "parts"], valid: ["array", "null"] },
      { path: ["generationConfig"], valid: ["object", "null"] },
      { path: ["generationConfig", "maxOutputTokens"], valid: ["integer", "null"], bad: [-5] },
      { path: ["generationConfig", "temperature"], valid: ["number", "null"] },
      { path: ["generationConfig", "topP"], valid: ["number", "null"] },
      { path: ["generationConfig", "stopSequences"], valid: ["array", "null"], bad: [[1]] },
      { path: ["tools"], valid: ["array", "null"] },
      { path: ["tools", 0, "functionDeclarations"], valid: ["array", "null"] },
      { path: ["tools", 0, "functionDeclarations", 0, "name"], valid: S, required: true },
      { path: ["toolConfig"], valid: ["object", "null"] },
      { path: ["safetySettings"], valid: ["array", "null"] },
    ],
    strictObjects: [[], ["contents", 0], ["systemInstruction"]],
    modelField: null,
    maxTokensPath: ["generationConfig", "maxOutputTokens"],
    messagesField: "contents",
    badImages: [
      (b) => setAt(b, ["contents", 0, "parts", 1, "inlineData", "data"], "%%%not-base64%%%"),
      (b) => setAt(b, ["contents", 0, "parts", 1, "inlineData", "data"], ""),
      (b) => setAt(b, ["contents", 0, "parts", 1, "inlineData", "data"], "iVBORw0KGgo=AAAA===="),
      (b) => setAt(b, ["contents", 0, "parts", 1, "inlineData", "mimeType"], ""),
    ],
  },
};

/** Sets a value at a path; false when a parent on the way is not an object (an earlier mutation replaced it). */
function setAt(obj: Record<string, unknown>, path: (string | number)[], value: unknown): boolean {
  let cur: any = obj;
  for (const k of path.slice(0, -1)) {
    cur = cur?.[k];
    if (cur === null || typeof cur !== "object") return false;
  }
  cur[path[path.length - 1]] = value;
  return true;
}
function deleteAt(obj: Record<string, unknown>, path: (string | number)[]): boolean {
  let cur: any = obj;
  for (const k of path.slice(0, -1)) {
    cur = cur?.[k];
    if (cur === null || typeof cur !== "object") return false;
  }
  const last = path[path.length - 1];
  if (Array.isArray(cur) && typeof last === "number") cur.splice(last, 1);
  else delete cur[last];
  return true;
}

interface Case {
  name: string;
  /** Generator kind (fuzzed cases). */
  kind?: string;
  body: string;
  /** Override of the model in the URL / body. */
  model?: string;
  status: number;
  /** The message must mention one of these (case-insensitive). */
  mention: string[];
  env?: Record<string, string>;
  headers?: (key: string) => Record<string, string>;
  query?: string;
  /** Send the body as a stream (no content-length). */
  chunked?: boolean;
}

/** Each surface's base request goes to the upstream of its own format. */
const MODEL: Record<Surface, string> = MODEL_FOR;

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

const namesOf = (path: (string | number)[]) => path.filter((p): p is string => typeof p === "string");

/** The seeded generator: one case per call. */
function fuzzCases(surface: Surface, seed: number, n: number): Case[] {
  const spec = SPECS[surface];
  const r = prng(seed);
  const out: Case[] = [];
  const kinds = ["wrong-type", "wrong-type", "wrong-type", "bad-value", "missing", "unknown-field", "invalid-json", "not-an-object", "two-faults"] as const;
  while (out.length < n) {
    const kind = r.pick(kinds);
    const b = spec.base();
    const mutate = (): { what: string; mention: string[] } | undefined => {
      const p = r.pick(spec.paths);
      const sub = kind === "two-faults" ? r.pick(["wrong-type", "bad-value", "missing"] as const) : kind;
      if (sub === "wrong-type") {
        const wrong = POOL.filter((v) => !p.valid.includes(typeOf(v)) && !(typeOf(v) === "integer" && p.valid.includes("number")));
        if (!wrong.length) return undefined;
        const v = r.pick(wrong);
        if (!setAt(b, p.path, v)) return undefined;
        return { what: `${p.path.join(".")}=${JSON.stringify(v)}`, mention: namesOf(p.path) };
      }
      if (sub === "bad-value") {
        if (!p.bad?.length) return undefined;
        const v = r.pick(p.bad);
        if (!setAt(b, p.path, v)) return undefined;
        return { what: `${p.path.join(".")}=${JSON.stringify(v)}`, mention: namesOf(p.path) };
      }
      if (!p.required || !deleteAt(b, p.path)) return undefined;
      return { what: `without ${p.path.join(".")}`, mention: namesOf(p.path) };
    };
    if (kind === "wrong-type" || kind === "bad-value" || kind === "missing") {
      const m = mutate();
      if (!m) continue;
      out.push({ kind, name: `${kind} ${m.what}`, body: JSON.stringify(b), status: 400, mention: m.mention });
    } else if (kind === "two-faults") {
      const m1 = mutate();
      const m2 = m1 && mutate();
      if (!m1 || !m2) continue;
      out.push({ kind, name: `two faults: ${m1.what} + ${m2.what}`, body: JSON.stringify(b), status: 400, mention: [...m1.mention, ...m2.mention] });
    } else if (kind === "unknown-field") {
      const where = r.pick(spec.strictObjects);
      const field = `x_${Math.floor(r.next() * 1e9).toString(36)}`;
      if (!setAt(b, [...where, field], r.pick(POOL))) continue;
      out.push({ kind, name: `unknown field ${[...where, field].join(".")}`, body: JSON.stringify(b), status: 400, mention: [field] });
    } else if (kind === "invalid-json") {
      const text = JSON.stringify(b);
      const how = r.int(4);
      let bad: string;
      if (how === 0) bad = text.slice(0, 1 + r.int(text.length - 2)); // truncated
      else if (how === 1) {
        const at = 1 + r.int(text.length - 2);
        bad = text.slice(0, at) + r.pick(["}", "]", ",", ":", "'", "\u0000", "{{"]) + text.slice(at); // stray character
      } else if (how === 2) bad = text.replace(/"/g, "'"); // single quotes
      else bad = r.pick(["{", "{\"model\":", "}{", "{,}", "{\"a\":1,}", "NaN", "\uFEFF{oops}"]);
      if (parses(bad)) continue; // e.g. a stray character that landed inside a string
      out.push({ kind, name: `invalid JSON (${JSON.stringify(bad.slice(0, 30))}…)`, body: bad, status: 400, mention: ["JSON"] });
    } else {
      const v = r.pick(["[]", "null", "42", "\"hello\"", "true", "[{\"role\":\"user\"}]"]);
      out.push({ kind, name: `not an object: ${v}`, body: v, status: 400, mention: ["object", "JSON"] });
    }
  }
  return out;
}

/** Fixed cases: each kind of semantically bad request the issue lists. */
function specialCases(surface: Surface): Case[] {
  const spec = SPECS[surface];
  const out: Case[] = [];
  const withBody = (f: (b: Record<string, unknown>) => void) => {
    const b = spec.base();
    f(b);
    return JSON.stringify(b);
  };
  const base = JSON.stringify(spec.base());
  out.push({ name: "unknown model", body: base, model: "nope/not-a-model-xyz", status: 400, mention: ["nope/not-a-model-xyz"] });
  out.push({ name: "unknown bare model", body: base, model: "totally-unknown-model-9", status: 400, mention: ["totally-unknown-model-9"] });
  out.push({ name: "invalid variant", body: base, model: "openai/gpt-4o:bogus", status: 400, mention: [":bogus"] });
  out.push({ name: "empty conversation", body: withBody((b) => (b[spec.messagesField] = [])), status: 400, mention: [spec.messagesField] });
  spec.badImages.forEach((f, i) => out.push({ name: `invalid image data #${i + 1}`, body: withBody(f), status: 400, mention: ["image", "base64", "data", "mime", "media"] }));
  out.push({ name: "empty body", body: "", status: 400, mention: ["empty", "JSON"] });
  out.push({ name: "whitespace body", body: "  \n ", status: 400, mention: ["empty", "JSON"] });
  // Huge bodies: declared (content-length) and streamed (no content-length).
  const huge = withBody((b) => setAt(b, spec.maxTokensPath.length === 1 ? ["padding_text"] : ["x"], "x".repeat(6000)));
  out.push({ name: "huge body (content-length)", body: huge, status: 413, mention: ["limit", "bytes"], env: { MAX_BODY_BYTES: "4096" } });
  out.push({ name: "huge body (streamed)", body: huge, status: 413, mention: ["limit", "bytes"], env: { MAX_BODY_BYTES: "4096" }, chunked: true });
  // Wrong auth header forms (every surface reads the same headers: src/auth/token.ts; only Gemini reads ?key=).
  const authOf: Record<Surface, Array<[string, (key: string) => Record<string, string>, string?]>> = {
    openai: [
      ["no credentials", () => ({})],
      ["Basic auth", (k) => ({ authorization: `Basic ${btoa(`user:${k}`)}` })],
      ["Bearer with no token", () => ({ authorization: "Bearer" })],
      ["Bearer with blank token", () => ({ authorization: "Bearer    " })],
      ["key without the Bearer scheme", (k) => ({ authorization: k })],
      ["key in ?key=", () => ({}), "key"],
      ["management key", () => ({ authorization: "Bearer lr_mgmt_test_bootstrap_key_0000000000" })],
      ["unknown key", () => ({ authorization: "Bearer lr_live_00000000000000000000000000000000" })],
      ["junk token", () => ({ authorization: "Bearer sk-openai-style-junk" })],
    ],
    anthropic: [
      ["no credentials", () => ({})],
      ["Basic auth", (k) => ({ authorization: `Basic ${btoa(`user:${k}`)}` })],
      ["Bearer with no token", () => ({ authorization: "Bearer" })],
      ["empty x-api-key", () => ({ "x-api-key": "" })],
      ["key without the Bearer scheme", (k) => ({ authorization: k })],
      ["key in ?key=", () => ({}), "key"],
      ["management key in x-api-key", () => ({ "x-api-key": "lr_mgmt_test_bootstrap_key_0000000000" })],
      ["unknown key", () => ({ "x-api-key": "lr_live_00000000000000000000000000000000" })],
    ],
    gemini: [
      ["no credentials", () => ({})],
      ["Basic auth", (k) => ({ authorization: `Basic ${btoa(`user:${k}`)}` })],
      ["Bearer with no token", () => ({ authorization: "Bearer" })],
      ["empty ?key=", () => ({}), "empty"],
      ["key without the Bearer scheme", (k) => ({ authorization: k })],
      ["management key in x-goog-api-key", () => ({ "x-goog-api-key": "lr_mgmt_test_bootstrap_key_0000000000" })],
      ["unknown key", () => ({ "x-goog-api-key": "lr_live_00000000000000000000000000000000" })],
    ],
  };
  for (const [name, headers, query] of authOf[surface]) {
    out.push({ name: `auth: ${name}`, body: base, status: 401, mention: ["key"], headers, query });
  }
  return out;
}

function requestFor(surface: Surface, c: Case, key: string): { path: string; init: RequestInit } {
  let path = surfacePath(surface, c.model ?? MODEL[surface]);
  let body = c.body;
  if (surface !== "gemini" && c.model) {
    const parsed = JSON.parse(body);
    parsed.model = c.model;
    body = JSON.stringify(parsed);
  }
  const headers: Record<string, string> = { "content-type": "application/json", ...(c.headers ? c.headers(key) : authHeaders(surface, key)) };
  if (c.query === "key") path += `?key=${encodeURIComponent(key)}`;
  if (c.query === "empty") path += "?key=";
  const bytes = new TextEncoder().encode(body);
  const init: RequestInit = { method: "POST", headers };
  if (c.chunked) {
    init.body = new ReadableStream<Uint8Array>({
      start(ctl) {
        for (let i = 0; i < bytes.length; i += 1000) ctl.enqueue(bytes.slice(i, i + 1000));
        ctl.close();
      },
    });
    (init as RequestInit & { duplex: string }).duplex = "half";
  } else init.body = bytes;
  return { path, init };
}

async function runCases(surface: Surface, cases: Case[], up: FakeSession, gws: Map<string, Gateway>, key: string): Promise<string[]> {
  const failures: string[] = [];
  const one = async (c: Case) => {
    const gw = gws.get(JSON.stringify(c.env ?? {}))!;
    const { path, init } = requestFor(surface, c, key);
    let res: Response;
    try {
      res = await gw.fetch(path, init);
    } catch (e) {
      failures.push(`${c.name}: threw ${String(e)}`);
      return;
    }
    const status = res.status;
    try {
      const o = await readReply({ surface, framing: "json" }, res);
      const message = o.error?.message;
      if (status !== c.status) failures.push(`${c.name}: expected ${c.status}, got ${status} (${message ?? "ok"})`);
      else if (!c.mention.some((m) => message!.toLowerCase().includes(m.toLowerCase())))
        failures.push(`${c.name}: message does not say what is wrong: ${JSON.stringify(message)} (expected a mention of ${c.mention.join(" | ")})`);
    } catch (e) {
      failures.push(`${c.name}: ${status} not well formed: ${e instanceof Error ? e.message.slice(0, 300) : String(e)}`);
    }
  };
  for (let i = 0; i < cases.length; i += CONCURRENCY) await Promise.all(cases.slice(i, i + CONCURRENCY).map(one));
  const calls = await up.requests();
  if (calls.length) failures.push(`${calls.length} upstream call(s) were made: ${calls.map((r) => JSON.stringify(r.body).slice(0, 160)).join(" ; ")}`);
  return failures;
}

describe.each(["openai", "anthropic", "gemini"] as Surface[])("bad input on the %s surface", (surface) => {
  async function setup(cases: Case[]) {
    const up = fakeSession(`bad-${surface}`);
    const gws = new Map<string, Gateway>();
    for (const c of cases) {
      const k = JSON.stringify(c.env ?? {});
      if (!gws.has(k)) gws.set(k, gateway({ ...up.env, ...c.env }));
    }
    const main = gws.get("{}") ?? gateway(up.env);
    const { key, hash } = await main.createKey({ limit: 5 });
    return { up, gws, key, hash, main };
  }

  it("the base request used by the fuzzer is valid (it reaches the upstream and succeeds)", async () => {
    const { up, main, key } = await setup([]);
    const c: Case = { name: "base", body: JSON.stringify(SPECS[surface].base()), status: 200, mention: [] };
    const { path, init } = requestFor(surface, c, key);
    const o = await readReply({ surface, framing: "json" }, await main.fetch(path, init));
    expect(o.ok, JSON.stringify(o.error)).toBe(true);
    expect((await up.requests()).length).toBe(1);
  });

  it(`${CASES_PER_SURFACE} fuzzed bodies (seed ${SEED}): 400 naming the problem, no upstream call, nothing billed`, async () => {
    const cases = fuzzCases(surface, SEED + surface.length, CASES_PER_SURFACE);
    expect(cases.length).toBe(CASES_PER_SURFACE);
    expect(new Set(cases.map((c) => c.kind)).size, "every generator kind is exercised").toBe(7);
    const { up, gws, key, hash, main } = await setup(cases);
    const failures = await runCases(surface, cases, up, gws, key);
    expect(failures).toEqual([]);
    const b = await books(main, hash);
    expect(b.rows.length).toBe(0);
    expect(b.totalMicros).toBe(0);
    expect(b.outstandingMicros).toBe(0);
  });

  it("unknown model and variant, empty conversation, bad image data, huge and empty bodies, wrong auth forms", async () => {
    const cases = specialCases(surface);
    const { up, gws, key, hash, main } = await setup(cases);
    const failures = await runCases(surface, cases, up, gws, key);
    expect(failures).toEqual([]);
    const b = await books(main, hash);
    expect(b.rows.length).toBe(0);
    expect(b.outstandingMicros).toBe(0);
  });
});
