import { writeFileSync, rmSync } from "node:fs";
import net from "node:net";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
// @ts-ignore -- plain JavaScript without type declarations
import { startFakeUpstream as startUntyped } from "../../scripts/fake-upstream.mjs";
import {
  cleanCheckout,
  descendants,
  freePort,
  killLeftovers,
  listening,
  npmStart,
  parseCurlI,
  processesIn,
  readDevVars,
  removeCheckout,
  sh,
  type Started,
} from "./first-run-harness";

const startFakeUpstream = startUntyped as (o: { port: number }) => Promise<{ url: string; close(): Promise<void> }>;

// The first run as a newcomer lives it: clone, `npm start`, paste the printed curl. Each start is a
// real `wrangler dev` (workerd and all), so the checks are grouped into few starts.

const dirs: string[] = [];
afterEach(() => killLeftovers(dirs));
afterAll(() => dirs.forEach(removeCheckout));

/** Stops a started gateway and checks that nothing it started is still alive or listening. */
async function stopAndCheck(run: Started, dir: string, how: "interrupt" | "terminate") {
  const tree = descendants(run.child.pid!);
  expect(tree.some((p) => p.cmd.includes("workerd"))).toBe(true); // the check below would be vacuous otherwise
  const exit = await run[how]();
  // npm forwards the signal to its script and then ends by that same signal, as in any terminal.
  expect(exit.code === 0 || exit.signal === (how === "interrupt" ? "SIGINT" : "SIGTERM")).toBe(true);
  // npm may be gone while npm start still stops its children: give the tree time to go, then check.
  const alive = () =>
    tree.filter((p) => {
      try {
        process.kill(p.pid, 0);
        return true;
      } catch {
        return false;
      }
    });
  await waitFor(() => alive().length === 0 && processesIn(dir).length === 0, 20_000);
  expect(alive().map((p) => p.cmd)).toEqual([]);
  expect(processesIn(dir).map((p) => p.cmd)).toEqual([]);
  expect(await listening(run.banner.port)).toBe(false);
  if (run.banner.demoUpstreamPort) expect(await listening(run.banner.demoUpstreamPort)).toBe(false);
}

