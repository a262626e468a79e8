// The gateway variables that point the cloud providers at the fake upstream (printed by the CLI
// for .dev.vars): Bedrock with a Bedrock API key, Azure, Workers AI, every OpenAI-compatible
// provider, and Vertex with a service account generated at startup (its token_uri is the fake's
// OAuth endpoint, which then checks the assertions' signatures with its public key).
import crypto from "node:crypto";

export const COMPATIBLE = [
  ["DASHSCOPE", "alibaba"], ["MOONSHOT", "moonshotai"], ["ZAI", "z-ai"], ["MINIMAX", "minimax"], ["SAMBANOVA", "sambanova"],
  ["NEBIUS", "nebius"], ["NOVITA", "novita"], ["HYPERBOLIC", "hyperbolic"], ["NVIDIA", "nvidia"], ["HUGGINGFACE", "huggingface"],
  ["BASETEN", "baseten"], ["CHUTES", "chutes"], ["GITHUB", "github"], ["COHERE", "cohere"], ["INCEPTION", "inception"],
  ["UPSTAGE", "upstage"], ["VENICE", "venice"],
];

/** A throwaway service account key; `publicKeyPem` goes to the fake's config as oauthPublicKey. */
export function fakeServiceAccountKey() {
  const { privateKey, publicKey } = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
  return { privateKeyPem: privateKey.export({ type: "pkcs8", format: "pem" }), publicKeyPem: publicKey.export({ type: "spki", format: "pem" }) };
}

/** The service-account JSON for that key, its token_uri on the fake. */
export function fakeServiceAccountJson(privateKeyPem, tokenUri) {
  return JSON.stringify({
    type: "service_account",
    project_id: "fake-project",
    private_key_id: "fake-key-id",
    private_key: privateKeyPem,
    client_email: "arouter-dev@fake-project.iam.gserviceaccount.com",
    token_uri: tokenUri,
  });
}

export function cloudEnvLines(base, serviceAccountJson) {
  const lines = [
    `AWS_BEDROCK_BASE_URL=${base}/bedrock`,
    "AWS_BEARER_TOKEN_BEDROCK=fake-bedrock-api-key",
    `AZURE_OPENAI_BASE_URL=${base}/azure`,
    "AZURE_OPENAI_API_KEY=fake-azure-key",
    `CLOUDFLARE_BASE_URL=${base}/cloudflare/client/v4/accounts/fake-account/ai/v1`,
    "CLOUDFLARE_ACCOUNT_ID=fake-account",
    "CLOUDFLARE_API_TOKEN=fake-cf-token",
  ];
  if (serviceAccountJson) {
    lines.push(`GOOGLE_VERTEX_BASE_URL=${base}/vertex`, "GOOGLE_VERTEX_PROJECT=fake-project", `GOOGLE_VERTEX_CREDENTIALS='${serviceAccountJson}'`);
  }
  for (const [name, id] of COMPATIBLE) lines.push(`${name}_BASE_URL=${base}/${id}/v1`, `${name}_API_KEY=fake-${id}-key`);
  return lines;
}
