// Headless Debian Chromium through playwright-core (no browser download): `apt-get install
// chromium` provides /usr/bin/chromium; .ci/run installs it when it is missing.
import { existsSync, mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type Locator, type Page } from "playwright-core";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const chromiumAvailable = () => existsSync(CHROMIUM);
/**
 * The README's screenshots (docs/screenshots) are rewritten only when asked (UPDATE_SCREENSHOTS=1
 * npm test); otherwise they go to a git-ignored folder, so a test run leaves the checkout clean.
 */
export const SCREENSHOTS = fileURLToPath(
  new URL(process.env.UPDATE_SCREENSHOTS === "1" ? "../../../docs/screenshots/" : "../../../test-results/screenshots/", import.meta.url).href,
);

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"],
  });
}

/** Generous: the machine is shared, and a loaded workerd can take seconds per request. */
export const PAGE_TIMEOUT_MS = 60_000;

export async function newPage(browser: Browser, width = 1280): Promise<Page> {
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  page.setDefaultTimeout(PAGE_TIMEOUT_MS);
  return page;
}

/** Collects page errors, failed console messages and CSP violations, so a test can assert none. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(`console: ${m.text()}`);
  });
  return errors;
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: `${SCREENSHOTS}${name}.png` });
}

/** Waits until the element's text matches (the console fills the page asynchronously). */
export async function waitText(locator: Locator, re: RegExp, timeout = 45_000): Promise<string> {
  const end = Date.now() + timeout;
  let text = "";
  while (Date.now() < end) {
    text = (await locator.textContent({ timeout: 1000 }).catch(() => "")) ?? "";
    if (re.test(text)) return text;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`text ${JSON.stringify(text)} never matched ${re}`);
}

/** One attribute of every element a locator matches (tests type-check without the DOM lib). */
export function attrs(locator: Locator, name: string): Promise<string[]> {
  return locator.evaluateAll((els, n) => els.map((e) => (e as unknown as { getAttribute(a: string): string | null }).getAttribute(n) ?? ""), name);
}