async function waitFor(done: () => boolean, ms: number) {
  const end = Date.now() + ms;
  while (!done() && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
}

type ChatCompletion = { choices: Array<{ message: { content: string } }> };

describe("npm start, first run", () => {
  it("answers the printed curl from a clean checkout through the labelled demo, on the next free port, and stops cleanly", { timeout: 420_000 }, async () => {
    const dir = cleanCheckout();
    dirs.push(dir);

    // Someone else already listens on the port we ask for.
    const taken = net.createServer();
    await new Promise<void>((r) => taken.listen(0, "127.0.0.1", r));
    const takenPort = (taken.address() as net.AddressInfo).port;
    let run: Started;
    try {
      run = await npmStart(dir, ["--port", String(takenPort)]);
    } finally {
      taken.close();
    }
    const b = run.banner;
    expect(run.output()).toContain(`Port ${takenPort} is in use; using ${b.port}.`);
    expect(b.port).not.toBe(takenPort);
    expect(b.text).toContain("DEMO MODE");
    expect(b.demoUpstreamPort).toBeGreaterThan(0);

    // Keys: the management key printed once and stored; an API key created and stored.
    const vars = readDevVars(dir);
    expect(b.managementKey).toBe(vars.MANAGEMENT_KEY);
    expect(b.apiKey).toMatch(/^lr_live_/);
    expect(vars.AROUTER_API_KEY).toBe(b.apiKey);

    // The printed curl, exactly as printed (then with -i to see the headers): it answers, as a demo.
    expect(b.curls).toHaveLength(2);
    const answer = JSON.parse(await sh(`${b.curls[0]} -sS`)) as ChatCompletion;
    expect(answer.choices[0].message.content).toMatch(/^Hello from fake /);
    const withHeaders = parseCurlI(await sh(`${b.curls[0]} -sS -i`));
    expect(withHeaders.status).toBe(200);
    expect(withHeaders.headers["x-arouter-demo"]).toBe("true");

    const streamed = parseCurlI(await sh(`${b.curls[1]} -sS -i`));
    expect(streamed.headers["content-type"]).toContain("text/event-stream");
    expect(streamed.headers["x-arouter-demo"]).toBe("true");
    const deltas = streamed.body
      .split("\n")
      .filter((l) => l.startsWith("data: {"))
      .map((l) => (JSON.parse(l.slice(6)) as { choices: Array<{ delta?: { content?: string } }> }).choices[0]?.delta?.content ?? "");
    expect(deltas.join("")).toMatch(/^Hello from fake /);
    expect(streamed.body.trimEnd().endsWith("data: [DONE]")).toBe(true);

    // The other surfaces through the printed base URLs, and the model list's labels.
    const anthropicBase = /ANTHROPIC_BASE_URL=(\S+)/.exec(b.text)![1];
    const msg = await fetch(`${anthropicBase}/v1/messages`, {
      method: "POST",
      headers: { "x-api-key": b.apiKey!, "content-type": "application/json", "anthropic-version": "2023-06-01" },
      body: JSON.stringify({ model: "google/gemini-2.5-flash", max_tokens: 64, messages: [{ role: "user", content: "Hi" }] }),
    });
    expect(msg.status).toBe(200);
    expect(msg.headers.get("x-arouter-demo")).toBe("true");
    expect(((await msg.json()) as { content: Array<{ text: string }> }).content[0].text).toContain("fake");
    const geminiBase = /GOOGLE_GEMINI_BASE_URL=(\S+)/.exec(b.text)![1];
    const tools = await fetch(`${geminiBase}/v1beta/models/openai/gpt-4o-mini:generateContent`, {
      method: "POST",
      headers: { "x-goog-api-key": b.apiKey!, "content-type": "application/json" },
      body: JSON.stringify({
        contents: [{ role: "user", parts: [{ text: "What is the weather in Paris?" }] }],
        tools: [{ functionDeclarations: [{ name: "get_weather", parameters: { type: "OBJECT", properties: { city: { type: "STRING" } }, required: ["city"] } }] }],
      }),
    });
    expect(tools.headers.get("x-arouter-demo")).toBe("true");
    const call = (await tools.json()) as { candidates: Array<{ content: { parts: Array<{ functionCall?: { name: string } }> } }> };
    expect(call.candidates[0].content.parts.some((p) => p.functionCall?.name === "get_weather")).toBe(true);
    const models = (await (await fetch(`${b.url}/v1/models`, { headers: { authorization: `Bearer ${b.apiKey}` } })).json()) as {
      demo: boolean;
      data: Array<{ demo: boolean }>;
    };
    expect(models.demo).toBe(true);
    expect(models.data.length).toBeGreaterThan(10);
    expect(models.data.every((m) => m.demo === true)).toBe(true);

    await stopAndCheck(run, dir, "interrupt");

    // Second run: the stored API key is reused, the management key is not shown again.
    const again = await npmStart(dir, ["--port", String(await freePort())]);
    expect(again.banner.apiKey).toBe(b.apiKey);
    expect(again.banner.text).toContain("AROUTER_API_KEY from .dev.vars");
    expect(again.banner.managementKey).toBeUndefined();
    expect(JSON.parse(await sh(`${again.banner.curls[0]} -sS`)).choices[0].message.content).toMatch(/^Hello from fake /);
    await stopAndCheck(again, dir, "terminate");

    // Local database wiped: the stored key is unknown to the gateway, so a new one is made and stored.
    rmSync(join(dir, ".wrangler"), { recursive: true, force: true });
    const wiped = await npmStart(dir, ["--port", String(await freePort())]);
    expect(wiped.banner.text).toContain("the stored one no longer worked");
    expect(wiped.banner.apiKey).toMatch(/^lr_live_/);
    expect(wiped.banner.apiKey).not.toBe(b.apiKey);
    expect(readDevVars(dir).AROUTER_API_KEY).toBe(wiped.banner.apiKey);
    expect(JSON.parse(await sh(`${wiped.banner.curls[0]} -sS`)).choices[0].message.content).toMatch(/^Hello from fake /);
    await stopAndCheck(wiped, dir, "interrupt");
  });

  it("turns the demo off once a provider key is set, and on again only with DEMO=1", { timeout: 300_000 }, async () => {
    const dir = cleanCheckout();
    dirs.push(dir);
    const upstream = await startFakeUpstream({ port: 0 });
    try {
      const session = `first-run-${Date.now()}`;
      writeFileSync(
        join(dir, ".dev.vars"),
        `MANAGEMENT_KEY=lr_mgmt_first_run_test_000000000000\nOPENAI_API_KEY=sk-real-looking\nOPENAI_BASE_URL=${upstream.url}/s/${session}/openai/v1\n`,
      );
      const log = async () =>
        ((await (await fetch(`${upstream.url}/__control/${session}/requests`)).json()) as { requests: Array<{ path: string; headers: Record<string, string> }> })
          .requests;

      const run = await npmStart(dir, ["--port", String(await freePort())]);
      const b = run.banner;
      expect(b.text).not.toContain("DEMO MODE");
      expect(b.demoUpstreamPort).toBeUndefined();
      expect(b.text).toContain("Providers configured in .dev.vars: OPENAI_API_KEY");
      expect(b.curls[0]).toContain('"model":"openai/gpt-4o-mini"');

      const res = parseCurlI(await sh(`${b.curls[0]} -sS -i`));
      expect(res.status).toBe(200);
      expect(res.headers["x-arouter-demo"]).toBeUndefined();
      expect((JSON.parse(res.body) as ChatCompletion).choices[0].message.content).toContain("fake openai");
      const seen = await log();
      expect(seen.map((r) => r.path)).toContain("/openai/v1/chat/completions");
      expect(seen.find((r) => r.path.endsWith("/chat/completions"))!.headers.authorization).toBe("Bearer sk-real-looking");

      const models = (await (await fetch(`${b.url}/v1/models`, { headers: { authorization: `Bearer ${b.apiKey}` } })).json()) as {
        demo?: boolean;
        data: Array<{ id: string; demo?: boolean }>;
      };
      expect(models.demo).toBeUndefined();
      expect(models.data.length).toBeGreaterThan(0);
      expect(models.data.some((m) => m.demo !== undefined)).toBe(false);
      expect(models.data.some((m) => m.id.startsWith("anthropic/"))).toBe(false); // only what the one provider serves
      await stopAndCheck(run, dir, "interrupt");

      // DEMO=1 forces the demo: the configured provider is not called.
      const before = (await log()).length;
      const demo = await npmStart(dir, ["--port", String(await freePort())], { DEMO: "1" });
      expect(demo.banner.text).toContain("DEMO MODE");
      expect(demo.banner.text).toContain("OPENAI_API_KEY is not used");
      const forced = parseCurlI(await sh(`${demo.banner.curls[0]} -sS -i`));
      expect(forced.headers["x-arouter-demo"]).toBe("true");
      expect((await log()).length).toBe(before);
      await stopAndCheck(demo, dir, "terminate");
    } finally {
      await upstream.close();
    }
  });
});
