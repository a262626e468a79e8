// Copyable snippets for a model page: the real model id and this deployment's base URL, for each
// client people point at a router (how each is pointed at one: ../shared/fixtures/agents/README.md).

export interface Snippet {
  id: string;
  label: string;
  lang: string;
  code: string;
}

const KEY = "$AROUTER_API_KEY";

export function snippets(baseUrl: string, modelId: string, opts: { embeddings?: boolean } = {}): Snippet[] {
  const id = JSON.stringify(modelId);
  if (opts.embeddings) {
    return [
      {
        id: "curl",
        label: "curl",
        lang: "shell",
        code: `curl ${baseUrl}/v1/embeddings \\
  -H "Authorization: Bearer ${KEY}" \\
  -H "Content-Type: application/json" \\
  -d '{"model": ${id}, "input": "The quick brown fox"}'`,
      },
      {
        id: "openai-ts",
        label: "OpenAI SDK",
        lang: "typescript",
        code: `import OpenAI from "openai";

const client = new OpenAI({ baseURL: "${baseUrl}/v1", apiKey: process.env.AROUTER_API_KEY });
const res = await client.embeddings.create({ model: ${id}, input: "The quick brown fox" });
console.log(res.data[0].embedding.length);`,
      },
    ];
  }
  return [
    {
      id: "curl",
      label: "curl",
      lang: "shell",
      code: `curl ${baseUrl}/v1/chat/completions \\
  -H "Authorization: Bearer ${KEY}" \\
  -H "Content-Type: application/json" \\
  -d '{"model": ${id}, "messages": [{"role": "user", "content": "Hello!"}]}'`,
    },
    {
      id: "openai-ts",
      label: "OpenAI SDK",
      lang: "typescript",
      code: `import OpenAI from "openai";

const client = new OpenAI({ baseURL: "${baseUrl}/v1", apiKey: process.env.AROUTER_API_KEY });
const stream = await client.chat.completions.create({
  model: ${id},
  messages: [{ role: "user", content: "Write a haiku about routers" }],
  stream: true,
});
for await (const chunk of stream) process.stdout.write(chunk.choices[0]?.delta?.content ?? "");`,
    },
    {
      id: "openai-py",
      label: "Python",
      lang: "python",
      code: `import os
from openai import OpenAI

client = OpenAI(base_url="${baseUrl}/v1", api_key=os.environ["AROUTER_API_KEY"])
completion = client.chat.completions.create(
    model=${id},
    messages=[{"role": "user", "content": "Hello!"}],
)
print(completion.choices[0].message.content)`,
    },
    {
      id: "anthropic",
      label: "Anthropic SDK",
      lang: "typescript",
      code: `import Anthropic from "@anthropic-ai/sdk";

const client = new Anthropic({ baseURL: "${baseUrl}", apiKey: process.env.AROUTER_API_KEY });
const message = await client.messages.create({
  model: ${id},
  max_tokens: 1024,
  messages: [{ role: "user", content: "Hello!" }],
});
console.log(message.content);`,
    },
    {
      id: "gemini",
      label: "Gemini SDK",
      lang: "typescript",
      code: `import { GoogleGenAI } from "@google/genai";

const ai = new GoogleGenAI({ apiKey: process.env.AROUTER_API_KEY, httpOptions: { baseUrl: "${baseUrl}" } });
const res = await ai.models.generateContent({ model: ${id}, contents: "Hello!" });
console.log(res.text);`,
    },
    {
      id: "claude-code",
      label: "Claude Code",
      lang: "shell",
      code: `export ANTHROPIC_BASE_URL=${baseUrl}
export ANTHROPIC_API_KEY=${KEY}
claude --model ${modelId}`,
    },
    {
      id: "codex",
      label: "Codex",
      lang: "toml",
      code: `# ~/.codex/config.toml  (then: export AROUTER_API_KEY=lr_live_…; codex)
model = ${id}
model_provider = "arouter"

[model_providers.arouter]
name = "ARouter"
base_url = "${baseUrl}/v1"
env_key = "AROUTER_API_KEY"
wire_api = "responses"`,
    },
    {
      id: "gemini-cli",
      label: "Gemini CLI",
      lang: "shell",
      code: `# ~/.gemini/settings.json: {"security": {"auth": {"selectedType": "gemini-api-key"}}}
export GOOGLE_GEMINI_BASE_URL=${baseUrl}
export GEMINI_API_KEY=${KEY}
gemini -m ${modelId}`,
    },
  ];
}
