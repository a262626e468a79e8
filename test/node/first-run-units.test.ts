import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
// @ts-ignore -- plain JavaScript modules of `npm start`, without type declarations
import * as devVarsUntyped from "../../scripts/start/dev-vars.mjs";
// @ts-ignore
import * as demoUntyped from "../../scripts/start/demo.mjs";
// @ts-ignore
import * as portsUntyped from "../../scripts/start/ports.mjs";
// @ts-ignore
import * as bannerUntyped from "../../scripts/start/banner.mjs";

type Vars = Record<string, string>;
type Decision = { on: boolean; explicit: boolean; providers: string[] };
const { parseDevVars, setDevVar } = devVarsUntyped as {
  parseDevVars(text: string): Vars;
  setDevVar(file: string, name: string, value: string, comment: string): void;
};
const { demoDecision, startDemoUpstream } = demoUntyped as {
  demoDecision(vars: Vars, env?: Record<string, string | undefined>): Decision;
  startDemoUpstream(): Promise<{ url: string; vars: Vars; close(): Promise<void> }>;
};
const { pickPort } = portsUntyped as { pickPort(preferred: number, ip: string): Promise<number> };
const { renderBanner } = bannerUntyped as { renderBanner(o: Record<string, unknown>): string };

// The pieces of `npm start` that decide things, without starting wrangler (first-run.test.ts does).
describe("npm start: .dev.vars", () => {
  it("reads KEY=VALUE lines as wrangler's dotenv does", () => {
    const vars = parseDevVars(
      ["# comment", "A=1", "export B=two", 'C="quoted # not a comment"', "D=plain # a comment", "E=", "  F = spaced  ", "not a line"].join("\n"),
    );
    expect(vars).toEqual({ A: "1", B: "two", C: "quoted # not a comment", D: "plain", E: "", F: "spaced" });
  });

  it("replaces a variable in place, or appends it with a comment", () => {
    const dir = mkdtempSync(join(tmpdir(), "arouter-devvars-"));
    try {
      const file = join(dir, ".dev.vars");
      writeFileSync(file, "MANAGEMENT_KEY=m\n# AROUTER_API_KEY=commented\n");
      setDevVar(file, "AROUTER_API_KEY", "k1", "your key");
      expect(readFileSync(file, "utf8")).toBe("MANAGEMENT_KEY=m\n# AROUTER_API_KEY=commented\n\n# your key\nAROUTER_API_KEY=k1\n");
      setDevVar(file, "AROUTER_API_KEY", "k2", "your key");
      expect(parseDevVars(readFileSync(file, "utf8"))).toEqual({ MANAGEMENT_KEY: "m", AROUTER_API_KEY: "k2" });
      expect(readFileSync(file, "utf8").match(/AROUTER_API_KEY=/g)).toHaveLength(2); // the commented one and ours
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("npm start: demo on or off", () => {
  const mgmt = { MANAGEMENT_KEY: "lr_mgmt_x" };
  it.each([
    ["no provider", {}, {}, true],
    ["only the developer's own API key", { AROUTER_API_KEY: "lr_live_x" }, {}, true],
    ["a base URL without its key", { OPENAI_BASE_URL: "http://x" }, {}, true],
    ["an empty key", { OPENAI_API_KEY: "" }, {}, true],
    ["one provider key", { ANTHROPIC_API_KEY: "sk-ant" }, {}, false],
    ["a keyless provider's base URL", { OLLAMA_BASE_URL: "http://localhost:11434/v1" }, {}, false],
    ["cloud credentials", { AWS_ACCESS_KEY_ID: "AKIA" }, {}, false],
    ["a provider token", { HF_TOKEN: "hf_x" }, {}, false],
    ["only an AI Gateway token", { AI_GATEWAY_TOKEN: "t" }, {}, true],
    ["DEMO=1 beside a key", { OPENAI_API_KEY: "sk", DEMO: "1" }, {}, true],
    ["DEMO=0 without a provider", { DEMO: "0" }, {}, false],
    ["DEMO=1 in the environment", { OPENAI_API_KEY: "sk" }, { DEMO: "1" }, true],
    ["DEMO=0 in the environment over DEMO=1 in .dev.vars", { DEMO: "1" }, { DEMO: "0" }, false],
  ] as Array<[string, Vars, Vars, boolean]>)("%s", (_name, vars, env, on) => {
    expect(demoDecision({ ...mgmt, ...vars }, env).on).toBe(on);
  });

  it("names the configured provider variables", () => {
    expect(demoDecision({ ...mgmt, OPENAI_API_KEY: "sk", AROUTER_API_KEY: "k", GEMINI_API_KEY: "g" }, {}).providers).toEqual([
      "OPENAI_API_KEY",
      "GEMINI_API_KEY",
    ]);
  });

  it("points every provider at the demo upstream, which answers in each format", async () => {
    const demo = await startDemoUpstream();
    try {
      expect(demo.vars.DEMO).toBe("1");
      for (const p of ["OPENAI", "ANTHROPIC", "GEMINI", "DEEPSEEK", "OPENROUTER", "OLLAMA"]) {
        expect(demo.vars[`${p}_BASE_URL`].startsWith(demo.url)).toBe(true);
      }
      const res = await fetch(`${demo.vars.ANTHROPIC_BASE_URL}/v1/messages`, {
        method: "POST",
        headers: { "x-api-key": demo.vars.ANTHROPIC_API_KEY, "anthropic-version": "2023-06-01", "content-type": "application/json" },
        body: JSON.stringify({ model: "claude-haiku-4-5", max_tokens: 50, messages: [{ role: "user", content: "Hi" }] }),
      });
      expect(((await res.json()) as { type: string }).type).toBe("message");
    } finally {
      await demo.close();
    }
  });
});

describe("npm start: port", () => {
  it("keeps a free preferred port and moves past a taken one", async () => {
    const taken = net.createServer();
    await new Promise<void>((r) => taken.listen(0, "127.0.0.1", r));
    const port = (taken.address() as net.AddressInfo).port;
    try {
      const picked = await pickPort(port, "127.0.0.1");
      expect(picked).toBeGreaterThan(port);
      taken.close();
      await new Promise((r) => taken.once("close", r));
      expect(await pickPort(port, "127.0.0.1")).toBe(port);
    } finally {
      taken.close();
    }
  });
});

describe("npm start: banner", () => {
  const base = {
    url: "http://localhost:8788",
    port: 8788,
    preferredPort: 8787,
    demo: { on: true, explicit: false, providers: [] },
    key: { key: "lr_live_abc", status: "created" },
    model: "openai/gpt-4o-mini",
  };
  it("says which port was taken, that it is a demo, and prints pasteable lines with the key", () => {
    const text = renderBanner(base);
    expect(text).toContain("port 8787 is in use, so npm start picked 8788");
    expect(text).toContain("DEMO MODE");
    expect(text).toContain(
      `curl http://localhost:8788/v1/chat/completions -H "Authorization: Bearer lr_live_abc" -H "Content-Type: application/json" -d '{"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"Hello"}]}'`,
    );
    expect(text).toContain("OPENAI_BASE_URL=http://localhost:8788/v1 OPENAI_API_KEY=lr_live_abc");
    expect(text).toContain("ANTHROPIC_BASE_URL=http://localhost:8788 ANTHROPIC_API_KEY=lr_live_abc");
    expect(text).toContain("GOOGLE_GEMINI_BASE_URL=http://localhost:8788 GEMINI_API_KEY=lr_live_abc");
    expect(text).toContain("Console: http://localhost:8788/console");
  });

  it("without a key, says why and leaves a placeholder", () => {
    const text = renderBanner({ ...base, port: 8787, key: { key: undefined, status: "no-management-key" } });
    expect(text).not.toContain("is in use");
    expect(text).toContain("Could not create an API key (no-management-key)");
    expect(text).toContain('Bearer $AROUTER_API_KEY"');
  });

  it("with a real provider, no demo notice", () => {
    const text = renderBanner({ ...base, demo: { on: false, explicit: false, providers: ["OPENAI_API_KEY"] } });
    expect(text).not.toContain("DEMO");
    expect(text).toContain("Providers configured in .dev.vars: OPENAI_API_KEY");
  });
});
