// Google's OAuth token endpoint for service accounts (RFC 7523 JWT bearer grant), as the fake's
// `oauth2` provider: POST /oauth2/token with grant_type and a signed assertion. The assertion is
// checked as Google does (RS256, iss, aud = this endpoint's URL, the cloud-platform scope, at
// most an hour long); its signature too when the session is configured with the service
// account's public key (`oauthPublicKey`, SPKI PEM). Each token issued is remembered so the
// fake Vertex endpoint can tell a minted token from a made-up one.
import crypto from "node:crypto";
import { J, rid } from "../fake-upstream.mjs";

/** Tokens this fake issued (random, so sessions cannot collide). */
export const issuedTokens = new Set();

const oauthError = (status, error, description) => ({
  status,
  headers: { "content-type": "application/json; charset=utf-8" },
  chunks: [J({ error, error_description: description })],
  single: true,
});

const b64urlJson = (s) => {
  try {
    return JSON.parse(Buffer.from(s, "base64url").toString("utf8"));
  } catch {
    return null;
  }
};

export const googleOAuthFormat = {
  name: "google-oauth",
  handles: (provider) => provider === "oauth2",
  plan(ctx) {
    if (ctx.method !== "POST" || ctx.rest !== "/token") return oauthError(404, "not_found", `Unknown endpoint ${ctx.method} ${ctx.rest}`);
    const form = new URLSearchParams(ctx.rawBytes.toString("utf8"));
    if (form.get("grant_type") !== "urn:ietf:params:oauth:grant-type:jwt-bearer") return oauthError(400, "unsupported_grant_type", "Invalid grant_type.");
    const parts = (form.get("assertion") ?? "").split(".");
    if (parts.length !== 3) return oauthError(400, "invalid_request", "Invalid JWT: malformed assertion.");
    const header = b64urlJson(parts[0]);
    const claims = b64urlJson(parts[1]);
    if (!header || header.alg !== "RS256") return oauthError(400, "invalid_grant", "Invalid JWT: algorithm must be RS256.");
    const audience = `http://${ctx.headers.host}${ctx.url.pathname}`;
    const now = Math.floor(Date.now() / 1000);
    if (!claims || typeof claims.iss !== "string" || !claims.iss.includes("@")) return oauthError(400, "invalid_grant", "Invalid JWT: iss must be the service account's email.");
    if (claims.aud !== audience) return oauthError(400, "invalid_grant", `Invalid JWT: aud must be ${audience}.`);
    if (typeof claims.scope !== "string" || !claims.scope.split(" ").includes("https://www.googleapis.com/auth/cloud-platform"))
      return oauthError(400, "invalid_scope", "Invalid JWT: the cloud-platform scope is required.");
    if (typeof claims.iat !== "number" || typeof claims.exp !== "number" || Math.abs(claims.iat - now) > 300 || claims.exp - claims.iat > 3600 || claims.exp <= now)
      return oauthError(400, "invalid_grant", "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe.");
    if (ctx.cfg.oauthPublicKey) {
      const ok = crypto.verify("RSA-SHA256", Buffer.from(`${parts[0]}.${parts[1]}`), ctx.cfg.oauthPublicKey, Buffer.from(parts[2], "base64url"));
      if (!ok) return oauthError(400, "invalid_grant", "Invalid JWT Signature.");
    }
    const token = `ya29.fake-${rid("", 32)}`;
    issuedTokens.add(token);
    const body = { access_token: token, expires_in: ctx.cfg.oauthExpiresIn ?? 3599, token_type: "Bearer" };
    return { status: 200, headers: { "content-type": "application/json; charset=utf-8" }, chunks: [J(body)], single: true };
  },
  errorPlan: (status, message) => oauthError(status, status >= 500 ? "internal_failure" : "invalid_request", message ?? `Error ${status} (fake upstream)`),
};
