/**
 * Calling the Responses surface (/v1/responses) in-process: a fake upstream session, a gateway and
 * a key, JSON and SSE readers that check the answer against the Responses schemas and framing.
 */
import { expect } from "vitest";
import { responsesResponseSchema } from "../../src/codecs/responses";
import { fakeSession, type FakeSession } from "../helpers/fake-upstream";
import { gateway, jsonPost, readSse, type Gateway } from "../helpers/gateway";
import { checkResponsesFraming } from "../replay/responses-framing";

export type Rec = Record<string, unknown>;

export interface Setup {
  up: FakeSession;
  gw: Gateway;
  key: string;
  hash: string;
  post(body: Rec, headers?: Record<string, string>): Promise<Response>;
  get(path: string, key?: string): Promise<Response>;
}

/** `env`: extra gateway variables, or a function of the session (for base URLs of cloud providers). */
export async function setup(name: string, env: Record<string, unknown> | ((up: FakeSession) => Record<string, unknown>) = {}): Promise<Setup> {
  const up = fakeSession(name);
  const gw = gateway({ ...up.env, OPENROUTER_API_KEY: "", ...(typeof env === "function" ? env(up) : env) });
  const { key, hash } = await gw.createKey();
  return {
    up,
    gw,
    key,
    hash,
    post: (body, headers = {}) => gw.fetch("/v1/responses", jsonPost(body, { authorization: `Bearer ${key}`, ...headers })),
    get: (path, k = key) => gw.fetch(path, { headers: { authorization: `Bearer ${k}` } }),
  };
}

/** A non-streamed answer: 200, valid against the Responses schema. */
export async function readResponse(res: Response): Promise<Rec> {
  const text = await res.text();
  expect(res.status, text).toBe(200);
  const json = JSON.parse(text) as Rec;
  const parsed = responsesResponseSchema.safeParse(json);
  expect(parsed.success, JSON.stringify(parsed.error?.issues.slice(0, 3))).toBe(true);
  return json;
}

export interface StreamRead {
  events: Rec[];
  types: string[];
  /** The terminal event's response (completed / incomplete / failed). */
  final: Rec;
  comments: string[];
}

/** A streamed answer: framing and every event checked; the events and the final response. */
export async function readStream(res: Response, errored = false): Promise<StreamRead> {
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toContain("text/event-stream");
  const { events, comments, raw } = await readSse(res);
  checkResponsesFraming(raw, errored);
  const parsed = events.map((e) => JSON.parse(e.data) as Rec);
  const last = parsed[parsed.length - 1];
  return { events: parsed, types: parsed.map((e) => String(e.type)), final: (last?.response ?? {}) as Rec, comments };
}

/** The text of every message item of a response's output. */
export function outputText(response: Rec): string {
  const out: string[] = [];
  for (const item of (response.output ?? []) as Rec[]) {
    if (item.type !== "message") continue;
    for (const p of (item.content ?? []) as Rec[]) if (typeof p.text === "string") out.push(p.text);
  }
  return out.join("");
}

export const items = (response: Rec, type: string) => ((response.output ?? []) as Rec[]).filter((i) => i.type === type);

export const WEATHER_FUNCTION = {
  type: "function",
  name: "get_weather",
  description: "Current weather for a city",
  parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
  strict: false,
};
