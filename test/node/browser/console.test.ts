import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromiumAvailable, launchBrowser, newPage, screenshot, waitText, watchErrors } from "./browser";
import { startGateway, type GatewayProcess } from "./gateway-process";

// The operator console in a real browser against `wrangler dev` and the fake upstream: sign in,
// create a key and see it once, stream a chat with it in the playground, watch the usage chart and
// the generations table pick the request up, edit/disable/delete the key, rotate management keys,
// sign out. One page for the whole story (the steps depend on each other).
describe.skipIf(!chromiumAvailable())("console in Chromium", () => {
  let gw: GatewayProcess;
  let browser: Browser;
  let page: Page;
  let errors: string[];
  let apiKey = "";

  beforeAll(async () => {
    [gw, browser] = await Promise.all([startGateway(), launchBrowser()]);
    page = await newPage(browser, 1360);
    errors = watchErrors(page);
  });
  afterAll(async () => {
    await browser?.close();
    await gw?.stop();
  });

  const tab = (name: string) => page.click(`.console-tabs [data-view="${name}"]`);

  it("refuses a wrong key, signs in with the management key, keeps it only in sessionStorage", async () => {
    const res = await page.goto(gw.url + "/console");
    const csp = res?.headers()["content-security-policy"] ?? "";
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).not.toContain("unsafe-inline");

    await page.fill("#mgmt-key", "lr_mgmt_wrong_key_0000000000000000");
    await page.click("#signin-form button[type=submit]");
    await waitText(page.locator("#signin-error"), /Invalid management key/);
    await expect(page.locator("#app").isHidden()).resolves.toBe(true);

    await page.fill("#mgmt-key", gw.managementKey);
    await page.click("#signin-form button[type=submit]");
    await page.waitForSelector("#app:not([hidden])");
    // The only key so far is the one `npm start` made for the developer.
    await waitText(page.locator("#keys-table tbody"), /npm start \(local development\)/);
    const stored = (await page.evaluate("({ session: { ...sessionStorage }, local: { ...localStorage }, cookie: document.cookie })")) as {
      session: Record<string, string>;
      local: Record<string, string>;
      cookie: string;
    };
    expect(Object.values(stored.session)).toContain(gw.managementKey);
    expect(Object.values(stored.local)).not.toContain(gw.managementKey);
    expect(stored.cookie).toBe("");
    expect((await page.context().cookies()).length).toBe(0);
    expect(page.url()).not.toContain("lr_mgmt");

    // Nothing used yet: the usage charts are empty.
    await tab("usage");
    await page.waitForSelector("#chart-requests canvas");
    await expect(page.locator("#chart-requests").getAttribute("data-total")).resolves.toBe("0");
    await tab("keys");

    // A reload keeps the session (same tab); the key is not in the page's markup.
    await page.reload();
    await page.waitForSelector("#app:not([hidden])");
    expect(await page.content()).not.toContain(gw.managementKey);
  });

  it("creates a key and shows it once, with a copy button", async () => {
    await page.click("#create-key");
    await page.fill("#kf-name", "browser test");
    await page.fill("#kf-limit", "10");
    await page.selectOption("#kf-reset", "monthly");
    await page.click("#key-form-submit");
    await page.waitForSelector("#key-created:not([hidden])");
    apiKey = (await page.locator("#new-key").textContent()) ?? "";
    expect(apiKey).toMatch(/^lr_live_/);
    const row = page.locator("#keys-table tbody tr", { hasText: "browser test" });
    await expect(row.textContent()).resolves.toContain("$0 / $10.00");
    await expect(row.textContent()).resolves.toContain("monthly");
    await waitText(row.locator("[data-last-used]"), /never/);
    await screenshot(page, "console");

    // Shown once: after a reload the list has the key's masked label, never the key.
    await page.reload();
    await page.waitForSelector("#keys-table tbody tr");
    expect(await page.content()).not.toContain(apiKey);
    await expect(page.locator("#key-created").isHidden()).resolves.toBe(true);
  });

  it("streams a chat in the playground and shows its usage and cost", async () => {
    // Slow the fake upstream down so the stream is observable: 12 chunks, 150 ms apart.
    const cfg = await fetch(`${gw.fakeUrl}/__control/default/config`, { method: "POST", body: JSON.stringify({ chunks: 12, chunkDelayMs: 150 }) });
    expect(cfg.ok).toBe(true);
    await tab("playground");
    // The model list (a datalist from /v1/models) arrives first; then the fields are ours.
    // (A locator wait: a string predicate would need eval, which the console's CSP refuses.)
    await page.locator("#pg-models option").first().waitFor({ state: "attached" });
    await page.fill("#pg-key", apiKey);
    await page.fill("#pg-model", "openai/gpt-4o-mini");
    expect(await page.inputValue("#pg-model")).toBe("openai/gpt-4o-mini");
    await page.fill("#pg-message", "Tell me about routers");
    await page.click("#pg-send");

    // Partial answers appear while the stream is still running.
    const answer = page.locator("#pg-transcript .msg.assistant .msg-text");
    const seen = new Set<string>();
    const deadline = Date.now() + 90_000;
    while (Date.now() < deadline) {
      const state = await answer.evaluate((el) => ({ streaming: el.classList.contains("streaming"), text: el.textContent ?? "" })).catch(() => null);
      if (state?.streaming && state.text) seen.add(state.text);
      if (state && !state.streaming) break;
      await page.waitForTimeout(40);
    }
    expect(seen.size, `error: ${await page.locator("#pg-error").textContent()}`).toBeGreaterThanOrEqual(2);
    const final = (await answer.textContent()) ?? "";
    for (const partial of seen) expect(final.startsWith(partial)).toBe(true);
    expect(final.length).toBeGreaterThan(Math.max(...[...seen].map((s) => s.length)) - 1);

    const usage = page.locator("#pg-usage");
    await waitText(usage, /in \/ \d+ out tokens · \$/);
    expect(Number(await usage.getAttribute("data-cost"))).toBeGreaterThan(0);
    await expect(page.locator("#pg-error").textContent()).resolves.toBe("");
    await screenshot(page, "playground");
    await fetch(`${gw.fakeUrl}/__control/default/config`, { method: "POST", body: JSON.stringify({ chunkDelayMs: 0 }) });
  });

  it("shows the request in the usage charts and the generations table", async () => {
    await tab("usage");
    // Usage records reach D1 a couple of seconds after the request: refresh until they show.
    const requests = page.locator('#usage-totals [data-total="requests"]');
    for (const end = Date.now() + 90_000; Date.now() < end && (await requests.textContent().catch(() => "0")) === "0"; ) {
      await page.waitForTimeout(500);
      await page.click("#usage-range button[type=submit]");
    }
    await waitText(requests, /^[1-9]/);
    await expect(page.locator("#by-model tbody").textContent()).resolves.toContain("openai/gpt-4o-mini");
    await expect(page.locator("#by-key tbody").textContent()).resolves.toContain("browser test");
    // The charts now hold the request (they were empty at sign-in).
    await expect(page.locator("#chart-requests canvas").count()).resolves.toBe(1);
    await expect(page.locator("#chart-requests").getAttribute("data-total")).resolves.toBe("1");
    expect(Number(await page.locator("#chart-tokens").getAttribute("data-total"))).toBeGreaterThan(0);
    expect(Number(await page.locator("#chart-cost").getAttribute("data-total"))).toBeGreaterThan(0);
    const cost = await page.locator('#usage-totals [data-total="cost"]').textContent();
    expect(cost).toMatch(/^\$/);
    expect(cost).not.toBe("$0");
    await screenshot(page, "usage");

    await tab("generations");
    const row = page.locator("#generations-table tbody tr").first();
    await expect(row.textContent()).resolves.toContain("openai/gpt-4o-mini");
    await row.locator("button[data-detail]").click();
    const detail = page.locator("#generation-detail");
    await waitText(detail, /Requested modelopenai\/gpt-4o-mini/);
    await waitText(detail, /API surfaceopenai \(streamed\)/);
    await page.click("#generation-dialog button[value=close]");

    await tab("keys");
    await waitText(page.locator("#keys-table tbody tr", { hasText: "browser test" }).locator("[data-last-used]"), /\d/);
  });

  it("edits, disables, re-enables and deletes the key (after confirmation)", async () => {
    const row = () => page.locator("#keys-table tbody tr", { hasText: "browser test" });
    await row().locator('button[data-action="edit"]').click();
    await page.fill("#kf-name", "browser test renamed");
    await page.fill("#kf-rate", "30");
    await page.selectOption("#kf-interval", "minute");
    await page.click("#key-form-submit");
    await page.waitForSelector("#keys-table tbody tr:has-text('browser test renamed')");
    await expect(row().textContent()).resolves.toContain("30 / minute");

    await row().locator('button[data-action="toggle"]').click();
    // Disabled keys are hidden unless asked for; the key stops working at once.
    await page.waitForSelector("#keys-table tbody tr:has-text('browser test renamed')", { state: "detached" });
    const refused = await fetch(`${gw.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "hi" }] }),
    });
    expect(refused.status).toBe(403);
    await page.check("#show-disabled");
    await expect(row().textContent()).resolves.toContain("disabled");
    await row().locator('button[data-action="toggle"]').click();
    await waitText(row().locator(".badge"), /active/);

    // Cancel keeps the key; confirming deletes it.
    await row().locator('button[data-action="delete"]').click();
    await page.click("#confirm-dialog button[value=cancel]");
    await expect(row().count()).resolves.toBe(1);
    await row().locator('button[data-action="delete"]').click();
    await page.click("#confirm-ok");
    await page.waitForSelector("#keys-table tbody tr:has-text('browser test renamed')", { state: "detached" });
    const listed = await fetch(`${gw.url}/api/v1/keys?include_disabled=true`, { headers: { authorization: `Bearer ${gw.managementKey}` } });
    expect(((await listed.json()) as { data: { name: string }[] }).data.map((k) => k.name)).toEqual(["npm start (local development)"]);
  });

  it("rotates management keys and signs out", async () => {
    await tab("settings");
    await page.fill("#mgmt-name", "rotation");
    await page.click("#mgmt-create button[type=submit]");
    await page.waitForSelector("#mgmt-created:not([hidden])");
    const newKey = (await page.locator("#new-mgmt-key").textContent()) ?? "";
    expect(newKey).toMatch(/^lr_mgmt_/);
    await waitText(page.locator("#mgmt-table tbody"), /rotation/);

    await page.click("#signout");
    await expect(page.locator("#signin").isVisible()).resolves.toBe(true);
    expect(await page.evaluate("sessionStorage.length")).toBe(0);

    // The new key signs in; deleting it from its own session signs that session out.
    await page.fill("#mgmt-key", newKey);
    await page.click("#signin-form button[type=submit]");
    await page.waitForSelector("#app:not([hidden])");
    await tab("settings");
    await page.locator("#mgmt-table tbody tr", { hasText: "rotation" }).locator("button[data-delete]").click();
    await page.click("#confirm-ok");
    await page.waitForSelector("#signin:not([hidden])");
    await waitText(page.locator("#signin-error"), /Invalid management key/);
    expect(errors.filter((e) => !/status of 40[13]/.test(e))).toEqual([]);
  });
});
