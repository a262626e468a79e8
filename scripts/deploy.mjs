#!/usr/bin/env node
// `npm run deploy` (after `npx wrangler login`): everything a first deploy needs, safe to re-run.
//  1. checks the login and picks the account (CLOUDFLARE_ACCOUNT_ID, or the only one, or asks);
//  2. D1 migrations on the remote database, before the new code when the database exists;
//  3. `wrangler deploy`: wrangler's automatic provisioning creates the D1 database and the KV
//     namespace on the first deploy (wrangler.toml has no ids) and finds them on later ones; its
//     [build] step builds the website and console (scripts/build-web.mjs);
//  4. on the first deploy, the migrations (the database exists only now);
//  5. a MANAGEMENT_KEY secret when the Worker has none: generated, stored with `wrangler secret
//     put`, printed once. An existing secret is never replaced.
// Extra arguments go to `wrangler deploy`. AROUTER_WRANGLER runs another wrangler executable
// (the tests point it at a stub that records its calls).
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline/promises";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const wrangler = process.env.AROUTER_WRANGLER || join(root, "node_modules", ".bin", "wrangler");
const env = { ...process.env, WRANGLER_SEND_METRICS: process.env.WRANGLER_SEND_METRICS ?? "false" };

/** Runs wrangler; never interactive (stdin closed or fed), output captured and, if asked, echoed. */
function run(args, { input, echo = false } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(wrangler, args, { cwd: root, env, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
      if (echo) process.stdout.write(d);
    });
    child.stderr.on("data", (d) => {
      stderr += d;
      if (echo) process.stderr.write(d);
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input ?? "");
  });
}

function fail(message, detail = "") {
  console.error(`\n✖ ${message}${detail ? `\n\n${detail.trim()}` : ""}\n`);
  process.exit(1);
}

async function must(args, what, opts = {}) {
  const r = await run(args, opts);
  if (r.code !== 0) fail(`${what} failed (wrangler ${args.join(" ")}).`, opts.echo ? "" : r.stderr || r.stdout);
  return r;
}

/** wrangler prints JSON after its banner on some commands: take the first JSON value. */
function parseJson(text) {
  const start = text.search(/[[{]/);
  if (start < 0) return undefined;
  try {
    return JSON.parse(text.slice(start));
  } catch {
    return undefined;
  }
}

const databaseName = (() => {
  const toml = readFileSync(join(root, "wrangler.toml"), "utf8");
  const block = toml.split("[[d1_databases]]")[1] ?? "";
  return /^\s*database_name\s*=\s*"([^"]+)"/m.exec(block)?.[1] ?? "arouter";
})();

// 1. Login and account.
const who = await run(["whoami", "--json"]);
const identity = parseJson(who.stdout);
if (who.code !== 0 || !identity?.loggedIn) fail("Not logged in to Cloudflare. Run `npx wrangler login` first (or set CLOUDFLARE_API_TOKEN), then `npm run deploy` again.");
if (!env.CLOUDFLARE_ACCOUNT_ID) {
  const accounts = identity.accounts ?? [];
  if (accounts.length === 1) env.CLOUDFLARE_ACCOUNT_ID = accounts[0].id;
  else if (accounts.length > 1) {
    if (!process.stdin.isTTY) fail(`Your login has ${accounts.length} accounts: set CLOUDFLARE_ACCOUNT_ID to the one to deploy to.`, accounts.map((a) => `${a.id}  ${a.name}`).join("\n"));
    accounts.forEach((a, i) => console.log(`  ${i + 1}. ${a.name} (${a.id})`));
    const rl = createInterface({ input: process.stdin, output: process.stdout });
    const pick = Number(await rl.question("Deploy to which account? "));
    rl.close();
    if (!accounts[pick - 1]) fail("No such account.");
    env.CLOUDFLARE_ACCOUNT_ID = accounts[pick - 1].id;
  }
}
console.log(`Deploying ARouter${identity.email ? ` as ${identity.email}` : ""} to account ${env.CLOUDFLARE_ACCOUNT_ID ?? "(default)"}.`);

// 2. Migrations first when the database already exists (new columns before the code that reads them).
const list = await must(["d1", "list", "--json"], "Listing D1 databases");
const databases = parseJson(list.stdout);
const databaseExisted = Array.isArray(databases) && databases.some((d) => d.name === databaseName);
const migrate = () => must(["d1", "migrations", "apply", "DB", "--remote"], "Applying D1 migrations", { echo: true });
if (databaseExisted) await migrate();

// 3. Deploy (provisions D1 and KV the first time).
const deployed = await must(["deploy", ...process.argv.slice(2)], "wrangler deploy", { echo: true });
const url = /https:\/\/[^\s]+\.workers\.dev/.exec(deployed.stdout + deployed.stderr)?.[0];

// 4. First deploy: the database was just created.
if (!databaseExisted) await migrate();

// 5. The bootstrap management key, once.
const secrets = parseJson((await must(["secret", "list", "--format", "json"], "Listing the Worker's secrets")).stdout);
const hasKey = Array.isArray(secrets) && secrets.some((s) => s.name === "MANAGEMENT_KEY");
let generated;
if (!hasKey) {
  generated = `lr_mgmt_${randomBytes(24).toString("base64url")}`;
  await must(["secret", "put", "MANAGEMENT_KEY"], "Storing the MANAGEMENT_KEY secret", { input: generated });
}

const base = url ?? "https://<your worker>.workers.dev";
console.log(`\n✔ ARouter is deployed: ${base}\n`);
if (generated) {
  console.log("  Your management key (shown once; stored only as the Worker secret MANAGEMENT_KEY):\n");
  console.log(`    ${generated}\n`);
  console.log("  Keep it somewhere safe: it signs in to the console and manages API keys.");
} else {
  console.log("  MANAGEMENT_KEY: already set (unchanged).");
}
console.log(`
  Website:   ${base}/
  Console:   ${base}/console
  API:       ${base}/v1   (reference: ${base}/docs)

  Enable a provider:  npx wrangler secret put OPENAI_API_KEY   (or ANTHROPIC_API_KEY, GEMINI_API_KEY, …)
`);
