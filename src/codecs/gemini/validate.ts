/**
 * zod issues → a 400 in Google's own wording where Google has one (unknown fields), otherwise
 * `<field path>: <problem>`.
 */
import type { z } from "zod";
import { BadRequestError } from "../../errors/gateway-error";

export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else out += out ? `.${String(seg)}` : String(seg);
  }
  return out;
}

export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new BadRequestError(describeIssue(result.error.issues[0]));
}

function describeIssue(issue: z.core.$ZodIssue | undefined): string {
  if (!issue) return "Invalid JSON payload received.";
  const where = formatPath(issue.path);
  if (issue.code === "unrecognized_keys") {
    const at = where ? ` at '${where}'` : "";
    return issue.keys.map((k) => `Invalid JSON payload received. Unknown name "${k}"${at}: Cannot find field.`).join("\n");
  }
  return where ? `${where}: ${issue.message}` : issue.message;
}
