#!/usr/bin/env node
// `npm start`: the gateway on this machine, answering from the first run.
//  1. .dev.vars: created from dev.vars.example on first run, with a fresh management key.
//  2. Local D1 migrations, then `wrangler dev` on the preferred port (8787, --port or PORT) or the
//     next free one.
//  3. With no provider key in .dev.vars (or with DEMO=1), the built-in demo upstream runs in this
//     process and every provider points at it (scripts/start/demo.mjs); the Worker labels every
//     answer as a demo (src/demo).
//  4. Once the gateway answers: the developer's API key (created through the management API, kept
//     in .dev.vars as AROUTER_API_KEY) and a quick-start banner with lines to paste.
// Ctrl-C or SIGTERM stops wrangler, workerd and the demo upstream. Other arguments go to wrangler
// dev: `npm start -- --port 8788 --ip 0.0.0.0`.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { renderBanner } from "./start/banner.mjs";
import { demoDecision, startDemoUpstream } from "./start/demo.mjs";
import { ensureDeveloperKey, pickExampleModel, waitForGateway } from "./start/developer-key.mjs";
import { ensureDevVars, readDevVars } from "./start/dev-vars.mjs";
import { pickPort } from "./start/ports.mjs";
import { runWrangler, startWranglerDev } from "./start/wrangler.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
process.env.WRANGLER_SEND_METRICS ??= "false";

/** Our own options out of the argument list (--port, --ip); the rest passes through to wrangler dev. */
function parseArgs(argv) {
  const rest = [];
  const opts = {};
  for (let i = 0; i < argv.length; i++) {
    const m = /^--(port|ip)(?:=(.*))?$/.exec(argv[i]);
    if (!m) rest.push(argv[i]);
    else opts[m[1]] = m[2] ?? argv[++i];
  }
  return { rest, ...opts };
}

const args = parseArgs(process.argv.slice(2));
const preferredPort = Number(args.port ?? process.env.PORT ?? 8787);
if (!Number.isInteger(preferredPort) || preferredPort < 1 || preferredPort > 65535) {
  console.error(`npm start: invalid port '${args.port ?? process.env.PORT}'`);
  process.exit(2);
}
const ip = args.ip ?? "127.0.0.1";

let wrangler; // the wrangler dev child, once started
let demoUpstream; // the in-process fake upstream, when the demo runs
let stopping = false;
async function shutdown(code) {
  if (stopping) return; // a terminal's Ctrl-C may arrive twice (directly and forwarded by npm)
  stopping = true;
  await wrangler?.stop();
  await demoUpstream?.close();
  process.exit(code);
}
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(signal, () => shutdown(0));
// `npm start` runs us under `sh -c`; a SIGTERM to npm ends that shell but not us, so notice the
// parent going away (we are re-parented) and stop too, rather than leave the gateway running.
const parent = process.ppid;
setInterval(() => process.ppid !== parent && shutdown(0), 500).unref();
// Whoever read our output is gone (a closed terminal, a killed npm): stop rather than write into
// the void. (Handled here, or every failed write would become an uncaught exception.)
for (const stream of [process.stdout, process.stderr]) stream.on("error", () => shutdown(0));
process.on("uncaughtException", (e) => {
  if (!stopping) process.stderr.write(`${e?.stack ?? e}\n`);
  shutdown(1);
});

const { file: devVarsFile, createdKey } = ensureDevVars(root);
if (createdKey) console.log("Created .dev.vars with a new management key (printed below once the gateway is up).");
const vars = readDevVars(devVarsFile);
const demo = demoDecision(vars);

console.log("Applying local D1 migrations…");
const migrations = runWrangler(root, ["d1", "migrations", "apply", "DB", "--local"]);
if (!migrations.ok) {
  process.stderr.write(migrations.output);
  process.exit(migrations.status);
}

const port = await pickPort(preferredPort, ip);
if (port !== preferredPort) console.log(`Port ${preferredPort} is in use; using ${port}.`);

const devVars = [];
if (demo.on) {
  demoUpstream = await startDemoUpstream();
  for (const [name, value] of Object.entries(demoUpstream.vars)) devVars.push("--var", `${name}:${value}`);
  console.log(`Demo upstream listening on ${demoUpstream.url}`);
} else if (vars.DEMO) {
  devVars.push("--var", "DEMO:0"); // DEMO=0 in the environment overrides DEMO=1 in .dev.vars
}
// wrangler lists every binding it was given; the demo's dozens of provider variables are noise there.
const hidden = new Set(Object.keys(demoUpstream?.vars ?? {}).filter((n) => n !== "DEMO"));
const filter = (line) => {
  if (stopping) return false; // wrangler's goodbye would land after the shell's prompt
  const m = /^env\.([A-Z0-9_]+) \(/.exec(line.trim());
  return !(m && hidden.has(m[1]));
};

if (!stopping) {
  wrangler = startWranglerDev(
    root,
    ["--port", String(port), "--ip", ip, "--show-interactive-dev-session=false", ...devVars, ...args.rest],
    { filter },
  );
  wrangler.exited.then((code) => shutdown(code)); // wrangler stopped by itself (or by our shutdown)

  const local = ["127.0.0.1", "localhost", "0.0.0.0", "::", "*"].includes(ip);
  const probe = `http://${local ? "127.0.0.1" : ip.includes(":") ? `[${ip}]` : ip}:${port}`;
  const url = local ? `http://localhost:${port}` : probe;
  if (await waitForGateway(probe, { alive: wrangler.alive })) {
    let key;
    try {
      key = await ensureDeveloperKey(probe, readDevVars(devVarsFile), devVarsFile);
    } catch (e) {
      key = { key: undefined, status: "create-failed", detail: e instanceof Error ? e.message : String(e) };
    }
    const model = await pickExampleModel(probe, key.key).catch(() => "auto");
    if (!stopping) console.log(renderBanner({ url, port, preferredPort, demo, managementKey: createdKey, key, model }));
  } else if (!stopping) {
    console.error("npm start: the gateway did not come up (see wrangler's output above).");
    shutdown(1);
  }
}
