/**
 * Gateway configuration for the cloud providers, pointed at a fake upstream session: Bedrock
 * (the fake verifies SigV4 with FAKE_AWS), Vertex (a service account whose key is generated here
 * and whose token_uri is the fake's OAuth endpoint), Azure and Workers AI.
 */
import type { FakeSession } from "./fake-upstream";

/** The credentials scripts/fake-upstream/bedrock.mjs accepts (it checks the signature with them). */
export const FAKE_AWS = { accessKeyId: "AKIDFAKEBEDROCK0001", secretAccessKey: "fake/bedrock+secret/key0000000000000000", sessionToken: "fake-session-token" };

export const BEDROCK_REGION = "us-west-2";

export function bedrockEnv(up: FakeSession, auth: "sigv4" | "session" | "bearer" = "sigv4"): Record<string, string> {
  const env: Record<string, string> = { AWS_BEDROCK_BASE_URL: `${up.baseUrl}/bedrock`, AWS_REGION: BEDROCK_REGION };
  if (auth === "bearer") env.AWS_BEARER_TOKEN_BEDROCK = "fake-bedrock-api-key";
  else {
    env.AWS_ACCESS_KEY_ID = FAKE_AWS.accessKeyId;
    env.AWS_SECRET_ACCESS_KEY = FAKE_AWS.secretAccessKey;
    if (auth === "session") env.AWS_SESSION_TOKEN = FAKE_AWS.sessionToken;
  }
  return env;
}

function pem(label: string, der: ArrayBuffer): string {
  let s = "";
  for (const b of new Uint8Array(der)) s += String.fromCharCode(b);
  const lines = btoa(s).match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}

export interface TestServiceAccount {
  json: string;
  publicKeyPem: string;
  publicKey: CryptoKey;
  clientEmail: string;
  tokenUri: string;
}

/** A fresh RSA service account (WebCrypto), its token_uri on the session's fake OAuth endpoint. */
export async function testServiceAccount(up: FakeSession, tokenUri = `${up.baseUrl}/oauth2/token`): Promise<TestServiceAccount> {
  const pair = (await crypto.subtle.generateKey(
    { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
    true,
    ["sign", "verify"],
  )) as CryptoKeyPair;
  const pkcs8 = (await crypto.subtle.exportKey("pkcs8", pair.privateKey)) as ArrayBuffer;
  const spki = (await crypto.subtle.exportKey("spki", pair.publicKey)) as ArrayBuffer;
  const clientEmail = "arouter-test@fake-project.iam.gserviceaccount.com";
  const json = JSON.stringify({
    type: "service_account",
    project_id: "fake-project",
    private_key_id: "0123456789abcdef",
    private_key: pem("PRIVATE KEY", pkcs8),
    client_email: clientEmail,
    client_id: "100000000000000000000",
    token_uri: tokenUri,
  });
  return { json, publicKeyPem: pem("PUBLIC KEY", spki), publicKey: pair.publicKey, clientEmail, tokenUri };
}

export const VERTEX_LOCATION = "us-east5";

/** Vertex env; the fake's token endpoint is told the account's public key, so it checks signatures. */
export async function vertexEnv(up: FakeSession, sa?: TestServiceAccount): Promise<Record<string, string>> {
  const account = sa ?? (await testServiceAccount(up));
  await up.configure({ oauthPublicKey: account.publicKeyPem });
  return {
    GOOGLE_VERTEX_PROJECT: "fake-project",
    GOOGLE_VERTEX_LOCATION: VERTEX_LOCATION,
    GOOGLE_VERTEX_CREDENTIALS: account.json,
    GOOGLE_VERTEX_BASE_URL: `${up.baseUrl}/vertex`,
  };
}

export function azureEnv(up: FakeSession, opts: { apiVersion?: string; deployments?: string } = {}): Record<string, string> {
  const env: Record<string, string> = { AZURE_OPENAI_API_KEY: "fake-azure-key", AZURE_OPENAI_BASE_URL: `${up.baseUrl}/azure` };
  if (opts.apiVersion) env.AZURE_OPENAI_API_VERSION = opts.apiVersion;
  if (opts.deployments) env.AZURE_OPENAI_DEPLOYMENTS = opts.deployments;
  return env;
}

export const CF_ACCOUNT = "fake-account";

export function workersAiEnv(up: FakeSession): Record<string, string> {
  return {
    CLOUDFLARE_ACCOUNT_ID: CF_ACCOUNT,
    CLOUDFLARE_API_TOKEN: "fake-cf-token",
    CLOUDFLARE_BASE_URL: `${up.baseUrl}/cloudflare/client/v4/accounts/${CF_ACCOUNT}/ai/v1`,
  };
}
