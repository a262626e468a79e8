import { it } from "vitest";
import { fakeSession } from "../helpers/fake-upstream";
import { gateway, jsonPost, MANAGEMENT_KEY } from "../helpers/gateway";

it("probe", async () => {
  const up = fakeSession("probe");
  const gw = gateway(up.env);
  const { key, hash } = await gw.createKey();
  const m = { authorization: `Bearer ${MANAGEMENT_KEY}` };
  const k = { authorization: `Bearer ${key}` };
  const cases: Array<[string, RequestInit]> = [
    ["/api/v1/keys/%ZZ", { headers: m }],
    ["/api/v1/keys/%ZZ", { method: "PATCH", headers: { ...m, "content-type": "application/json" }, body: "{}" }],
    ["/api/v1/keys/%ZZ", { method: "DELETE", headers: m }],
    ["/api/v1/management-keys/%ZZ", { method: "DELETE", headers: m }],
    ["/api/v1/generation?id=%ZZ", { headers: k }],
    ["/api/v1/activity?date_from=%ZZ", { headers: m }],
    ["/api/v1/keys?limit=%ZZ", { headers: m }],
    ["/v1/models?x=%ZZ", { headers: k }],
    ["/v1beta/models/gemini-2.5-flash:generateContent?alt=%ZZ", jsonPost({ contents: [{ parts: [{ text: "hi" }] }] }, { "x-goog-api-key": key })],
    ["/v1beta/models/gemini-2.5-flash:generateContent?key=%ZZ", jsonPost({ contents: [{ parts: [{ text: "hi" }] }] })],
    ["/v1beta/models/gemini-2.5-flash:bogus", jsonPost({ contents: [{ parts: [{ text: "hi" }] }] }, { "x-goog-api-key": key })],
    ["/v1/models/openai%2Fgpt-4o-mini/endpoints", { headers: k }],
    ["/v1/models/%E0%A4%A", { headers: k }],
    ["/v1/chat/completions", { method: "POST", headers: { ...k, "content-type": "application/json" }, body: JSON.stringify({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "hi" }], max_tokens: 5, service_tier: "priority" }) }],
    ["/v1/chat/completions", { method: "POST", headers: { ...k, "content-type": "text/plain" }, body: "\u0000" }],
    ["/v1/chat/completions", { method: "POST", headers: { ...k, "content-type": "application/json", "x-session-id": "a\u0001b".replace("\u0001", "%01") }, body: JSON.stringify({ model: "auto", messages: [{ role: "user", content: "hi" }], max_tokens: 5 }) }],
    ["/api/v1/key", { headers: { authorization: "Bearer lr_live_" + "é".repeat(43) } }],
  ];
  for (const [path, init] of cases) {
    const res = await gw.fetch(path, init);
    console.log(res.status, init.method ?? "GET", path, (await res.text()).slice(0, 160));
  }
  console.log("upstream", (await up.requests()).map((r) => r.path));
  void hash;
});
