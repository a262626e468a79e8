// .dev.vars: the local secrets file wrangler dev reads. `npm start` creates it from dev.vars.example
// on first run (with a fresh management key) and records the API key it creates for the developer.
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** KEY=VALUE lines as wrangler's dotenv reads them: `#` comments, optional quotes, `export `. */
export function parseDevVars(text) {
  const vars = {};
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][\w.-]*)\s*=\s*(.*)$/.exec(line);
    if (!m) continue;
    let value = m[2].trim();
    const q = value[0];
    if ((q === '"' || q === "'" || q === "`") && value.indexOf(q, 1) > 0) value = value.slice(1, value.indexOf(q, 1));
    else value = value.replace(/\s+#.*$/, "");
    vars[m[1]] = value;
  }
  return vars;
}

export function readDevVars(file) {
  return existsSync(file) ? parseDevVars(readFileSync(file, "utf8")) : {};
}

/** Creates .dev.vars from the template when missing; returns the new management key, if any. */
export function ensureDevVars(root) {
  const file = join(root, ".dev.vars");
  if (existsSync(file)) return { file, createdKey: undefined };
  const key = `lr_mgmt_${randomBytes(24).toString("base64url")}`;
  const template = readFileSync(join(root, "dev.vars.example"), "utf8");
  writeFileSync(file, template.replace("__GENERATED__", key), { mode: 0o600 });
  return { file, createdKey: key };
}

/** Sets NAME=value in place (the first uncommented NAME line) or appends it with a comment. */
export function setDevVar(file, name, value, comment) {
  const text = existsSync(file) ? readFileSync(file, "utf8") : "";
  const lines = text.split("\n");
  const i = lines.findIndex((l) => new RegExp(`^\\s*(?:export\\s+)?${name}\\s*=`).test(l));
  if (i >= 0) lines[i] = `${name}=${value}`;
  else {
    if (lines.length && lines[lines.length - 1] === "") lines.pop();
    lines.push("", `# ${comment}`, `${name}=${value}`, "");
  }
  writeFileSync(file, lines.join("\n"), { mode: 0o600 });
}
