import { generation, keyObject } from "../helpers/books";
import { workersAiEnv } from "../helpers/cloud-env";
import { fakeSession, type FakeSession } from "../helpers/fake-upstream";
import { gateway, jsonPost, type Gateway } from "../helpers/gateway";
import catalog from "../../data/models.json";
import { toPricingMicros } from "../../src/catalog/pricing";
import type { PricingMicros } from "../../src/catalog/types";

export interface MediaSetup {
  up: FakeSession;
  gw: Gateway;
  key: string;
  hash: string;
  post(path: string, body: unknown): Promise<Response>;
  postForm(path: string, form: FormData): Promise<Response>;
  generation(id: string): Promise<Record<string, any>>;
  /** The key's recorded spend (USD). */
  usage(): Promise<number>;
}

export async function setup(name: string, keyBody: Record<string, unknown> = {}, extraEnv: Record<string, unknown> = {}): Promise<MediaSetup> {
  const up = fakeSession(name);
  const gw = gateway({ ...up.env, ...workersAiEnv(up), ...extraEnv });
  const { key, hash } = await gw.createKey(keyBody);
  const auth = { authorization: `Bearer ${key}` };
  return {
    up, gw, key, hash,
    post: (path, body) => gw.fetch(path, jsonPost(body, auth)),
    postForm: (path, form) => gw.fetch(path, { method: "POST", headers: auth, body: form }),
    generation: (id) => generation(gw, key, id),
    async usage() {
      await gw.settled();
      return (await keyObject(gw, hash)).usage as number;
    },
  };
}

/**
 * An endpoint's catalog prices in micro-USD per unit, media units included (test/helpers/prices.ts
 * has the token prices only); expected costs are then written out in each test.
 */
export function prices(modelId: string, provider: string): PricingMicros {
  const m = catalog.models.find((x) => x.id === modelId);
  const e = m?.endpoints.find((x) => x.provider === provider);
  const p = toPricingMicros(e?.pricing as never);
  if (!p) throw new Error(`no price for ${modelId} on ${provider}`);
  return p;
}

/** A WAV file of `seconds` of 16 kHz mono 16-bit silence. */
export function wav(seconds: number, rate = 16000): Uint8Array {
  const data = Math.round(seconds * rate) * 2;
  const b = new Uint8Array(44 + data);
  const v = new DataView(b.buffer);
  const s = (o: number, t: string) => [...t].forEach((c, i) => (b[o + i] = c.charCodeAt(0)));
  s(0, "RIFF"); v.setUint32(4, 36 + data, true); s(8, "WAVE"); s(12, "fmt ");
  v.setUint32(16, 16, true); v.setUint16(20, 1, true); v.setUint16(22, 1, true); v.setUint32(24, rate, true);
  v.setUint32(28, rate * 2, true); v.setUint16(32, 2, true); v.setUint16(34, 16, true); s(36, "data"); v.setUint32(40, data, true);
  return b;
}

export const PNG_1X1 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";
export const pngBytes = () => Uint8Array.from(atob(PNG_1X1), (c) => c.charCodeAt(0));
