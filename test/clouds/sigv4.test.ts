/**
 * SigV4 signing (src/providers/aws-sigv4.ts, aws4fetch) against AWS's published signing test
 * suite: awslabs/aws-c-auth tests/aws-signing-test-suite/v4 (the successor of the
 * aws-sig-v4-test-suite). Each case is the suite's request and its expected Authorization
 * header, for AKIDEXAMPLE / wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY, us-east-1, service
 * "service", 2015-08-30T12:36:00Z.
 *
 * Cases not included, because a fetch request cannot be the request they describe: duplicate
 * and multi-line header values (fetch's Headers joins them with ", "), raw UTF-8 and space
 * characters in the path (fetch percent-encodes them before anyone signs), the "unnormalized"
 * variants (S3-style signing, which Bedrock does not use) and the x-www-form-urlencoded ones
 * (content-type / content-length are not signed by aws4fetch, as browsers may change them).
 */
import { describe, expect, it } from "vitest";
import { signAws } from "../../src/providers/aws-sigv4";

const CREDS = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" };
const SCOPE = { region: "us-east-1", service: "service" };
const DATE = "20150830T123600Z";
const PREFIX = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, ";
const STS_TOKEN =
  "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==";

interface Vector {
  name: string;
  method: string;
  path: string;
  headers?: Record<string, string>;
  sessionToken?: string;
  signedHeaders: string;
  signature: string;
}

const VECTORS: Vector[] = [
  { name: "get-vanilla", method: "GET", path: "/", signedHeaders: "host;x-amz-date", signature: "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31" },
  { name: "get-vanilla-query-order-key-case", method: "GET", path: "/?Param2=value2&Param1=value1", signedHeaders: "host;x-amz-date", signature: "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500" },
  { name: "get-vanilla-query-order-encoded", method: "GET", path: "/?Param-3=Value3&Param=Value2&%E1%88%B4=Value1", signedHeaders: "host;x-amz-date", signature: "371d3713e185cc334048618a97f809c9ffe339c62934c032af5a0e595648fcac" },
  {
    name: "get-vanilla-query-unreserved",
    method: "GET",
    path: "/?-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz=-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
    signedHeaders: "host;x-amz-date",
    signature: "9c3e54bfcdf0b19771a7f523ee5669cdf59bc7cc0884027167c21bb143a40197",
  },
  { name: "get-vanilla-utf8-query", method: "GET", path: "/?ሴ=bar", signedHeaders: "host;x-amz-date", signature: "2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04" },
  { name: "get-vanilla-empty-query-key", method: "GET", path: "/?Param1=value1", signedHeaders: "host;x-amz-date", signature: "a67d582fa61cc504c4bae71f336f98b97f1ea3c7a6bfe1b6e45aec72011b9aeb" },
  { name: "get-unreserved", method: "GET", path: "/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", signedHeaders: "host;x-amz-date", signature: "07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f" },
  { name: "get-slashes-normalized", method: "GET", path: "//example//", signedHeaders: "host;x-amz-date", signature: "9a624bd73a37c9a373b5312afbebe7a714a789de108f0bdfe846570885f57e84" },
  { name: "get-slash-pointless-dot-normalized", method: "GET", path: "/./example", signedHeaders: "host;x-amz-date", signature: "ef75d96142cf21edca26f06005da7988e4f8dc83a165a80865db7089db637ec5" },
  { name: "get-relative-relative-normalized", method: "GET", path: "/example1/example2/../..", signedHeaders: "host;x-amz-date", signature: "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31" },
  {
    name: "get-header-value-trim",
    method: "GET",
    path: "/",
    headers: { "My-Header1": " value1", "My-Header2": ' "a   b   c"' },
    signedHeaders: "host;my-header1;my-header2;x-amz-date",
    signature: "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736",
  },
  {
    name: "get-vanilla-with-session-token",
    method: "GET",
    path: "/",
    sessionToken: "6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267",
    signedHeaders: "host;x-amz-date;x-amz-security-token",
    signature: "07ec1639c89043aa0e3e2de82b96708f198cceab042d4a97044c66dd9f74e7f8",
  },
  { name: "post-vanilla", method: "POST", path: "/", signedHeaders: "host;x-amz-date", signature: "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b" },
  { name: "post-vanilla-query", method: "POST", path: "/?Param1=value1", signedHeaders: "host;x-amz-date", signature: "28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f11" },
  { name: "post-header-key-sort", method: "POST", path: "/", headers: { "My-Header1": "value1" }, signedHeaders: "host;my-header1;x-amz-date", signature: "c5410059b04c1ee005303aed430f6e6645f61f4dc9e1461ec8f8916fdf18852c" },
  { name: "post-header-value-case", method: "POST", path: "/", headers: { "My-Header1": "VALUE1" }, signedHeaders: "host;my-header1;x-amz-date", signature: "cdbc9802e29d2942e5e10b5bccfdd67c5f22c7c4e8ae67b53629efa58b974b7d" },
  { name: "post-sts-header-before", method: "POST", path: "/", sessionToken: STS_TOKEN, signedHeaders: "host;x-amz-date;x-amz-security-token", signature: "85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead" },
];

describe("SigV4 against AWS's signing test suite", () => {
  it.each(VECTORS)("$name", async (v) => {
    const creds = v.sessionToken ? { ...CREDS, sessionToken: v.sessionToken } : CREDS;
    const headers = await signAws({ method: v.method, url: `https://example.amazonaws.com${v.path}`, headers: v.headers ?? {} }, creds, SCOPE, DATE);
    expect(headers.authorization).toBe(`${PREFIX}SignedHeaders=${v.signedHeaders}, Signature=${v.signature}`);
    expect(headers["x-amz-date"]).toBe(DATE);
    if (v.sessionToken) expect(headers["x-amz-security-token"]).toBe(v.sessionToken);
    else expect(headers["x-amz-security-token"]).toBeUndefined();
  });

  it("signs the body: the same request with another body has another signature", async () => {
    const sign = (body: string) => signAws({ method: "POST", url: "https://example.amazonaws.com/", headers: {}, body }, CREDS, SCOPE, DATE);
    const empty = await sign("");
    expect(empty.authorization).toBe(`${PREFIX}SignedHeaders=host;x-amz-date, Signature=5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b`);
    expect((await sign('{"a":1}')).authorization).not.toBe(empty.authorization);
  });

  it("signs a Bedrock model path with ':' as AWS does for non-S3 services (the encoded path encoded again)", async () => {
    // The same request with the ':' left raw must sign differently: the canonical URI keeps
    // the sender's %3A and encodes it again to %253A (checked against the fake's independent verifier in bedrock.test.ts).
    const url = (m: string) => `https://bedrock-runtime.us-east-1.amazonaws.com/model/${m}/converse`;
    const scope = { region: "us-east-1", service: "bedrock" };
    const encoded = await signAws({ method: "POST", url: url("anthropic.claude-3-5-haiku-20241022-v1%3A0"), headers: {}, body: "{}" }, CREDS, scope, DATE);
    const raw = await signAws({ method: "POST", url: url("anthropic.claude-3-5-haiku-20241022-v1:0"), headers: {}, body: "{}" }, CREDS, scope, DATE);
    expect(encoded.authorization).toMatch(/Credential=AKIDEXAMPLE\/20150830\/us-east-1\/bedrock\/aws4_request/);
    expect(encoded.authorization).not.toBe(raw.authorization);
  });
});
