import type { UpstreamCodec } from "../codecs/codec";
import type { Env } from "../env";
import { UpstreamError, UpstreamTimeoutError } from "../errors/gateway-error";
import { scrubText, scrubValue } from "../errors/scrub";
import { aiGatewaySettings } from "../providers/ai-gateway";
import { enablingVariable, providerConfig } from "../providers/registry";
import type { UpstreamOperation } from "../providers/types";
import type { Endpoint } from "../routing/types";

export interface UpstreamCall {
  endpoint: Endpoint;
  op: UpstreamOperation;
  /** JSON-serialized, except a FormData (multipart upload), sent as is. */
  body: unknown;
  stream: boolean;
  /** Caller headers a provider may forward (anthropic-version / anthropic-beta). */
  headers?: Record<string, string>;
  /** Aborts the upstream request (client went away, or the gateway gave up). */
  signal: AbortSignal;
  /**
   * Ms to wait for the response headers (and a complete answer's body) before giving up with 504.
   * Omitted: the caller times the call through `signal` (streams, whose first-token deadline
   * covers the headers too).
   */
  timeoutMs?: number;
}

/**
 * One HTTP call to a provider. Resolves only with a 2xx Response; every failure becomes a typed
 * error carrying the upstream status and message so routing can decide on fallback.
 */
export async function callUpstream(env: Env, codec: UpstreamCodec, call: UpstreamCall): Promise<Response> {
  const { res, text } = await send(env, codec, call);
  if (text === undefined) return res;
  const h = new Headers(res.headers);
  h.delete("content-encoding");
  h.delete("content-length");
  return new Response(text, { status: res.status, headers: h });
}

/** A non-streamed call's 2xx body as text, read within the call's deadline (no Response re-wrap). */
export async function callUpstreamText(env: Env, codec: UpstreamCodec, call: Omit<UpstreamCall, "stream">): Promise<string> {
  return (await send(env, codec, { ...call, stream: false })).text!;
}

/** The call; `text` is the whole body, except for a 2xx stream (its reader's to read). */
async function send(env: Env, codec: UpstreamCodec, call: UpstreamCall): Promise<{ res: Response; text?: string }> {
  const { endpoint } = call;
  const cfg = providerConfig(env, endpoint.provider);
  const meta = { provider_name: endpoint.provider.id };
  // 502, not 503: a provider without credentials is not "overloaded"; the next endpoint is still tried.
  if (!cfg) throw new UpstreamError(`Provider '${endpoint.provider.id}' is not configured`, meta, 502);
  // A multipart upload (media APIs) goes as is: fetch writes its content-type with the boundary.
  const form = call.body instanceof FormData ? call.body : undefined;
  const payload = call.op === "list_models" || form ? undefined : JSON.stringify(call.body);
  const built = endpoint.provider.buildRequest(cfg, call.op, endpoint.upstreamModel, {
    stream: call.stream,
    headers: call.headers,
    body: payload,
    ...(codec.name !== endpoint.provider.format ? { format: codec.name } : {}),
  });
  // Most providers answer synchronously; only signing ones (SigV4, OAuth) cost an await.
  const { url, headers, body = form ?? payload } = built instanceof Promise ? await built : built;
  if (form) delete headers["content-type"];

  const id = endpoint.provider.id;
  // One controller for both the caller's signal and the timeout (cheaper than AbortSignal.any).
  // Without timeoutMs the caller's signal is used as is: it times the call itself.
  let signal = call.signal;
  let timedOut = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let controller: AbortController | undefined;
  const onAbort = () => controller?.abort();
  if (call.timeoutMs !== undefined) {
    const c = (controller = new AbortController());
    if (call.signal.aborted) c.abort();
    else call.signal.addEventListener("abort", onAbort);
    timer = setTimeout(() => {
      timedOut = true;
      c.abort();
    }, call.timeoutMs);
    signal = c.signal;
  }
  const failure = (err: unknown, what: string, status: number): UpstreamError | UpstreamTimeoutError => {
    if (timedOut) return new UpstreamTimeoutError(`Upstream '${id}' did not answer within ${call.timeoutMs} ms`, meta);
    if (call.signal.aborted) return new UpstreamError("Request aborted by the client", meta, 499);
    return new UpstreamError(`${what}: ${err instanceof Error ? err.message : "connection failed"}`, meta, status);
  };
  let res: Response;
  let text: string;
  try {
    // A provider may bring its own transport (Workers AI through an `AI` binding); else fetch.
    const transport = endpoint.provider.transport?.(env) ?? fetch;
    res = await transport(url, { method: call.op === "list_models" ? "GET" : "POST", headers, body, signal }).catch(
      (err: unknown) => {
        throw failure(err, `Could not reach upstream '${id}'`, 0);
      },
    );
    // A stream's body is its reader's to time (first-token timer). A complete answer, or an error
    // body, must arrive whole within the same deadline as the headers: a stalled body is a 504.
    if (res.ok && call.stream) return { res };
    const ok = res.ok;
    text = await res.text().catch((err: unknown) => {
      if (ok) throw failure(err, `Upstream '${id}' sent an incomplete response`, 502);
      return "";
    });
  } finally {
    clearTimeout(timer);
    // A stream's body is still being read: keep forwarding the caller's abort to it.
    if (controller && !(res! && res.ok && call.stream)) call.signal.removeEventListener("abort", onAbort);
  }
  if (res.ok) return { res, text };

  // The provider refused the operator's credentials: a gateway configuration error. Its own text
  // is not relayed (it can quote the key), the caller learns which variable to check.
  if (res.status === 401 || res.status === 403) {
    const variable = credentialVariables(env, endpoint, cfg.baseUrl);
    throw new UpstreamError(
      `Provider '${id}' refused the gateway's credentials (HTTP ${res.status}): the gateway's operator should check ${variable}.`,
      { provider_name: id, reason: "provider_credentials", variable },
      res.status,
    );
  }
  const info = codec.decodeError(res.status, text);
  const retryAfter = parseRetryAfter(res.headers.get("retry-after"));
  throw new UpstreamError(
    `Upstream '${endpoint.provider.id}' returned ${res.status}: ${scrubText(info.message)}`,
    { provider_name: endpoint.provider.id, raw: scrubValue(info.raw) },
    res.status,
    retryAfter,
  );
}

export function parseRetryAfter(v: string | null): number | undefined {
  if (!v) return undefined;
  const secs = Number(v);
  if (Number.isFinite(secs)) return Math.max(0, secs);
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}

/** What to check when an upstream refuses the gateway's credentials: the provider's variable, and the AI Gateway token when the call went through Cloudflare AI Gateway (its 401 looks the same). */
function credentialVariables(env: Env, endpoint: Endpoint, baseUrl: string): string {
  const variable = enablingVariable(endpoint.provider);
  const gw = aiGatewaySettings(env);
  return gw && baseUrl.startsWith(`${gw.root}/`) ? `${variable} (or AI_GATEWAY_TOKEN: the call went through Cloudflare AI Gateway)` : variable;
}
