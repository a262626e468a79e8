/**
 * Every cloud provider end to end, on every surface (OpenAI chat, Anthropic messages, Gemini
 * generateContent / streamGenerateContent?alt=sse), streamed and not, plain text and tool calls:
 * the caller's answer is checked against its own format's strict schema (the matrix readers), and
 * the request the fake upstream received against the provider's own protocol (URL scheme, auth,
 * body shape). The fake refuses what the real service would: a bad SigV4 signature, an OAuth
 * token it did not mint, a Claude body with `model`, an Azure call without `api-key`…
 */
import { describe, expect, it } from "vitest";
import { azureEnv, BEDROCK_REGION, bedrockEnv, CF_ACCOUNT, FAKE_AWS, VERTEX_LOCATION, vertexEnv, workersAiEnv } from "../helpers/cloud-env";
import type { FakeSession, RecordedRequest } from "../helpers/fake-upstream";
import { rig } from "../helpers/rig";
import { expectedFinish, expectOk } from "../helpers/surface-reply";
import { SURFACES, WEATHER_TOOL, type Intent } from "../helpers/surface-request";

interface CloudCase {
  name: string;
  /** The id the caller sends. */
  model: string;
  env(up: FakeSession): Promise<Record<string, string>>;
  /** The fake's default answer text. */
  text: string;
  /** The upstream request, in the provider's protocol. */
  check(sent: RecordedRequest, stream: boolean, tools: boolean): void;
}

const VERTEX_PREFIX = `/vertex/v1/projects/fake-project/locations/${VERTEX_LOCATION}/publishers`;
const BEDROCK_MODEL = "anthropic.claude-3-5-haiku-20241022-v1:0";

