/**
 * Turns a zod error into one human message naming the field, e.g.
 * "messages[1].content[0].image_url.url: expected string, received number".
 *
 * For unions, zod reports every branch; the useful one is the branch that got furthest into the
 * value (the one whose type matched), so we descend into it instead of printing "Invalid input".
 */
import type { z } from "zod";

type Issue = z.core.$ZodIssue;
type Path = ReadonlyArray<PropertyKey>;

export function formatPath(path: Path): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else out += out === "" ? String(seg) : `.${String(seg)}`;
  }
  return out;
}

function deepest(issue: Issue, base: Path): { path: Path; message: string } {
  const path = [...base, ...issue.path];
  if (issue.code === "invalid_union" && issue.errors.length > 0) {
    let best: { path: Path; message: string } | undefined;
    for (const branch of issue.errors) {
      const first = branch[0];
      if (!first) continue;
      const candidate = deepest(first, path);
      if (!best || candidate.path.length > best.path.length) best = candidate;
    }
    // Every branch failed on the value itself: the union's own message says what was expected.
    if (best && best.path.length > path.length) return best;
  }
  if (issue.code === "unrecognized_keys") {
    return { path, message: `unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.join(", ")}` };
  }
  return { path, message: issue.message.replace(/^Invalid input: /, "") };
}

export function formatZodError(error: z.ZodError): string {
  const first = error.issues[0];
  if (!first) return "invalid request";
  const { path, message } = deepest(first, []);
  const where = formatPath(path);
  return where ? `${where}: ${message}` : message;
}
