import type { CanonicalRequest } from "../canonical/types";
import { codecFor } from "../codecs";
import type { Codec } from "../codecs/codec";
import type { Env, WaitUntil } from "../env";
import { UpstreamError } from "../errors/gateway-error";
import { resolveRoute } from "../routing/resolve";
import type { KeyContext } from "./accounting";
import { callUpstream } from "./upstream";
import { upstreamTimeoutMs } from "./attempt-plan";

export interface CountTokensInvocation {
  env: Env;
  ctx: WaitUntil;
  key: KeyContext;
  req: CanonicalRequest;
  rawBody: Record<string, unknown>;
  rawBytes: number;
  surface: Codec;
  forwardHeaders?: Record<string, string>;
}

/**
 * Exact counts come from the provider's own counting endpoint (Anthropic count_tokens, Gemini
 * countTokens). Providers without one get a documented estimate — ~4 characters per token of the
 * prompt text — flagged with `x-arouter-token-count: estimate`; never a fake 0.
 */
export async function countTokens(inv: CountTokensInvocation): Promise<{ inputTokens: number; headers: Record<string, string> }> {
  const route = await resolveRoute(inv.env, inv.req, { allowedProviders: inv.key.allowedProviders, kind: "chat" });
  const endpoint = route.endpoints[0];
  const upstream = codecFor(endpoint.provider, endpoint.upstreamModel);
  const headers: Record<string, string> = { "x-arouter-provider": endpoint.provider.id, "x-arouter-model": endpoint.modelId };
  if (endpoint.provider.supports?.count_tokens && upstream.encodeCountTokensRequest && upstream.decodeCountTokensResponse) {
    const res = await callUpstream(inv.env, upstream, {
      endpoint, op: "count_tokens", body: upstream.encodeCountTokensRequest(inv.req, endpoint.upstreamModel), stream: false,
      headers: inv.forwardHeaders, signal: new AbortController().signal, timeoutMs: upstreamTimeoutMs(inv.env),
    });
    const json: unknown = await res.json().catch(() => undefined);
    const n = upstream.decodeCountTokensResponse(json);
    if (!Number.isFinite(n)) throw new UpstreamError(`Upstream '${endpoint.provider.id}' sent a malformed token count`, { provider_name: endpoint.provider.id }, 502);
    return { inputTokens: n, headers: { ...headers, "x-arouter-token-count": "exact" } };
  }
  return { inputTokens: estimatePromptTokens(inv.req), headers: { ...headers, "x-arouter-token-count": "estimate" } };
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