const CASES: CloudCase[] = [
  {
    name: "amazon-bedrock (SigV4)",
    model: `amazon-bedrock/${BEDROCK_MODEL}`,
    env: async (up) => bedrockEnv(up, "sigv4"),
    text: `Hello from fake bedrock (${BEDROCK_MODEL})`,
    check(sent, stream, tools) {
      expect(sent.path).toBe(`/bedrock/model/${encodeURIComponent(BEDROCK_MODEL)}/${stream ? "converse-stream" : "converse"}`);
      expect(sent.headers.authorization).toMatch(new RegExp(`^AWS4-HMAC-SHA256 Credential=${FAKE_AWS.accessKeyId}/\\d{8}/${BEDROCK_REGION}/bedrock/aws4_request, SignedHeaders=`));
      expect(sent.headers["x-amz-date"]).toMatch(/^\d{8}T\d{6}Z$/);
      expect(sent.body.model).toBeUndefined();
      expect(sent.body.messages.at(-1)).toMatchObject({ role: "user", content: [{ text: expect.any(String) }] });
      if (tools) expect(sent.body.toolConfig.tools).toEqual([{ toolSpec: { name: WEATHER_TOOL.name, description: WEATHER_TOOL.description, inputSchema: { json: WEATHER_TOOL.schema } } }]);
      else expect(sent.body.toolConfig).toBeUndefined();
    },
  },
  {
    name: "google-vertex (Gemini)",
    model: "google-vertex/gemini-2.5-flash",
    env: (up) => vertexEnv(up),
    text: "Hello from fake gemini (gemini-2.5-flash)",
    check(sent, stream, tools) {
      expect(sent.path).toBe(`${VERTEX_PREFIX}/google/models/gemini-2.5-flash:${stream ? "streamGenerateContent" : "generateContent"}`);
      if (stream) expect(sent.query.alt).toBe("sse");
      expect(sent.headers.authorization).toMatch(/^Bearer ya29\.fake-/);
      expect(sent.headers["x-goog-api-key"]).toBeUndefined();
      expect(sent.body.contents.at(-1).role).toBe("user");
      if (tools) expect(sent.body.tools[0].functionDeclarations[0].name).toBe(WEATHER_TOOL.name);
    },
  },
  {
    name: "google-vertex (Claude)",
    model: "google-vertex/claude-sonnet-4-5@20250929",
    env: (up) => vertexEnv(up),
    text: "Hello from fake anthropic (claude-sonnet-4-5@20250929)",
    check(sent, stream, tools) {
      expect(sent.path).toBe(`${VERTEX_PREFIX}/anthropic/models/claude-sonnet-4-5@20250929:${stream ? "streamRawPredict" : "rawPredict"}`);
      expect(sent.headers.authorization).toMatch(/^Bearer ya29\.fake-/);
      expect(sent.headers["x-api-key"]).toBeUndefined();
      expect(sent.body.anthropic_version).toBe("vertex-2023-10-16");
      expect("model" in sent.body).toBe(false);
      expect(sent.body.stream === true).toBe(stream);
      if (tools) expect(sent.body.tools[0]).toMatchObject({ name: WEATHER_TOOL.name, input_schema: WEATHER_TOOL.schema });
    },
  },
  {
    name: "azure (v1 API)",
    model: "azure/gpt-4o",
    env: async (up) => azureEnv(up),
    text: "Hello from fake azure (gpt-4o)",
    check(sent, stream) {
      expect(sent.path).toBe("/azure/openai/v1/chat/completions");
      expect(sent.headers["api-key"]).toBe("fake-azure-key");
      expect(sent.headers.authorization).toBeUndefined();
      expect(sent.body.model).toBe("gpt-4o");
      expect(sent.body.stream === true).toBe(stream);
    },
  },
  {
    name: "azure (classic deployments, mapped)",
    model: "azure/gpt-4o",
    env: async (up) => {
      await up.configure({ azureDeployments: ["prod-4o"] });
      return azureEnv(up, { apiVersion: "2024-10-21", deployments: "gpt-4o=prod-4o" });
    },
    text: "Hello from fake azure (prod-4o)",
    check(sent) {
      expect(sent.path).toBe("/azure/openai/deployments/prod-4o/chat/completions");
      expect(sent.query["api-version"]).toBe("2024-10-21");
      expect(sent.headers["api-key"]).toBe("fake-azure-key");
    },
  },
  {
    name: "cloudflare Workers AI (HTTP)",
    model: "cloudflare/@cf/meta/llama-3.3-70b-instruct-fp8-fast",
    env: async (up) => workersAiEnv(up),
    text: "Hello from fake cloudflare (@cf/meta/llama-3.3-70b-instruct-fp8-fast)",
    check(sent, stream) {
      expect(sent.path).toBe(`/cloudflare/client/v4/accounts/${CF_ACCOUNT}/ai/v1/chat/completions`);
      expect(sent.headers.authorization).toBe("Bearer fake-cf-token");
      expect(sent.body.model).toBe("@cf/meta/llama-3.3-70b-instruct-fp8-fast");
      if (stream) expect(sent.body.stream_options).toEqual({ include_usage: true });
    },
  },
];

const textIntent: Omit<Intent, "model"> = { system: "Be brief.", turns: [{ role: "user", text: "Say hello" }] };
const toolIntent: Omit<Intent, "model"> = { tools: true, turns: [{ role: "user", text: "What's the weather in Paris?" }] };

describe.each(CASES)("$name", (c) => {
  for (const surface of SURFACES) {
    for (const stream of [false, true]) {
      it(`${surface} surface, ${stream ? "streamed" : "complete"}: text and a tool call`, async () => {
        const r = await rig(`cloud-${surface}`, { env: c.env });
        const { up, gw } = r;
        const call = async (it: Omit<Intent, "model">) => expectOk(await r.ask(surface, { ...it, model: c.model, framing: stream ? "sse" : "json" }));

        const text = await call(textIntent);
        expect(text.text).toBe(c.text);
        expect(text.finish).toBe(expectedFinish(surface, "stop"));
        expect(text.usage.input).toBeGreaterThan(0);
        expect(text.usage.output).toBeGreaterThan(0);
        c.check((await up.lastRequest())!, stream, false);

        const tool = await call(toolIntent);
        expect(tool.calls.map((x) => ({ name: x.name, args: x.args }))).toEqual([{ name: WEATHER_TOOL.name, args: { city: "San Francisco" } }]);
        expect(tool.finish).toBe(expectedFinish(surface, "tool"));
        c.check((await up.lastRequest())!, stream, true);
        await gw.settled();
      });
    }
  }
});
