// Drives `npm start` the way a newcomer does: in a fresh copy of the checkout (tracked and
// committable files only, no .dev.vars, no .wrangler state), from outside, reading what it prints.
import { execFile, execFileSync, spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const execFileAsync = promisify(execFile);

export const REPO = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** A copy of what a clone would hold (tracked + new unignored files), node_modules linked, not reinstalled. */
export function cleanCheckout(): string {
  const dir = mkdtempSync(join(tmpdir(), "arouter-first-run-"));
  const files = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: REPO, encoding: "utf8" })
    .split("\0")
    .filter((f) => f && existsSync(join(REPO, f)));
  for (const f of files) {
    mkdirSync(dirname(join(dir, f)), { recursive: true });
    copyFileSync(join(REPO, f), join(dir, f));
  }
  symlinkSync(join(REPO, "node_modules"), join(dir, "node_modules"));
  return dir;
}

export const removeCheckout = (dir: string) => rmSync(dir, { recursive: true, force: true });

export function readDevVars(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of readFileSync(join(dir, ".dev.vars"), "utf8").split("\n")) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (m) out[m[1]] = m[2];
  }
  return out;
}

/** A port nothing listens on right now (the OS picks it). */
export async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const { port } = s.address() as net.AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

/** Whether something accepts connections on 127.0.0.1:port. */
export function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect({ port, host: "127.0.0.1" });
    sock.once("connect", () => (sock.destroy(), resolve(true)));
    sock.once("error", () => resolve(false));
  });
}

interface ProcInfo {
  pid: number;
  ppid: number;
  cmd: string;
}
function processes(): ProcInfo[] {
  const out: ProcInfo[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      const cmd = readFileSync(`/proc/${name}/cmdline`, "utf8").replaceAll("\0", " ").trim();
      out.push({ pid: Number(name), ppid, cmd });
    } catch {
      // exited while we looked
    }
  }
  return out;
}

/** Every live descendant of pid (wrangler, workerd, esbuild… whatever process group they are in). */
export function descendants(pid: number): ProcInfo[] {
  const all = processes();
  const found: ProcInfo[] = [];
  const queue = [pid];
  while (queue.length) {
    const p = queue.shift()!;
    for (const c of all) if (c.ppid === p) found.push(c), queue.push(c.pid);
  }
  return found;
}

/** Live processes whose working directory is inside dir (orphans included, whoever their parent is). */
export function processesIn(dir: string): ProcInfo[] {
  return processes().filter((p) => {
    try {
      return readlinkSync(`/proc/${p.pid}/cwd`).startsWith(dir);
    } catch {
      return false;
    }
  });
}

/** The environment of a developer's shell: no vitest variables (NODE_ENV=test changes wrangler's behaviour). */
function userEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(VITEST|NODE_ENV$|DEMO$|PORT$)/.test(k)) env[k] = v;
  // Offline machine: skip miniflare's download of the Request.cf object (only a warning otherwise).
  return { ...env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false", ...extra };
}

export interface Started {
  child: ChildProcess;
  output(): string;
  banner: Banner;
  /** Ctrl-C in a terminal: SIGINT to the whole foreground process group. */
  interrupt(): Promise<Exit>;
  /** A process manager's stop: SIGTERM to npm alone. */
  terminate(): Promise<Exit>;
}

export interface Banner {
  url: string;
  port: number;
  curls: string[];
  apiKey?: string;
  managementKey?: string;
  demoUpstreamPort?: number;
  text: string;
}

export function parseBanner(out: string): Banner {
  const url = /ARouter is running: (http:\/\/\S+)/.exec(out)?.[1];
  if (!url) throw new Error(`no banner in:\n${out}`);
  const text = out.slice(out.indexOf("ARouter is running"));
  return {
    url,
    port: Number(new URL(url).port),
    curls: text.split("\n").map((l) => l.trim()).filter((l) => l.startsWith("curl ")),
    apiKey: /Your API key .*: (lr_live_\S+)/.exec(text)?.[1],
    managementKey: /Management key \(new.*: (lr_mgmt_\S+)/.exec(text)?.[1],
    demoUpstreamPort: Number(/Demo upstream listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out)?.[1]) || undefined,
    text,
  };
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}
const running = new Set<{ child: ChildProcess; exited: Promise<Exit> }>();

/** After a failed test: Ctrl-C what is still running, then SIGKILL anything left in the given dirs. */
export async function killLeftovers(dirs: string[]): Promise<void> {
  for (const r of running) {
    try {
      process.kill(-r.child.pid!, "SIGINT");
    } catch {
      // already gone
    }
    await Promise.race([r.exited, new Promise((ok) => setTimeout(ok, 15_000))]);
  }
  running.clear();
  for (const dir of dirs) for (const p of processesIn(dir)) process.kill(p.pid, "SIGKILL");
}

/** `npm start -- …args` in dir, in its own process group like a terminal job; resolves once the banner is out. */
export async function npmStart(dir: string, args: string[] = [], env: Record<string, string> = {}): Promise<Started> {
  const child = spawn("npm", ["start", "--", ...args], { cwd: dir, env: userEnv(env), detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout!.setEncoding("utf8").on("data", (d: string) => (out += d));
  child.stderr!.setEncoding("utf8").on("data", (d: string) => (out += d));
  const exited = once(child, "exit").then(([code, signal]) => ({ code: code as number | null, signal: signal as NodeJS.Signals | null }));
  const entry = { child, exited };
  running.add(entry);
  exited.then(() => running.delete(entry));
  await new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => {
      if (out.includes("Ctrl-C stops the gateway")) clearInterval(timer), resolve();
    }, 100);
    exited.then((code) => (clearInterval(timer), reject(new Error(`npm start exited (${code}) before its banner:\n${out}`))));
  });
  const stop = (signal: NodeJS.Signals, group: boolean) => {
    process.kill(group ? -child.pid! : child.pid!, signal);
    return exited;
  };
  return {
    child,
    output: () => out,
    banner: parseBanner(out),
    interrupt: () => stop("SIGINT", true),
    terminate: () => stop("SIGTERM", false),
  };
}

/** Runs a printed shell line (plus extra curl flags) and returns its stdout. Asynchronous: a fake
 * upstream serving the gateway may live in this very process. */
export async function sh(line: string): Promise<string> {
  return (await execFileAsync("sh", ["-c", line], { encoding: "utf8", timeout: 60_000 })).stdout;
}

/** curl -i output → status, lower-cased headers, body. */
export function parseCurlI(raw: string): { status: number; headers: Record<string, string>; body: string } {
  const sep = raw.indexOf("\r\n\r\n");
  const head = raw.slice(0, sep).split("\r\n");
  const headers: Record<string, string> = {};
  for (const l of head.slice(1)) {
    const i = l.indexOf(":");
    headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
  }
  return { status: Number(head[0].split(" ")[1]), headers, body: raw.slice(sep + 4) };
}
