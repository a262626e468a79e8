// The page shell shared by the website, the API reference and the console: one stylesheet, no
// inline script or style (the Content-Security-Policy forbids both), a skip link, the nav.
import { html } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";

export type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

export interface PageOptions {
  title: string;
  description?: string;
  /** Which nav entry is current. */
  nav?: "models" | "docs" | "console";
  /** Extra stylesheets and module scripts under /assets/. */
  styles?: string[];
  scripts?: string[];
  /** Classic (non-module) scripts, deferred: UMD bundles such as Swagger UI's. */
  classicScripts?: string[];
  /** Full-width main (console, API reference). */
  wide?: boolean;
}

const NAV: [NonNullable<PageOptions["nav"]>, string, string][] = [
  ["models", "/", "Models"],
  ["docs", "/docs", "API reference"],
  ["console", "/console", "Console"],
];

export function page(opts: PageOptions, body: Html): Html {
  const styles = ["/assets/site.css", ...(opts.styles ?? [])];
  const scripts = opts.scripts ?? ["/assets/site.js"];
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${opts.title}</title>
<meta name="description" content="${opts.description ?? "ARouter: one API key for hundreds of LLMs, in every API format your tools speak."}">
<meta name="color-scheme" content="light dark">
<link rel="icon" href="/assets/favicon.svg" type="image/svg+xml">
${styles.map((s) => html`<link rel="stylesheet" href="${s}">`)}
${(opts.classicScripts ?? []).map((s) => html`<script defer src="${s}"></script>`)}
${scripts.map((s) => html`<script type="module" src="${s}"></script>`)}
</head>
<body>
<a class="skip-link" href="#main">Skip to content</a>
<header class="site-header">
  <a class="brand" href="/" aria-label="ARouter home"><span class="brand-mark" aria-hidden="true">◆</span> ARouter</a>
  <nav aria-label="Main">
    <ul>
      ${NAV.map(([key, href, label]) => html`<li><a href="${href}"${opts.nav === key ? html` aria-current="page"` : ""}>${label}</a></li>`)}
    </ul>
  </nav>
</header>
<main id="main" class="${opts.wide ? "main wide" : "main"}" tabindex="-1">
${body}
</main>
<footer class="site-footer">
  <p>ARouter — an open-source LLM router on your own Cloudflare account. <a href="/openapi.json">OpenAPI</a> · <a href="/v1/models">/v1/models</a></p>
</footer>
</body>
</html>`;
}
