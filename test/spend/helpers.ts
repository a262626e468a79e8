import type { UsageRecord } from "../../src/usage/types";
import { env } from "../keys/helpers";

export const stubFor = (hash: string) => env.SPEND.get(env.SPEND.idFromName(hash));

let n = 0;
export const genId = () => `gen-test-${Date.now()}-${++n}`;

export function record(id: string, over: Partial<UsageRecord> = {}): UsageRecord {
  return {
    id,
    requestedModel: "openai/gpt-4o-mini",
    servedModel: "openai/gpt-4o-mini",
    provider: "openai",
    surface: "openai",
    streamed: false,
    promptTokens: 100,
    completionTokens: 20,
    cachedTokens: 10,
    cacheWriteTokens: 0,
    reasoningTokens: 5,
    status: 200,
    finishReason: "stop",
    latencyMs: 120,
    ttftMs: null,
    ...over,
  };
}

export async function expectGatewayError(p: Promise<unknown>, status: number, message?: RegExp) {
  try {
    await p;
  } catch (e) {
    const err = e as { status?: number; message: string };
    if (err.status !== status) throw new Error(`expected status ${status}, got ${err.status}: ${err.message}`);
    if (message && !message.test(err.message)) throw new Error(`message ${JSON.stringify(err.message)} does not match ${message}`);
    return e as import("../../src/errors/gateway-error").GatewayError;
  }
  throw new Error(`expected a ${status} error, but the call succeeded`);
}
