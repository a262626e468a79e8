import type { CanonicalRequest } from "../canonical/types";
import { endpointCodec } from "../codecs";
import type { Codec } from "../codecs/codec";
import type { Env, WaitUntil } from "../env";
import { UpstreamError } from "../errors/gateway-error";
import type { KeyContext } from "../keys/types";
import { resolveRoute } from "../routing/resolve";
import type { Endpoint } from "../routing/types";
import type { Surface } from "../usage/types";
import { runAttempts, type Attempt, type AttemptCall, type Delivered } from "./attempt-runner";
import { RequestLedger } from "./ledger";
import { renderError } from "./render-error";
import { safeJsonParse } from "../streams/json";
import { callUpstreamText } from "./upstream";

export interface CountTokensInvocation {
  env: Env;
  ctx: WaitUntil;
  key: KeyContext;
  req: CanonicalRequest;
  surface: Codec;
  surfaceName: Surface;
  forwardHeaders?: Record<string, string>;
  /** Renders the count in the surface's own shape (`{input_tokens}`, `{totalTokens}`). */
  render(inputTokens: number): unknown;
}

interface Count {
  inputTokens: number;
  exact: boolean;
}

/**
 * Token counting goes through the attempt runner like every other call, so the key's Durable
 * Object checks it (disabled, expired, rate limit, allowed providers) and it is recorded — at zero
 * cost. Exact counts come from the provider's own counting endpoint (Anthropic count_tokens,
 * Gemini countTokens). Providers without one get a documented estimate — ~4 characters per token
 * of the prompt text — flagged with `x-arouter-token-count: estimate`; never a fake 0.
 */
export async function countTokens(inv: CountTokensInvocation): Promise<Response> {
  const ledger = new RequestLedger({ env: inv.env, ctx: inv.ctx, key: inv.key, surface: inv.surfaceName, requestedModel: inv.req.model, streamed: false });
  try {
    const { value, endpoint } = await runAttempts(
      ledger,
      {
        route: (key) => resolveRoute(inv.env, inv.req, { allowedProviders: key.allowedProviders, kind: "chat" }),
        prepare: (_route, endpoint): Attempt => ({ endpoint, bound: { micros: 0 } }),
        send: (attempt, call) => count(inv, attempt.endpoint, call),
      },
      { env: inv.env, ctx: inv.ctx },
    );
    const headers = {
      "x-generation-id": ledger.id,
      "x-arouter-provider": endpoint.provider.id,
      "x-arouter-model": endpoint.modelId,
      "x-arouter-token-count": value.exact ? "exact" : "estimate",
    };
    return Response.json(inv.render(value.inputTokens), { headers });
  } catch (err) {
    return renderError(inv.surface, err, { "x-generation-id": ledger.id });
  }
}

async function count(inv: CountTokensInvocation, endpoint: Endpoint, call: AttemptCall): Promise<Delivered<Count>> {
  const upstream = endpointCodec(endpoint, inv.surface.name);
  let value: Count = { inputTokens: estimatePromptTokens(inv.req), exact: false };
  // A provider's second format (OpenAI's Responses API) says for itself whether it counts tokens.
  const counts = endpoint.provider.alsoServes?.[upstream.name]?.countTokens ?? endpoint.provider.supports?.count_tokens;
  if (counts && upstream.encodeCountTokensRequest && upstream.decodeCountTokensResponse) {
    const text = await callUpstreamText(inv.env, upstream, {
      endpoint, op: "count_tokens", body: upstream.encodeCountTokensRequest(inv.req, endpoint.upstreamModel),
      headers: inv.forwardHeaders, signal: new AbortController().signal, timeoutMs: call.timeoutMs,
    });
    const parsed = safeJsonParse(text);
    const n = parsed.ok ? upstream.decodeCountTokensResponse(parsed.value) : NaN;
    if (!Number.isFinite(n)) throw new UpstreamError(`Upstream '${endpoint.provider.id}' sent a malformed token count`, { provider_name: endpoint.provider.id }, 502);
    value = { inputTokens: n, exact: true };
  }
  return { outcome: { endpoint, usage: { inputTokens: value.inputTokens, outputTokens: 0 }, status: 200, costMicros: 0 }, value };
}

/** ~4 characters per token over the prompt's text, plus a fixed cost per image and message. */
export function estimatePromptTokens(req: CanonicalRequest): number {
  let chars = 0;
  let extra = 0;
  for (const p of req.system ?? []) chars += p.text.length;
  for (const m of req.messages) {
    extra += 4;
    for (const p of m.content) {
      if (p.type === "text" || p.type === "reasoning") chars += p.text.length;
      else if (p.type === "tool-call") chars += p.name.length + p.arguments.length;
      else if (p.type === "tool-result") for (const c of p.content) chars += c.type === "text" ? c.text.length : 0;
      else if (p.type === "image") extra += 1600;
    }
  }
  for (const t of req.tools ?? []) chars += t.name.length + (t.description?.length ?? 0) + JSON.stringify(t.parameters).length;
  return Math.max(1, Math.ceil(chars / 4) + extra);
}
