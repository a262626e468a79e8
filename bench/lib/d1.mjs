// Gateway state the benchmark needs before it can send a request: D1 migrations and an API key.
import fs from "node:fs";
import path from "node:path";

/** Splits a SQL file into statements (quotes, comments and CREATE TRIGGER … END aware). */
export function splitSql(sql) {
  const out = [];
  let cur = "";
  let i = 0;
  let depth = 0; // BEGIN … END nesting inside triggers
  const n = sql.length;
  while (i < n) {
    const c = sql[i];
    if (c === "-" && sql[i + 1] === "-") {
      const e = sql.indexOf("\n", i);
      i = e === -1 ? n : e + 1;
      cur += "\n";
      continue;
    }
    if (c === "/" && sql[i + 1] === "*") {
      const e = sql.indexOf("*/", i + 2);
      i = e === -1 ? n : e + 2;
      cur += " ";
      continue;
    }
    if (c === "'" || c === '"' || c === "`" || c === "[") {
      const close = c === "[" ? "]" : c;
      let j = i + 1;
      while (j < n) {
        if (sql[j] === close) {
          if (close !== "]" && sql[j + 1] === close) j += 2;
          else break;
        } else j++;
      }
      cur += sql.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    if (/[A-Za-z_]/.test(c) && !/[A-Za-z0-9_]/.test(sql[i - 1] ?? "")) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(sql.slice(i, i + 64));
      const word = m[0].toUpperCase();
      if (/^\s*CREATE\s+(TEMP\s+|TEMPORARY\s+)?TRIGGER/i.test(cur + m[0] + sql.slice(i + m[0].length, i + 40))) {
        if (word === "BEGIN" || word === "CASE") depth++;
        else if (word === "END" && depth > 0) depth--;
      }
      cur += m[0];
      i += m[0].length;
      continue;
    }
    if (c === ";" && depth === 0) {
      if (cur.trim()) out.push(cur.trim());
      cur = "";
      i++;
      continue;
    }
    cur += c;
    i++;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

/** Applies migrations/*.sql in order to the gateway's D1 database. */
export async function applyMigrations(mf, root) {
  const dir = path.join(root, "migrations");
  const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith(".sql")).sort() : [];
  const db = await mf.getD1Database("DB", "gateway");
  let count = 0;
  for (const f of files) {
    const statements = splitSql(fs.readFileSync(path.join(dir, f), "utf8"));
    for (const s of statements) {
      try {
        await db.prepare(s).run();
      } catch (e) {
        throw new Error(`migration ${f} failed on: ${s.slice(0, 200)}\n${e?.message ?? e}`);
      }
      count++;
    }
  }
  return { files, statements: count };
}

/** POST /api/v1/keys with the management key; returns the new API key (no spend limit). */
export async function createApiKey(gatewayUrl, managementKey) {
  let lastErr;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const r = await fetch(`${gatewayUrl}/api/v1/keys`, {
        method: "POST",
        headers: { authorization: `Bearer ${managementKey}`, "content-type": "application/json" },
        body: JSON.stringify({ name: "bench" }),
        signal: AbortSignal.timeout(15_000),
      });
      const text = await r.text();
      let j = null;
      try {
        j = JSON.parse(text);
      } catch {}
      const key = j?.key ?? j?.data?.key;
      if (r.ok && typeof key === "string" && key) return key;
      lastErr = new Error(`POST /api/v1/keys → ${r.status}: ${text.slice(0, 500)}`);
      if (r.status < 500) break;
    } catch (e) {
      lastErr = e;
    }
    await new Promise((res) => setTimeout(res, 300));
  }
  throw new Error(`could not create an API key: ${lastErr?.message ?? lastErr}`);
}
