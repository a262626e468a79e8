import { spawn } from "node:child_process";
import { once } from "node:events";
import { describe, expect, it } from "vitest";

// The fake upstream's CLI (npm run fake-upstream) prints the base URLs a developer pastes into .dev.vars.
describe("fake upstream CLI", () => {
  it("listens on the given port and prints each provider's base URL", async () => {
    const child = spawn(process.execPath, ["scripts/fake-upstream.mjs", "--port", "0"], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.setEncoding("utf8");
    const ready = new Promise<void>((resolve) =>
      child.stdout.on("data", (d: string) => {
        out += d;
        if (out.includes("OLLAMA_BASE_URL=")) resolve();
      }),
    );
    await ready;
    const url = /listening on (http:\/\/\S+)/.exec(out)![1];
    const res = await fetch(`${url}/openai/v1/models`, { headers: { authorization: "Bearer sk-fake-openai" } });
    expect(res.status).toBe(200);
    expect(out).toMatch(/ANTHROPIC_BASE_URL=http:\/\/127\.0\.0\.1:\d+\/anthropic/);
    child.kill("SIGTERM");
    const [code] = await once(child, "exit");
    expect(code).toBe(0);
  });
});
