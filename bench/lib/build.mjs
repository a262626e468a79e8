// Building what the benchmark runs: the gateway's Worker bundle (wrangler dry-run) and the
// compatibility settings of wrangler.toml that the runtime must match.
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const tail = (s, lines = 40) => s.split("\n").slice(-lines).join("\n");

/** Runs a command with a time limit; resolves {code, out}. */
function run(cmd, args, { cwd, env, timeoutMs }) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    const add = (d) => {
      out += d;
      if (out.length > 200_000) out = out.slice(-100_000);
    };
    child.stdout.on("data", add);
    child.stderr.on("data", add);
    const timer = setTimeout(() => {
      out += `\n[bench] timed out after ${timeoutMs} ms, killing pid ${child.pid}\n`;
      child.kill("SIGKILL");
    }, timeoutMs);
    child.on("error", (e) => {
      clearTimeout(timer);
      resolve({ code: -1, out: out + String(e) });
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, out });
    });
  });
}

/** `wrangler deploy --dry-run --outdir <outDir>`; returns the entry module's path. */
export async function buildGateway({ root, outDir, skip }) {
  if (!skip) {
    fs.rmSync(outDir, { recursive: true, force: true });
    fs.mkdirSync(outDir, { recursive: true });
    const wrangler = path.join(root, "node_modules", "wrangler", "bin", "wrangler.js");
    if (!fs.existsSync(wrangler)) throw new Error(`wrangler not found at ${wrangler} (npm install?)`);
    const t0 = Date.now();
    const r = await run(process.execPath, [wrangler, "deploy", "--dry-run", "--outdir", outDir], {
      cwd: root,
      env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: process.env.CI ?? "true", NO_COLOR: "1", FORCE_COLOR: "0" },
      timeoutMs: 180_000,
    });
    if (r.code !== 0) throw new Error(`gateway build failed (wrangler deploy --dry-run exited ${r.code}):\n${tail(r.out)}`);
    console.log(`[bench] built the Worker bundle in ${((Date.now() - t0) / 1000).toFixed(1)} s → ${path.relative(root, outDir)}`);
  }
  const candidates = ["index.js", "index.mjs", "worker.js"].map((f) => path.join(outDir, f));
  const entry = candidates.find((f) => fs.existsSync(f)) ?? fs.readdirSync(outDir).filter((f) => /\.m?js$/.test(f)).map((f) => path.join(outDir, f))[0];
  if (!entry) throw new Error(`no bundle found in ${outDir}${skip ? " (drop --no-build)" : ""}`);
  return entry;
}

/** compatibility_date / compatibility_flags from wrangler.toml (the runtime must match the build). */
export function readCompat(root) {
  const toml = fs.readFileSync(path.join(root, "wrangler.toml"), "utf8");
  const date = /^\s*compatibility_date\s*=\s*"([^"]+)"/m.exec(toml)?.[1];
  const flagsRaw = /^\s*compatibility_flags\s*=\s*\[([^\]]*)\]/m.exec(toml)?.[1] ?? "";
  const flags = [...flagsRaw.matchAll(/"([^"]+)"/g)].map((m) => m[1]);
  if (!date) throw new Error("wrangler.toml has no compatibility_date");
  return { date, flags };
}
