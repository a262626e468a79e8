// The website, the API reference and the console, served by the gateway's own Worker. Mounted at
// `/` in src/app.ts. Static files (/assets/*) are Workers Static Assets and never reach this code.
import { Hono } from "hono";
import { html } from "hono/html";
import type { AppBindings } from "../env";
import { parseBrowseQuery } from "./browse";
import { catalogView, findModel } from "./catalog-view";
import { consolePage } from "./console-page";
import { page } from "./layout";
import { modelPage } from "./model-page";
import { modelsPage } from "./models-page";
import { openApiDocument } from "./openapi/document";
import { DOCS_CSP, securityHeaders } from "./security-headers";
import { successRates } from "./success-rates";

export const webRoutes = new Hono<AppBindings>();

/** Pages show the catalog as it is now; shared caches must not keep them. */
const NO_STORE = { "Cache-Control": "no-store" };

webRoutes.use("/", securityHeaders());
webRoutes.use("/models/*", securityHeaders());
webRoutes.use("/models", securityHeaders());
webRoutes.use("/console", securityHeaders());
webRoutes.use("/docs", securityHeaders(DOCS_CSP));

webRoutes.get("/", async (c) => {
  const view = await catalogView(c.env);
  return c.html(modelsPage(view, parseBrowseQuery(c.req.queries())), 200, NO_STORE);
});

webRoutes.get("/models", (c) => {
  const url = new URL(c.req.url);
  return c.redirect(`/${url.search}`, 301);
});

webRoutes.get("/models/:id{.+}", async (c) => {
  const id = decodeURIComponent(c.req.param("id"));
  const view = await catalogView(c.env);
  const m = findModel(view, id);
  if (!m) {
    const body = html`<section class="empty"><h1>Model not found</h1><p><code>${id}</code> is not in the catalog, or no enabled provider serves it on this deployment.</p><p><a href="/">Browse all models</a></p></section>`;
    return c.html(page({ title: "Model not found · ARouter", nav: "models" }, body), 404, NO_STORE);
  }
  const rates = await successRates(c.env.DB, m.model.id);
  return c.html(modelPage(m, rates, new URL(c.req.url).origin), 200, NO_STORE);
});

webRoutes.get("/console", (c) => c.html(consolePage(), 200, NO_STORE));

webRoutes.get("/openapi.json", (c) => c.json(openApiDocument(new URL(c.req.url).origin), 200, { "Access-Control-Allow-Origin": "*" }));

webRoutes.get("/docs", (c) =>
  c.html(
    page(
      { title: "API reference · ARouter", nav: "docs", wide: true, styles: ["/assets/swagger/swagger-ui.css"], classicScripts: ["/assets/swagger/swagger-ui-bundle.js"], scripts: ["/assets/docs.js"] },
      html`<h1 class="sr-only">API reference</h1><p class="docs-intro">The OpenAPI 3.1 document is at <a href="/openapi.json"><code>/openapi.json</code></a>, generated from the schemas the gateway validates requests with.</p><div id="swagger"><noscript><p>The interactive reference needs JavaScript; the <a href="/openapi.json">OpenAPI document</a> does not.</p></noscript></div>`,
    ),
  ),
);
