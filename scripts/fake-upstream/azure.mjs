// Azure OpenAI, as the fake's `azure` provider: `api-key` header auth and both URL schemes.
//   POST /azure/openai/deployments/{deployment}/chat/completions?api-version=…   (classic)
//   POST /azure/openai/deployments/{deployment}/embeddings?api-version=…
//   POST /azure/openai/v1/chat/completions | /azure/openai/v1/embeddings       (v1: deployment in `model`)
//   POST /azure/openai/v1/responses                                              (the Responses API, v1 only)
//   GET  /azure/openai/deployments?api-version=2022-12-01                        (deployment list)
//   GET  /azure/openai/v1/models                                                 (model list)
// With the session config `azureDeployments: [...]`, only those deployments exist (404
// DeploymentNotFound otherwise), which is how tests check a model→deployment mapping.
import { J, builtinPlan } from "../fake-upstream.mjs";
import { responsesFormat } from "./responses.mjs";

function azureError(status, code, message) {
  return { status, headers: { "content-type": "application/json" }, chunks: [J({ error: { code, message } })], single: true };
}
const errorPlan = (status, message) => azureError(status, String(status), message ?? `Error ${status} (fake upstream)`);

function deploymentMissing(ctx, name) {
  const known = ctx.cfg.azureDeployments;
  if (!Array.isArray(known) || known.includes(name)) return null;
  return azureError(404, "DeploymentNotFound", "The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again.");
}

export const azureFormat = {
  name: "azure",
  handles: (provider) => provider === "azure",
  plan(ctx, override) {
    if (ctx.cfg.auth !== false && !ctx.headers["api-key"])
      return azureError(401, "401", "Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.");
    const version = ctx.url.searchParams.get("api-version");
    // The gateway's request goes on as an OpenAI one (Bearer auth is what the built-in protocol checks).
    const asOpenAI = (rest, body) => builtinPlan({ ...ctx, provider: "azure", rest, body, headers: { ...ctx.headers, authorization: `Bearer ${ctx.headers["api-key"] ?? "x"}` } }, override);
    if (ctx.method === "GET" && ctx.rest === "/openai/deployments") {
      if (!version) return azureError(404, "404", "Resource not found");
      const names = Array.isArray(ctx.cfg.azureDeployments) ? ctx.cfg.azureDeployments : ["gpt-4o", "gpt-4o-mini", "text-embedding-3-small"];
      const data = names.map((id) => ({ id, model: id.replace(/^prod-/, ""), object: "deployment", status: "succeeded", created_at: 1720000000 }));
      return { status: 200, headers: { "content-type": "application/json" }, chunks: [J({ data, object: "list" })], single: true };
    }
    if (ctx.method === "GET" && ctx.rest === "/openai/v1/models") {
      const m = (id, chat, embeddings) => ({ id, object: "model", created_at: 1720000000, capabilities: { chat_completion: chat, embeddings, completion: false, fine_tune: false, inference: true }, lifecycle_status: "generally-available" });
      const data = [m("gpt-4o", true, false), m("text-embedding-3-small", false, true), m("dall-e-3", false, false)];
      return { status: 200, headers: { "content-type": "application/json" }, chunks: [J({ data, object: "list" })], single: true };
    }
    const classic = /^\/openai\/deployments\/([^/]+)\/(chat\/completions|embeddings)$/.exec(ctx.rest);
    if (classic && ctx.method === "POST") {
      if (!version) return azureError(404, "404", "Resource not found");
      const deployment = decodeURIComponent(classic[1]);
      const missing = deploymentMissing(ctx, deployment);
      if (missing) return missing;
      const body = ctx.body && typeof ctx.body === "object" ? { ...ctx.body, model: deployment } : ctx.body;
      return asOpenAI(`/${classic[2]}`, body);
    }
    if (ctx.rest === "/openai/v1/responses" && ctx.method === "POST") {
      if (typeof ctx.body?.model !== "string") return azureError(400, "invalid_request_error", "Missing required parameter: 'model'.");
      const missing = deploymentMissing(ctx, ctx.body.model);
      if (missing) return missing;
      return responsesFormat.plan({ ...ctx, headers: { ...ctx.headers, authorization: `Bearer ${ctx.headers["api-key"] ?? "x"}` } }, override);
    }
    const v1 = /^\/openai\/v1\/(chat\/completions|embeddings)$/.exec(ctx.rest);
    if (v1 && ctx.method === "POST") {
      if (typeof ctx.body?.model !== "string") return azureError(400, "invalid_request_error", "Missing required parameter: 'model'.");
      const missing = deploymentMissing(ctx, ctx.body.model);
      if (missing) return missing;
      return asOpenAI(`/${v1[1]}`, ctx.body);
    }
    return azureError(404, "404", "Resource not found");
  },
  errorPlan,
};
