import type { z } from "zod";
import { BadRequestError } from "../../errors/gateway-error";

export type Path = ReadonlyArray<PropertyKey>;

/** `["messages", 1, "content"]` → `messages[1].content`. */
export function formatPath(path: Path): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out;
}

type Issue = z.core.$ZodIssue;

/**
 * A union failure is reported through the branch that got furthest (the deepest path), so
 * `content: [{type:"text", text: 3}]` says `content[0].text`, not just "invalid input".
 */
function deepestIssue(issue: Issue): { path: PropertyKey[]; message: string } {
  if (issue.code === "invalid_union" && issue.errors.length > 0) {
    let best: Issue | undefined;
    for (const branch of issue.errors) {
      const first = branch[0];
      if (first && first.path.length > 0 && (!best || first.path.length > best.path.length)) best = first;
    }
    if (best) {
      const inner = deepestIssue(best);
      return { path: [...issue.path, ...inner.path], message: inner.message };
    }
  }
  return { path: [...issue.path], message: issue.message };
}

function describe(issue: Issue, prefix: Path): string[] {
  if (issue.code === "unrecognized_keys") {
    // Same wording as the Anthropic API.
    return issue.keys.map((k) => `${formatPath([...prefix, ...issue.path, k])}: Extra inputs are not permitted`);
  }
  const { path, message } = deepestIssue(issue);
  const where = formatPath([...prefix, ...path]) || "body";
  return [`${where}: ${message.replace(/^Invalid input: /, "")}`];
}

/** Validates with zod or throws a BadRequestError naming every offending field (up to 5). */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, prefix: Path = []): z.output<S> {
  const result = schema.safeParse(value, {
    error: (iss) => (iss.code === "invalid_type" && iss.input === undefined ? "Field required" : undefined),
  });
  if (result.success) return result.data;
  const messages = result.error.issues.flatMap((i) => describe(i, prefix));
  throw new BadRequestError(messages.slice(0, 5).join("; "));
}

export function badRequest(path: Path, message: string): BadRequestError {
  return new BadRequestError(`${formatPath(path)}: ${message}`);
}
