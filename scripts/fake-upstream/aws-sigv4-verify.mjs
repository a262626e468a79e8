// Checks an AWS Signature Version 4 the way AWS does, independently of the gateway's signer
// (aws4fetch): rebuild the canonical request from what actually arrived, derive the signing key
// from the known secret, compare. https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html
import crypto from "node:crypto";

const hmac = (key, data) => crypto.createHmac("sha256", key).update(data, "utf8").digest();
const sha256 = (data) => crypto.createHash("sha256").update(data).digest("hex");
const rfc3986 = (s) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase());

/**
 * @param rawPath the request path exactly as sent (percent-encoding intact), without the query
 * @returns null when valid, else {status, type, message} in AWS's terms
 */
export function verifySigV4({ method, rawPath, query, headers, body, secrets }) {
  const auth = headers.authorization ?? "";
  const m = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(auth);
  if (!m) return { status: 400, type: "IncompleteSignatureException", message: "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters." };
  const [, keyId, date, region, service, signedHeaders, signature] = m;
  const secret = secrets[keyId];
  if (!secret) return { status: 403, type: "UnrecognizedClientException", message: "The security token included in the request is invalid." };
  const amzDate = headers["x-amz-date"] ?? "";
  const names = signedHeaders.split(";");
  if (!names.includes("host") || !names.includes("x-amz-date") || !amzDate.startsWith(date))
    return { status: 403, type: "InvalidSignatureException", message: "host and x-amz-date must be signed, and the credential date must match x-amz-date." };
  if (headers["x-amz-security-token"] && !names.includes("x-amz-security-token"))
    return { status: 403, type: "InvalidSignatureException", message: "x-amz-security-token must be signed." };
  // Non-S3 services sign each path segment URI-encoded again (the path as sent is already encoded once).
  const canonicalUri = rfc3986(rawPath).replace(/%2F/g, "/");
  const canonicalQuery = Object.entries(query)
    .map(([k, v]) => [rfc3986(k), rfc3986(v)])
    .sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join("&");
  const canonicalHeaders = names.map((n) => `${n}:${String(headers[n] ?? "").trim().replace(/\s+/g, " ")}\n`).join("");
  const canonical = [method, canonicalUri, canonicalQuery, canonicalHeaders, signedHeaders, sha256(body)].join("\n");
  const scope = `${date}/${region}/${service}/aws4_request`;
  const toSign = ["AWS4-HMAC-SHA256", amzDate, scope, sha256(canonical)].join("\n");
  const key = hmac(hmac(hmac(hmac("AWS4" + secret, date), region), service), "aws4_request");
  const expected = crypto.createHmac("sha256", key).update(toSign, "utf8").digest("hex");
  if (expected !== signature)
    return {
      status: 403,
      type: "InvalidSignatureException",
      message: "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
    };
  return { ok: true, region, service, keyId };
}
