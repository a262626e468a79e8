#!/usr/bin/env node
// `npm start`: create .dev.vars on first run, apply local D1 migrations, then `wrangler dev`.
// Extra arguments pass through: `npm start -- --port 8788`.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const devVars = join(root, ".dev.vars");
process.env.WRANGLER_SEND_METRICS ??= "false";

if (!existsSync(devVars)) {
  const key = `lr_mgmt_${randomBytes(24).toString("base64url")}`;
  const template = readFileSync(join(root, "dev.vars.example"), "utf8");
  writeFileSync(devVars, template.replace("__GENERATED__", key), { mode: 0o600 });
  console.log(`\nCreated .dev.vars with a new management key (shown once, also stored in .dev.vars):\n\n  MANAGEMENT_KEY=${key}\n`);
}

const wrangler = join(root, "node_modules", ".bin", "wrangler");
const run = (args) => {
  const r = spawnSync(wrangler, args, { stdio: "inherit", cwd: root, env: process.env });
  if (r.status !== 0) process.exit(r.status ?? 1);
};
run(["d1", "migrations", "apply", "DB", "--local"]);
run(["dev", ...process.argv.slice(2)]);
