// What the JSON records about the run's machine and software, so runs can be compared.
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { cpuModel, CLK_TCK } from "./proc.mjs";

export function bundleInfo(root, file) {
  if (!file) return null;
  try {
    const buf = fs.readFileSync(file);
    return { file: path.relative(root, file), bytes: buf.length, sha256: createHash("sha256").update(buf).digest("hex").slice(0, 16) };
  } catch {
    return { file };
  }
}

function readVersion(root, pkg) {
  try {
    return JSON.parse(fs.readFileSync(path.join(root, "node_modules", pkg, "package.json"), "utf8")).version;
  } catch {
    return null;
  }
}

export function environment({ root, compat, loadStart, runtime, entry, portkey }) {
  return {
    node: process.versions.node,
    platform: `${os.platform()} ${os.release()}`,
    cpus: os.cpus().length,
    cpuModel: cpuModel(),
    miniflare: readVersion(root, "miniflare"),
    wrangler: readVersion(root, "wrangler"),
    autocannon: readVersion(root, "autocannon"),
    compatibility: compat,
    clkTck: CLK_TCK,
    loadavgStart: loadStart,
    loadavgEnd: os.loadavg(),
    workerdPids: runtime.workerdPids,
    storage: runtime.storage,
    bundle: bundleInfo(root, entry),
    portkey: portkey.file ? bundleInfo(root, portkey.file) : { skipped: portkey.reason },
    allProviders: runtime.allProviders,
  };
}
