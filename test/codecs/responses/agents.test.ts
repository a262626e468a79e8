/**
 * What Codex 0.171 and @ai-sdk/openai really send to `POST /v1/responses` (recorded in
 * ../shared/fixtures/agents) decodes cleanly, and encodes for every upstream format.
 */
import { describe, expect, it } from "vitest";
import { CODECS } from "../../../src/codecs";
import { readResponsesExtensions } from "../../../src/codecs/responses";
import { readSharedFixtureJson, sharedFixturesAvailable } from "../../helpers/fake-upstream";

interface Recorded {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Record<string, any>;
}

const CODEX = ["codex-0.171.0.responses.openai-gpt-4o.first-turn", "codex-0.171.0.responses.anthropic-claude-sonnet-4.6.first-turn"];

describe.skipIf(!sharedFixturesAvailable())("recorded agent requests on the Responses surface", () => {
  for (const name of CODEX) {
    it(`${name}: decodes, flattens the namespace, keeps web_search for OpenAI only`, async () => {
      const rec = await readSharedFixtureJson<Recorded>(`agents/${name}.request.json`);
      expect(rec.path).toBe("/v1/responses");
      const req = CODECS.responses.decodeRequest(rec.body);
      const raw = rec.body;
      const functions = raw.tools.filter((t: { type: string }) => t.type === "function").length;
      const namespaced = raw.tools.filter((t: { type: string }) => t.type === "namespace").flatMap((t: { name: string; tools: Array<{ name: string }> }) => t.tools.map((m) => `${t.name}__${m.name}`));
      expect(namespaced.length).toBeGreaterThan(0);
      expect(req.tools!.length).toBe(functions + namespaced.length);
      expect(req.tools!.map((t) => t.name)).toEqual(expect.arrayContaining(["exec_command", ...namespaced]));
      expect(req.nativeFeatures).toEqual([{ format: "responses", name: "tool web_search", required: false }]);
      expect(req.stream).toBe(true);
      expect(req.system!.length).toBeGreaterThan(0); // the developer messages
      expect(req.messages.map((m) => m.role)).toEqual(["user", "user"]);
      expect(req.routing).toEqual({ sessionId: raw.prompt_cache_key });
      expect(req.reasoning).toEqual({ exclude: false });
      const ext = readResponsesExtensions(req);
      expect(ext).toMatchObject({ store: false, include: ["reasoning.encrypted_content"], reasoning: { summary: "auto" } });
      expect(ext.fields?.client_metadata).toEqual(raw.client_metadata);

      for (const format of ["anthropic", "gemini", "openai"] as const) {
        const body = CODECS[format].encodeRequest(req, "upstream-model");
        const text = JSON.stringify(body);
        expect(text, format).toContain("exec_command");
        expect(text, format).toContain(namespaced[0]);
        expect(text, format).not.toContain('"web_search"');
        expect(text, format).not.toContain("client_metadata");
      }
      const toOpenAI = CODECS.responses.encodeRequest(req, "gpt-4o");
      expect(toOpenAI).toMatchObject({ store: false, stream: true, tools: raw.tools, client_metadata: raw.client_metadata });
      const passthrough = CODECS.responses.passthroughRequest!(raw, "gpt-4o", true);
      expect(passthrough).toEqual({ ...raw, model: "gpt-4o", store: false, stream: true });
    });
  }

  it("@ai-sdk/openai's default (Responses) model request decodes", async () => {
    const rec = await readSharedFixtureJson<Recorded>("agents/ai-sdk-openai-4.0.126.responses.openai-gpt-4o.stream.request.json");
    const req = CODECS.responses.decodeRequest(rec.body);
    expect(req).toMatchObject({ model: "openai/gpt-4o", stream: true, messages: [{ role: "user", content: [{ type: "text", text: expect.stringMatching(/^hi /) }] }] });
  });
});
