import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { chatRequestSchema } from "../../src/codecs/openai/openai-api";
import * as mgmt from "../../src/web/openapi/management-schemas";
import { modelEndpointsSchema, modelListSchema, modelSchema } from "../../src/web/openapi/model-schemas";
import { fakeSession } from "../helpers/fake-upstream";
import { gateway, MANAGEMENT_KEY } from "../helpers/gateway";

type Doc = { openapi: string; paths: Record<string, Record<string, Record<string, unknown>>>; components: { schemas: Record<string, Record<string, unknown>> }; servers: { url: string }[] };

/** Every `$ref` string anywhere in a JSON value. */
function refs(v: unknown, out: string[] = []): string[] {
  if (Array.isArray(v)) v.forEach((x) => refs(x, out));
  else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) k === "$ref" && typeof x === "string" ? out.push(x) : refs(x, out);
  return out;
}

function parseStrict<S extends z.ZodType>(schema: S, value: unknown) {
  const r = schema.safeParse(value);
  if (!r.success) throw new Error(`${JSON.stringify(r.error.issues, null, 1)}\n${JSON.stringify(value).slice(0, 500)}`);
  return r.data;
}

describe("GET /openapi.json", () => {
  const session = fakeSession("openapi");
  const g = gateway(session.env);

  it("is an OpenAPI 3.1 document whose request schemas are the routes' own zod schemas", async () => {
    const res = await g.fetch("/openapi.json");
    expect(res.status).toBe(200);
    const doc = (await res.json()) as Doc;
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.servers).toEqual([{ url: "http://gateway.test" }]);
    // Every reference resolves inside the document.
    for (const ref of refs(doc)) {
      expect(ref).toMatch(/^#\/components\/schemas\//);
      expect(doc.components.schemas[ref.split("/").pop()!], ref).toBeDefined();
    }
    // Generated, not copied: the chat request lists exactly the fields the OpenAI codec accepts.
    const chat = doc.components.schemas.ChatCompletionRequest as { properties: Record<string, unknown>; required: string[] };
    expect(Object.keys(chat.properties).sort()).toEqual(Object.keys(chatRequestSchema.shape).sort());
    expect(chat.required).toEqual(expect.arrayContaining(["model", "messages"]));
    const create = doc.components.schemas.CreateKeyRequest as { properties: Record<string, unknown>; additionalProperties: boolean };
    expect(Object.keys(create.properties)).toEqual(["name", "label", "allowed_providers", "limit", "limit_reset", "expires_at", "rate_limit"]);
    expect(create.additionalProperties).toBe(false);
    // Query parameters come from the routes' query schemas.
    const activity = doc.paths["/api/v1/activity"].get as { parameters: { name: string }[] };
    expect(activity.parameters.map((p) => p.name)).toEqual(["date_from", "date_to", "group_by", "key_hash"]);
    for (const path of ["/v1/chat/completions", "/v1/messages", "/v1beta/models/{model}:generateContent", "/v1/embeddings", "/api/v1/keys", "/api/v1/generations"]) {
      expect(doc.paths[path], path).toBeDefined();
    }
  });

  it("describes the management and model answers the gateway really gives", async () => {
    const h = { authorization: `Bearer ${MANAGEMENT_KEY}`, "content-type": "application/json" };
    const created = await g.fetch("/api/v1/keys", { method: "POST", headers: h, body: JSON.stringify({ name: "doc", limit: 5, limit_reset: "daily", rate_limit: { requests: 10, interval: "minute" }, expires_at: "2099-01-01T00:00:00Z" }) });
    const { data, key } = parseStrict(mgmt.keyCreatedSchema, await created.json());
    parseStrict(mgmt.keyListSchema, await (await g.fetch("/api/v1/keys", { headers: h })).json());
    parseStrict(mgmt.keyResponseSchema, await (await g.fetch(`/api/v1/keys/${data.hash}`, { method: "PATCH", headers: h, body: JSON.stringify({ name: "doc2" }) })).json());
    parseStrict(mgmt.keyResponseSchema, await (await g.fetch("/api/v1/key", { headers: { authorization: `Bearer ${key}` } })).json());

    const chat = await g.fetch("/v1/chat/completions", { method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "application/json" }, body: JSON.stringify({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "hi" }] }) });
    const genId = ((await chat.json()) as { id: string }).id;
    await g.settled();
    parseStrict(mgmt.generationResponseSchema, await (await g.fetch(`/api/v1/generation?id=${genId}&key_hash=${data.hash}`, { headers: h })).json());
    parseStrict(mgmt.activityResponseSchema, await (await g.fetch(`/api/v1/activity?key_hash=${data.hash}&group_by=model`, { headers: h })).json());
    const list = parseStrict(mgmt.generationListSchema, await (await g.fetch(`/api/v1/generations?key_hash=${data.hash}`, { headers: h })).json());
    expect(list.data.map((r) => r.id)).toContain(genId);

    const mk = parseStrict(mgmt.managementKeyCreatedSchema, await (await g.fetch("/api/v1/management-keys", { method: "POST", headers: h, body: JSON.stringify({ name: "doc" }) })).json());
    parseStrict(mgmt.managementKeyListSchema, await (await g.fetch("/api/v1/management-keys", { headers: h })).json());
    parseStrict(mgmt.deletedSchema, await (await g.fetch(`/api/v1/management-keys/${mk.data.hash}`, { method: "DELETE", headers: h })).json());
    parseStrict(mgmt.deletedSchema, await (await g.fetch(`/api/v1/keys/${data.hash}`, { method: "DELETE", headers: h })).json());

    const models = parseStrict(modelListSchema, await (await g.fetch("/v1/models")).json());
    expect(models.data.length).toBeGreaterThan(0);
    parseStrict(modelSchema, await (await g.fetch("/v1/models/openai/gpt-4o-mini")).json());
    parseStrict(modelEndpointsSchema, await (await g.fetch("/v1/models/openai/gpt-4o-mini/endpoints")).json());
  });
});
