import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { attrs, chromiumAvailable, launchBrowser, newPage, PAGE_TIMEOUT_MS, screenshot, watchErrors } from "./browser";
import { startGateway, type GatewayProcess } from "./gateway-process";

// The public website in a real browser, against `wrangler dev` with three providers on the fake
// upstream (OpenAI, Anthropic, Google): browse, search, filter, sort, open a model page, the API
// reference; and the same browsing with JavaScript off.
describe.skipIf(!chromiumAvailable())("website in Chromium", () => {
  let gw: GatewayProcess;
  let browser: Browser;

  beforeAll(async () => {
    [gw, browser] = await Promise.all([startGateway(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await gw?.stop();
  });

  const cards = (page: Page) => page.locator("li.model-card");
  const ids = (page: Page) => attrs(cards(page), "data-model-id");

  it("lists only models of the enabled providers, and filters and sorts them", async () => {
    const page = await newPage(browser);
    const errors = watchErrors(page);
    await page.goto(gw.url + "/");
    const all = await ids(page);
    expect(all.length).toBeGreaterThan(20);
    // OpenAI, Anthropic and Google are enabled; DeepSeek, Mistral… are not, so none of theirs shows.
    expect(all.every((id) => /^(openai|anthropic|google)\//.test(id))).toBe(true);
    const total = Number(/^(\d+) of \1 models/.exec((await page.locator("#results-heading").textContent())!)![1]);
    expect(total).toBeGreaterThanOrEqual(all.length);
    expect(await attrs(page.locator('input[name="provider"]'), "value")).toEqual(expect.arrayContaining(["anthropic", "google", "openai"]));
    expect((await attrs(page.locator('input[name="provider"]'), "value")).length).toBe(3);
    await screenshot(page, "website");

    // Typing in the search box submits the form by itself (debounced).
    await page.fill("#q", "claude");
    await page.waitForURL(/q=claude/);
    const found = await ids(page);
    expect(found.length).toBeGreaterThan(0);
    expect(found.length).toBeLessThan(all.length);
    expect(found.every((id) => id.startsWith("anthropic/"))).toBe(true);
    // …and the focus is back in the search box after the reload.
    await expect(page.evaluate("document.activeElement?.id")).resolves.toBe("q");

    // A ticked box submits too: embeddings models only.
    await page.goto(gw.url + "/");
    await page.check('input[name="output"][value="embeddings"]');
    await page.waitForURL(/output=embeddings/);
    const embeddings = await ids(page);
    expect(embeddings.length).toBeGreaterThan(0);
    expect(embeddings.every((id) => /embed/.test(id))).toBe(true);

    // Provider filter + sort by price, cheapest first.
    await page.goto(gw.url + "/?provider=openai&sort=price_asc");
    const prices = await attrs(cards(page), "data-prompt-price");
    const known = prices.filter((p) => p !== "").map(Number);
    expect(known.length).toBeGreaterThan(3);
    expect(known).toEqual([...known].sort((a, b) => a - b));
    expect((await ids(page)).every((id) => id.startsWith("openai/"))).toBe(true);

    // Context-length floor.
    await page.goto(gw.url + "/?min_context=1000000");
    const contexts = (await attrs(cards(page), "data-context")).map(Number);
    expect(contexts.length).toBeGreaterThan(0);
    expect(contexts.every((c) => c >= 1_000_000)).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("opens a model page with its providers, prices, parameters and working snippets", async () => {
    const page = await newPage(browser);
    const errors = watchErrors(page);
    // One streamed request first, so the page has measured figures to show.
    const key = await createKey(gw, "snippet");
    const streamed = await fetch(`${gw.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "openai/gpt-4o-mini", stream: true, messages: [{ role: "user", content: "Hello!" }] }),
    });
    expect(streamed.status).toBe(200);
    expect(await streamed.text()).toContain("[DONE]");

    await page.goto(gw.url + "/?q=gpt-4o-mini");
    const card = page.locator('li.model-card[data-model-id="openai/gpt-4o-mini"]');
    const name = (await card.locator("h2").textContent())!.trim();
    const inputPrice = /(\$[\d.]+) in/.exec((await card.locator(".price").textContent())!)![1];
    await card.locator("h2 a").click();
    await page.waitForURL(/\/models\/openai\/gpt-4o-mini$/);
    await expect(page.locator("h1").textContent()).resolves.toBe(name);
    const providerRows = page.locator('section[aria-labelledby="providers-heading"] tbody tr');
    await expect(providerRows.count()).resolves.toBeGreaterThan(0);
    await expect(providerRows.first().textContent()).resolves.toContain("OpenAI");
    // The request above shows up as measured speed and, once its usage record is written (a few
    // seconds, off the request path), as the success rate.
    for (const end = Date.now() + 60_000; Date.now() < end && !/100%/.test((await providerRows.first().textContent()) ?? ""); ) {
      await page.waitForTimeout(1000);
      await page.reload();
    }
    const measured = (await providerRows.first().textContent()) ?? "";
    expect(measured).toMatch(/\d+ tok\/s/);
    expect(measured).toMatch(/\d+ ms/);
    expect(measured).toMatch(/100%\s*of 1/);
    await expect(page.locator('section[aria-labelledby="pricing-heading"]').textContent()).resolves.toContain(`Input${inputPrice}per 1M tokens`);
    await expect(page.locator('section[aria-labelledby="params-heading"] li').count()).resolves.toBeGreaterThan(3);

    // Snippets are tabs once JavaScript runs; the arrow keys move between them.
    const curlPanel = page.locator("#panel-curl");
    await expect(curlPanel.isVisible()).resolves.toBe(true);
    await expect(page.locator("#code-curl").textContent()).resolves.toContain(`"model": "openai/gpt-4o-mini"`);
    await expect(page.locator("#code-curl").textContent()).resolves.toContain(`${gw.url}/v1/chat/completions`);
    await page.locator("#tab-curl").focus();
    await page.keyboard.press("ArrowRight");
    await expect(page.locator("#panel-openai-ts").isVisible()).resolves.toBe(true);
    await expect(curlPanel.isVisible()).resolves.toBe(false);
    await page.click("#tab-codex");
    await expect(page.locator("#code-codex").textContent()).resolves.toContain(`base_url = "${gw.url}/v1"`);
    await page.click("#tab-curl");
    await page.evaluate("window.scrollTo(0, 0)");
    await screenshot(page, "model-page");

    // The snippet's curl really works against this gateway.
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "Hello!" }] }),
    });
    expect(res.status).toBe(200);
    expect(errors).toEqual([]);

    const missing = await page.goto(gw.url + "/models/deepseek/deepseek-r1");
    expect(missing?.status()).toBe(404);
    await page.close();
  });

  it("browses and filters without JavaScript", async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    page.setDefaultTimeout(PAGE_TIMEOUT_MS);
    await page.goto(gw.url + "/");
    await page.check('input[name="provider"][value="google"]');
    await page.selectOption("#sort", "context");
    await page.click("text=Apply filters");
    await page.waitForURL(/provider=google/);
    const found = await ids(page);
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((id) => id.startsWith("google/"))).toBe(true);
    const contexts = (await attrs(cards(page), "data-context")).map(Number);
    expect(contexts).toEqual([...contexts].sort((a, b) => b - a));
    // Every snippet is on the page (stacked, with headings) when the tabs cannot run.
    await page.click(`li.model-card[data-model-id="${found[0]}"] h2 a`);
    await expect(page.locator("#panel-curl").isVisible()).resolves.toBe(true);
    await expect(page.locator("#panel-claude-code").isVisible()).resolves.toBe(true);
    await context.close();
  });

  it("renders the API reference from /openapi.json with the bundled Swagger UI, under a CSP, with no request elsewhere", async () => {
    const page = await newPage(browser);
    const errors = watchErrors(page);
    const foreign: string[] = [];
    page.on("request", (r) => {
      if (!r.url().startsWith(gw.url) && !r.url().startsWith("data:")) foreign.push(r.url());
    });
    const res = await page.goto(gw.url + "/docs");
    expect(res?.headers()["content-security-policy"]).toContain("script-src 'self'");
    await page.waitForSelector(".opblock", { timeout: 60_000 });
    const paths = await page.locator(".opblock-summary-path").allTextContents();
    expect(paths.map((p) => p.replace(/\u200b/g, ""))).toEqual(expect.arrayContaining(["/v1/chat/completions", "/v1/messages", "/api/v1/keys"]));
    await screenshot(page, "api-reference");
    expect(foreign).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });
});

async function createKey(gw: GatewayProcess, name: string): Promise<string> {
  const res = await fetch(`${gw.url}/api/v1/keys`, {
    method: "POST",
    headers: { authorization: `Bearer ${gw.managementKey}`, "content-type": "application/json" },
    body: JSON.stringify({ name }),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { key: string }).key;
}
