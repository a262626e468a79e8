// AWS Signature Version 4 with aws4fetch (small, WebCrypto-based, made for fetch and Workers):
// the signed headers for one request, without sending it, so the gateway's own fetch (or a
// different URL, as through Cloudflare AI Gateway) carries them.
import { AwsV4Signer } from "aws4fetch";

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface SignInput {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

/** Derived signing keys per (secret, day, region, service), shared across requests in the isolate. */
const keyCache = new Map<string, ArrayBuffer>();

/**
 * The request's headers plus `authorization`, `x-amz-date` and (for temporary credentials)
 * `x-amz-security-token`. `datetime` (YYYYMMDDTHHMMSSZ) fixes the clock for test vectors.
 */
export async function signAws(req: SignInput, creds: AwsCredentials, scope: { region: string; service: string }, datetime?: string): Promise<Record<string, string>> {
  const signer = new AwsV4Signer({
    method: req.method,
    url: req.url,
    headers: req.headers,
    body: req.body ?? "",
    accessKeyId: creds.accessKeyId,
    secretAccessKey: creds.secretAccessKey,
    sessionToken: creds.sessionToken,
    region: scope.region,
    service: scope.service,
    cache: keyCache,
    datetime,
  });
  const signed = await signer.sign();
  const out: Record<string, string> = {};
  signed.headers.forEach((value, key) => {
    out[key] = value;
  });
  return out;
}
