// Cloudflare AI Gateway, as the fake's `aigw` provider: /aigw/{account}/{gateway}/{slug}/… is
// forwarded to the fake's own protocol for that provider, as the real gateway forwards to the
// provider (Bedrock requests arrive at AWS's host, which is what they were signed for). With the
// session config `aigToken`, the gateway is authenticated: `cf-aig-authorization: Bearer <token>`.
import { J, builtinPlan } from "../fake-upstream.mjs";
import { azureFormat } from "./azure.mjs";
import { bedrockFormat } from "./bedrock.mjs";
import { vertexFormat } from "./vertex.mjs";

/** AI Gateway slug → the fake's provider segment (the built-in protocols' names). */
const SLUGS = {
  openai: "openai", anthropic: "anthropic", "google-ai-studio": "gemini", mistral: "mistral", groq: "groq", deepseek: "deepseek",
  grok: "xai", "perplexity-ai": "perplexity", cerebras: "cerebras", openrouter: "openrouter", "workers-ai": "cloudflare",
};

const cfError = (status, message) => ({
  status,
  headers: { "content-type": "application/json" },
  chunks: [J({ success: false, result: [], messages: [], error: [{ code: 2009, message }] })],
  single: true,
});

export const aiGatewayFormat = {
  name: "ai-gateway",
  handles: (provider) => provider === "aigw",
  plan(ctx, override) {
    const m = /^\/([^/]+)\/([^/]+)\/([^/]+)(\/.*)?$/.exec(ctx.rest);
    if (!m) return cfError(404, "Not found");
    const [, , , slug, rest = ""] = m;
    const token = ctx.cfg.aigToken;
    if (token && ctx.headers["cf-aig-authorization"] !== `Bearer ${token}`) return cfError(401, "Unauthorized");
    // What the provider sees: no cf-aig-* headers.
    const headers = Object.fromEntries(Object.entries(ctx.headers).filter(([k]) => !k.startsWith("cf-aig-")));
    if (slug === "aws-bedrock") {
      const b = /^\/bedrock-runtime\/([^/]+)(\/.*)$/.exec(rest);
      if (!b) return cfError(404, "Not found");
      const host = `bedrock-runtime.${b[1]}.amazonaws.com`;
      const url = new URL(`http://${host}${b[2]}${ctx.url.search}`);
      return bedrockFormat.plan({ ...ctx, provider: "bedrock", rest: b[2], url, headers: { ...headers, host } }, override);
    }
    if (slug === "google-vertex-ai") return vertexFormat.plan({ ...ctx, provider: "vertex", rest, headers }, override);
    if (slug === "azure-openai") {
      const a = /^\/[^/]+\/([^/]+)(\/.*)$/.exec(rest);
      if (!a) return cfError(404, "Not found");
      return azureFormat.plan({ ...ctx, provider: "azure", rest: `/openai/deployments/${a[1]}${a[2]}`, headers }, override);
    }
    const provider = SLUGS[slug];
    if (!provider) return cfError(400, `Unknown provider '${slug}'`);
    return builtinPlan({ ...ctx, provider, rest, headers }, override);
  },
  errorPlan: cfError,
};
