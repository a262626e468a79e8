import { describe, expect, it } from "vitest";
import { resetHealth, STATS_KV_PREFIX } from "../../src/routing/health";
import { completeRecord } from "../../src/usage/record";
import { insertUsageRecords } from "../../src/usage/store";
import { fakeSession } from "../helpers/fake-upstream";
import { record } from "../spend/helpers";
import { gateway } from "../helpers/gateway";

// The website's pages as served by the app (no browser): only servable models, filters in the
// query string, model pages, and the security properties every page must keep.
const FAKE = { OPENAI_API_KEY: "sk-test", ANTHROPIC_API_KEY: "sk-test" };

const cardIds = (html: string) => [...html.matchAll(/data-model-id="([^"]+)"/g)].map((m) => m[1]);

/** No inline script and no style attribute: the pages must work under `script-src 'self'; style-src 'self'`. */
function expectNoInlineCode(html: string) {
  for (const m of html.matchAll(/<script\b[^>]*>/g)) expect(m[0]).toMatch(/\ssrc="\/assets\//);
  expect(html).not.toMatch(/<script\b[^>]*>[^<\s]/);
  expect(html).not.toMatch(/\sstyle="/);
  expect(html).not.toMatch(/\son[a-z]+="/);
  // Nothing loaded from elsewhere (no CDN, no web font).
  for (const m of html.matchAll(/<(?:script|link|img)\b[^>]*>/g)) expect(m[0]).not.toMatch(/(?:src|href)="(?:https?:)?\/\//);
}

describe("website pages", () => {
  const g = gateway(FAKE);

  it("lists only the models of enabled providers, with a strict CSP", async () => {
    const res = await g.fetch("/");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/html");
    const csp = res.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    const html = await res.text();
    expectNoInlineCode(html);
    // Every page of the list, with and without a provider filter: only OpenAI's and Anthropic's models.
    const total = Number(/(\d+) of \1 models/.exec(html)![1]);
    const all: string[] = [];
    for (let page = 1; all.length < total && page < 20; page++) all.push(...cardIds(await (await g.fetch(`/?page=${page}`)).text()));
    expect(all.length).toBe(total);
    expect(new Set(all).size).toBe(total);
    expect(new Set(all.map((id) => id.split("/")[0]))).toEqual(new Set(["openai", "anthropic"]));
    expect(cardIds(await (await g.fetch("/?provider=google")).text())).toEqual([]);

    const none = await (await gateway({}).fetch("/")).text();
    expect(cardIds(none)).toEqual([]);
    expect(none).toContain("No provider is enabled");
  });

  it("applies the query-string filters on the server", async () => {
    const html = await (await g.fetch("/?q=claude&sort=price_asc")).text();
    const ids = cardIds(html);
    expect(ids.length).toBeGreaterThan(0);
    expect(ids.every((id) => id.startsWith("anthropic/"))).toBe(true);
    expect(html).toMatch(/<input id="q" name="q" type="search" value="claude"/);
    expect(html).toMatch(/<option value="price_asc" selected>/);
    const emb = cardIds(await (await g.fetch("/?output=embeddings")).text());
    expect(emb.length).toBeGreaterThan(0);
    expect(emb.every((id) => id.startsWith("openai/text-embedding"))).toBe(true);
    expect(cardIds(await (await g.fetch("/?q=%3Cscript%3E")).text())).toEqual([]);
    // User input is escaped, never markup.
    expect(await (await g.fetch("/?q=%3Cscript%3Ealert(1)%3C/script%3E")).text()).not.toContain("<script>alert(1)");
    // Pages keep the filters in their links (every provider enabled: enough models for two pages).
    const many = gateway(fakeSession("pages").env);
    const page1 = await (await many.fetch("/?output=text&sort=context")).text();
    expect(page1).toMatch(/rel="next" href="\/\?output=text&amp;sort=context&amp;page=2"/);
    const page2 = await (await many.fetch("/?output=text&sort=context&page=2")).text();
    expect(page2).toMatch(/rel="prev" href="\/\?output=text&amp;sort=context"/);
    expect(cardIds(page2).length).toBeGreaterThan(0);
    expect(cardIds(page2).some((id) => cardIds(page1).includes(id))).toBe(false);
    const moved = await g.fetch("/models?q=gpt");
    expect(moved.status).toBe(301);
    expect(moved.headers.get("location")).toBe("/?q=gpt");
  });

  it("renders a model page with its endpoints, prices and snippets; 404 for models nobody here serves", async () => {
    const res = await g.fetch("/models/openai/gpt-4o-mini");
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toMatch(/<h1>[^<]*GPT-4o[^<]*<\/h1>/i);
    expect(html).toContain("<code>openai/gpt-4o-mini</code>");
    expect(html).toMatch(/id="code-curl"[^>]*>curl http:\/\/gateway\.test\/v1\/chat\/completions/);
    expect(html).toContain("&quot;model&quot;: &quot;openai/gpt-4o-mini&quot;");
    expect(html).toContain('base_url = &quot;http://gateway.test/v1&quot;');
    expect(html).toMatch(/per 1M tokens/);
    expectNoInlineCode(html);
    expect((await g.fetch("/models/deepseek/deepseek-r1")).status).toBe(404);
    expect((await g.fetch("/models/nobody/nothing")).status).toBe(404);
  });

  it("shows each endpoint's measured throughput, latency and recent success rate, and sorts by throughput", async () => {
    await g.env.CATALOG.put(`${STATS_KV_PREFIX}openai:gpt-4o-mini`, "", { metadata: { t: 87.5, l: 420, n: 5, at: Date.now() } });
    resetHealth();
    const now = Date.now();
    await insertUsageRecords(
      g.env.DB,
      [200, 200, 200, 502].map((status, i) => completeRecord(record(`gen-page-${i}`, { servedModel: "openai/gpt-4o-mini", provider: "openai", status }), "k".repeat(64), 10, now - 1000 * i)),
    );
    const html = await (await g.fetch("/models/openai/gpt-4o-mini")).text();
    const row = /<tbody><tr>[\s\S]*?<\/tr>/.exec(html.slice(html.indexOf('id="providers-heading"')))![0];
    expect(row).toContain("88 tok/s");
    expect(row).toContain("420 ms");
    expect(row).toMatch(/75\.0%<\/span> <span class="muted">of 4<\/span>/);
    expect(cardIds(await (await g.fetch("/?sort=throughput")).text())[0]).toBe("openai/gpt-4o-mini");
  });

  it("serves the console shell and the API reference page under their CSPs", async () => {
    const consoleRes = await g.fetch("/console");
    expect(consoleRes.headers.get("content-security-policy")).not.toContain("unsafe-inline");
    const html = await consoleRes.text();
    expect(html).toContain('src="/assets/console.js"');
    expect(html).toContain('id="signin-form"');
    expectNoInlineCode(html);
    const docs = await g.fetch("/docs");
    expect(docs.headers.get("content-security-policy")).toContain("connect-src 'self'");
    expectNoInlineCode(await docs.text());
  });
});
