#!/usr/bin/env node
// Builds the website's and console's static files into web-dist/ (served by Workers Static Assets,
// see [assets] in wrangler.toml). wrangler runs this before `dev` and `deploy` ([build] command),
// so `npm start`, `npm run build` and `npm run deploy` work from a clean clone; nothing generated
// is committed. `--check` prints the sizes (the README quotes them).
//   web-dist/assets/site.js, site.css      website (model browser enhancements, styles)
//   web-dist/assets/console.js, console.css the console (TypeScript + uPlot, bundled by esbuild)
//   web-dist/assets/swagger/*               Swagger UI, the API reference renderer (/docs)
import { build } from "esbuild";
import { copyFileSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "web-dist");
const assets = join(out, "assets");
const require = createRequire(import.meta.url);

rmSync(out, { recursive: true, force: true });
mkdirSync(join(assets, "swagger"), { recursive: true });

await build({
  entryPoints: {
    site: join(root, "src/web/client/site.ts"),
    console: join(root, "src/web/client/console.ts"),
    docs: join(root, "src/web/client/docs.ts"),
  },
  outdir: assets,
  bundle: true,
  minify: true,
  format: "esm",
  target: "es2022",
  sourcemap: false,
  legalComments: "eof",
  logLevel: "warning",
  loader: { ".css": "css" },
});
copyFileSync(join(root, "src/web/assets/site.css"), join(assets, "site.css"));
copyFileSync(join(root, "src/web/assets/favicon.svg"), join(assets, "favicon.svg"));

const swagger = dirname(require.resolve("swagger-ui-dist/package.json"));
for (const f of ["swagger-ui-bundle.js", "swagger-ui.css", "LICENSE"]) copyFileSync(join(swagger, f), join(assets, "swagger", f));

// Static assets skip the Worker, so their headers are set here (Workers Static Assets `_headers`).
writeFileSync(
  join(out, "_headers"),
  ["/assets/*", "  X-Content-Type-Options: nosniff", "  Cross-Origin-Resource-Policy: same-origin", ""].join("\n"),
);

const sizes = [];
const walk = (dir) => {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else sizes.push([p.slice(out.length + 1), statSync(p).size]);
  }
};
walk(out);
if (process.argv.includes("--check") || process.argv.includes("--sizes")) {
  for (const [p, n] of sizes) console.log(`${(n / 1024).toFixed(1).padStart(9)} KiB  ${p}`);
}
console.log(`web-dist: ${sizes.length} files, ${(sizes.reduce((a, [, n]) => a + n, 0) / 1024).toFixed(0)} KiB`);
