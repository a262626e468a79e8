// OAuth access tokens for a Google service account, minted with WebCrypto: an RS256-signed JWT
// (RFC 7523) exchanged at the account's token endpoint. Tokens are cached per isolate until
// shortly before they expire, and concurrent requests share one mint.
import { UpstreamError } from "../errors/gateway-error";
import { isRecord, safeJsonParse } from "../streams/json";
import type { FetchLike } from "./types";

export interface ServiceAccount {
  clientEmail: string;
  /** PKCS#8 PEM, as Google issues it. */
  privateKey: string;
  privateKeyId?: string;
  tokenUri: string;
  projectId?: string;
}

export const CLOUD_PLATFORM_SCOPE = "https://www.googleapis.com/auth/cloud-platform";
const DEFAULT_TOKEN_URI = "https://oauth2.googleapis.com/token";
/** A cached token is replaced this long before it expires, so no request carries a dying one. */
const REFRESH_MARGIN_MS = 5 * 60_000;
const JWT_LIFETIME_S = 3600;

/** The service-account JSON (raw, or base64 of it, as some secret stores hold it); undefined if it is not one. */
export function parseServiceAccount(raw: string): ServiceAccount | undefined {
  let parsed = safeJsonParse(raw);
  if (!parsed.ok && !raw.trimStart().startsWith("{")) {
    try {
      parsed = safeJsonParse(atob(raw.trim()));
    } catch {
      return undefined;
    }
  }
  if (!parsed.ok || !isRecord(parsed.value)) return undefined;
  const v = parsed.value;
  if (typeof v.client_email !== "string" || typeof v.private_key !== "string") return undefined;
  return {
    clientEmail: v.client_email,
    privateKey: v.private_key,
    privateKeyId: typeof v.private_key_id === "string" ? v.private_key_id : undefined,
    tokenUri: typeof v.token_uri === "string" && v.token_uri ? v.token_uri : DEFAULT_TOKEN_URI,
    projectId: typeof v.project_id === "string" ? v.project_id : undefined,
  };
}

const encoder = new TextEncoder();

function base64url(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

const keyCache = new Map<string, Promise<CryptoKey>>();
function signingKey(pem: string): Promise<CryptoKey> {
  let key = keyCache.get(pem);
  if (!key) {
    const b64 = pem.replace(/-----(BEGIN|END) PRIVATE KEY-----/g, "").replace(/\s+/g, "");
    const der = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    key = crypto.subtle.importKey("pkcs8", der, { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }, false, ["sign"]);
    keyCache.set(pem, key);
    key.catch(() => keyCache.delete(pem));
  }
  return key;
}

/** The signed assertion: iss = sub-less service account, aud = its token endpoint, one hour. */
export async function signJwt(sa: ServiceAccount, scope: string, nowS: number): Promise<string> {
  const header = { alg: "RS256", typ: "JWT", ...(sa.privateKeyId ? { kid: sa.privateKeyId } : {}) };
  const claims = { iss: sa.clientEmail, scope, aud: sa.tokenUri, iat: nowS, exp: nowS + JWT_LIFETIME_S };
  const input = `${base64url(encoder.encode(JSON.stringify(header)))}.${base64url(encoder.encode(JSON.stringify(claims)))}`;
  const sig = await crypto.subtle.sign("RSASSA-PKCS1-v1_5", await signingKey(sa.privateKey), encoder.encode(input));
  return `${input}.${base64url(new Uint8Array(sig))}`;
}

interface CachedToken {
  token: string;
  expiresAt: number;
}
const tokens = new Map<string, CachedToken>();
const minting = new Map<string, Promise<CachedToken>>();

/** A valid access token for the account (cached, or minted now). Failures are the provider's 502. */
export async function accessToken(sa: ServiceAccount, opts: { scope?: string; fetch?: FetchLike; provider: string }): Promise<string> {
  const scope = opts.scope ?? CLOUD_PLATFORM_SCOPE;
  const cacheKey = `${sa.clientEmail}\n${sa.tokenUri}\n${scope}`;
  const hit = tokens.get(cacheKey);
  if (hit && hit.expiresAt - REFRESH_MARGIN_MS > Date.now()) return hit.token;
  let pending = minting.get(cacheKey);
  if (!pending) {
    pending = mint(sa, scope, opts.fetch ?? ((u, i) => fetch(u, i)), opts.provider).finally(() => minting.delete(cacheKey));
    minting.set(cacheKey, pending);
  }
  const fresh = await pending;
  tokens.set(cacheKey, fresh);
  return fresh.token;
}

async function mint(sa: ServiceAccount, scope: string, doFetch: FetchLike, provider: string): Promise<CachedToken> {
  const fail = (why: string) => new UpstreamError(`Could not get a Google access token for '${provider}': ${why}`, { provider_name: provider }, 502);
  const now = Date.now();
  let assertion: string;
  try {
    assertion = await signJwt(sa, scope, Math.floor(now / 1000));
  } catch {
    throw fail("the service account's private_key is not a valid PKCS#8 RSA key");
  }
  const body = new URLSearchParams({ grant_type: "urn:ietf:params:oauth:grant-type:jwt-bearer", assertion }).toString();
  let res: Response;
  try {
    res = await doFetch(sa.tokenUri, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body });
  } catch (err) {
    throw fail(err instanceof Error ? err.message : "token endpoint unreachable");
  }
  const text = await res.text();
  const parsed = safeJsonParse(text);
  const json = parsed.ok && isRecord(parsed.value) ? parsed.value : {};
  if (!res.ok || typeof json.access_token !== "string") {
    const detail = typeof json.error_description === "string" ? json.error_description : typeof json.error === "string" ? json.error : text.slice(0, 200);
    throw fail(`HTTP ${res.status}${detail ? `: ${detail}` : ""}`);
  }
  const ttlS = typeof json.expires_in === "number" && json.expires_in > 0 ? json.expires_in : JWT_LIFETIME_S;
  return { token: json.access_token, expiresAt: now + ttlS * 1000 };
}

/** Tests: forget cached tokens. */
export function clearTokenCache(): void {
  tokens.clear();
}
