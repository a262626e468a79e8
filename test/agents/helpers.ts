/**
 * Replaying the requests real agents sent (../shared/fixtures/agents, see its README): the recorded
 * request with only the model (and the redacted key) replaced, sent through the gateway to every
 * kind of provider: OpenAI, Anthropic, Gemini, an OpenAI-compatible one (DeepSeek) and the clouds
 * (Bedrock's Converse, Vertex serving Gemini and Claude).
 */
import { bedrockEnv, vertexEnv } from "../helpers/cloud-env";
import { fakeSession, readSharedFixtureJson, type FakeSession, type RecordedRequest } from "../helpers/fake-upstream";
import { gateway, jsonPost, type Gateway } from "../helpers/gateway";
import type { ReplyKind } from "../helpers/surface-reply";

/** One recorded request, as ../shared/fixtures/agents stores it. */
export interface AgentRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Record<string, any>;
}

export const recorded = (name: string) => readSharedFixtureJson<AgentRequest>(`agents/${name}.request.json`);

export type WireFormat = "openai" | "anthropic" | "gemini" | "bedrock";

export interface Provider {
  name: string;
  /** The id the agent is pointed at. */
  model: string;
  /** The wire format the gateway speaks to it. */
  format: WireFormat;
  /** The fake upstream's default answer. */
  text: string;
}

const BEDROCK_MODEL = "anthropic.claude-3-5-haiku-20241022-v1:0";
// A Vertex Claude whose catalog entry lists reasoning and tools: the catalog's newer Vertex Claude
// entries (4.5 onwards) list neither, so the gateway rightly drops a thinking budget sent to them.
const VERTEX_CLAUDE = "claude-sonnet-4@20250514";

export const PROVIDERS: Provider[] = [
  { name: "openai", model: "openai/gpt-4o", format: "openai", text: "Hello from fake openai (gpt-4o)" },
  { name: "anthropic", model: "anthropic/claude-sonnet-4.6", format: "anthropic", text: "Hello from fake anthropic (claude-sonnet-4-6)" },
  { name: "gemini", model: "google/gemini-2.5-flash", format: "gemini", text: "Hello from fake gemini (gemini-2.5-flash)" },
  { name: "deepseek (OpenAI-compatible)", model: "deepseek/deepseek-v4-flash", format: "openai", text: "Hello from fake deepseek (deepseek-v4-flash)" },
  { name: "amazon-bedrock", model: `amazon-bedrock/${BEDROCK_MODEL}`, format: "bedrock", text: `Hello from fake bedrock (${BEDROCK_MODEL})` },
  { name: "google-vertex (Claude)", model: `google-vertex/${VERTEX_CLAUDE}`, format: "anthropic", text: `Hello from fake anthropic (${VERTEX_CLAUDE})` },
  { name: "google-vertex (Gemini)", model: "google-vertex/gemini-2.5-flash", format: "gemini", text: "Hello from fake gemini (gemini-2.5-flash)" },
];

export interface AgentRig {
  up: FakeSession;
  gw: Gateway;
  key: string;
  /** Sends a recorded request (or a changed body, at the recorded path) as the agent would. */
  send(rec: AgentRequest, body?: Record<string, unknown>, path?: string): Promise<Response>;
  /** The last request the upstream received. */
  sent(): Promise<RecordedRequest>;
}

/** Headers a client sets per connection, not per request: the gateway's own fetch sets them. */
const HOP_BY_HOP = new Set(["host", "connection", "content-length", "accept-encoding"]);
const KEY_HEADERS = new Set(["x-api-key", "x-goog-api-key", "authorization"]);

export async function agentRig(name: string): Promise<AgentRig> {
  const up = fakeSession(name);
  const gw = gateway({ ...up.env, ...bedrockEnv(up), ...(await vertexEnv(up)) });
  const { key } = await gw.createKey();
  return {
    up,
    gw,
    key,
    send(rec, body = rec.body, path = rec.path) {
      const headers: Record<string, string> = {};
      for (const [h, v] of Object.entries(rec.headers)) {
        if (HOP_BY_HOP.has(h)) continue;
        // The recorded key is redacted: the agent's own header carries this test's key.
        headers[h] = KEY_HEADERS.has(h) ? (h === "authorization" ? `Bearer ${key}` : key) : v;
      }
      return gw.fetch(path, jsonPost(body, headers));
    },
    async sent() {
      const last = await up.lastRequest();
      if (!last) throw new Error("the upstream received no request");
      return last;
    },
  };
}

/** How the agents read their answers: Claude Code streams Anthropic SSE; Gemini CLI streams alt=sse. */
export const ANTHROPIC_SSE: ReplyKind = { surface: "anthropic", framing: "sse" };
export const GEMINI_SSE: ReplyKind = { surface: "gemini", framing: "sse" };
export const GEMINI_JSON: ReplyKind = { surface: "gemini", framing: "json" };

/** Names of the tools an upstream request offers the model, in the upstream's own format. */
export function offeredTools(format: WireFormat, body: any): string[] {
  switch (format) {
    case "openai":
      return (body.tools ?? []).map((t: any) => t.function.name);
    case "anthropic":
      return (body.tools ?? []).map((t: any) => t.name);
    case "gemini":
      return (body.tools ?? []).flatMap((t: any) => (t.functionDeclarations ?? []).map((f: any) => f.name));
    case "bedrock":
      return (body.toolConfig?.tools ?? []).map((t: any) => t.toolSpec.name);
  }
}

/** All the text an upstream request carries (to look for what reached the model). */
export const upstreamText = (body: unknown) => JSON.stringify(body);
