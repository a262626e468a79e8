import type { CanonicalResponse } from "../../canonical/types";
import { UpstreamError } from "../../errors/gateway-error";
import { safeJsonParse } from "../../streams/json";
import { runAttempts, tokensPerSecond, type AttemptCall, type Delivered, type Exchange } from "../attempt-runner";
import { costHeaders, type RequestLedger } from "../ledger";
import { renderError } from "../render-error";
import { callUpstreamText } from "../upstream";
import { answerHeaders, chatRoute, encodeContext, prepareChatAttempt, type ChatAttempt, type ChatInvocation } from "./prepare";

interface Answer {
  attempt: ChatAttempt;
  json: unknown;
  decoded: CanonicalResponse;
}

/** A non-streamed chat request: one JSON answer in the caller's format. */
export async function completeChat(inv: ChatInvocation, ledger: RequestLedger): Promise<Response> {
  const exchange: Exchange<ChatAttempt, Answer> = {
    route: (key) => chatRoute(inv, key),
    prepare: (route, endpoint) => prepareChatAttempt(inv, route, endpoint),
    send: (attempt, call) => send(inv, attempt, call),
  };
  try {
    const { value, endpoint, costMicros } = await runAttempts(ledger, exchange, { env: inv.env, ctx: inv.ctx, signal: inv.clientSignal });
    const headers = { ...answerHeaders(ledger, value.attempt), ...costHeaders(endpoint, costMicros), "content-type": "application/json" };
    // Same format: the upstream's own body, untouched (server tools, citations, signatures survive).
    const body = value.attempt.passthrough ? value.json : inv.surface.encodeResponse(value.decoded, encodeContext(ledger, endpoint, inv));
    // A kept answer is readable before the caller gets it (so it can continue it at once).
    await inv.keep?.saved();
    return new Response(JSON.stringify(body), { status: 200, headers });
  } catch (err) {
    return renderError(inv.surface, err, { "x-generation-id": ledger.id });
  }
}

async function send(inv: ChatInvocation, attempt: ChatAttempt, call: AttemptCall): Promise<Delivered<Answer>> {
  const started = Date.now();
  const text = await callUpstreamText(inv.env, attempt.upstream, {
    endpoint: attempt.endpoint,
    op: "chat",
    body: attempt.body,
    headers: inv.forwardHeaders,
    signal: inv.clientSignal ?? new AbortController().signal,
    timeoutMs: call.timeoutMs,
  });
  const { json, decoded } = readComplete(attempt, text);
  const ms = Date.now() - started;
  return {
    outcome: {
      endpoint: attempt.endpoint,
      usage: decoded.usage,
      status: 200,
      finishReason: decoded.finishReason,
      servedModel: decoded.model,
      firstTokenAt: Date.now(),
    },
    ttftMs: ms,
    tokensPerSecond: tokensPerSecond(decoded.usage.outputTokens, ms),
    value: { attempt, json, decoded },
  };
}

/** Decodes a non-streamed answer; a cut or malformed body is the upstream's failure (retryable). */
function readComplete(attempt: ChatAttempt, text: string): { json: unknown; decoded: CanonicalResponse } {
  const id = attempt.endpoint.provider.id;
  const parsed = safeJsonParse(text);
  if (!parsed.ok) {
    throw new UpstreamError(`Upstream '${id}' sent an incomplete or malformed response: ${parsed.error}`, { provider_name: id }, 502);
  }
  try {
    return { json: parsed.value, decoded: attempt.upstream.decodeResponse(parsed.value) };
  } catch (err) {
    if (err instanceof UpstreamError) throw err;
    throw new UpstreamError(`Upstream '${id}' sent a malformed response`, { provider_name: id }, 502);
  }
}
